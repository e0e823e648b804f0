"""Tables of service levels, one module per concern; names follow the model
(``BusinessCalendar`` → ``BusinessCalendarTable``...)."""

from caducee.sla.tables.calendars import *  # noqa: F403
from caducee.sla.tables.policies import *  # noqa: F403
