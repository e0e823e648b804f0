"""Forms of the ticket pages: record, edit, move, qualify, override.

Rule (STYLE.md principle 6): the forms turn what was typed into field
errors; the services (``caducee.desk.services.tickets``) apply the rules and
their ``DomainError`` lands next to the field it names. Every form that
changes an existing ticket carries the ``version`` the agent read, passed to
the service as ``expected_version``: an edit crossed by someone else's is
refused and nothing is overwritten.

People, rooms and items are picked by typing (htmx searches,
``caducee.desk.views.call``): their fields are hidden ids, so a GHT of
20,000 people and 25,000 items is never sent as a drop-down. Choices come
through ``restrict()`` (``ScopedModelForm``) and are read in one query each.
"""

from __future__ import annotations

import copy
from html import escape
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from caducee.cmdb.models import ConfigurationItem, Priority
from caducee.core.forms import ScopedModelForm
from caducee.core.widgets import QuickSelect
from caducee.desk.models import (
    AssignmentGroup,
    Category,
    ResolutionCode,
    Status,
    Ticket,
    TicketKind,
)
from caducee.desk.models.categories import SEPARATOR
from caducee.desk.models.tickets import PROBLEM_FIELDS
from caducee.desk.services import choices
from caducee.desk.services.choices import assignee_label
from caducee.org.models import CareUnit

#: ``id`` attributes of the ticket forms: ``#ticket-title``, ``#ticket-items``…
AUTO_ID = "ticket-%s"


def category_choices(kind: str | None = None) -> list[tuple[Any, Any]]:
    """Active categories grouped by kind, labelled with their path, one query."""
    rows = list(
        Category.objects.filter(is_active=True).values_list("pk", "kind", "parent_id", "name")
    )
    by_pk = {pk: (parent, name) for pk, _kind, parent, name in rows}

    def path(pk: int) -> str:
        names, seen = [], set()
        while pk is not None and pk in by_pk and pk not in seen:
            seen.add(pk)
            parent, name = by_pk[pk]
            names.append(name)
            pk = parent
        return SEPARATOR.join(reversed(names))

    choices: list[tuple[Any, Any]] = [("", "---------")]
    for code, label in TicketKind.choices:
        if kind and code != kind:
            continue
        options = sorted(
            ((pk, path(pk)) for pk, k, _p, _n in rows if k == code), key=lambda o: o[1]
        )
        if options:
            choices.append((label, options))
    return choices


def assignee_queryset():
    """Active accounts that are members or leads of an active group's team."""
    return choices.assignees()


def use_assignees(field: AssigneeField) -> None:
    """Let ``field`` offer the assignees (kept per process) and accept them."""
    field.queryset = assignee_queryset()
    field.kept_options = True


class AssigneeChoices(BaseChoiceIterator):
    """The assignee drop-down's options read as values, in one query: several
    hundred accounts on every queue and ticket page, where model instances
    cost twice the query itself. Lazy (a ``BaseChoiceIterator``: setting the
    queryset or the widget does not read it) and read once; the empty option
    comes first without reading anything (the widget peeks at it)."""

    def __init__(self, field: AssigneeField) -> None:
        self.field = field
        self._options: list[tuple[int, str]] | None = None

    def options(self) -> list[tuple[int, str]]:
        if self._options is None:
            if self.field.kept_options:
                self._options = list(choices.assignee_options())
            else:
                rows = self.field.queryset.values_list("pk", "first_name", "last_name", "username")
                self._options = [(pk, assignee_label(*names)) for pk, *names in rows]
        return self._options

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.options()

    def __len__(self) -> int:
        return len(self.options()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.options())


def _option_tags(choices: list[tuple[Any, Any]], chosen: set[str]) -> list[str]:
    """``<option>`` tags as ``QuickSelect`` writes them; the first option
    whose value is chosen is selected (a single choice)."""
    tags, found = [], False
    for option_value, label in choices:
        key = "" if option_value is None else str(option_value)
        selected = not found and key in chosen
        found = found or selected
        # ``html.escape``: what Django's ``escape`` calls, without its lazy wrapper.
        text = conditional_escape(label) if hasattr(label, "__html__") else escape(str(label))
        tags.append(
            f'\n  <option value="{escape(key)}"{" selected" if selected else ""}>{text}</option>\n'
        )
    return tags


