"""Fixtures of the SLA tests: the desk's small GHT and people
(``caducee.desk.tests.conftest``, with the CMDB's), the calendars of
``calendar_data`` and the policies of ``sla_data``, shared rather than
copied: pytest registers a fixture wherever its function is visible in a
conftest module."""

from caducee.cmdb.tests.conftest import cmdb  # noqa: F401
from caducee.desk.tests.conftest import desk, new_ticket  # noqa: F401
from caducee.sla.tests.calendar_data import (  # noqa: F401
    agent_a,
    agent_b,
    calendars,
    manager_a,
    manager_ght,
)
from caducee.sla.tests.sla_data import policies  # noqa: F401
