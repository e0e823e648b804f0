"""Import jobs of the CMDB: accept a file, run it now or in the background.

Rule (issue "CMDB" point 6): a large file runs as a background task whose
progress the page shows; a small one runs at once (the user sees the result
without waiting for a worker). Either way the outcome is an ``ImportJob``
(``caducee.core.models.jobs``), so the page and the API read results the same
way. The file is checked before any job exists (format, size, headers): a
bad file is a 400 next to the file field, never a failed job.

The task takes the job's id and reloads everything (STYLE.md principle 9); a
job runs once — a retried or duplicated task finds it no longer queued. The
importing user's permissions and scope are read when the job runs, so rights
withdrawn meanwhile apply.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caducee.cmdb.imports.engine import Importer, Outcome, run_bulk_import
from caducee.cmdb.imports.items import ItemImporter
from caducee.cmdb.imports.relations import RelationImporter
from caducee.cmdb.models import ConfigurationItem, Relation
from caducee.core.imports import Table, read_table
from caducee.core.models import ImportJob, User
from caducee.core.services.errors import DomainError, PermissionDenied
from caducee.core.services.scoping import can

logger = logging.getLogger(__name__)

KINDS: dict[str, type[Importer]] = {"items": ItemImporter, "relations": RelationImporter}
KIND_LABELS = {
    "items": gettext_lazy("Configuration items"),
    "relations": gettext_lazy("Relations"),
}
PREFIX = "cmdb."


def inline_rows() -> int:
    """Files of at most this many rows run at once, in the request."""
    return getattr(settings, "CADUCEE_IMPORT_INLINE_ROWS", 500)


def chunk_rows() -> int:
    return getattr(settings, "CADUCEE_IMPORT_CHUNK_ROWS", 1000)


def may_import(user: Any, kind: str) -> bool:
    model = ConfigurationItem if kind == "items" else Relation
    return can(user, model, "add") or can(user, model, "change")


def importable_kinds(user: Any) -> dict[str, Any]:
    return {kind: label for kind, label in KIND_LABELS.items() if may_import(user, kind)}


def jobs_of(user: Any):
    return ImportJob.objects.visible_to(user).filter(kind__startswith=PREFIX)


def short_kind(job: ImportJob) -> str:
    return job.kind.removeprefix(PREFIX)


def check_file(kind: str, name: str, data: bytes, *, actor: Any) -> Table:
    """The file as a table, or a DomainError naming the field at fault."""
    if kind not in KINDS:
        raise DomainError(_("Unknown kind of import: choose items or relations."), field="kind")
    if not may_import(actor, kind):
        raise PermissionDenied(_("You are not allowed to import these records."), field="kind")
    table = read_table(name, data)
    KINDS[kind](actor, table.headers)  # missing columns are a file error
    return table


def submit_import(
    *, actor: Any, kind: str, name: str, data: bytes, dry_run: bool, valid_only: bool
) -> ImportJob:
    """Check the file, keep it, and run it now (small) or in the background."""
    table = check_file(kind, name, data, actor=actor)
    ids = actor.establishment_ids()
    job = ImportJob(
        kind=PREFIX + kind,
        ignored_columns=KINDS[kind](actor, table.headers).ignored,
        file_name=name[:255],
        options={"dry_run": dry_run, "valid_only": valid_only},
        total_rows=len(table.rows),
        requested_by=actor,
        scope=None if ids is None else sorted(ids),
    )
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    _start(job, table)
    return job


def confirm_import(job: ImportJob, *, actor: Any, valid_only: bool) -> ImportJob:
    """Import for real the file of a finished preview (no second upload)."""
    if not (job.dry_run and job.status == ImportJob.Status.DONE):
        raise DomainError(_("Only a finished preview can be imported."))
    if job.requested_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who previewed this file may import it."))
    new = ImportJob.objects.create(
        kind=job.kind,
        file=job.file.name,
        file_name=job.file_name,
        ignored_columns=job.ignored_columns,
        options={"dry_run": False, "valid_only": valid_only},
        total_rows=job.total_rows,
        requested_by=actor,
        scope=job.scope,
    )
    _start(new, None)
    return new


def _start(job: ImportJob, table: Table | None) -> None:
    if job.total_rows <= inline_rows():
        run_job(job.pk, table=table)
        job.refresh_from_db()
        return
    from caducee.cmdb.tasks.imports import run_import_job

    transaction.on_commit(lambda: run_import_job(job.pk))


def run_job(job_id: int, *, table: Table | None = None) -> None:
    """Run a queued job to its end; a job not queued any more is left alone."""
    started = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not started:
        return
    job = ImportJob.objects.get(pk=job_id)
    user = User.objects.get(pk=job.requested_by_id)  # rights as they are now
    try:
        if table is None:
            with job.file.open("rb") as stored:
                table = read_table(job.file_name, stored.read())
        importer = KINDS[short_kind(job)](user, table.headers)
        outcome = run_bulk_import(
            importer,
            table,
            dry_run=job.dry_run,
            valid_only=job.valid_only,
            chunk_rows=chunk_rows(),
            progress=lambda phase, done: _progress(job_id, phase, done),
        )
    except DomainError as exc:  # the file changed or vanished from the storage
        job.refresh_from_db()
        _finish(job, None, failed=True, message=exc.message)
        return
    except Exception:
        # Whatever went wrong, the job must not stay "running"; the chunk in
        # progress was rolled back and the details are in the log.
        logger.exception("import job %s stopped", job_id)
        job.refresh_from_db()
        saved = job.processed_rows if job.phase == ImportJob.Phase.WRITE else 0
        job.committed = saved > 0
        _finish(
            job,
            None,
            failed=True,
            message=_(
                "The import stopped on an unexpected error (in the server log); the rows of "
                "the chunk in progress were not saved, %(saved)s rows before them were. "
                "Import the file again to finish."
            )
            % {"saved": saved},
        )
        return
    strict_refusal = not job.dry_run and not outcome.committed
    job.refresh_from_db()  # progress was saved meanwhile
    _finish(job, outcome, failed=outcome.failed or strict_refusal, message=outcome.message)


def _progress(job_id: int, phase: str, done: int) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        phase=phase, processed_rows=done, updated_at=timezone.now()
    )


def _finish(job: ImportJob, outcome: Outcome | None, *, failed: bool, message: str) -> None:
    job.status = ImportJob.Status.FAILED if failed else ImportJob.Status.DONE
    job.message = message
    job.finished_at = timezone.now()
    if outcome is not None:
        job.processed_rows = outcome.total if not outcome.failed else job.processed_rows
        job.created_count = outcome.counts["create"]
        job.updated_count = outcome.counts["update"]
        job.unchanged_count = outcome.counts["unchanged"]
        job.error_count = outcome.counts["error"]
        job.errors = [list(error) for error in outcome.errors]
        job.committed = outcome.committed
    job.save()
