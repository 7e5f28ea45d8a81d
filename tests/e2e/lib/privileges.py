"""Running things as an unprivileged user, for the tests where permissions matter.

Root ignores permission bits, so "permission denied" can only be seen by another user. The
scanner is run through `setpriv` (SETPRIV_NOBODY); the reference walk runs in this process
with the effective ids switched (`as_user`), which is enough because the kernel checks file
access against the effective (fs) ids. pytest-xdist runs each worker in its own process and
tests one at a time, so the switch cannot leak into another test.
"""
import contextlib
import os

import pytest

NOBODY_UID = 65534
NOBODY_GID = 65534
SETPRIV_NOBODY = ("setpriv", f"--reuid={NOBODY_UID}", f"--regid={NOBODY_GID}", "--clear-groups")

requires_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


@contextlib.contextmanager
def as_user(uid: int = NOBODY_UID, gid: int = NOBODY_GID):
    """Effective uid/gid switched to uid/gid with no supplementary groups, restored on exit.

    The real and saved uid stay 0, which is what lets seteuid(0) take the privileges back.
    """
    groups = os.getgroups()
    os.setgroups([])
    os.setegid(gid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)
        os.setgroups(groups)
