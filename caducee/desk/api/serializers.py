"""Serializers of the service desk API: tickets, their actions, categories, tags.

Rule (STYLE.md principle 6; issue "Service desk core" point 7): bad input
is a field-level 400 here, before any service runs, and the services then
apply the rules (scope, lifecycle, priority). Related records are chosen
by id inside the caller's scope (``ScopedModelSerializer``): an id out of
scope answers "does not exist" on its field, like an unknown one.

Ids are checked for their type and range before any query (a float, a
boolean or a number beyond 64 bits is refused, never looked up). Lists of
ids (``configuration_items``, ``watchers``) are not looked up one by one:
the services read each list in one query and name the field at fault.

What the service owns (number, status, priority, impact, SLA deadlines,
version, timestamps) is read only. Status moves through the actions
(``transition`` and its shortcuts), the assignment too, the priority
override through ``priority``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from caducee.cmdb.models import Priority
from caducee.core.api.serializers import ScopedModelSerializer, ScopedRelatedField
from caducee.core.services.scoping import can, sees
from caducee.desk.models import (
    WAITING_ON,
    AssignmentGroup,
    Category,
    Channel,
    LinkKind,
    ResolutionCode,
    Status,
    Tag,
    Ticket,
    TicketLink,
)
from caducee.desk.services import configuration
from caducee.desk.services.priority import with_unit_criticality
from caducee.org.models import Establishment, Person
from caducee.org.services import kept

#: The largest id a client may send (a 64-bit primary key).
MAX_ID = 2**63 - 1
#: Longest description, notes or reason accepted (characters).
MAX_TEXT = 100_000
MAX_LIST = 200
#: Context key: the serializer only writes an answer (no form, no input).
ANSWER_ONLY = "answer_only"


def _id_or_fail(field: serializers.Field, data: Any, code: str) -> int:
    if isinstance(data, str) and data.strip().isdigit():
        data = int(data.strip())
    if isinstance(data, bool) or not isinstance(data, int):
        field.fail("incorrect_type", data_type=type(data).__name__)
    if not 0 < data <= MAX_ID:
        field.fail(code, pk_value=data)
    return data


class RelatedIdField(ScopedRelatedField):
    """A related record by id; ids of another type or range are refused unread."""

    def to_internal_value(self, data):
        return super().to_internal_value(_id_or_fail(self, data, "does_not_exist"))


class CategoryField(RelatedIdField):
    """A category by id, from the tree kept per process (no query): scoped as
    ``restrict`` scopes categories (the role's view permission)."""

    def to_internal_value(self, data):
        pk = _id_or_fail(self, data, "does_not_exist")
        request = self.context.get("request")
        found = configuration.category(pk)
        if found is None or (request is not None and not can(request.user, Category, "view")):
            self.fail("does_not_exist", pk_value=pk)
        return found


class EstablishmentField(RelatedIdField):
    """An establishment by id, from those kept per process (no query), in
    the caller's scope as ``restrict`` scopes establishments (``sees``)."""

    def to_internal_value(self, data):
        pk = _id_or_fail(self, data, "does_not_exist")
        request = self.context.get("request")
        found = kept.establishment(pk)
        if found is None or (request is not None and not sees(request.user, found)):
            self.fail("does_not_exist", pk_value=pk)
        return found


class IdListField(serializers.ListField):
    """Ids of related records (write), the related ids (read)."""

    child = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_LIST)
        super().__init__(**kwargs)

    def to_representation(self, data):
        return [obj.pk for obj in data.all()]


class TagListField(serializers.ListField):
    child = serializers.CharField(max_length=100)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_LIST)
        super().__init__(**kwargs)

    def to_representation(self, data):
        return [tag.name for tag in data.all()]


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class TicketRefField(serializers.Field):
    """Another ticket by id or by number (``INC-2026-000123``), in the caller's scope."""

    default_error_messages = {
        "does_not_exist": _("Unknown ticket, or outside your scope."),
        "incorrect_type": _("Give the ticket's id or number."),
    }

    def to_internal_value(self, data):
        request = self.context["request"]
        visible = Ticket.objects.restrict(request.user, "view")
        if isinstance(data, str) and not data.strip().isdigit():
            number = data.strip().upper()
            ticket = visible.filter(number=number).first() if len(number) <= 24 else None
        else:
            if isinstance(data, str):
                data = int(data.strip())
            if isinstance(data, bool) or not isinstance(data, int):
                self.fail("incorrect_type")
            ticket = visible.filter(pk=data).first() if 0 < data <= MAX_ID else None
        if ticket is None:
            self.fail("does_not_exist")
        return ticket

    def to_representation(self, value):
        return value.pk


