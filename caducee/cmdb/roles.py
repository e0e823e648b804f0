"""What each role may do with the configuration database.

Everyone who works tickets reads the CMDB (what is it, where, who uses it,
what depends on it); the desk may correct locations and assignments; support
engineers maintain items and relations; biomedical engineers own medical
devices, their maintenance and vigilance; DSI managers and administrators
manage everything including suppliers and contracts. Vendors see nothing
here yet (the vendors part gives them their contracts' items).
"""

from caducee.core import roles as r

READ = ["cmdb.view_*"]
ITEMS = [
    "cmdb.add_configurationitem",
    "cmdb.change_configurationitem",
    "cmdb.add_relation",
    "cmdb.change_relation",
    "cmdb.delete_relation",
]
MAINTENANCE = [
    "cmdb.*_maintenanceplan",
    "cmdb.*_workorder",
    "cmdb.*_vigilancereport",
]

PERMISSIONS = {
    r.DESK_AGENT: [*READ, "cmdb.change_configurationitem"],
    r.SUPPORT_ENGINEER: [*READ, *ITEMS],
    r.GROUP_MANAGER: [*READ, *ITEMS],
    r.CHANGE_MANAGER: READ,
    r.CAB_MEMBER: READ,
    r.SOFTWARE_REFERENT: ["cmdb.view_configurationitem", "cmdb.view_relation"],
    r.BIOMEDICAL_ENGINEER: [*READ, *ITEMS, *MAINTENANCE],
    r.DSI_MANAGER: ["cmdb.*"],
    r.AUDITOR: READ,
    r.ADMINISTRATOR: ["cmdb.*"],
}
