"""Typed, directed relations between configuration items, and from an item
to the care units that use it.

Rule (issue "CMDB" point 2): a relation reads "source <kind> target" — the
EHR *runs on* its server, a workstation is *connected to* an access switch, a
virtual server is *hosted in* a cluster, an application is *used by* a care
unit. ``RULES`` lists the allowed (source type, target type) pairs of each
kind; a self-loop is refused. ``PROPAGATES`` says which kinds carry an outage
from the target to the source (if the switch is down, what is connected to
it is down); *backed up by* is documentation only, and *used by* carries the
outage of the item to the care unit.

Relations are explicit rows (STYLE.md principle 10) so the impact analysis
reads them in one query and keeps the graph in memory.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models.items import ConfigurationItem
from caducee.cmdb.types import CIType
from caducee.core.models import AuditedModel
from caducee.org.models import CareUnit


class RelationKind(models.TextChoices):
    RUNS_ON = "runs_on", _("runs on")
    DEPENDS_ON = "depends_on", _("depends on")
    CONNECTED_TO = "connected_to", _("connected to")
    HOSTED_IN = "hosted_in", _("hosted in")
    BACKED_UP_BY = "backed_up_by", _("backed up by")
    USED_BY = "used_by", _("used by")


T = CIType
_HARDWARE = {T.WORKSTATION, T.PRINTER, T.SERVER, T.PHONE, T.MEDICAL_DEVICE, T.NETWORK_DEVICE}
_ALL = set(CIType.values)

#: kind → allowed (source type, target type); "care_unit" is a care unit target.
RULES: dict[str, set[tuple[str, str]]] = {
    RelationKind.RUNS_ON: {
        (src, dst) for src in (T.APPLICATION, T.DATABASE) for dst in (T.SERVER, T.CLUSTER)
    },
    RelationKind.DEPENDS_ON: {
        *((T.APPLICATION, dst) for dst in (T.APPLICATION, T.DATABASE, T.SERVER, T.NETWORK_DEVICE)),
        *((T.DATABASE, dst) for dst in (T.SERVER, T.CLUSTER, T.NETWORK_DEVICE)),
        *((T.MEDICAL_DEVICE, dst) for dst in (T.APPLICATION, T.SERVER, T.NETWORK_DEVICE)),
        *((T.SERVER, dst) for dst in (T.SERVER, T.DATABASE, T.NETWORK_DEVICE)),
        *((T.PRINTER, dst) for dst in (T.SERVER, T.APPLICATION)),
        # Domain logon (the directory), a thin client's virtual desktop server.
        *((T.WORKSTATION, dst) for dst in (T.SERVER, T.APPLICATION)),
        *((T.CLUSTER, dst) for dst in (T.SERVER, T.NETWORK_DEVICE)),
        *((T.OTHER, dst) for dst in _ALL),
        *((src, T.OTHER) for src in _ALL),
    },
    RelationKind.CONNECTED_TO: {
        *((src, T.NETWORK_DEVICE) for src in _HARDWARE | {T.CLUSTER, T.OTHER}),
    },
    RelationKind.HOSTED_IN: {
        (T.SERVER, T.CLUSTER),
        (T.SERVER, T.SERVER),
        (T.DATABASE, T.SERVER),
        (T.NETWORK_DEVICE, T.SERVER),
    },
    RelationKind.BACKED_UP_BY: {
        (src, dst)
        for src in (T.SERVER, T.DATABASE, T.APPLICATION, T.CLUSTER)
        for dst in (T.SERVER, T.APPLICATION, T.OTHER)
    },
    RelationKind.USED_BY: {
        (src, "care_unit")
        for src in (T.APPLICATION, T.MEDICAL_DEVICE, T.WORKSTATION, T.PRINTER, T.PHONE)
    },
}

#: Kinds along which an outage of the target makes the source unavailable.
PROPAGATES = frozenset(
    {
        RelationKind.RUNS_ON,
        RelationKind.DEPENDS_ON,
        RelationKind.CONNECTED_TO,
        RelationKind.HOSTED_IN,
    }
)


def allowed_targets(kind: str, source_type: str) -> list[str]:
    return sorted(dst for src, dst in RULES.get(kind, ()) if src == source_type)


class Relation(AuditedModel):
    """``source`` <kind> ``target`` (an item) or ``care_unit`` (for *used by*)."""

    scope_path = "source__establishment"
    scope_allows_shared = True

    source = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("source"),
        on_delete=models.CASCADE,
        related_name="relations_out",
    )
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)
    target = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("target item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="relations_in",
    )
    care_unit = models.ForeignKey(
        CareUnit,
        verbose_name=_("target care unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="item_relations",
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        ordering = ["source__name", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target__isnull=False) & Q(care_unit__isnull=True))
                | (Q(target__isnull=True) & Q(care_unit__isnull=False)),
                name="cmdb_relation_one_target",
            ),
            models.UniqueConstraint(
                fields=["source", "kind", "target"],
                condition=Q(target__isnull=False),
                name="cmdb_relation_item_unique",
            ),
            models.UniqueConstraint(
                fields=["source", "kind", "care_unit"],
                condition=Q(care_unit__isnull=False),
                name="cmdb_relation_unit_unique",
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="cmdb_relation_no_self_loop"
            ),
        ]
        indexes = [models.Index(fields=["target", "kind"], name="cmdb_rel_target_idx")]

    def __str__(self) -> str:
        other = self.target if self.target_id else self.care_unit
        return f"{self.source} {self.get_kind_display()} {other}"

    def get_absolute_url(self) -> str:
        return reverse("cmdb:relation_detail", args=[self.pk])

    def clean(self) -> None:
        if self.source_id is None:
            return
        if self.target_id and self.care_unit_id:
            raise ValidationError(_("A relation targets either an item or a care unit, not both."))
        if not self.target_id and not self.care_unit_id:
            raise ValidationError(
                {
                    "target": _("Choose the target item or care unit.")
                    if self.kind == RelationKind.USED_BY
                    else _("Choose the target item.")
                }
            )
        if self.target_id and self.target_id == self.source_id:
            raise ValidationError({"target": _("An item cannot be related to itself.")})
        source_type = self.source.ci_type
        target_type = self.target.ci_type if self.target_id else "care_unit"
        if (source_type, target_type) not in RULES.get(self.kind, set()):
            allowed = allowed_targets(self.kind, source_type)
            labels = [
                str(_("care unit")) if code == "care_unit" else str(CIType(code).label)
                for code in allowed
            ]
            field = "care_unit" if target_type == "care_unit" else "target"
            raise ValidationError(
                {
                    field: _(
                        "A %(source)s cannot be “%(kind)s” a %(target)s. Allowed: %(allowed)s."
                    )
                    % {
                        "source": CIType(source_type).label,
                        "kind": self.get_kind_display(),
                        "target": _("care unit")
                        if target_type == "care_unit"
                        else CIType(target_type).label,
                        "allowed": ", ".join(labels) if labels else _("none"),
                    }
                }
            )
