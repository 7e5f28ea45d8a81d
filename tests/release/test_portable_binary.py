"""The portable release binary (scripts/build_release.sh, docs/deployment.md) keeps its two
promises: it needs no shared library but the C library's own, built against glibc 2.28's
symbol versions; and owner/group names still resolve through the system's name service,
including NSS modules loaded at run time (as SSSD and LDAP are).

The chroot test runs the binary where nothing else exists: the binary, the C library files it
is linked against, libnss_files, /etc/passwd, /etc/group, /etc/nsswitch.conf, and an NSS
module of our own (libnss_sscantest.so.2, compiled here) that answers for one uid and one gid
nobody else knows. A row owned by that uid shows the name only that module gives, so the
lookup went through NSS's dlopen path inside the chroot.

The C library inside the chroot is this machine's (glibc 2.36): no glibc 2.28 runtime is
reachable from here, so "runs on 2.28" is checked through the symbol versions the binary asks
for, which is what the dynamic loader of an older glibc checks too.
"""
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from release_lib import REPO, describe, git_revision, project_version, run

ALLOWED_NEEDED = {"libc.so.6", "ld-linux-x86-64.so.2", "libm.so.6", "libpthread.so.0",
                  "libdl.so.2", "librt.so.1"}
MAX_GLIBC = (2, 28)
FLAVOUR = "release, portable glibc>=2.28"


def test_needs_no_shared_library_but_the_c_library(portable_bin):
    proc = run(["readelf", "-d", portable_bin])
    assert proc.returncode == 0, describe(proc)
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", proc.stdout))
    assert needed, f"no NEEDED entries: is this a dynamic executable?\n{proc.stdout}"
    assert "libc.so.6" in needed, "glibc must stay dynamic so NSS modules can be loaded"
    extra = needed - ALLOWED_NEEDED
    assert not extra, f"shared libraries besides the C library: {sorted(extra)}"
    assert not re.search(r"\((RPATH|RUNPATH)\)", proc.stdout), "the binary carries an rpath"


def test_asks_for_no_glibc_symbol_version_newer_than_2_28(portable_bin):
    proc = run(["objdump", "-T", portable_bin])
    assert proc.returncode == 0, describe(proc)
    versions = set(re.findall(r"\b(GLIBC_\d+\.\d+(?:\.\d+)?)\b", proc.stdout))
    assert versions, "no GLIBC_ symbol versions found"
    too_new = sorted(v for v in versions
                     if tuple(int(x) for x in v[len("GLIBC_"):].split("."))[:2] > MAX_GLIBC)
    assert not too_new, f"symbols need a newer glibc than 2.28: {too_new}"
    # Anything versioned by another library (libstdc++, libgcc_s) or glibc-internal.
    foreign = set(re.findall(r"\b(GLIBCXX_\S+|CXXABI_\S+|GCC_\d\S*|GLIBC_PRIVATE)", proc.stdout))
    assert not foreign, f"symbol versions of other libraries: {sorted(foreign)}"


def test_version_names_version_revision_and_portable_flavour(portable_bin):
    proc = run([portable_bin, "--version"])
    assert proc.returncode == 0, describe(proc)
    line = proc.stdout.strip()
    assert line.startswith(f"storage-scanner {project_version()} (git "), line
    assert f", {FLAVOUR})" in line, line
    revision = re.search(r"\(git ([^,]+),", line).group(1)
    assert re.fullmatch(r"[0-9a-f]{12}(-dirty)?|unknown", revision), line


def test_tarball_holds_the_binary_scripts_and_man_page(portable_bin):
    tarballs = sorted((REPO / "dist").glob("storage-scanner-*-linux-x86_64.tar.gz"))
    assert len(tarballs) == 1, f"expected one tarball in dist/: {tarballs}"
    top = f"storage-scanner-{project_version()}-linux-x86_64"
    assert tarballs[0].name == f"{top}.tar.gz"
    with tarfile.open(tarballs[0]) as tar:
        members = {m.name: m for m in tar.getmembers()}
        binary = tar.extractfile(members[f"{top}/bin/storage-scanner"]).read()
    assert binary == portable_bin.read_bytes(), "the tarball's binary is not dist/storage-scanner"
    assert f"{top}/share/man/man1/storage-scanner.1" in members
    scripts_dir = f"{top}/share/storage-scanner/scripts/"
    scripts = {Path(n).name for n, m in members.items() if n.startswith(scripts_dir) and m.isfile()}
    assert "check_node.sh" in scripts
    assert not scripts & {"build.sh", "build_release.sh", "install_deps.sh", "test.sh"}
    assert all(m.uid == 0 and m.gid == 0 for m in members.values()), "owners must be 0"
    assert len({m.mtime for m in members.values()}) == 1, "times must all be the commit's"


# --- the chroot -----------------------------------------------------------------------------

FILES_UID, FILES_GID = 4242, 4242      # named only by the chroot's /etc/passwd and /etc/group
MODULE_UID, MODULE_GID = 4343, 4343    # named only by libnss_sscantest.so.2

NSS_MODULE_C = r"""
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stddef.h>

static char kUser[] = "nss-module-user";
static char kGroup[] = "nss-module-group";
static char kEmpty[] = "";
static char kRoot[] = "/";
static char *kNoMembers[] = {NULL};

enum nss_status _nss_sscantest_getpwuid_r(uid_t uid, struct passwd *pw, char *buf,
                                          size_t len, int *errnop) {
  (void)buf; (void)len; (void)errnop;
  if (uid != %(uid)d) return NSS_STATUS_NOTFOUND;
  pw->pw_name = kUser; pw->pw_passwd = kEmpty; pw->pw_uid = uid; pw->pw_gid = %(gid)d;
  pw->pw_gecos = kEmpty; pw->pw_dir = kRoot; pw->pw_shell = kEmpty;
  return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_sscantest_getgrgid_r(gid_t gid, struct group *gr, char *buf,
                                          size_t len, int *errnop) {
  (void)buf; (void)len; (void)errnop;
  if (gid != %(gid)d) return NSS_STATUS_NOTFOUND;
  gr->gr_name = kGroup; gr->gr_passwd = kEmpty; gr->gr_gid = gid; gr->gr_mem = kNoMembers;
  return NSS_STATUS_SUCCESS;
}
""" % {"uid": MODULE_UID, "gid": MODULE_GID}


