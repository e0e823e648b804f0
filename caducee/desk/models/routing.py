"""Routing rules: which group a new ticket goes to.

Rule (issue "Service desk core" point 3; ITIL functional escalation): the
desk administrators keep an ordered list of rules; the first active rule
whose conditions all hold gives the ticket its assignment group. A condition
left empty matches anything. A category condition matches the category and
everything under it in the tree; a priority condition matches that priority
and the more urgent ones ("P2 or higher": P1 and P2), so a rule written for
serious incidents keeps catching them when the matrix lifts one to P1.

The rows only describe rules; ``caducee.desk.services.routing`` applies them
(at creation, when nobody chose a group, and when an agent asks to route
again), then picks an assignee inside the group by the group's method.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import ConfigurationItem, Priority
from caducee.cmdb.types import CIType
from caducee.core.models import AuditedModel
from caducee.desk.models.categories import Category
from caducee.desk.models.groups import AssignmentGroup
from caducee.desk.models.kinds import TicketKind
from caducee.org.models import Establishment


class RoutingRule(AuditedModel):
    scope_path = "establishment"
    scope_allows_shared = True

    position = models.PositiveIntegerField(
        _("position"), default=100, help_text=_("Rules are tried in this order, lowest first.")
    )
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    # --- conditions (empty: any) ----------------------------------------------
    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routing_rules",
        help_text=_("Matches this category and those under it."),
    )
    ci_type = models.CharField(
        _("item type"),
        max_length=32,
        choices=CIType.choices,
        blank=True,
        help_text=_("Matches when one of the ticket's items is of this type."),
    )
    configuration_item = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("configuration item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routing_rules",
        help_text=_("Leave empty for a rule of the whole GHT."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority or higher"),
        choices=Priority.choices,
        null=True,
        blank=True,
        help_text=_("P2 matches P1 and P2 tickets."),
    )
    # --- outcome ----------------------------------------------------------------
    assignment_group = models.ForeignKey(
        AssignmentGroup,
        verbose_name=_("assign to"),
        on_delete=models.PROTECT,
        related_name="routing_rules",
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["is_active", "position"], name="desk_rule_active_pos")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("desk:routingrule_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.category_id and self.kind and self.category.kind != self.kind:
            errors["category"] = _("This category is for another kind of ticket.")
        if (
            self.assignment_group_id
            and self.establishment_id
            and not self.assignment_group.serves(self.establishment_id)
        ):
            errors["assignment_group"] = _("This group does not serve the establishment.")
        if (
            self.configuration_item_id
            and self.establishment_id
            and self.configuration_item.establishment_id not in (None, self.establishment_id)
        ):
            errors["configuration_item"] = _("This item belongs to another establishment.")
        if errors:
            raise ValidationError(errors)
