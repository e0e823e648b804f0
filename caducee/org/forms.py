"""One form per org model; related choices are scoped to the user."""

from __future__ import annotations

from django import forms

from caducee.core.forms import ScopedModelForm
from caducee.org.models import (
    Building,
    CareUnit,
    Establishment,
    Floor,
    HospitalGroup,
    Job,
    Person,
    Pole,
    Room,
    Service,
    ShiftDefinition,
    Site,
    Team,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class HospitalGroupForm(ScopedModelForm):
    class Meta:
        model = HospitalGroup
        fields = ["code", "name"]


class EstablishmentForm(ScopedModelForm):
    class Meta:
        model = Establishment
        fields = [
            "group",
            "finess",
            "name",
            "short_name",
            "kind",
            "is_support",
            "address",
            "postcode",
            "city",
            "phone",
        ]


class SiteForm(ScopedModelForm):
    class Meta:
        model = Site
        fields = ["establishment", "code", "name", "address", "postcode", "city"]


class BuildingForm(ScopedModelForm):
    class Meta:
        model = Building
        fields = ["site", "code", "name"]


class FloorForm(ScopedModelForm):
    class Meta:
        model = Floor
        fields = ["building", "level", "name"]


class RoomForm(ScopedModelForm):
    class Meta:
        model = Room
        fields = ["floor", "code", "name", "kind"]


class PoleForm(ScopedModelForm):
    class Meta:
        model = Pole
        fields = ["establishment", "code", "name"]


class ServiceForm(ScopedModelForm):
    class Meta:
        model = Service
        fields = ["establishment", "pole", "code", "name"]


class CareUnitForm(ScopedModelForm):
    class Meta:
        model = CareUnit
        fields = [
            "establishment",
            "service",
            "code",
            "name",
            "criticality",
            "care_hours",
            "calendar_code",
            "room",
            "phone",
            "is_active",
        ]


class ShiftDefinitionForm(ScopedModelForm):
    class Meta:
        model = ShiftDefinition
        fields = ["establishment", "code", "name", "starts_at", "ends_at", "order"]
        widgets = {"starts_at": TIME, "ends_at": TIME}


class JobForm(ScopedModelForm):
    class Meta:
        model = Job
        fields = ["code", "name", "category", "is_health_professional"]


class PersonForm(ScopedModelForm):
    class Meta:
        model = Person
        fields = [
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
        ]
        widgets = {"active_from": DATE, "active_to": DATE}


class TeamForm(ScopedModelForm):
    class Meta:
        model = Team
        fields = ["code", "name", "establishment", "description", "email", "lead", "members"]