def copy_with_path(src: Path, root: Path) -> Path:
    """Copies src (symlinks followed) to the same absolute path under root."""
    dst = root / str(src).lstrip("/")
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)  # follows symlinks: the chroot holds plain files
    return dst


def c_library_files(binary: Path) -> list[Path]:
    """The host's files for the binary's NEEDED libraries and its interpreter, as ldd finds them."""
    proc = run(["ldd", binary])
    assert proc.returncode == 0, describe(proc)
    paths = [Path(p) for p in re.findall(r"(/\S+) \(0x[0-9a-f]+\)", proc.stdout)]
    assert any(p.name == "libc.so.6" for p in paths), proc.stdout
    return paths


@pytest.fixture
def chroot(tmp_path, portable_bin) -> Path:
    if os.geteuid() != 0:
        pytest.skip("chroot and chown need root (CI runs as root)")
    if shutil.which("cc") is None:
        pytest.fail("no C compiler for the test NSS module (scripts/install_deps.sh installs one)")
    root = tmp_path / "root"
    (root / "bin").mkdir(parents=True)
    shutil.copy2(portable_bin, root / "bin" / "storage-scanner")
    libs = c_library_files(portable_bin)
    for lib in libs:
        copy_with_path(lib, root)
    libdir = next(p.parent for p in libs if p.name == "libc.so.6")
    if (libdir / "libnss_files.so.2").exists():  # since glibc 2.34 "files" lives in libc itself
        copy_with_path(libdir / "libnss_files.so.2", root)
    module_src = tmp_path / "nss_sscantest.c"
    module_src.write_text(NSS_MODULE_C)
    module = root / str(libdir).lstrip("/") / "libnss_sscantest.so.2"
    proc = run(["cc", "-shared", "-fPIC", "-O1", "-o", module, module_src])
    assert proc.returncode == 0, describe(proc)

    etc = root / "etc"
    etc.mkdir()
    (etc / "passwd").write_text(f"root:x:0:0:root:/:/bin/false\n"
                                f"chroot-owner:x:{FILES_UID}:{FILES_GID}::/:/bin/false\n")
    (etc / "group").write_text(f"root:x:0:\nchroot-group:x:{FILES_GID}:\n")
    (etc / "nsswitch.conf").write_text("passwd: files sscantest\ngroup: files sscantest\n")

    tree = root / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "owned-by-files.txt").write_bytes(b"hello")
    (tree / "sub" / "owned-by-module.dat").write_bytes(b"x" * 1000)
    (tree / "sub" / "link").symlink_to("../owned-by-files.txt")
    os.chown(tree / "owned-by-files.txt", FILES_UID, FILES_GID)
    os.chown(tree / "sub" / "owned-by-module.dat", MODULE_UID, MODULE_GID)
    os.chown(tree, 0, 0)
    (root / "out").mkdir()
    return root


def test_scans_inside_a_chroot_holding_only_the_c_library(chroot):
    everything = sorted(str(p.relative_to(chroot)) for p in chroot.rglob("*")
                        if p.is_file() and not str(p.relative_to(chroot)).startswith("tree"))
    chroot_cmd = shutil.which("chroot") or "/usr/sbin/chroot"
    proc = run([chroot_cmd, chroot, "/bin/storage-scanner", "scan", "-p", "/tree",
                "-o", "/out/scan.parquet", "-t", "2"], env={"PATH": "/bin"}, timeout=120)
    assert proc.returncode == 0, f"{describe(proc)}\nchroot holds: {everything}"

    table = pq.read_table(chroot / "out" / "scan.parquet")
    rows = {r["path"]: r for r in table.to_pylist()}
    assert set(rows) == {"/tree", "/tree/owned-by-files.txt", "/tree/sub",
                         "/tree/sub/owned-by-module.dat", "/tree/sub/link"}

    files_row = rows["/tree/owned-by-files.txt"]
    assert (files_row["size"], files_row["file_type"], files_row["depth"]) == (5, "txt", 1)
    assert (files_row["uid"], files_row["owner"]) == (FILES_UID, "chroot-owner")
    assert (files_row["gid"], files_row["group"]) == (FILES_GID, "chroot-group")

    module_row = rows["/tree/sub/owned-by-module.dat"]
    assert (module_row["size"], module_row["parent_path"]) == (1000, "/tree/sub")
    # Only the dlopen'ed module knows these ids: the path SSSD and LDAP take.
    assert (module_row["owner"], module_row["group"]) == ("nss-module-user", "nss-module-group")

    assert (rows["/tree"]["owner"], rows["/tree"]["group"]) == ("root", "root")
    link = rows["/tree/sub/link"]
    assert (link["file_type"], link["symlink_target"]) == ("symlink", "../owned-by-files.txt")

    meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    assert meta.get("storage_scanner.version") == project_version(), meta
    assert meta.get("storage_scanner.build") == FLAVOUR, meta
    assert meta.get("storage_scanner.git_revision", "").split("-")[0] in (git_revision(), "unknown")
    assert meta.get("scan.root") == "/tree", meta
