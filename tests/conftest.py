"""Settings for every Python suite under tests/.

Some end-to-end tests build trees thousands of directories deep (paths far beyond PATH_MAX).
pytest removes old temporary directories with shutil.rmtree, which recurses once per level
and hits Python's default limit of 1000 frames on such a tree left by an earlier session,
failing a later one. Python 3.11 runs Python-to-Python calls without growing the C stack, so
a higher limit is safe.
"""
import sys

sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))