class TicketSerializer(ScopedModelSerializer):
    """A ticket as read by one, and the body of its creation and its edits."""

    serializer_related_field = RelatedIdField

    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.API)
    description = serializers.CharField(
        allow_blank=True, required=False, max_length=MAX_TEXT, help_text=_("Markdown.")
    )
    root_cause = serializers.CharField(allow_blank=True, required=False, max_length=MAX_TEXT)
    workaround = serializers.CharField(allow_blank=True, required=False, max_length=MAX_TEXT)
    category = CategoryField(
        queryset=Category.objects.all(), required=False, allow_null=True, label=_("category")
    )
    configuration_items = IdListField(required=False, help_text=_("Ids of configuration items."))
    watchers = IdListField(required=False, help_text=_("Ids of the user accounts kept informed."))
    tags = TagListField(required=False, help_text=_("Tag names; new ones are created."))

    requester_name = serializers.CharField(source="requester", read_only=True, allow_null=True)
    establishment_name = serializers.CharField(source="establishment", read_only=True)
    care_unit_name = serializers.CharField(source="care_unit.name", read_only=True, allow_null=True)
    category_name = serializers.CharField(
        source="category.full_name", read_only=True, allow_null=True
    )
    assignment_group_name = serializers.CharField(
        source="assignment_group.team.name", read_only=True, allow_null=True
    )
    assignee_name = serializers.CharField(source="assignee", read_only=True, allow_null=True)
    allowed_transitions = serializers.SerializerMethodField(
        help_text=_("The statuses the ticket may go to now.")
    )

    class Meta:
        model = Ticket
        fields = [
            "id",
            "url",
            "number",
            "kind",
            "title",
            "description",
            "status",
            "channel",
            "requester",
            "requester_name",
            "establishment",
            "establishment_name",
            "location",
            "care_unit",
            "care_unit_name",
            "category",
            "category_name",
            "configuration_items",
            "impact",
            "urgency",
            "priority",
            "computed_priority",
            "impact_source",
            "patient_safety",
            "priority_overridden",
            "priority_override_reason",
            "assignment_group",
            "assignment_group_name",
            "assignee",
            "assignee_name",
            "support_level",
            "resolution_code",
            "resolution_notes",
            "watchers",
            "tags",
            "root_cause",
            "workaround",
            "known_error",
            "allowed_transitions",
            "first_response_at",
            "assigned_at",
            "resolved_at",
            "closed_at",
            "cancelled_at",
            "reopened_count",
            "response_due",
            "resolution_due",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "number",
            "status",
            "impact",
            "priority",
            "computed_priority",
            "impact_source",
            "patient_safety",
            "priority_overridden",
            "priority_override_reason",
            "resolution_code",
            "resolution_notes",
            "first_response_at",
            "assigned_at",
            "resolved_at",
            "closed_at",
            "cancelled_at",
            "reopened_count",
            "response_due",
            "resolution_due",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ]
        # The requester is read with what the priority starts from (one query).
        extra_kwargs = {"requester": {"queryset": with_unit_criticality(Person.objects.all())}}

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        if relation_info.related_model is Establishment and field_class is RelatedIdField:
            field_class = EstablishmentField
        return field_class, kwargs

    def get_fields(self):
        if self.context.get(ANSWER_ONLY) and not hasattr(self, "initial_data"):
            # Only an answer (``TicketViewSet._answer``): related fields show
            # ids and never offer or look up a choice, so their querysets are
            # not scoped — building one per related field costs more than
            # the rest of the answer.
            return self.model_fields()
        fields = super().get_fields()
        # Any active account may be named; the service checks that an
        # assignee belongs to the group (accounts are not scoped to agents).
        fields["assignee"].queryset = get_user_model()._default_manager.filter(is_active=True)
        return fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, obj) -> list[str]:
        return sorted(obj.allowed_transitions())


