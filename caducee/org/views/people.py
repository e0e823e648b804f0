"""Pages of jobs, people and teams."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from caducee.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from caducee.org import filters, forms, tables
from caducee.org.models import (
    Job,
    Person,
    Team,
)
from caducee.org.views.common import related_block


# --- Job, Person, Team --------------------------------------------------------
class JobListView(ObjectListView):
    model = Job
    filterset_class = filters.JobFilterSet
    table_class = tables.JobTable
    import_url_name = "org:import"


class JobDetailView(ObjectDetailView):
    model = Job
    detail_fields = ["code", "name", "category", "is_health_professional"]


class JobEditView(ObjectEditView):
    model = Job
    form_class = forms.JobForm


class JobDeleteView(ObjectDeleteView):
    model = Job


class PersonListView(ObjectListView):
    model = Person
    filterset_class = filters.PersonFilterSet
    table_class = tables.PersonTable
    import_url_name = "org:import"

    def base_queryset(self):
        return Person.objects.select_related("job", "establishment").prefetch_related("care_units")


class PersonDetailView(ObjectDetailView):
    model = Person
    detail_fields = [
        "establishment",
        "first_name",
        "last_name",
        "job",
        "rpps",
        "employee_number",
        "care_units",
        "manager",
        "room",
        "phone",
        "mobile",
        "email",
        "active_from",
        "active_to",
        "user",
    ]

    def get_related(self, obj):
        return [
            related_block(
                _("Direct reports"),
                tables.PersonTable,
                obj.reports.select_related("job", "establishment").prefetch_related("care_units"),
                self.request.user,
            ),
            related_block(
                _("Teams"),
                tables.TeamTable,
                obj.teams.annotate(member_count=Count("members")),
                self.request.user,
            ),
        ]


class PersonEditView(ObjectEditView):
    model = Person
    form_class = forms.PersonForm


class PersonDeleteView(ObjectDeleteView):
    model = Person


class TeamListView(ObjectListView):
    model = Team
    filterset_class = filters.TeamFilterSet
    table_class = tables.TeamTable

    def base_queryset(self):
        return Team.objects.select_related("establishment").annotate(member_count=Count("members"))


class TeamDetailView(ObjectDetailView):
    model = Team
    detail_fields = ["code", "name", "establishment", "description", "email", "lead"]

    def get_related(self, obj):
        return [
            related_block(
                _("Members"),
                tables.PersonTable,
                obj.members.select_related("job", "establishment").prefetch_related("care_units"),
                self.request.user,
            )
        ]


class TeamEditView(ObjectEditView):
    model = Team
    form_class = forms.TeamForm


class TeamDeleteView(ObjectDeleteView):
    model = Team