class AssigneeSelect(QuickSelect):
    """The assignee drop-down written in one pass over its options: the
    options of ``QuickSelect`` cost a dictionary and a ``format_html`` each
    (5 ms for the GHT's 368 accounts, on every queue and ticket page); the
    same HTML (``desk/tests/test_pages_cost2.py`` compares them)."""

    CLOSING = "\n</select>"

    def render(self, name, value, attrs=None, renderer=None):
        shell = copy.copy(self)  # the <select> tag and its attributes, no options
        shell.choices = []
        html = str(super(AssigneeSelect, shell).render(name, value, attrs, renderer))
        chosen = set(self.format_value(value))
        parts = [html[: -len(self.CLOSING)]]
        # The loop in a function of its own: written inline here it measured
        # 6 ms on the ticket page (0.3 ms after the request, same options).
        parts.extend(_option_tags(list(self.choices), chosen))
        parts.append(self.CLOSING)
        return mark_safe("".join(parts))  # noqa: S308  (values and labels escaped above)


class AssigneeField(forms.ModelChoiceField):
    widget = AssigneeSelect
    #: Offer the assignees kept per process (``use_assignees``) rather than
    #: reading the queryset; a submitted choice is checked against it anyway.
    kept_options = False

    def label_from_instance(self, obj) -> str:
        return assignee_label(obj.first_name, obj.last_name, obj.username)

    def _get_choices(self):
        # Values, not instances, whatever iterator the form's rendering picks.
        if hasattr(self, "_choices"):
            return self._choices
        return AssigneeChoices(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class ItemsField(forms.ModelMultipleChoiceField):
    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid_choice": _("Unknown configuration item, or outside your scope: %(value)s."),
        "invalid_pk_value": _("Unknown configuration item: “%(pk)s”."),
    }


