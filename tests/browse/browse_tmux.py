"""Driving a terminal program in tmux: start it in a detached session of a given size, send
keys, read the screen back (text, or with its colour and attribute escapes).

Every session runs on a tmux server of its own (-S, a socket in a private temporary
directory), so tests running in parallel, and
anyone else's tmux on the machine, never see each other. The configuration keeps a pane open
after its program exits, and a shell in between records the program's exit status.
"""
import os
import pathlib
import shlex
import shutil
import subprocess
import tempfile
import time

CONF = "set -g remain-on-exit on\nset -g default-terminal screen\nset -g status off\n"


class Tmux:
    def __init__(self, argv: list, width: int = 80, height: int = 24, env: dict | None = None,
                 cwd=None):
        if not shutil.which("tmux"):
            raise RuntimeError("tmux is not installed (scripts/install_deps.sh installs it)")
        self._dir = pathlib.Path(tempfile.mkdtemp(prefix="sscan-tmux-"))
        conf = self._dir / "tmux.conf"
        conf.write_text(CONF)
        # The server's socket lives in our own directory, so close() leaves nothing behind.
        self.socket = str(self._dir / "tmux.sock")
        self.width, self.height = width, height
        # The program sees exactly this environment (TERM as tmux's default-terminal), so a
        # NO_COLOR or TZ of the test process cannot leak in.
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get(
            "HOME", "/root"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC",
                "TERM": "screen"}
        base.update(env or {})
        # A shell between tmux and the program writes its exit status to a file: tmux 3.3
        # sometimes leaves an exited program unreaped (a zombie) and never reports the pane
        # dead, on a loaded machine.
        self._status = self._dir / "status"
        wrapper = ["sh", "-c", f'"$@"; echo $? > {shlex.quote(str(self._status))}', "sh"]
        command = "exec " + shlex.join(["env", "-i", *(f"{k}={v}" for k, v in base.items()),
                                        *wrapper, *map(str, argv)])
        try:
            self._tmux("-f", str(conf), "new-session", "-d", "-s", "t", "-x", str(width), "-y",
                       str(height), *(["-c", str(cwd)] if cwd else []), command)
        except BaseException:
            self.close()
            raise

    def _tmux(self, *args, check=True) -> str:
        proc = subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True,
                              text=True, timeout=30)
        if check and proc.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {proc.stderr.strip()}")
        return proc.stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        """tmux key names ('Down', 'Enter', 'BSpace', 'Escape', 'Tab') or, literal, text."""
        self._tmux("send-keys", "-t", "t", *(["-l"] if literal else []), *keys)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def screen(self, escapes: bool = False) -> str:
        return self._tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "t")

    def lines(self) -> list[str]:
        return self.screen().splitlines()

    def wait_for(self, predicate, timeout: float = 30, what: str = "the screen") -> str:
        """Polls the screen until predicate(text) holds on two captures in a row that are the
        same (a capture can land while the program is halfway through redrawing); returns
        the text."""
        deadline = time.monotonic() + timeout
        text = previous = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text) and text == previous:
                return text
            previous = text if predicate(text) else ""
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{text}")

    def wait_text(self, needle: str, timeout: float = 30) -> str:
        return self.wait_for(lambda t: needle in t, timeout, repr(needle))

    def exit_status(self, timeout: float = 30) -> int:
        """The program's exit status (128 + N when killed by signal N), once it has exited."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._status.exists() and self._status.read_text().strip():
                return int(self._status.read_text())
            time.sleep(0.05)
        raise AssertionError(f"the program did not exit; the screen was:\n{self.screen()}")

    def close(self) -> None:
        self._tmux("kill-server", check=False)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
