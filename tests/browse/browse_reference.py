"""What the browser must show for a directory, computed from the filesystem itself (os.lstat
and du), never from a snapshot or a summary.

Rules (docs/browse.md): a directory's figures are its whole subtree's, itself included, each
hard-linked inode once (du -s); `files` counts regular files; the newest mtime is over every
entry of the subtree; the owner is the uid owning most allocated bytes of the subtree (ties:
the smallest uid), by name when the system knows it.
"""
import os
import pwd
import stat
import subprocess


def walk(root) -> list[tuple[str, os.stat_result]]:
    root = os.fsdecode(root)
    out = [(root, os.lstat(root))]
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            out.append((path, os.lstat(path)))
    return out


def below(entries, top: str):
    top = os.fsdecode(top)
    return [(p, st) for p, st in entries if p == top or p.startswith(top.rstrip("/") + "/")]


def once(entries):
    seen = set()
    for path, st in sorted(entries):
        if st.st_nlink > 1 and not stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in seen:
                continue
            seen.add(key)
        yield path, st


def owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def figures(entries, top: str) -> dict:
    """The figures of `top`: a directory's subtree, or a single entry."""
    counted = list(once(below(entries, top)))
    by_uid: dict[int, int] = {}
    for _, st in counted:
        by_uid[st.st_uid] = by_uid.get(st.st_uid, 0) + st.st_blocks * 512
    top_uid = min(by_uid, key=lambda u: (-by_uid[u], u))
    return {"allocated": sum(st.st_blocks * 512 for _, st in counted),
            "apparent": sum(st.st_size for _, st in counted),
            "files": sum(1 for _, st in counted if stat.S_ISREG(st.st_mode)),
            "entries": len(counted),
            "newest_mtime": max(int(st.st_mtime) for _, st in counted),
            "owner": owner_name(top_uid)}


def du(path, *flags) -> int:
    """du -s in bytes (or inodes with --inodes), one path per run: du given several paths
    counts a hard link only under the first."""
    unit = [] if "--inodes" in flags else ["--block-size=1"]
    proc = subprocess.run(["du", "-s", *unit, *flags, os.fsencode(path)], capture_output=True,
                          check=True)
    return int(proc.stdout.split()[0])


def children(root) -> list[str]:
    return sorted(os.path.join(os.fsdecode(root), n) for n in os.listdir(os.fsdecode(root)))
