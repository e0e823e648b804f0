"""Free tags on tickets ("dpi-v12", "migration-windows-11", "cyberattaque").

Rule: tags group tickets across categories for a campaign, an outage or a
project, and are shared by the whole GHT so a crisis spanning
establishments is one tag. Agents create them by typing them: names are
normalised (lower case, inner spaces collapsed to hyphens) so "DPI V12" and
"dpi-v12" are one tag.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel

_SPACES = re.compile(r"\s+")


def normalise_tag(name: str) -> str:
    return _SPACES.sub("-", (name or "").strip().lower())


class Tag(AuditedModel):
    scope_path = None

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = normalise_tag(self.name)
