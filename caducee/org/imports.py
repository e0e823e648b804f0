"""What can be imported into the organisation, and how rows find their records.

Hospital files name things by their natural keys, never by database ids: an
establishment by its FINESS number, a site by its code within the
establishment, a care unit by its UF code, a person by employee number
(matricule) within the establishment, else by e-mail. Each kind below says
which columns it reads (French and English headers) and which key finds an
existing record, so a re-import updates instead of duplicating.

Related records are looked up in the importing user's scope only. The one
exception to "outside your scope looks like not found" is the establishment
itself: FINESS numbers are a public national directory, and "outside your
scope" tells the user exactly why the row is refused.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caducee.core.imports import CellError, Column, ImportSpec, RowContext
from caducee.org import forms
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
    Site,
    Team,
)
from caducee.org.services.structure import create_establishment
from caducee.org.validators import normalise_finess


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;|\n]", value or "") if part.strip()]


# --- Parsers: a cell's text to the value its form field expects ---------------
def parse_finess(ctx: RowContext, value: str) -> str:
    return normalise_finess(value)


def parse_establishment(ctx: RowContext, value: str) -> int | None:
    finess = normalise_finess(value)
    if not finess:
        return None
    cache = ctx.cache.setdefault("establishments", {})
    if finess not in cache:
        scoped = Establishment.objects.restrict(ctx.user, "view").filter(finess=finess)
        pk = scoped.values_list("pk", flat=True).first()
        if pk is None:
            if Establishment.objects.filter(finess=finess).exists():
                raise CellError(_("Establishment outside your scope."))
            raise CellError(_("No establishment with FINESS %(finess)s.") % {"finess": finess})
        cache[finess] = pk
    return cache[finess]


def _within_establishment(model, label: str):
    def parse(ctx: RowContext, value: str) -> int | None:
        establishment = ctx.need("establishment")
        if not value:
            return None
        if establishment is None:
            raise CellError(_("Fill in the establishment's FINESS to find this."))
        return ctx.find(
            model,
            _("No %(what)s with code %(code)s in this establishment.")
            % {"what": label, "code": value},
            establishment=establishment,
            code=value,
        )

    return parse


parse_site = _within_establishment(Site, gettext_lazy("site"))
parse_pole = _within_establishment(Pole, gettext_lazy("pole"))
parse_service = _within_establishment(Service, gettext_lazy("service"))


def parse_building(ctx: RowContext, value: str) -> int | None:
    site = ctx.need("site")
    if not value:
        return None
    if site is None:
        raise CellError(_("Fill in the site code to find the building."))
    return ctx.find(
        Building,
        _("No building with code %(code)s on this site.") % {"code": value},
        site=site,
        code=value,
    )


def parse_floor(ctx: RowContext, value: str) -> int | None:
    building = ctx.need("building")
    if not value:
        return None
    if building is None:
        raise CellError(_("Fill in the building code to find the floor."))
    try:
        level = int(value)
    except ValueError as exc:
        raise CellError(_("Enter the floor's level as a whole number.")) from exc
    return ctx.find(
        Floor,
        _("No floor at level %(level)s in this building.") % {"level": level},
        building=building,
        level=level,
    )


def parse_group(ctx: RowContext, value: str) -> int | None:
    if not value:
        return None
    return ctx.find(HospitalGroup, _("No GHT with code %(code)s.") % {"code": value}, code=value)


def parse_job(ctx: RowContext, value: str) -> int | None:
    if not value:
        return None
    return ctx.find(Job, _("No job with code %(code)s.") % {"code": value}, code=value)


def parse_care_units(ctx: RowContext, value: str) -> list[int]:
    establishment = ctx.need("establishment")
    codes = split_list(value)
    if not codes:
        return []
    if establishment is None:
        raise CellError(_("Fill in the establishment's FINESS to find the care units."))
    found = dict(
        CareUnit.objects.restrict(ctx.user, "view")
        .filter(establishment=establishment, code__in=codes)
        .values_list("code", "pk")
    )
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise CellError(
            _("Unknown care unit code(s) in this establishment: %(codes)s.")
            % {"codes": ", ".join(unknown)}
        )
    return [found[code] for code in codes]


def _find_person(ctx: RowContext, reference: str, establishment: Any) -> int:
    """A person by e-mail (when it has an @) or employee number."""
    lookup = {"email__iexact": reference} if "@" in reference else {"employee_number": reference}
    if establishment is not None:
        lookup["establishment"] = establishment
    return ctx.find(Person, _("No person found for “%(ref)s”.") % {"ref": reference}, **lookup)


def parse_person(ctx: RowContext, value: str) -> int | None:
    establishment = ctx.need("establishment")
    return _find_person(ctx, value, establishment) if value else None


def parse_team_person(ctx: RowContext, value: str) -> int | None:
    # A team may gather people of several establishments (shared IT teams).
    return _find_person(ctx, value, None) if value else None


def parse_team_people(ctx: RowContext, value: str) -> list[int]:
    return [_find_person(ctx, reference, None) for reference in split_list(value)]


# --- Columns shared by several kinds ------------------------------------------
ESTABLISHMENT = Column(
    "establishment",
    gettext_lazy("Establishment FINESS"),
    ("FINESS", "N° FINESS", "FINESS établissement", "Établissement", "Establishment"),
    required=True,
    parse=parse_establishment,
)
CODE = Column("code", gettext_lazy("Code"), ("Code",), required=True)
NAME = Column("name", gettext_lazy("Name"), ("Nom", "Libellé", "Label"), required=True)
SITE = Column(
    "site", gettext_lazy("Site code"), ("Code site", "Site"), required=True, parse=parse_site
)
BUILDING = Column(
    "building",
    gettext_lazy("Building code"),
    ("Code bâtiment", "Bâtiment", "Building"),
    required=True,
    parse=parse_building,
)
ADDRESS = (
    Column("address", gettext_lazy("Address"), ("Adresse",)),
    Column("postcode", gettext_lazy("Postcode"), ("Code postal", "CP", "Zip code")),
    Column("city", gettext_lazy("City"), ("Ville", "Commune")),
)
PHONE = Column("phone", gettext_lazy("Phone"), ("Téléphone", "Tél", "Tel"))


class EstablishmentImport(ImportSpec):
    kind = "establishments"
    model = Establishment
    form_class = forms.EstablishmentForm
    create_service = staticmethod(create_establishment)
    keys = (("finess",),)
    columns = (
        Column(
            "finess",
            gettext_lazy("FINESS"),
            ("N° FINESS", "Numéro FINESS", "FINESS number"),
            required=True,
            parse=parse_finess,
        ),
        NAME,
        Column("short_name", gettext_lazy("Short name"), ("Nom court", "Sigle")),
        Column("kind", gettext_lazy("Kind"), ("Type", "Catégorie")),
        Column(
            "is_support",
            gettext_lazy("Support establishment"),
            ("Établissement support", "Support"),
        ),
        *ADDRESS,
        Column("phone", gettext_lazy("Switchboard"), ("Standard", "Téléphone", "Phone")),
        Column(
            "group",
            gettext_lazy("GHT code"),
            ("GHT", "Code GHT", "Hospital group"),
            parse=parse_group,
        ),
    )

    def new_instance(self, ctx: RowContext) -> Establishment:
        # A GHT-wide import needs no GHT column when there is only one GHT.
        groups = list(
            HospitalGroup.objects.restrict(ctx.user, "view").values_list("pk", flat=True)[:2]
        )
        return Establishment(group_id=groups[0] if len(groups) == 1 else None)


class SiteImport(ImportSpec):
    kind = "sites"
    model = Site
    form_class = forms.SiteForm
    keys = (("establishment", "code"),)
    columns = (ESTABLISHMENT, CODE, NAME, *ADDRESS)


class BuildingImport(ImportSpec):
    kind = "buildings"
    model = Building
    form_class = forms.BuildingForm
    keys = (("site", "code"),)
    columns = (ESTABLISHMENT, SITE, CODE, NAME)


class FloorImport(ImportSpec):
    kind = "floors"
    model = Floor
    form_class = forms.FloorForm
    keys = (("building", "level"),)
    columns = (
        ESTABLISHMENT,
        SITE,
        BUILDING,
        Column("level", gettext_lazy("Level"), ("Niveau", "Étage", "Floor"), required=True),
        Column("name", gettext_lazy("Name"), ("Nom", "Libellé", "Label")),
    )


class RoomImport(ImportSpec):
    kind = "rooms"
    model = Room
    form_class = forms.RoomForm
    keys = (("floor", "code"),)
    columns = (
        ESTABLISHMENT,
        SITE,
        BUILDING,
        Column(
            "floor",
            gettext_lazy("Floor level"),
            ("Niveau", "Étage", "Floor"),
            required=True,
            parse=parse_floor,
        ),
        CODE,
        Column("name", gettext_lazy("Name"), ("Nom", "Libellé", "Label")),
        Column("kind", gettext_lazy("Kind"), ("Type",)),
    )


class PoleImport(ImportSpec):
    kind = "poles"
    model = Pole
    form_class = forms.PoleForm
    keys = (("establishment", "code"),)
    columns = (ESTABLISHMENT, CODE, NAME)


class ServiceImport(ImportSpec):
    kind = "services"
    model = Service
    form_class = forms.ServiceForm
    keys = (("establishment", "code"),)
    columns = (
        ESTABLISHMENT,
        CODE,
        NAME,
        Column("pole", gettext_lazy("Pole code"), ("Code pôle", "Pôle", "Pole"), parse=parse_pole),
    )


class CareUnitImport(ImportSpec):
    kind = "care_units"
    model = CareUnit
    form_class = forms.CareUnitForm
    keys = (("establishment", "code"),)
    columns = (
        ESTABLISHMENT,
        Column("code", gettext_lazy("UF code"), ("Code UF", "UF", "Code"), required=True),
        NAME,
        Column(
            "service",
            gettext_lazy("Service code"),
            ("Code service", "Service"),
            parse=parse_service,
        ),
        Column("criticality", gettext_lazy("Clinical criticality"), ("Criticité", "Criticality")),
        Column("care_hours", gettext_lazy("Care hours"), ("Horaires", "Horaires de soins")),
        Column("calendar_code", gettext_lazy("Business calendar"), ("Calendrier", "Calendar")),
        PHONE,
        Column("is_active", gettext_lazy("Active"), ("Actif", "Active")),
    )


class JobImport(ImportSpec):
    kind = "jobs"
    model = Job
    form_class = forms.JobForm
    keys = (("code",),)
    columns = (
        CODE,
        NAME,
        Column("category", gettext_lazy("Category"), ("Catégorie",), required=True),
        Column(
            "is_health_professional",
            gettext_lazy("Health professional"),
            ("Professionnel de santé", "PS"),
        ),
    )


class PersonImport(ImportSpec):
    kind = "people"
    model = Person
    form_class = forms.PersonForm
    keys = (("establishment", "employee_number"), ("establishment", "email__iexact"))
    columns = (
        ESTABLISHMENT,
        Column("employee_number", gettext_lazy("Employee number"), ("Matricule", "N° matricule")),
        Column(
            "last_name",
            gettext_lazy("Last name"),
            ("Nom", "Nom de famille", "Surname"),
            required=True,
        ),
        Column("first_name", gettext_lazy("First name"), ("Prénom", "Given name"), required=True),
        Column("email", gettext_lazy("E-mail"), ("Email", "Courriel", "Mail", "Adresse e-mail")),
        Column("job", gettext_lazy("Job code"), ("Code métier", "Métier", "Job"), parse=parse_job),
        Column("rpps", gettext_lazy("RPPS"), ("N° RPPS", "Numéro RPPS", "RPPS number")),
        Column(
            "care_units",
            gettext_lazy("UF codes"),
            ("Codes UF", "UF", "Care units"),
            parse=parse_care_units,
        ),
        Column(
            "manager",
            gettext_lazy("Manager"),
            ("Responsable", "Matricule responsable", "Manager employee number"),
            parse=parse_person,
        ),
        PHONE,
        Column("mobile", gettext_lazy("Mobile"), ("Portable", "Mobile phone")),
        Column(
            "active_from", gettext_lazy("Active from"), ("Date d'arrivée", "Début", "Start date")
        ),
        Column("active_to", gettext_lazy("Active until"), ("Date de départ", "Fin", "End date")),
    )


class TeamImport(ImportSpec):
    kind = "teams"
    model = Team
    form_class = forms.TeamForm
    keys = (("code",),)
    columns = (
        CODE,
        NAME,
        Column(
            "establishment",
            gettext_lazy("Establishment FINESS"),
            ("FINESS", "N° FINESS", "Établissement", "Establishment"),
            parse=parse_establishment,
        ),
        Column("description", gettext_lazy("Description"), ("Description",)),
        Column("email", gettext_lazy("E-mail"), ("Email", "Courriel", "Mail")),
        Column("lead", gettext_lazy("Lead"), ("Responsable", "Leader"), parse=parse_team_person),
        Column("members", gettext_lazy("Members"), ("Membres",), parse=parse_team_people),
    )


SPECS: dict[str, ImportSpec] = {
    spec.kind: spec()
    for spec in (
        EstablishmentImport,
        SiteImport,
        BuildingImport,
        FloorImport,
        RoomImport,
        PoleImport,
        ServiceImport,
        CareUnitImport,
        JobImport,
        PersonImport,
        TeamImport,
    )
}
