"""Import jobs: a file to import, run now or in the background, and its outcome.

Rule (issue "CMDB" point 6): a large import runs as a background task with a
progress bar, and its result (counts and per-row errors) stays readable after
the page that started it is gone. The job keeps the uploaded file in Django's
default storage (``MEDIA_ROOT`` under ``var/`` by default, never served: the
file may hold staff names), the options it was asked with, and its progress.

Any app can use it: ``kind`` names the importer (``cmdb.items``…). A job is
bookkeeping, not a business object, so it is not audited itself: the changes
an import makes are, one event per record, and a re-import that changes
nothing must leave the audit trail untouched. A job is visible to the person
who asked for it (and to superusers); ``scope`` records the establishments
that person could change when asking, for the record.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caducee.core.models.base import BaseModel

#: At most this many row errors are kept on a job (the count is always exact).
MAX_STORED_ERRORS = 1000


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> ImportJobQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(requested_by=user)


class ImportJob(BaseModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Phase(models.TextChoices):
        CHECK = "check", _("Checking rows")
        WRITE = "write", _("Saving rows")

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=300)
    file_name = models.CharField(_("file name"), max_length=255)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    #: [[row, column, message], …], the first ``MAX_STORED_ERRORS`` only.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    #: Headers of the file that name no column: shown, so a misspelt one is noticed.
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    committed = models.BooleanField(_("saved"), default=False)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    #: Establishment ids the requester could change when asking; null: whole GHT.
    scope = models.JSONField(_("scope"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.file_name})"

    @property
    def dry_run(self) -> bool:
        return bool(self.options.get("dry_run"))

    @property
    def valid_only(self) -> bool:
        return bool(self.options.get("valid_only"))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def phases(self) -> int:
        """A real all-or-nothing import checks every row before saving any."""
        return 1 if self.dry_run or self.valid_only else 2

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        done = self.processed_rows
        if self.phases == 2 and self.phase == self.Phase.WRITE:
            done += self.total_rows
        return min(100, int(100 * done / (self.total_rows * self.phases)))
