"""A real one-node Slurm cluster (munged, slurmctld, slurmd) for the duration of a test.

The recipe of /work/shared/notes/slurm-one-node.md, verified on Debian 12 (slurm-wlm 22.05):
every daemon runs in the foreground as a child of the test, all state lives in a fresh
temporary directory, a private munged serves only this cluster (AuthInfo=socket=...), and
SLURM_CONF is exported for every client. Stopping is strictly by recorded PID: jobs first
(scancel, wait for the queue and the step sockets to go: slurmstepd is not a child of
slurmd), then the daemons, then anything still carrying this cluster's SLURM_CONF.

Needs root (munged, slurmd). Slurm and munge are installed by scripts/install_deps.sh when
missing. start() raises ClusterError with the daemons' logs when the cluster does not come up.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class ClusterError(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OneNodeSlurm:
    def __init__(self):
        self.dir = None
        self.node = socket.gethostname().split(".")[0]
        self.procs = {}
        self.conf = None

    # ------------------------------------------------------------------------- helpers
    def env(self, **extra):
        env = dict(os.environ)
        env["SLURM_CONF"] = str(self.conf)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def client(self, *args, check=True, timeout=30, **kwargs):
        proc = subprocess.run(list(args), capture_output=True, text=True, env=self.env(),
                              timeout=timeout, **kwargs)
        if check and proc.returncode != 0:
            raise ClusterError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}")
        return proc

    def logs(self, lines=25) -> str:
        out = []
        for f in sorted((self.dir / "log").glob("*")):
            text = f.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {f.name}\n" + "\n".join(text))
        return "\n".join(out)

    def queue(self):
        """Job ids still in the queue (array tasks one per line), or None if unreachable."""
        proc = self.client("squeue", "-h", "-r", "-o", "%i %T", check=False)
        if proc.returncode != 0:
            return None
        return [l.split() for l in proc.stdout.splitlines() if l.strip()]

    def wait_queue_empty(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.queue() == []:
                return
            time.sleep(0.25)
        raise ClusterError(f"queue not empty after {timeout} s: {self.queue()}")

    # ------------------------------------------------------------------------- start
    def start(self):
        if os.geteuid() != 0:
            raise ClusterError("a one-node Slurm needs root (munged, slurmd); run the suite as root")
        if not shutil.which("slurmctld") or not shutil.which("munged"):
            proc = subprocess.run([str(REPO / "scripts" / "install_deps.sh")], capture_output=True,
                                  text=True, timeout=900)
            if not shutil.which("slurmctld") or not shutil.which("munged"):
                raise ClusterError("slurm-wlm/munge missing and install_deps.sh could not install "
                                   f"them: {proc.stderr[-2000:]}")
        self.dir = Path(tempfile.mkdtemp(prefix="sscan-slurm."))
        os.chmod(self.dir, 0o755)  # munged: every directory above its socket must be o+x
        for d in ["munge", "etc", "state", "spool", "log", "run"]:
            (self.dir / d).mkdir()
        os.chmod(self.dir / "munge", 0o755)
        self.conf = self.dir / "etc" / "slurm.conf"
        sock = self.dir / "munge" / "munge.socket"

        hw = subprocess.run(["slurmd", "-C"], capture_output=True, text=True).stdout
        cpus = re.search(r"CPUs=(\d+)", hw)
        mem = re.search(r"RealMemory=(\d+)", hw)
        if not cpus or not mem:
            raise ClusterError(f"slurmd -C said: {hw!r}")

        key = self.dir / "munge" / "munge.key"
        subprocess.run(["mungekey", "--create", f"--keyfile={key}"], check=True,
                       capture_output=True)
        self._spawn("munged", ["munged", "--foreground", "-S", str(sock), f"--key-file={key}",
                               f"--pid-file={self.dir}/run/munged.pid",
                               f"--seed-file={self.dir}/munge/munged.seed"])
        deadline = time.monotonic() + 10
        while True:
            cred = subprocess.run(["munge", "-n", "-S", str(sock)], capture_output=True)
            ok = cred.returncode == 0 and subprocess.run(
                ["unmunge", "-S", str(sock)], input=cred.stdout, capture_output=True).returncode == 0
            if ok:
                break
            if time.monotonic() > deadline:
                raise ClusterError("munged did not answer:\n" + self.logs())
            time.sleep(0.1)

        d = self.dir
        self.conf.write_text(f"""ClusterName=sscantest
SlurmctldHost={self.node}(127.0.0.1)
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={sock}
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/run/slurmctld.pid
SlurmdPidFile={d}/run/slurmd.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=100
ReturnToService=2
SlurmdParameters=config_overrides
MaxArraySize=1001
MinJobAge=600
KillWait=5
InactiveLimit=0
NodeName={self.node} NodeAddr=127.0.0.1 CPUs={cpus.group(1)} RealMemory={mem.group(1)} State=UNKNOWN
PartitionName=debug Nodes={self.node} Default=YES MaxTime=INFINITE State=UP
""")
        self._spawn("slurmctld", ["slurmctld", "-D", "-f", str(self.conf)])
        self._spawn("slurmd", ["slurmd", "-D", "-N", self.node, "-f", str(self.conf)])
        deadline = time.monotonic() + 30
        state = ""
        while time.monotonic() < deadline:
            for name, p in self.procs.items():
                if p.poll() is not None:
                    raise ClusterError(f"{name} exited {p.returncode}:\n" + self.logs())
            state = self.client("sinfo", "-h", "-n", self.node, "-o", "%T", check=False).stdout.strip()
            if state == "idle":
                return
            time.sleep(0.25)
        raise ClusterError(f"node not idle after 30 s (state '{state}'):\n" + self.logs())

    def _spawn(self, name, cmd):
        log = open(self.dir / "log" / f"{name}.stderr", "wb")
        self.procs[name] = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, env=self.env())
        log.close()

    # ------------------------------------------------------------------------- stop
    def stop(self):
        if self.dir is None:
            return
        ctld = self.procs.get("slurmctld")
        if ctld is not None and ctld.poll() is None:
            self.client("scancel", "--quiet", "--full", "--user=root", check=False)
            try:
                self.wait_queue_empty(30)
            except ClusterError:
                pass
        # Each live step keeps a socket "<node>_<job>.<step>" in the spool directory.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and list((self.dir / "spool").glob(f"{self.node}_*")):
            time.sleep(0.25)
        for name in ["slurmd", "slurmctld", "munged"]:
            p = self.procs.pop(name, None)
            if p is None:
                continue
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(timeout=10)
        # Safety net: whatever still carries this cluster's SLURM_CONF (a stray slurmstepd or
        # job) is ours to kill, and only that.
        marker = f"SLURM_CONF={self.conf}".encode()
        for env in Path("/proc").glob("[0-9]*/environ"):
            pid = int(env.parent.name)
            if pid == os.getpid():
                continue
            try:
                if marker in env.read_bytes().split(b"\0"):
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass
        if not os.environ.get("SSCAN_KEEP_SLURM_DIR"):
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
