"""Forms of service levels, one module per concern; names follow the model
(``BusinessCalendar`` → ``BusinessCalendarForm``...)."""

from caducee.sla.forms.calendars import *  # noqa: F403
from caducee.sla.forms.policies import *  # noqa: F403
