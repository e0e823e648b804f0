"""French public holidays by region, as the ``holidays`` package states them.

Rule (DESIGN.md "SLA clocks are exact"): a business calendar is closed on the
public holidays of the place it serves. Metropolitan France has eleven;
Alsace-Moselle adds Good Friday and 26 December (local law, Code du travail
L3134-13); each overseas department or collectivity adds the day slavery was
abolished there (décret n° 83-1003) and sometimes more (Victor Schœlcher day,
Mi-Carême in Guadeloupe…). The dates come from the ``holidays`` package; we
only name the regions a French hospital can be in and map them to the
package's subdivision codes, read from ``holidays.countries.france.France``:

* ``57`` Moselle and ``6AE`` Alsace (Bas-Rhin and Haut-Rhin, the Collectivité
  européenne d'Alsace) carry the same local-law days: ``alsace_moselle`` takes
  both (the package split the old "Alsace-Moselle" code, now deprecated);
* ``971`` Guadeloupe, ``972`` Martinique, ``973`` Guyane, ``974`` La Réunion,
  ``976`` Mayotte (the five overseas departments and regions);
* ``BL`` Saint-Barthélemy, ``MF`` Saint-Martin, ``PM`` Saint-Pierre-et-Miquelon,
  ``NC`` Nouvelle-Calédonie, ``PF`` Polynésie française, ``WF`` Wallis-et-Futuna.

The package also knows ``TF`` (French Southern Territories: no hospital, no
day of its own) and the school zones A, B and C (school holidays, not public
holidays); neither is offered. A calendar's time zone is its own field: the
usual zone of each region is in ``REGION_TIME_ZONES`` for forms and the demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayRegion(models.TextChoices):
    METROPOLE = "metropole", _("Metropolitan France")
    ALSACE_MOSELLE = "alsace_moselle", _("Alsace-Moselle")
    GUADELOUPE = "guadeloupe", _("Guadeloupe")
    MARTINIQUE = "martinique", _("Martinique")
    GUYANE = "guyane", _("French Guiana")
    REUNION = "reunion", _("Réunion")
    MAYOTTE = "mayotte", _("Mayotte")
    SAINT_BARTHELEMY = "saint_barthelemy", _("Saint Barthélemy")
    SAINT_MARTIN = "saint_martin", _("Saint Martin")
    SAINT_PIERRE_ET_MIQUELON = "saint_pierre_et_miquelon", _("Saint Pierre and Miquelon")
    NOUVELLE_CALEDONIE = "nouvelle_caledonie", _("New Caledonia")
    POLYNESIE_FRANCAISE = "polynesie_francaise", _("French Polynesia")
    WALLIS_ET_FUTUNA = "wallis_et_futuna", _("Wallis and Futuna")


#: The package's subdivision codes of each region; no code = the national days only.
SUBDIVISIONS: dict[str, tuple[str, ...]] = {
    HolidayRegion.METROPOLE: (),
    HolidayRegion.ALSACE_MOSELLE: ("57", "6AE"),
    HolidayRegion.GUADELOUPE: ("971",),
    HolidayRegion.MARTINIQUE: ("972",),
    HolidayRegion.GUYANE: ("973",),
    HolidayRegion.REUNION: ("974",),
    HolidayRegion.MAYOTTE: ("976",),
    HolidayRegion.SAINT_BARTHELEMY: ("BL",),
    HolidayRegion.SAINT_MARTIN: ("MF",),
    HolidayRegion.SAINT_PIERRE_ET_MIQUELON: ("PM",),
    HolidayRegion.NOUVELLE_CALEDONIE: ("NC",),
    HolidayRegion.POLYNESIE_FRANCAISE: ("PF",),
    HolidayRegion.WALLIS_ET_FUTUNA: ("WF",),
}

#: The usual time zone of each region (French Polynesia has three; Tahiti's).
REGION_TIME_ZONES: dict[str, str] = {
    HolidayRegion.METROPOLE: "Europe/Paris",
    HolidayRegion.ALSACE_MOSELLE: "Europe/Paris",
    HolidayRegion.GUADELOUPE: "America/Guadeloupe",
    HolidayRegion.MARTINIQUE: "America/Martinique",
    HolidayRegion.GUYANE: "America/Cayenne",
    HolidayRegion.REUNION: "Indian/Reunion",
    HolidayRegion.MAYOTTE: "Indian/Mayotte",
    HolidayRegion.SAINT_BARTHELEMY: "America/St_Barthelemy",
    HolidayRegion.SAINT_MARTIN: "America/Marigot",
    HolidayRegion.SAINT_PIERRE_ET_MIQUELON: "America/Miquelon",
    HolidayRegion.NOUVELLE_CALEDONIE: "Pacific/Noumea",
    HolidayRegion.POLYNESIE_FRANCAISE: "Pacific/Tahiti",
    HolidayRegion.WALLIS_ET_FUTUNA: "Pacific/Wallis",
}


def french_holidays(region: str, years: Iterable[int]) -> frozenset[dt.date]:
    """The public holidays of ``region`` in ``years``; none for the empty region."""
    if region == "":
        return frozenset()
    if region not in SUBDIVISIONS:
        raise ValueError(f"unknown holiday region: {region!r}")
    wanted = sorted(set(years))
    if not wanted:
        return frozenset()
    import holidays  # imported on first use: it is only needed by calendars with holidays

    dates: set[dt.date] = set(holidays.country_holidays("FR", years=wanted))
    for subdivision in SUBDIVISIONS[region]:
        dates.update(holidays.country_holidays("FR", subdiv=subdivision, years=wanted))
    return frozenset(dates)
