"""Tickets: incidents, service requests and problems, and their lifecycle.

Rule (ITIL incident, request and problem management; STYLE.md principle 5):
a ticket moves through one lifecycle, written here once as ``TRANSITIONS``
(status → the statuses it may go to), which the service
(``caducee.desk.services.tickets.transition``), the documentation and the
pages all read::

    new → assigned → in progress → waiting (requester / vendor / change)
        → resolved → closed
    resolved → back to work (reopen, within CADUCEE_DESK_REOPEN_DAYS)
    any open status → cancelled;   closed and cancelled are final

Waiting is three statuses, not one status with a "waiting on" field: the SLA
rule depends on what is awaited — waiting on the requester pauses the SLA
clock, waiting on a vendor does not (it runs the vendor contract's clock),
waiting on a change does not either — and with three statuses that rule is
a property of the status alone (``SLA_PAUSED_STATUSES``), readable from the
one column every queue index starts with, visible as such in the audit
trail's from/to, and each wait has its own way out in the table.

Every field below is changed by ``caducee.desk.services.tickets`` only; each
service write adds one to ``version`` (optimistic concurrency: the API
exposes it as the ETag, a stale ``expected_version`` is refused). The
priority is the matrix's answer for the computed impact and the urgency
(``caducee.desk.services.priority``) unless an agent overrode it with a
reason; ``computed_priority`` keeps the matrix's answer either way.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import ConfigurationItem, Priority
from caducee.core.models import AuditedModel
from caducee.desk.models.categories import Category
from caducee.desk.models.groups import AssignmentGroup, SupportLevel
from caducee.desk.models.kinds import TicketKind
from caducee.desk.models.priority import Impact, ImpactSource, Urgency
from caducee.desk.models.tags import Tag
from caducee.org.models import CareUnit, Establishment, Person, Room


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_REQUESTER = "waiting_requester", _("Waiting on requester")
    WAITING_VENDOR = "waiting_vendor", _("Waiting on vendor")
    WAITING_CHANGE = "waiting_change", _("Waiting on change")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


S = Status
WAITING_STATUSES = frozenset({S.WAITING_REQUESTER, S.WAITING_VENDOR, S.WAITING_CHANGE})
#: What a ticket may wait on, and the status that says so.
WAITING_ON: dict[str, Status] = {
    "requester": S.WAITING_REQUESTER,
    "vendor": S.WAITING_VENDOR,
    "change": S.WAITING_CHANGE,
}
#: Statuses in which the SLA clock stops (read by the SLA part).
SLA_PAUSED_STATUSES = frozenset({S.WAITING_REQUESTER})
#: Statuses no transition leaves.
FINAL_STATUSES = frozenset({S.CLOSED, S.CANCELLED})
#: Statuses of the tickets still to be worked (the queues).
OPEN_STATUSES = frozenset(set(S) - FINAL_STATUSES - {S.RESOLVED})
#: Leaving ``resolved`` or ``closed`` for one of these is a reopening
#: (delay-bound, counted from the resolution).
REOPEN_STATUSES = frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS})

#: The lifecycle: status → statuses it may go to. ``assigned → assigned`` is
#: a reassignment (another group or agent, same status); handing a ticket in
#: progress or waiting to someone else puts it back to ``assigned``.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED, S.CANCELLED}),
    S.ASSIGNED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.ASSIGNED, *WAITING_STATUSES, S.RESOLVED, S.CANCELLED}),
    S.WAITING_REQUESTER: frozenset(
        {S.ASSIGNED, S.IN_PROGRESS, S.WAITING_VENDOR, S.WAITING_CHANGE, S.RESOLVED, S.CANCELLED}
    ),
    S.WAITING_VENDOR: frozenset(
        {S.ASSIGNED, S.IN_PROGRESS, S.WAITING_REQUESTER, S.WAITING_CHANGE, S.RESOLVED, S.CANCELLED}
    ),
    S.WAITING_CHANGE: frozenset(
        {S.ASSIGNED, S.IN_PROGRESS, S.WAITING_REQUESTER, S.WAITING_VENDOR, S.RESOLVED, S.CANCELLED}
    ),
    S.RESOLVED: frozenset({S.CLOSED, *REOPEN_STATUSES}),
    # Closed stays closed to every change but a reopening within the delay
    # (a requester's reply, issue "Channels" point 2); after it, a new ticket.
    S.CLOSED: REOPEN_STATUSES,
    S.CANCELLED: frozenset(),
}


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")
    MONITORING = "monitoring", _("Monitoring")


class ResolutionCode(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    WORKAROUND = "workaround", _("Workaround applied")
    FULFILLED = "fulfilled", _("Request fulfilled")
    INFORMATION = "information", _("Information or training given")
    NO_FAULT = "no_fault", _("No fault found")
    DUPLICATE = "duplicate", _("Duplicate")
    REFUSED = "refused", _("Request refused")


#: Fields only problems carry (ITIL problem management).
PROBLEM_FIELDS = ("root_cause", "workaround", "known_error")


class Ticket(AuditedModel):
    scope_path = "establishment"
    # The version moves on every write; the fields it accompanies are what
    # the trail needs to show.
    audit_ignore_fields = frozenset({"created_at", "updated_at", "version"})

    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is accepted.")
    )
    requester = models.ForeignKey(
        Person,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_tickets",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_tickets",
        editable=False,
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.PHONE
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    location = models.ForeignKey(
        Room,
        verbose_name=_("location"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    care_unit = models.ForeignKey(
        CareUnit,
        verbose_name=_("care unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    configuration_items = models.ManyToManyField(
        ConfigurationItem,
        verbose_name=_("configuration items"),
        blank=True,
        related_name="tickets",
    )

    # --- priority -------------------------------------------------------------
    impact = models.PositiveSmallIntegerField(
        _("impact"), choices=Impact.choices, default=Impact.LOW, editable=False
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.MEDIUM
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.P4, editable=False
    )
    computed_priority = models.PositiveSmallIntegerField(
        _("computed priority"), choices=Priority.choices, default=Priority.P4, editable=False
    )
    impact_source = models.CharField(
        _("impact from"),
        max_length=16,
        choices=ImpactSource.choices,
        default=ImpactSource.NONE,
        editable=False,
    )
    patient_safety = models.BooleanField(
        _("patient safety"),
        default=False,
        editable=False,
        help_text=_("A patient-safety-critical item is reported down."),
    )
    priority_overridden = models.BooleanField(
        _("priority overridden"), default=False, editable=False
    )
    priority_override_reason = models.TextField(
        _("reason for the priority"), blank=True, editable=False
    )
    priority_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("priority overridden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    priority_overridden_at = models.DateTimeField(
        _("priority overridden at"), null=True, blank=True, editable=False
    )

    # --- lifecycle and assignment -------------------------------------------
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, editable=False
    )
    assignment_group = models.ForeignKey(
        AssignmentGroup,
        verbose_name=_("assignment group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    support_level = models.CharField(
        _("support level"), max_length=8, choices=SupportLevel.choices, default=SupportLevel.L1
    )
    resolution_code = models.CharField(
        _("resolution code"), max_length=16, choices=ResolutionCode.choices, blank=True
    )
    resolution_notes = models.TextField(_("resolution notes"), blank=True)
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("watchers"),
        blank=True,
        related_name="watched_tickets",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")

    # --- problems -------------------------------------------------------------
    root_cause = models.TextField(_("root cause"), blank=True)
    workaround = models.TextField(_("workaround"), blank=True)
    known_error = models.BooleanField(
        _("known error"),
        default=False,
        help_text=_("The cause or a workaround is documented; the fix is still to come."),
    )

    # --- timestamps the SLA and reports read ---------------------------------
    first_response_at = models.DateTimeField(
        _("first response"), null=True, blank=True, editable=False
    )
    assigned_at = models.DateTimeField(_("first assigned"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    reopened_count = models.PositiveIntegerField(_("times reopened"), default=0, editable=False)
    response_due = models.DateTimeField(
        _("response due"), null=True, blank=True, db_index=True, editable=False
    )
    resolution_due = models.DateTimeField(
        _("resolution due"), null=True, blank=True, db_index=True, editable=False
    )

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        # The queues and the API filter on these columns and read 50 rows in
        # order; over the 730,000 closed tickets of ten years an order no index
        # gives is a sort of them all (bench/pages.py, issue 4's 100 ms).
        indexes = [
            models.Index(fields=["status", "assignment_group"], name="desk_ticket_status_group"),
            models.Index(fields=["assignee", "status"], name="desk_ticket_assignee_status"),
            # An establishment's tickets of a status and priority, counted
            # from the index alone (the API's page count).
            models.Index(
                fields=["establishment", "status", "priority"], name="desk_ticket_est_status_prio"
            ),
            models.Index(fields=["priority", "status"], name="desk_ticket_priority_status"),
            # "Closed, newest first" (by creation), with or without a priority.
            models.Index(fields=["status", "created_at", "id"], name="desk_ticket_status_created"),
            models.Index(
                fields=["status", "priority", "created_at", "id"],
                name="desk_ticket_stat_prio_created",
            ),
            # Every ticket by creation (the default order of the model).
            models.Index(fields=["created_at", "id"], name="desk_ticket_created"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @classmethod
    def restrict_queryset(cls, queryset, user, action):
        """Requesters who do not work tickets see only the tickets they may
        follow (tickets may hold patient data): those they asked for,
        recorded or watch, and those asked for by the people they manage
        (``Person.manager``, direct reports only: a care unit's head nurse
        follows the unit's staff). The org model has no head of care unit,
        so following a unit goes through that manager relation.

        Index-friendly: three lookups on the ticket row, each on an index,
        ORed without a join — ``requester_id IN`` (the person of the account
        and their reports: the unique ``Person.user`` and the ``manager``
        key), ``created_by_id =``, ``id IN`` (the watchers table by user) —
        so no duplicate rows and no DISTINCT."""
        from caducee.core.roles import REQUESTER

        if user.has_perm("desk.change_ticket") or not user.has_role(REQUESTER):
            return queryset
        followed = Person.objects.filter(models.Q(user=user) | models.Q(manager__user=user))
        watched = cls.watchers.through.objects.filter(user=user)
        return queryset.filter(
            models.Q(requester__in=followed.values("pk"))
            | models.Q(created_by=user)
            | models.Q(pk__in=watched.values("ticket_id"))
        )

    def linked_incidents(self) -> models.QuerySet:
        """The incidents linked to this problem."""
        from caducee.desk.models.links import LinkKind

        return Ticket.objects.filter(
            links_out__kind=LinkKind.PROBLEM, links_out__target=self
        ).order_by("created_at")

    # --- guards (the service applies them) -----------------------------------
    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def allowed_transitions(self) -> frozenset[str]:
        return TRANSITIONS[self.status]

    def can_transition(self, to: str) -> bool:
        return to in TRANSITIONS.get(self.status, frozenset())

    def clean(self) -> None:
        errors: dict[str, object] = {}
        est = self.establishment_id
        if self.location_id and est and self.location.audit_establishment_id() != est:
            errors["location"] = _("This room belongs to another establishment.")
        if self.care_unit_id and est and self.care_unit.establishment_id != est:
            errors["care_unit"] = _("This care unit belongs to another establishment.")
        if self.category_id and self.category.kind != self.kind:
            errors["category"] = _("This category is for another kind of ticket.")
        if (
            self.kind in (TicketKind.INCIDENT, TicketKind.REQUEST)
            and self.requester_id is None
            and self.channel != Channel.MONITORING
        ):
            errors["requester"] = _("Who is asking? Only monitoring alerts come without one.")
        if self.kind != TicketKind.PROBLEM:
            for name in PROBLEM_FIELDS:
                if getattr(self, name):
                    errors[name] = _("Only problems have a root cause, workaround or known error.")
        elif self.known_error and not (self.root_cause.strip() or self.workaround.strip()):
            errors["known_error"] = _(
                "A known error has its root cause or a workaround documented."
            )
        if self.assignee_id and not self.assignment_group_id:
            errors["assignee"] = _("Choose the assignment group first.")
        if errors:
            raise ValidationError(errors)
