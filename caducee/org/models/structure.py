"""The GHT and its places: group, establishments (FINESS), sites, buildings,
floors, rooms. Every record below the group is scoped by its establishment."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel
from caducee.org.validators import normalise_finess, validate_finess


class HospitalGroup(AuditedModel):
    scope_path = None

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("hospital group (GHT)")
        verbose_name_plural = _("hospital groups (GHT)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:hospitalgroup_detail", args=[self.pk])


class Establishment(AuditedModel):
    scope_path = "pk"

    class Kind(models.TextChoices):
        CHU = "chu", _("University hospital (CHU)")
        CH = "ch", _("General hospital (CH)")
        CHS = "chs", _("Psychiatric hospital")
        LOCAL = "local", _("Local hospital")
        EHPAD = "ehpad", _("Nursing home (EHPAD)")
        OTHER = "other", _("Other")

    group = models.ForeignKey(
        HospitalGroup,
        verbose_name=_("GHT"),
        on_delete=models.PROTECT,
        related_name="establishments",
    )
    finess = models.CharField(
        _("FINESS number"),
        max_length=9,
        unique=True,
        validators=[validate_finess],
        help_text=_("9 characters, geographical FINESS of the establishment."),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CH)
    is_support = models.BooleanField(
        _("support establishment"),
        default=False,
        help_text=_("The GHT's support establishment, which runs the shared IT department."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("switchboard"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        self.finess = normalise_finess(self.finess)

    def get_absolute_url(self) -> str:
        return reverse("org:establishment_detail", args=[self.pk])


class Site(AuditedModel):
    scope_path = "establishment"

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["establishment__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="org_site_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:site_detail", args=[self.pk])


class Building(AuditedModel):
    scope_path = "site__establishment"

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="buildings"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "code"], name="org_building_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("org:building_detail", args=[self.pk])


class Floor(AuditedModel):
    scope_path = "building__site__establishment"

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="floors"
    )
    level = models.SmallIntegerField(_("level"), help_text=_("0 = ground floor, -1 = basement."))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        ordering = ["building__name", "level"]
        constraints = [
            models.UniqueConstraint(fields=["building", "level"], name="org_floor_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.building} · {self.name or self.level}"

    def get_absolute_url(self) -> str:
        return reverse("org:floor_detail", args=[self.pk])


class Room(AuditedModel):
    scope_path = "floor__building__site__establishment"

    class Kind(models.TextChoices):
        CARE = "care", _("Patient room")
        OFFICE = "office", _("Office")
        TECHNICAL = "technical", _("Technical room")
        DATACENTER = "datacenter", _("Server room")
        OPERATING = "operating", _("Operating room")
        OTHER = "other", _("Other")

    floor = models.ForeignKey(
        Floor, verbose_name=_("floor"), on_delete=models.PROTECT, related_name="rooms"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OFFICE)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["floor__building__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["floor", "code"], name="org_room_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("org:room_detail", args=[self.pk])
