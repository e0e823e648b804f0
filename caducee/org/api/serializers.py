"""One serializer per org model; related choices scoped to the caller."""

from __future__ import annotations

from caducee.core.api.serializers import ScopedModelSerializer
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

COMMON = ["id", "url", "created_at", "updated_at"]


class HospitalGroupSerializer(ScopedModelSerializer):
    class Meta:
        model = HospitalGroup
        fields = [*COMMON, "code", "name"]


class EstablishmentSerializer(ScopedModelSerializer):
    class Meta:
        model = Establishment
        fields = [
            *COMMON,
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


class SiteSerializer(ScopedModelSerializer):
    class Meta:
        model = Site
        fields = [*COMMON, "establishment", "code", "name", "address", "postcode", "city"]


class BuildingSerializer(ScopedModelSerializer):
    class Meta:
        model = Building
        fields = [*COMMON, "site", "code", "name"]


class FloorSerializer(ScopedModelSerializer):
    class Meta:
        model = Floor
        fields = [*COMMON, "building", "level", "name"]


class RoomSerializer(ScopedModelSerializer):
    class Meta:
        model = Room
        fields = [*COMMON, "floor", "code", "name", "kind"]


class PoleSerializer(ScopedModelSerializer):
    class Meta:
        model = Pole
        fields = [*COMMON, "establishment", "code", "name"]


class ServiceSerializer(ScopedModelSerializer):
    class Meta:
        model = Service
        fields = [*COMMON, "establishment", "pole", "code", "name"]


class CareUnitSerializer(ScopedModelSerializer):
    class Meta:
        model = CareUnit
        fields = [
            *COMMON,
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


class ShiftDefinitionSerializer(ScopedModelSerializer):
    class Meta:
        model = ShiftDefinition
        fields = [*COMMON, "establishment", "code", "name", "starts_at", "ends_at", "order"]


class JobSerializer(ScopedModelSerializer):
    class Meta:
        model = Job
        fields = [*COMMON, "code", "name", "category", "is_health_professional"]


class PersonSerializer(ScopedModelSerializer):
    class Meta:
        model = Person
        fields = [
            *COMMON,
            "establishment",
            "employee_number",
            "first_name",
            "last_name",
            "job",
            "rpps",
            "care_units",
            "manager",
            "room",
            "phone",
            "mobile",
            "email",
            "user",
            "active_from",
            "active_to",
        ]
        read_only_fields = ["user"]


class TeamSerializer(ScopedModelSerializer):
    class Meta:
        model = Team
        fields = [
            *COMMON,
            "code",
            "name",
            "establishment",
            "description",
            "email",
            "lead",
            "members",
        ]
