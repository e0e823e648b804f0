from django.utils.translation import gettext_lazy as _

from caducee.core.navigation import MenuGroup, MenuItem

MENU = [
    MenuGroup(
        label=_("Configuration"),
        order=30,
        items=[
            MenuItem(
                _("Configuration items"),
                "cmdb:configurationitem_list",
                "cmdb.view_configurationitem",
            ),
            MenuItem(_("Relations"), "cmdb:relation_list", "cmdb.view_relation"),
            MenuItem(_("Software"), "cmdb:software_list", "cmdb.view_software"),
            MenuItem(_("Import"), "cmdb:import", "cmdb.add_configurationitem"),
            MenuItem(_("Suppliers"), "cmdb:supplier_list", "cmdb.view_supplier"),
            MenuItem(_("Contracts"), "cmdb:contract_list", "cmdb.view_contract"),
            MenuItem(_("Expiring warranties and contracts"), "cmdb:expiring", "cmdb.view_contract"),
        ],
    ),
    MenuGroup(
        label=_("Biomedical"),
        order=35,
        items=[
            MenuItem(_("Work orders"), "cmdb:workorder_list", "cmdb.view_workorder"),
            MenuItem(_("Due maintenance"), "cmdb:workorder_due", "cmdb.view_workorder"),
            MenuItem(_("Overdue maintenance"), "cmdb:workorder_overdue", "cmdb.view_workorder"),
            MenuItem(
                _("Maintenance plans"), "cmdb:maintenanceplan_list", "cmdb.view_maintenanceplan"
            ),
            MenuItem(
                _("Device vigilance"), "cmdb:vigilancereport_list", "cmdb.view_vigilancereport"
            ),
        ],
    ),
]