class TicketFormBase(ScopedModelForm):
    """What the create and edit forms share: the pickers and the defaults
    taken from the requester (establishment, location)."""

    items = ItemsField(
        label=_("Configuration items"), queryset=ConfigurationItem.objects.all(), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", AUTO_ID)
        super().__init__(*args, user=user, **kwargs)
        items = self.fields["items"]
        items.queryset = ConfigurationItem.objects.restrict(user, "view")
        if "establishment" in self.fields:
            self.fields["establishment"].required = False
        if "care_unit" in self.fields:
            self.fields["care_unit"].queryset = (
                CareUnit.objects.restrict(user, "view")
                .filter(is_active=True)
                .order_by("establishment_id", "name")
            )
        if "title" in self.fields:
            self.fields["title"].widget.attrs.update({"autocomplete": "off"})
        if "description" in self.fields:
            self.fields["description"].widget.attrs.update({"rows": 4})

    # --- what the pickers show ----------------------------------------------------
    def _value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.getlist(name) if name == "items" else self.data.get(name)
        value = self.initial.get(name)
        if value is None and self.instance.pk:
            if name == "items":
                return [item.pk for item in self.instance.configuration_items.all()]
            return getattr(self.instance, f"{name}_id", None)
        return value

    def chosen_items(self) -> list[ConfigurationItem]:
        ids = []
        for value in self._value("items") or []:
            value = getattr(value, "pk", value)
            try:
                ids.append(int(value))
            except (TypeError, ValueError):
                continue
        if not ids:
            return []
        return list(
            self.fields["items"].queryset.filter(pk__in=ids).select_related("establishment")
        )

    def chosen(self, name: str) -> Any:
        value = self._value(name)
        value = getattr(value, "pk", value)
        if not value:
            return None
        try:
            return self.fields[name].queryset.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    def chosen_requester(self):
        return self.chosen("requester")

    def chosen_location(self):
        return self.chosen("location")

    # --- defaults --------------------------------------------------------------------
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        requester = data.get("requester")
        if "establishment" in self.fields and not data.get("establishment"):
            if requester is not None:
                data["establishment"] = requester.establishment
            elif not self.has_error("establishment"):
                self.add_error("establishment", _("Choose the establishment."))
        establishment = data.get("establishment")
        if (
            "location" in self.fields
            and not data.get("location")
            and not self.has_error("location")
            and requester is not None
            and requester.room_id
            and establishment is not None
            and requester.establishment_id == establishment.pk
        ):
            data["location"] = requester.room
        return data


class TicketForm(TicketFormBase):
    """Record a ticket (``create_ticket``); the group is optional — the
    routing rules choose one when left empty."""

    class Meta:
        model = Ticket
        fields = [
            "kind",
            "title",
            "description",
            "requester",
            "channel",
            "establishment",
            "location",
            "care_unit",
            "category",
            "urgency",
            "assignment_group",
            "assignee",
        ]
        widgets = {
            "requester": forms.HiddenInput,
            "location": forms.HiddenInput,
            "description": forms.Textarea,
        }
        field_classes = {"assignee": AssigneeField}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["category"].choices = category_choices()
        groups = self.fields["assignment_group"]
        groups.queryset = groups.queryset.filter(is_active=True).select_related("team")
        groups.required = False
        groups.help_text = _("Leave empty: the routing rules choose.")
        use_assignees(self.fields["assignee"])
        self.fields["assignee"].required = False


class TicketEditForm(TicketFormBase):
    """Edit a ticket (``update_ticket`` and ``set_items``), with the version read."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas."),
        max_length=500,
    )

    class Meta:
        model = Ticket
        fields = [
            "title",
            "description",
            "requester",
            "channel",
            "establishment",
            "location",
            "care_unit",
            "category",
            "urgency",
            "support_level",
            *PROBLEM_FIELDS,
        ]
        widgets = {
            "requester": forms.HiddenInput,
            "location": forms.HiddenInput,
            "description": forms.Textarea,
            "root_cause": forms.Textarea(attrs={"rows": 3}),
            "workaround": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        ticket = self.instance
        self.fields["category"].choices = category_choices(ticket.kind)
        if ticket.kind != TicketKind.PROBLEM:
            for name in PROBLEM_FIELDS:
                del self.fields[name]
        if not self.is_bound:
            self.initial.setdefault("version", ticket.version)
            self.initial.setdefault("tags", ", ".join(t.name for t in ticket.tags.all()))

    def tag_names(self) -> list[str]:
        return [
            name.strip() for name in self.cleaned_data.get("tags", "").split(",") if name.strip()
        ]


# --- the ticket page's small forms ---------------------------------------------------
class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


#: What the transition form may ask for, besides real statuses.
REOPEN = "reopen"
TRANSITION_TARGETS = [*Status.choices, (REOPEN, _("Reopen"))]


class TransitionForm(VersionedForm):
    """One move of the lifecycle, with what the destination needs."""

    to = forms.ChoiceField(label=_("New status"), choices=TRANSITION_TARGETS)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    assignment_group = forms.ModelChoiceField(
        label=_("Assignment group"), queryset=AssignmentGroup.objects.none(), required=False
    )
    assignee = AssigneeField(
        label=_("Assignee"), queryset=get_user_model().objects.none(), required=False
    )
    resolution_code = forms.ChoiceField(
        label=_("Resolution code"),
        choices=[("", "---------"), *ResolutionCode.choices],
        required=False,
    )
    resolution_notes = forms.CharField(
        label=_("Resolution notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        user: Any = None,
        ticket: Ticket | None = None,
        groups: QuerySet | None = None,
        group_options: list[tuple[int, str]] | None = None,
        **kw: Any,
    ):
        super().__init__(*args, **kw)
        if groups is None:
            groups = transition_groups(user, ticket)
        self.fields["assignment_group"].queryset = groups
        if group_options is None and ticket is not None:
            group_options = choices.group_choices(user, ticket.establishment_id)
        if group_options is not None:
            # What to offer, from the groups kept per process (a submitted
            # group is still checked against ``groups``).
            self.fields["assignment_group"].choices = [
                ("", self.fields["assignment_group"].empty_label),
                *group_options,
            ]
        use_assignees(self.fields["assignee"])


def transition_groups(user: Any, ticket: Ticket | None) -> QuerySet:
    """The groups ``user`` may move ``ticket`` to: active, visible, serving
    its establishment. Built once for the several forms of a ticket page
    (each one's filters cost the ORM ~0.7 ms to put together)."""
    groups = AssignmentGroup.objects.restrict(user, "view").filter(is_active=True)
    if ticket is not None:
        groups = groups.filter(
            Q(establishment__isnull=True) | Q(establishment_id=ticket.establishment_id)
        )
    return groups.select_related("team")


class PriorityOverrideForm(VersionedForm):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the priority is overridden.")},
    )


class TicketItemsForm(VersionedForm):
    items = ItemsField(
        label=_("Configuration items"), queryset=ConfigurationItem.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = ConfigurationItem.objects.restrict(user, "view")
