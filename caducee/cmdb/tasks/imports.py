"""Background import jobs, and the nightly tidy-up of their files.

Thin (STYLE.md principle 9): ``run_import_job`` takes the job's id and calls
``caducee.cmdb.imports.jobs.run_job``, which runs a job once only — a retried
task finds it no longer queued. Uploaded files may hold staff names and
e-mails: they are deleted a week after their import (the job's counts and
errors stay). A job still "running" with no progress for an hour lost its
worker (restart, crash) and is marked failed, so nobody waits on it.
"""

from __future__ import annotations

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

KEEP_FILES = dt.timedelta(days=7)
STALLED = dt.timedelta(hours=1)


@db_task()
def run_import_job(job_id: int) -> None:
    from caducee.cmdb.imports.jobs import run_job

    run_job(job_id)


@db_periodic_task(crontab(hour="2", minute="50"))
def tidy_import_jobs() -> int:
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from caducee.core.models import ImportJob

    now = timezone.now()
    ImportJob.objects.filter(
        status__in=[ImportJob.Status.RUNNING, ImportJob.Status.QUEUED],
        updated_at__lt=now - STALLED,
    ).update(
        status=ImportJob.Status.FAILED,
        message=_(
            "The import stopped: its worker ended before it finished. Import the file again."
        ),
        finished_at=now,
        updated_at=now,
    )
    old = ImportJob.objects.filter(created_at__lt=now - KEEP_FILES).exclude(file="")
    recent = set(
        ImportJob.objects.filter(created_at__gte=now - KEEP_FILES).values_list("file", flat=True)
    )
    deleted = 0
    for job in old:
        if job.file.name not in recent:  # a recent confirmation shares its preview's file
            job.file.delete(save=False)
            deleted += 1
        ImportJob.objects.filter(pk=job.pk).update(file="")
    return deleted