class TicketListSerializer(TicketSerializer):
    """A row of a ticket list: no text bodies, no many-to-many lists."""

    class Meta(TicketSerializer.Meta):
        fields = [
            name
            for name in TicketSerializer.Meta.fields
            if name
            not in {
                "description",
                "configuration_items",
                "watchers",
                "tags",
                "root_cause",
                "workaround",
                "resolution_notes",
                "priority_override_reason",
                "allowed_transitions",
            }
        ]
        read_only_fields = fields
        extra_kwargs: dict = {}


# --- action bodies ----------------------------------------------------------------------
class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text=_("The version read, for clients that cannot send If-Match."),
    )


def _reason(*, required: bool = False) -> serializers.CharField:
    if required:
        return serializers.CharField(max_length=MAX_TEXT)
    return serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT, default="")


def _group_field(**kwargs) -> RelatedIdField:
    return RelatedIdField(queryset=AssignmentGroup.objects.all(), **kwargs)


def _user_field(**kwargs) -> RelatedIdField:
    return RelatedIdField(queryset=get_user_model()._default_manager.all(), **kwargs)


class _ScopedGroupMixin:
    """Groups are chosen among those the caller sees."""

    def get_fields(self):
        fields = super().get_fields()
        user = self.context["request"].user
        field = fields.get("assignment_group")
        if field is not None:
            field.queryset = AssignmentGroup.objects.restrict(user, "view")
        assignee = fields.get("assignee")
        if assignee is not None:
            assignee.queryset = get_user_model()._default_manager.filter(is_active=True)
        return fields


class TransitionSerializer(_ScopedGroupMixin, VersionedSerializer):
    to = serializers.ChoiceField(choices=Status.choices)
    reason = _reason()
    assignment_group = _group_field(required=False, allow_null=True)
    assignee = _user_field(required=False, allow_null=True)
    resolution_code = serializers.ChoiceField(
        choices=ResolutionCode.choices, required=False, allow_blank=True, default=""
    )
    resolution_notes = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=MAX_TEXT, default=None
    )


class AssignSerializer(_ScopedGroupMixin, VersionedSerializer):
    assignment_group = _group_field()
    assignee = _user_field(required=False, allow_null=True, default=None)


class StartSerializer(_ScopedGroupMixin, VersionedSerializer):
    assignment_group = _group_field(required=False)


class WaitSerializer(VersionedSerializer):
    on = serializers.ChoiceField(choices=sorted(WAITING_ON))
    reason = _reason()


class ResolveSerializer(VersionedSerializer):
    code = serializers.ChoiceField(choices=ResolutionCode.choices)
    notes = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=MAX_TEXT, default=None
    )


class ReasonSerializer(VersionedSerializer):
    reason = _reason(required=True)


class PriorityOverrideSerializer(VersionedSerializer):
    priority = serializers.ChoiceField(choices=Priority.choices)
    reason = _reason(required=True)


class LinkRequestSerializer(VersionedSerializer):
    kind = serializers.ChoiceField(choices=LinkKind.choices)
    target = TicketRefField(help_text=_("The other ticket: its id or its number."))


class TicketLinkSerializer(serializers.ModelSerializer):
    """A link as seen from the ticket asked about: ``direction`` says whether
    the ticket is the link's source (``out``) or its target (``in``)."""

    source_number = serializers.CharField(source="source.number", read_only=True)
    target_number = serializers.CharField(source="target.number", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = TicketLink
        fields = [
            "id",
            "kind",
            "kind_label",
            "source",
            "source_number",
            "target",
            "target_number",
            "created_at",
        ]
        read_only_fields = fields


# --- reference data ---------------------------------------------------------------------
class CategorySerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Category
        fields = ["id", "kind", "parent", "name", "full_name", "description", "position"]
        read_only_fields = fields


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]
        read_only_fields = fields
