"""Assignment groups: the teams tickets are routed to.

Rule (ITIL functional escalation; DESIGN.md "The flow"): a ticket is worked
by a group at a support level — the service desk (level 1), the specialist
teams (levels 2 and 3), a vendor — and, inside the group, by one of its
members. A group is built on an ``org.Team`` (one-to-one): who belongs to it
is the team's membership, kept in one place by the organisation, and a user
is a member when the person behind the account (``Person.user``) is one of
the team's members or its lead. Hence an assignee must be a member: a ticket
given to someone outside the group would leave the group's queue without
anyone in it answering for it.

A group serves one establishment, or the whole GHT when it has none (the
shared DSI teams of the support establishment); a team of one establishment
can only make a group of that establishment. How an assignee is picked
inside the group (round robin, least loaded) is stated here and applied by
``caducee.desk.services.routing``; ``escalates_to`` names the group of the
next support level, which functional escalation hands tickets to.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel
from caducee.core.services.scoping import establishment_allowed
from caducee.org.models import Establishment, Team


class SupportLevel(models.TextChoices):
    L1 = "l1", _("Level 1 (service desk)")
    L2 = "l2", _("Level 2")
    L3 = "l3", _("Level 3")
    VENDOR = "vendor", _("Vendor")


class AssignmentMethod(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")


class AssignmentGroup(AuditedModel):
    scope_path = "establishment"
    scope_allows_shared = True

    team = models.OneToOneField(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="assignment_group",
    )
    level = models.CharField(
        _("support level"), max_length=8, choices=SupportLevel.choices, default=SupportLevel.L2
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignment_groups",
        help_text=_("Leave empty for a group serving the whole GHT."),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_assignment_groups",
    )
    assignment_method = models.CharField(
        _("assignment method"),
        max_length=16,
        choices=AssignmentMethod.choices,
        default=AssignmentMethod.ROUND_ROBIN,
    )
    escalates_to = models.ForeignKey(
        "self",
        verbose_name=_("escalates to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_from",
        help_text=_("The group of the next support level (functional escalation)."),
    )
    auto_assign = models.BooleanField(
        _("assign automatically"),
        default=False,
        help_text=_("Give each new ticket of the group to a member, by the method above."),
    )
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last given to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text=_("Where the round robin resumes."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("assignment group")
        verbose_name_plural = _("assignment groups")
        ordering = ["team__name"]

    def __str__(self) -> str:
        return self.team.name

    def get_absolute_url(self) -> str:
        return reverse("desk:assignmentgroup_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.team_id
            and self.team.establishment_id is not None
            and self.team.establishment_id != self.establishment_id
        ):
            errors["establishment"] = _(
                "The team belongs to %(establishment)s: the group serves that establishment."
            ) % {"establishment": self.team.establishment}
        if self.manager_id:
            manager = self.manager
            if not manager.is_active:
                errors["manager"] = _("This account is deactivated.")
            elif not establishment_allowed(manager, self.establishment_id):
                errors["manager"] = (
                    _("The manager must see the whole GHT to manage a shared group.")
                    if self.establishment_id is None
                    else _("The manager cannot see this establishment's tickets.")
                )
        if self.escalates_to_id:
            if self.pk and self.escalates_to_id == self.pk:
                errors["escalates_to"] = _("A group cannot escalate to itself.")
            elif self.pk and self._escalation_loops():
                errors["escalates_to"] = _("This would make the escalation go round in a circle.")
        if errors:
            raise ValidationError(errors)

    def _escalation_loops(self) -> bool:
        seen = {self.pk}
        current = self.escalates_to_id
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            current = (
                AssignmentGroup.objects.filter(pk=current)
                .values_list("escalates_to_id", flat=True)
                .first()
            )
        return False

    def member_filter(self) -> Q:
        """Users whose person is a member or the lead of the team."""
        return Q(person__teams=self.team_id) | Q(person__led_teams=self.team_id)

    def has_member(self, user) -> bool:
        from django.contrib.auth import get_user_model

        if user is None or user.pk is None:
            return False
        return get_user_model().objects.filter(self.member_filter(), pk=user.pk).exists()

    @classmethod
    def of_user(cls, user) -> models.QuerySet:
        """The groups the user is a member or the lead of (the "my groups" queue)."""
        if user is None or not user.is_authenticated:
            return cls.objects.none()
        # Two semi-joins from the user's person, not an OR over outer joins
        # through every team's members (which read the 20,000 people: 3.8 ms).
        member_of = Team.members.through.objects.filter(person__user=user).values("team_id")
        led = Team.objects.filter(lead__user=user).values("pk")
        return cls.objects.filter(Q(team_id__in=member_of) | Q(team_id__in=led), is_active=True)

    def members(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(self.member_filter(), is_active=True).distinct()

    def serves(self, establishment_id: int | None) -> bool:
        """Whether tickets of this establishment may be given to the group."""
        return self.establishment_id is None or self.establishment_id == establishment_id
