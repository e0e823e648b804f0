from caducee.sla.models.calendars import BusinessCalendar, Closure, OpeningHours, Weekday
from caducee.sla.public_holidays import HolidayRegion

__all__ = ["BusinessCalendar", "Closure", "HolidayRegion", "OpeningHours", "Weekday"]
