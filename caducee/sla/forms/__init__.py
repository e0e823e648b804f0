"""Forms of service levels, one module per concern; names follow the model
(``BusinessCalendar`` → ``BusinessCalendarForm``...)."""

from caducee.sla.forms.calendars import *  # noqa: F403
