"""What each role may do with the organisation's records.

Everyone who works tickets needs to read the organisation (who, where, which
unit); the desk keeps people's contact details current; administrators and
DSI managers maintain the structure. Vendors see none of it.
"""

from caducee.core import roles as r

READ = ["org.view_*"]

PERMISSIONS = {
    r.REQUESTER: ["org.view_establishment", "org.view_site", "org.view_careunit"],
    r.DESK_AGENT: [*READ, "org.change_person", "org.add_person"],
    r.SUPPORT_ENGINEER: READ,
    r.GROUP_MANAGER: [*READ, "org.change_team"],
    r.CHANGE_MANAGER: READ,
    r.CAB_MEMBER: READ,
    r.SOFTWARE_REFERENT: ["org.view_establishment", "org.view_careunit", "org.view_person"],
    r.BIOMEDICAL_ENGINEER: READ,
    r.DSI_MANAGER: ["org.*"],
    r.AUDITOR: READ,
    r.ADMINISTRATOR: ["org.*"],
}
