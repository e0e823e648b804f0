"""The queue and ticket pages look the same however cheaply they are written
(issue "Service desk core", performance: p95 under 100 ms at 750,000
tickets).

- the queue's rows, written by hand, are those ``core.cells`` and
  django-tables2's attributes gave;
- the drop-downs and the text, number, hidden and textarea fields written
  in Python are the ones Django's templates write;
- the queue's category filter names each category by its path, as
  ``str(category)`` does, in the same order;
- the queue reads only the columns its rows show, and never a missing one
  afterwards (a hidden query per row).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.db.models import Model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from caducee.core.cells import rendered_rows
from caducee.core.context import acting_as
from caducee.core.widgets import (
    QuickEmailInput,
    QuickHiddenInput,
    QuickNumberInput,
    QuickSelect,
    QuickSelectMultiple,
    QuickTextarea,
    QuickTextInput,
    lighten,
)
from caducee.desk.filters.tickets import TicketFilterSet
from caducee.desk.models import Category, Status, Ticket, TicketKind
from caducee.desk.tables.tickets import TicketTable
from caducee.desk.views.queues import ROW_FIELDS, ROW_RELATED

pytestmark = pytest.mark.django_db

QUEUE = reverse("desk:queue")


@pytest.fixture
def varied(desk, ght, new_ticket):
    """Tickets covering every kind of cell: unassigned, a group alone, a
    group and its assignee, patient safety, paused, resolved, overdue, due
    within the hour, later, with and without a care unit."""
    now = timezone.now()
    made = [
        new_ticket(title="<Poste> & écran", care_unit=ght.icu_a),
        new_ticket(title="Imprimante", assignment_group=desk.desk_a, care_unit=ght.ward_a),
        new_ticket(title="Réseau", assignment_group=desk.network, assignee=desk.engineer),
        new_ticket(title="Pompe", assignment_group=desk.desk_a, assignee=desk.agent),
        new_ticket(title="Attente", requester=ght.doctor_a, care_unit=ght.admin_a),
        new_ticket(title="Fini"),
        new_ticket(title="Retard"),
        new_ticket(title="Bientôt"),
    ]
    Ticket.objects.filter(pk=made[3].pk).update(patient_safety=True, priority=1)
    Ticket.objects.filter(pk=made[4].pk).update(status=Status.WAITING_REQUESTER)
    Ticket.objects.filter(pk=made[5].pk).update(status=Status.RESOLVED)
    Ticket.objects.filter(pk=made[6].pk).update(
        resolution_due=now - dt.timedelta(hours=3), response_due=now - dt.timedelta(hours=4)
    )
    Ticket.objects.filter(pk=made[7].pk).update(
        resolution_due=now + dt.timedelta(minutes=20), first_response_at=now
    )
    return made


def _rows():
    return list(Ticket.objects.order_by("-pk").prefetch_related(*ROW_RELATED).only(*ROW_FIELDS))


def _reference_body(table: TicketTable) -> str:
    """The rows as they were written before: each cell by ``core.cells``,
    its ``td`` attributes and the row's by django-tables2."""
    rows = []
    for row, cells in rendered_rows(table):
        html = "".join(
            f"<td {plan.td_attrs(row, value)} "
            f'data-label="{conditional_escape(plan.bound_column.header)}">'
            f"{conditional_escape(value)}</td>"
            for plan, value in cells
        )
        rows.append(f"<tr {row.attrs.as_html()}>{html}</tr>")
    return "\n".join(rows)


