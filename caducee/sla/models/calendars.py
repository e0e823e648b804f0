"""Business calendars: opening hours per weekday, public holidays of a
region, exceptional closures, a time zone; or open 24/7.

Rule (DESIGN.md "SLA clocks are exact"): SLA targets are counted on the
calendar of the service (the IT department's business hours) or 24/7 for
clinical services. The rows here only describe a calendar; the arithmetic is
``caducee.sla.calendar`` and ``services.calendars.calendar_spec`` turns these
rows into its ``CalendarSpec``. A calendar belongs to one establishment or,
without one, is shared by the whole GHT.

Conventions the rows share with the arithmetic: opening hours are local
wall-clock times in the calendar's time zone; an empty end means "until
midnight" (there is no 24:00 ``time``); an interval does not cross midnight
(a night is two rows). Overlaps within a weekday are refused by the service,
which sees the other rows. A 24/7 calendar ignores its opening hours and has
no public holidays; closures apply to every calendar.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditedModel
from caducee.org.models import Establishment
from caducee.sla.calendar import DEFAULT_TIME_ZONE
from caducee.sla.public_holidays import HolidayRegion
from caducee.sla.validators import validate_time_zone


class Weekday(models.IntegerChoices):
    """0 = Monday, as ``date.weekday()``."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessCalendar(AuditedModel):
    scope_path = "establishment"
    scope_allows_shared = True

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("Opening hours are local times of this zone, e.g. Europe/Paris."),
    )
    always_open = models.BooleanField(
        _("open 24/7"),
        default=False,
        help_text=_("Care units that never close: every hour counts, holidays included."),
    )
    holiday_region = models.CharField(
        _("public holidays"),
        max_length=32,
        choices=HolidayRegion.choices,
        blank=True,
        help_text=_("Closed on the public holidays of this region; empty for none."),
    )
    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="business_calendars",
        help_text=_("Leave empty for a calendar of the whole GHT."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sla:businesscalendar_detail", args=[self.pk])

    def clean(self) -> None:
        if self.always_open and self.holiday_region:
            raise ValidationError(
                {"holiday_region": _("A calendar open 24/7 has no public holidays.")}
            )


class OpeningHours(AuditedModel):
    scope_path = "calendar__establishment"
    scope_allows_shared = True

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="opening_hours",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("opens at"))
    end = models.TimeField(
        _("closes at"),
        null=True,
        blank=True,
        help_text=_("Leave empty for midnight (open until the end of the day)."),
    )

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["calendar", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="sla_openinghours_end_after_start",
            )
        ]

    def __str__(self) -> str:
        end = self.end.strftime("%H:%M") if self.end else "24:00"
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{end}"

    def get_absolute_url(self) -> str:
        return reverse("sla:businesscalendar_detail", args=[self.calendar_id]) + "#week"

    @property
    def interval(self) -> tuple[dt.time, dt.time | None]:
        return (self.start, self.end)

    def clean(self) -> None:
        if self.start is None or self.end is None:
            return
        if self.end == dt.time(0):
            raise ValidationError(
                {"end": _("Leave the closing time empty for midnight.")}, code="midnight"
            )
        if self.end <= self.start:
            raise ValidationError(
                {"end": _("Closes after it opens (a night is two rows: until and from midnight).")},
                code="end_before_start",
            )


class Closure(AuditedModel):
    scope_path = "calendar__establishment"
    scope_allows_shared = True

    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="closures",
    )
    start = models.DateTimeField(_("closed from"))
    end = models.DateTimeField(_("closed until"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["calendar", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="sla_closure_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({timezone.localtime(self.start):%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("sla:businesscalendar_detail", args=[self.calendar_id]) + "#closures"

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError(
                {"end": _("A closure ends after it starts.")}, code="end_before_start"
            )
