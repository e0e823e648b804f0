"""Poles, services and care units (UF) with their clinical criticality, and
each establishment's shifts.

Rule (DESIGN.md "Clinical impact drives priority"): the care unit carries the
clinical criticality that the desk turns into ticket impact — life-critical
(intensive care, emergency, operating rooms, maternity/neonatal), high
(inpatient wards), medium (consultations), low (administration). Care hours
say whether the unit never closes (24/7) or follows a business calendar that
the SLA part defines later (``calendar_code`` keeps the reference until then).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel
from caducee.org.models.structure import Establishment, Room


class Criticality(models.IntegerChoices):
    """Ordered so that ``max()`` picks the most critical unit reached."""

    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    LIFE_CRITICAL = 4, _("Life-critical")


class Pole(AuditedModel):
    scope_path = "establishment"

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="poles",
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("pole")
        verbose_name_plural = _("poles")
        ordering = ["establishment__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="org_pole_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:pole_detail", args=[self.pk])


class Service(AuditedModel):
    scope_path = "establishment"

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    pole = models.ForeignKey(
        Pole,
        verbose_name=_("pole"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["establishment__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "code"], name="org_service_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.pole_id
            and self.establishment_id
            and self.pole.establishment_id != self.establishment_id
        ):
            raise ValidationError({"pole": _("The pole belongs to another establishment.")})

    def get_absolute_url(self) -> str:
        return reverse("org:service_detail", args=[self.pk])


class CareUnit(AuditedModel):
    scope_path = "establishment"

    class CareHours(models.TextChoices):
        ALWAYS = "24/7", _("24/7 (never closes)")
        BUSINESS = "business", _("Business hours (calendar)")

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="care_units",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_units",
    )
    code = models.CharField(_("UF code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    criticality = models.PositiveSmallIntegerField(
        _("clinical criticality"),
        choices=Criticality.choices,
        default=Criticality.MEDIUM,
        db_index=True,
    )
    care_hours = models.CharField(
        _("care hours"), max_length=16, choices=CareHours.choices, default=CareHours.BUSINESS
    )
    calendar_code = models.CharField(
        _("business calendar"),
        max_length=64,
        blank=True,
        help_text=_("Code of the business calendar that applies when the unit is not 24/7."),
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("main location"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_units",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("care unit (UF)")
        verbose_name_plural = _("care units (UF)")
        ordering = ["establishment__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "code"], name="org_careunit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if (
            self.service_id
            and self.establishment_id
            and self.service.establishment_id != self.establishment_id
        ):
            raise ValidationError({"service": _("The service belongs to another establishment.")})

    def get_absolute_url(self) -> str:
        return reverse("org:careunit_detail", args=[self.pk])


DEFAULT_SHIFTS = (
    ("day", _("Day shift"), dt.time(6, 30), dt.time(14, 30)),
    ("evening", _("Evening shift"), dt.time(14, 30), dt.time(22, 30)),
    ("night", _("Night shift"), dt.time(22, 30), dt.time(6, 30)),
)


class ShiftDefinition(AuditedModel):
    """A shift of an establishment: 3 × 8 h by default, editable (2 × 12 h…)."""

    scope_path = "establishment"

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        related_name="shifts",
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"), help_text=_("Earlier than the start: ends next day."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["establishment__name", "order"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="org_shift_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at is not None and self.starts_at == self.ends_at:
            raise ValidationError({"ends_at": _("A shift cannot start and end at the same time.")})

    @property
    def duration(self) -> dt.timedelta:
        start = dt.datetime.combine(dt.date(2000, 1, 1), self.starts_at)
        end = dt.datetime.combine(dt.date(2000, 1, 1), self.ends_at)
        if end <= start:
            end += dt.timedelta(days=1)
        return end - start

    def contains(self, moment: dt.time) -> bool:
        if self.starts_at < self.ends_at:
            return self.starts_at <= moment < self.ends_at
        return moment >= self.starts_at or moment < self.ends_at

    def get_absolute_url(self) -> str:
        return reverse("org:shiftdefinition_detail", args=[self.pk])
