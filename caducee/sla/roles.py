"""What each role may do with business calendars.

Everyone who works tickets or reports on them reads the calendars (a
deadline must be explainable); calendars change what every SLA deadline
means, so only DSI managers and administrators maintain them.
"""

from caducee.core import roles as r

READ = ["sla.view_*"]

PERMISSIONS = {
    r.DESK_AGENT: READ,
    r.SUPPORT_ENGINEER: READ,
    r.GROUP_MANAGER: READ,
    r.CHANGE_MANAGER: READ,
    r.CAB_MEMBER: READ,
    r.BIOMEDICAL_ENGINEER: READ,
    r.DSI_MANAGER: ["sla.*"],
    r.AUDITOR: READ,
    r.ADMINISTRATOR: ["sla.*"],
}
