"""The GHT's establishments, kept per process.

Why (issue "Service desk core", performance): every ticket written through
the API names its establishment, and checking that name cost a query of its
own on each creation. A GHT has about a dozen establishments, changed a few
times a year, so their rows are kept in each process
(``caducee.core.services.snapshots``); saving or deleting one publishes a
new version, and every process reads the rows again at its next use.
Callers get a fresh instance each time: what they change is theirs.
"""

from __future__ import annotations

from caducee.core.services.snapshots import Rows, Snapshot
from caducee.org.models import Establishment

_snapshot: Snapshot[Rows] = Snapshot("org-establishments", lambda: Rows(Establishment))
_snapshot.watch(Establishment)


def establishment(pk: int) -> Establishment | None:
    """The establishment ``pk`` (a fresh instance), or None if there is none."""
    rows = _snapshot.get()
    return rows.materialise(pk) if pk in rows else None
