"""Forms of business calendars: the calendar, its week (up to two periods a
day, saved at once), its closures, and the "try it" deadline box.

Rule (the model's conventions): opening hours and closures are wall-clock
times of the calendar's own zone, so every date and time typed here is read
in that zone (``CalendarDateTimeField``), not in the server's: a closure of
the Réunion calendar typed 08:00 is 08:00 in Saint-Denis. A time that the
zone's clock skips or shows twice (the daylight-saving changes) is refused
with Django's own message rather than guessed.

These forms only read the input; the rules about rows (a period ends after
it starts, two periods do not overlap, a 24/7 calendar has no holidays) are
the model's and the services', which report them field by field and the
views put each message beside its input. ``DeadlineForm`` also reads the
query of ``GET /api/sla/calendars/{id}/deadline/``, so the page and the API
accept and refuse the same input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from caducee.core.forms import ScopedModelForm
from caducee.sla.calendar import DEFAULT_TIME_ZONE
from caducee.sla.models import BusinessCalendar, Closure, Weekday
from caducee.sla.public_holidays import REGION_TIME_ZONES

__all__ = [
    "MAX_HOURS",
    "BusinessCalendarForm",
    "CalendarDateTimeField",
    "ClosureForm",
    "DeadlineForm",
    "WeekFormSet",
    "WeekdayHoursForm",
]

#: The longest duration the deadline box computes (about 14 months of 24/7).
MAX_HOURS = 9999
#: Deadlines are asked for starts in these years (the arithmetic's range, and sense).
FIRST_YEAR, LAST_YEAR = 1970, 2999
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TimeZoneInput(forms.TextInput):
    """A free-text zone name with the zones of French regions suggested."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"list": "time-zones", "autocomplete": "off", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        zones = sorted(set(REGION_TIME_ZONES.values()))
        options = format_html_join("", '<option value="{}"></option>', ((z,) for z in zones))
        return format_html(
            '{}<datalist id="time-zones">{}</datalist>',
            super().render(name, value, attrs, renderer),
            options,
        )


class BusinessCalendarForm(ScopedModelForm):
    class Meta:
        model = BusinessCalendar
        fields = [
            "code",
            "name",
            "establishment",
            "timezone",
            "always_open",
            "holiday_region",
            "notes",
        ]
        widgets = {"timezone": TimeZoneInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["establishment"].empty_label = _("Whole GHT")
        self.fields["holiday_region"].choices = [("", _("None"))] + [
            choice for choice in self.fields["holiday_region"].choices if choice[0]
        ]


class CalendarDateTimeField(forms.DateTimeField):
    """A date and time on the wall clock of ``zone`` (a calendar's time zone),
    typed in a ``datetime-local`` input and shown back in the same zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *, zone: str = DEFAULT_TIME_ZONE, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.zone = zone

    def to_python(self, value):
        # Django reads a naive value in the current zone: make it the calendar's.
        with timezone.override(ZoneInfo(self.zone)):
            return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value, ZoneInfo(self.zone)).replace(tzinfo=None)
        return super().prepare_value(value)


def _zone_help(zone: str) -> str:
    return _("Local time of the calendar (%(zone)s).") % {"zone": zone}


class ClosureForm(ScopedModelForm):
    """A closure of the calendar already on the instance (from the page's URL)."""

    start = CalendarDateTimeField(label=_("closed from"))
    end = CalendarDateTimeField(label=_("closed until"))

    class Meta:
        model = Closure
        fields = ["start", "end", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = self.instance.calendar.timezone
        for name in ("start", "end"):
            self.fields[name].zone = zone
            self.fields[name].help_text = _zone_help(zone)


class DeadlineForm(forms.Form):
    """A start on the calendar's clock and a business duration (hours, minutes
    or both, added up); ``business_time`` once valid."""

    start = CalendarDateTimeField(label=_("Start"))
    hours = forms.IntegerField(label=_("Hours"), required=False, min_value=0, max_value=MAX_HOURS)
    minutes = forms.IntegerField(
        label=_("Minutes"), required=False, min_value=0, max_value=MAX_HOURS * 60
    )

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].zone = zone
        self.fields["start"].help_text = _zone_help(zone)
        self.fields["hours"].widget.attrs.update({"min": 0, "max": MAX_HOURS})
        self.fields["minutes"].widget.attrs.update({"min": 0, "step": 1})

    def clean_start(self) -> dt.datetime:
        start = self.cleaned_data["start"]
        if not FIRST_YEAR <= start.year <= LAST_YEAR:
            raise ValidationError(
                _("Enter a start between %(first)s and %(last)s."),
                code="out_of_range",
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        return start

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "hours" in self.errors or "minutes" in self.errors:
            return cleaned
        hours, minutes = cleaned.get("hours"), cleaned.get("minutes")
        if hours is None and minutes is None:
            self.add_error("hours", _("Enter a duration in hours, minutes or both."))
            return cleaned
        total = dt.timedelta(hours=hours or 0, minutes=minutes or 0)
        if total <= dt.timedelta(0):
            self.add_error("hours", _("Enter a duration of at least one minute."))
        elif total > dt.timedelta(hours=MAX_HOURS):
            self.add_error(
                "minutes" if minutes else "hours",
                _("Enter a duration of at most %(hours)s hours.") % {"hours": MAX_HOURS},
            )
        else:
            cleaned["business_time"] = total
        return cleaned

    @property
    def business_time(self) -> dt.timedelta:
        return self.cleaned_data["business_time"]


class WeekdayHoursForm(forms.Form):
    """One weekday's periods (``start_1``, ``end_1``, ``start_2``…); an empty
    closing time means until midnight, an empty period is no period."""

    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, widget=forms.HiddenInput)

    def __init__(self, *args: Any, periods: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.period_numbers = range(1, periods + 1)
        for n in self.period_numbers:
            self.fields[f"start_{n}"] = forms.TimeField(
                label=_("Period %(n)s: opens at") % {"n": n}, required=False, widget=TIME
            )
            self.fields[f"end_{n}"] = forms.TimeField(
                label=_("Period %(n)s: closes at") % {"n": n}, required=False, widget=TIME
            )

    @property
    def weekday_label(self) -> str:
        value = self.initial.get("weekday")
        if value is None:
            value = self.data.get(self.add_prefix("weekday"))
        try:
            return Weekday(int(value)).label
        except (TypeError, ValueError):
            return ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for n in self.period_numbers:
            if cleaned.get(f"end_{n}") is not None and cleaned.get(f"start_{n}") is None:
                self.add_error(
                    f"start_{n}", _("Enter the opening time, or empty the closing time too.")
                )
        return cleaned

    def periods(self) -> list[tuple[int, dt.time, dt.time | None]]:
        """``(period number, start, end)`` of the periods filled in."""
        data = self.cleaned_data
        return [
            (n, data[f"start_{n}"], data.get(f"end_{n}"))
            for n in self.period_numbers
            if data.get(f"start_{n}") is not None
        ]


class _WeekFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        days = [f.cleaned_data.get("weekday") for f in self.forms if f.cleaned_data]
        if len(days) != len(set(days)):
            raise ValidationError(_("Each weekday may appear only once."))


WeekFormSet = forms.formset_factory(
    WeekdayHoursForm,
    formset=_WeekFormSet,
    extra=0,
    max_num=7,
    validate_max=True,
    absolute_max=7,
)
