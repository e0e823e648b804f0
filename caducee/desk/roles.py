"""What each role may do with the service desk.

Agents, support and biomedical engineers and group managers work tickets:
they record, edit and move them (add/change/view), link them and tag them,
and read the desk's configuration (categories, groups, the matrix). Group
managers also maintain their groups. Requesters may record and read tickets
— their own only (``Ticket.restrict_queryset``), the portal comes later.
DSI managers and administrators manage everything, including the
GHT-wide configuration; auditors read everything and change nothing.
Nothing is ever deleted but links (tickets are closed or cancelled,
categories and groups retired), so no role but those two has a delete
permission on a ticket.
"""

from caducee.core import roles as r

CONFIG_READ = [
    "desk.view_category",
    "desk.view_assignmentgroup",
    "desk.view_prioritymatrixcell",
    "desk.view_tag",
    "desk.view_routingrule",
]
WORK = [
    *CONFIG_READ,
    "desk.view_ticket",
    "desk.add_ticket",
    "desk.change_ticket",
    "desk.add_tag",
    "desk.view_ticketlink",
    "desk.add_ticketlink",
    "desk.delete_ticketlink",
]

PERMISSIONS = {
    r.REQUESTER: ["desk.view_ticket", "desk.add_ticket", "desk.view_category"],
    r.DESK_AGENT: WORK,
    r.SUPPORT_ENGINEER: WORK,
    r.BIOMEDICAL_ENGINEER: WORK,
    r.GROUP_MANAGER: [*WORK, "desk.change_assignmentgroup"],
    r.DSI_MANAGER: ["desk.*"],
    r.AUDITOR: ["desk.view_*"],
    r.ADMINISTRATOR: ["desk.*"],
}
