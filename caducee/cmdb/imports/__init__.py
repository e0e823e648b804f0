"""CSV/XLSX import of configuration items and relations (issue "CMDB" point 6).

- ``columns``: the columns and the French and English headers accepted;
- ``values``, ``lookups``: cells to values, natural keys to records, in bulk;
- ``engine``: the chunked run — check every row, then save in short
  transactions (why: see its docstring);
- ``items``, ``relations``: what a row means and how it is validated;
- ``jobs``: the import job (run now or in the background) and its outcome;
- ``templates``: the downloadable CSV/XLSX templates.
"""

from caducee.cmdb.imports.jobs import (
    KIND_LABELS,
    KINDS,
    check_file,
    confirm_import,
    importable_kinds,
    jobs_of,
    run_job,
    submit_import,
)

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "check_file",
    "confirm_import",
    "importable_kinds",
    "jobs_of",
    "run_job",
    "submit_import",
]
