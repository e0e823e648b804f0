"""SLA policies and OLAs: the targets tickets are held to.

Rule (issue "Service desk core" point 4; ITIL service level management): an
SLA policy promises the requester a first response and a resolution within
so much open time of a business calendar. Policies are matched on the
ticket's kind, priority, category (the category or one under it) and
establishment, an empty condition matching anything; they are tried in
``position`` order and the first active match applies, so administrators put
the specific ones (the imaging archive, 24/7) before the general ones.

An OLA (operational level agreement) is the desk's internal promise: the
time a ticket may spend with one assignment group, counted from when the
group gets it until it hands it on or resolves it. A ticket that comes back
to a group starts a fresh OLA clock there.

A vendor's promise is not kept here: it is the contract's commitments in the
CMDB (``cmdb.ContractCommitment``), run by its own clock while the ticket
waits on that vendor.

What happens at the warning share and at the breach is said per policy:
notify the group, escalate to the group's manager (hierarchical) or hand the
ticket to the next level (functional).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import Priority
from caducee.core.models import AuditedModel
from caducee.desk.models import AssignmentGroup, Category, TicketKind
from caducee.org.models import Establishment
from caducee.sla.models.calendars import BusinessCalendar


class Escalation(models.TextChoices):
    NONE = "none", _("Nothing")
    NOTIFY = "notify", _("Notify the group and the assignee")
    MANAGER = "manager", _("Escalate to the group's manager")
    NEXT_LEVEL = "next_level", _("Hand to the next support level")


def _warning_field():
    return models.PositiveSmallIntegerField(
        _("warning at (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Share of the target after which the ticket is flagged."),
    )


class SlaPolicy(AuditedModel):
    scope_path = "establishment"
    scope_allows_shared = True

    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(
        _("position"), default=100, help_text=_("Policies are tried in this order, lowest first.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    # --- conditions (empty: any) ----------------------------------------------
    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, null=True, blank=True
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sla_policies",
        help_text=_("Matches this category and those under it."),
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sla_policies",
        help_text=_("Leave empty for a policy of the whole GHT."),
    )
    # --- targets ------------------------------------------------------------------
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="sla_policies",
    )
    response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    warning_percent = _warning_field()
    on_warning = models.CharField(
        _("at the warning"), max_length=16, choices=Escalation.choices, default=Escalation.NOTIFY
    )
    on_breach = models.CharField(
        _("at the breach"), max_length=16, choices=Escalation.choices, default=Escalation.MANAGER
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sla:slapolicy_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.response_minutes is None and self.resolution_minutes is None:
            errors["resolution_minutes"] = _("Give a response target, a resolution target or both.")
        if (
            self.response_minutes
            and self.resolution_minutes
            and self.response_minutes > self.resolution_minutes
        ):
            errors["response_minutes"] = _("The first response cannot come after the resolution.")
        if self.category_id and self.kind and self.category.kind != self.kind:
            errors["category"] = _("This category is for another kind of ticket.")
        if (
            self.calendar_id
            and self.establishment_id
            and self.calendar.establishment_id not in (None, self.establishment_id)
        ):
            errors["calendar"] = _("This calendar belongs to another establishment.")
        if errors:
            raise ValidationError(errors)


class OperationalTarget(AuditedModel):
    """An OLA: how long a ticket may stay with one assignment group."""

    scope_path = "assignment_group__establishment"
    scope_allows_shared = True

    assignment_group = models.ForeignKey(
        AssignmentGroup,
        verbose_name=_("assignment group"),
        on_delete=models.CASCADE,
        related_name="operational_targets",
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        choices=Priority.choices,
        null=True,
        blank=True,
        help_text=_("Leave empty for every priority without a target of its own."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="operational_targets",
    )
    resolution_minutes = models.PositiveIntegerField(
        _("time in the group (minutes)"), validators=[MinValueValidator(1)]
    )
    warning_percent = _warning_field()
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("OLA")
        verbose_name_plural = _("OLAs")
        ordering = ["assignment_group", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment_group", "priority"],
                condition=models.Q(priority__isnull=False),
                name="sla_ola_group_priority_unique",
            ),
            models.UniqueConstraint(
                fields=["assignment_group"],
                condition=models.Q(priority__isnull=True),
                name="sla_ola_group_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_group} — {self.get_priority_display() or _('any priority')}"

    def get_absolute_url(self) -> str:
        return reverse("sla:operationaltarget_detail", args=[self.pk])
