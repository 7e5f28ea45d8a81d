"""Reading ncdu's JSON export format (ours, and ncdu's own) into something comparable, and
ncdu's own rule for totals.

normalise() flattens the nested arrays into {path relative to the root (bytes): fields},
keeping the fields that decide what ncdu shows (sizes, hard links, flags), so that two
exports of the same tree compare equal whatever their order and metadata.
"""
import json
import subprocess

KEPT = ("asize", "dsize", "ino", "hlnkc", "nlink", "notreg", "read_error", "excluded")


def load(path) -> list:
    # ncdu writes names as their raw bytes; surrogateescape keeps them exact.
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8", "surrogateescape"))


def name_bytes(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def normalise(doc: list, extended: bool = False) -> dict:
    major, _minor, _meta, top = doc
    assert major == 1
    out = {}
    keep = KEPT + (("uid", "gid", "mode", "mtime") if extended else ())

    def visit(node, prefix: bytes):
        info = node[0] if isinstance(node, list) else node
        path = prefix + b"/" + name_bytes(info["name"]) if prefix is not None else b""
        fields = {k: info[k] for k in keep if k in info}
        fields["dir"] = isinstance(node, list)
        out[path] = fields
        if isinstance(node, list):
            for child in node[1:]:
                visit(child, path)

    visit(top, None)
    return out


def export_back(ncdu: str, infile, outfile, *flags) -> dict:
    """ncdu -f IN -o OUT: what ncdu itself read from IN, written out again."""
    proc = subprocess.run([ncdu, *flags, "-f", str(infile), "-o", str(outfile)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return load(outfile)


def totals(flat: dict, top: bytes = b"") -> dict:
    """What ncdu shows for the directory `top`: its subtree's sizes with each hard-linked inode
    once (excluded entries count nothing)."""
    seen, asize, dsize, items = set(), 0, 0, 0
    for path, f in flat.items():
        if not (path == top or path.startswith(top + b"/")) or f.get("excluded"):
            continue
        if f.get("hlnkc"):
            if f["ino"] in seen:
                continue
            seen.add(f["ino"])
        asize += f.get("asize", 0)
        dsize += f.get("dsize", 0)
        items += 1
    return {"asize": asize, "dsize": dsize, "items": items}
