"""Filters of service levels, one module per concern; names follow the model
(``BusinessCalendar`` → ``BusinessCalendarFilterSet``...)."""

from caducee.sla.filters.calendars import *  # noqa: F403
from caducee.sla.filters.policies import *  # noqa: F403