@pytest.mark.parametrize("selectable", [True, False], ids=["agent", "read-only"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_queue_rows_are_written_as_before(varied, selectable, language):
    now = timezone.now()
    with translation.override(language):
        rows = _rows()
        fast = TicketTable(rows, selectable=selectable, now=now).body_html()
        reference = _reference_body(TicketTable(rows, selectable=selectable, now=now))
    assert str(fast) == reference
    assert fast.count("<tr ") == len(varied)
    assert "&lt;Poste&gt; &amp; écran" in fast and "<Poste>" not in fast
    assert 'class="prio prio-1"' in fast and 'class="even"' in fast and 'class="odd"' in fast


@pytest.mark.parametrize(("language", "resolved"), [("fr", "Résolu"), ("en", "Resolved")])
def test_queue_cells_name_priority_and_status_in_words(varied, language, resolved):
    """An agent reads "P1" and "Résolu", not the stored 1 and "resolved"."""
    with translation.override(language):
        body = str(TicketTable(_rows(), selectable=True).body_html())
    assert ">P1</td>" in body
    assert f">{resolved}</td>" in body
    assert ">resolved</td>" not in body and ">1</td>" not in body


def test_the_queue_reads_no_column_it_left_out(client, desk, varied, monkeypatch):
    """A column left out of the rows' query and read by a cell costs one
    query per row: none is read afterwards."""
    client.force_login(desk.agent)
    client.get(QUEUE)  # caches warmed
    loaded = []
    original = Model.refresh_from_db

    def refresh(self, *args, **kwargs):
        loaded.append((type(self).__name__, kwargs.get("fields")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Model, "refresh_from_db", refresh)
    for query in ({"queue": "all"}, {"queue": "unassigned"}, {"queue": "all", "ordering": "due"}):
        response = client.get(QUEUE, query)
        assert response.status_code == 200
    rows = client.get(reverse("desk:queue_rows"), {"queue": "all"})
    assert loaded == []
    html = rows.content.decode()
    # What the cells show of each neighbour.
    assert "4101 Réanimation" in html and "Paul DURAND" in html
    assert "Réseau GHT" in html and "Centre de services Valmont" in html
    assert (desk.engineer.get_full_name() or desk.engineer.username) in html


# --- text fields written in Python --------------------------------------------------------
@pytest.mark.parametrize(
    ("django_widget", "quick", "attrs", "value"),
    [
        (
            forms.TextInput,
            QuickTextInput,
            {"type": "search", "data-x": '"q"<', "required": True},
            'a "b" <c> & é',
        ),
        (forms.TextInput, QuickTextInput, {"maxlength": 20, "disabled": False}, None),
        (forms.TextInput, QuickTextInput, {}, ""),
        (forms.TextInput, QuickTextInput, {}, mark_safe("<b>")),
        (forms.NumberInput, QuickNumberInput, {"min": 0, "step": "any"}, 3.5),
        (forms.NumberInput, QuickNumberInput, {}, 0),
        (forms.HiddenInput, QuickHiddenInput, {}, 12),
        (forms.EmailInput, QuickEmailInput, {}, "a@b.fr"),
        (forms.Textarea, QuickTextarea, {"rows": 3}, "ligne 1\n<ligne 2>\n"),
        (forms.Textarea, QuickTextarea, {}, None),
        (forms.Textarea, QuickTextarea, {}, ""),
    ],
)
def test_text_fields_same_html_as_djangos_templates(django_widget, quick, attrs, value):
    expected = django_widget(attrs=attrs).render("f", value, {"id": "id_f"})
    assert quick(attrs=attrs).render("f", value, {"id": "id_f"}) == expected


CHOICES = [
    ("", "---------"),
    ("a", "<Réa> & co"),
    ("Bloc", [("b", "Salle 1"), ("c", 'Salle "2"'), (None, "aucune")]),
    (3, "trois"),
    (None, "vide"),
    ("s", mark_safe("<b>sûr</b>")),
    ("l", gettext_lazy("Status")),
    ("", [("e", "sans nom de groupe")]),
]


@pytest.mark.parametrize("choices", [CHOICES, Status.choices, []], ids=["mixed", "lazy", "none"])
@pytest.mark.parametrize(
    ("django_widget", "quick", "value"),
    [
        (forms.Select, QuickSelect, "b"),
        (forms.Select, QuickSelect, 3),
        (forms.Select, QuickSelect, ""),
        (forms.Select, QuickSelect, None),
        (forms.SelectMultiple, QuickSelectMultiple, ["a", "3", "c", "assigned"]),
        (forms.SelectMultiple, QuickSelectMultiple, None),
    ],
)
def test_drop_downs_same_html_as_djangos_templates(django_widget, quick, value, choices):
    attrs = {"class": "select", "required": True, "disabled": False}
    with translation.override("fr"):
        expected = django_widget(attrs=attrs, choices=choices).render("f", value, {"id": "id_f"})
        got = quick(attrs=attrs, choices=choices).render("f", value, {"id": "id_f"})
    assert got == expected


def test_lighten_leaves_a_widget_with_its_own_template_alone():
    class Form(forms.Form):
        note = forms.CharField(widget=forms.Textarea)
        code = forms.CharField()

    form = Form()
    form.fields["code"].widget.template_name = "django/forms/widgets/hidden.html"
    lighten(form)
    assert type(form.fields["note"].widget) is QuickTextarea
    assert type(form.fields["code"].widget) is forms.TextInput


# --- the category filter --------------------------------------------------------------------
def test_category_options_are_the_categories_paths_in_order(desk, admin_user):
    with acting_as(admin_user):
        root = Category.objects.create(kind=TicketKind.INCIDENT, name="Poste <de travail>")
        child = Category.objects.create(kind=TicketKind.INCIDENT, name="Écran", parent=root)
        Category.objects.create(kind=TicketKind.INCIDENT, name="Câble", parent=child)
        Category.objects.create(kind=TicketKind.REQUEST, name="Accès", is_active=False)
    request = RequestFactory().get(QUEUE)
    request.user = desk.agent
    form = TicketFilterSet({}, queryset=Ticket.objects.all(), request=request).form
    field = form.fields["category"]
    expected = [("", field.empty_label)] + [
        (category.pk, str(category)) for category in Category.objects.all()
    ]
    assert [(value, str(label)) for value, label in field.choices] == [
        (value, str(label)) for value, label in expected
    ]
    assert "Poste &lt;de travail&gt; &gt; Écran &gt; Câble" in str(form["category"])
