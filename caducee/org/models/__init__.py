from caducee.org.models.people import Job, Person, Team
from caducee.org.models.structure import (
    Building,
    Establishment,
    Floor,
    HospitalGroup,
    Room,
    Site,
)
from caducee.org.models.units import CareUnit, Criticality, Pole, Service, ShiftDefinition

__all__ = [
    "Building",
    "CareUnit",
    "Criticality",
    "Establishment",
    "Floor",
    "HospitalGroup",
    "Job",
    "Person",
    "Pole",
    "Room",
    "Service",
    "ShiftDefinition",
    "Site",
    "Team",
]
