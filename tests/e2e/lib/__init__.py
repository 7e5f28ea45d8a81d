"""Test-side library for the end-to-end suite: an independent reference walk (reference.py),
Parquet readers that cross-check each other (readers.py), row and sidecar comparison
(compare.py, sidecar.py), tree generators (trees.py) and privilege helpers (privileges.py).

Everything here is written from the contract (docs in /work/shared/SPEC.md and the e2e rules),
never from the scanner's implementation, so that the two can disagree.
"""
