from caducee.sla.models.calendars import BusinessCalendar, Closure, OpeningHours, Weekday
from caducee.sla.models.clocks import ClockKind, ClockState, SlaClock
from caducee.sla.models.policies import Escalation, OperationalTarget, SlaPolicy
from caducee.sla.public_holidays import HolidayRegion

__all__ = [
    "BusinessCalendar",
    "ClockKind",
    "ClockState",
    "Closure",
    "Escalation",
    "HolidayRegion",
    "OpeningHours",
    "OperationalTarget",
    "SlaClock",
    "SlaPolicy",
    "Weekday",
]
