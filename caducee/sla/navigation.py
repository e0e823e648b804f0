"""The "Service levels" menu: calendars for everyone who reads them (the
desk explains a deadline from its calendar), closures beside them, then the
SLA policies and OLAs the deadlines come from."""

from django.utils.translation import gettext_lazy as _

from caducee.core.navigation import MenuGroup, MenuItem

MENU = [
    MenuGroup(
        label=_("Service levels"),
        order=40,
        items=[
            MenuItem(
                _("Business calendars"), "sla:businesscalendar_list", "sla.view_businesscalendar"
            ),
            MenuItem(_("Calendar closures"), "sla:closure_list", "sla.view_closure"),
            MenuItem(_("SLA policies"), "sla:slapolicy_list", "sla.view_slapolicy"),
            MenuItem(_("OLAs"), "sla:operationaltarget_list", "sla.view_operationaltarget"),
        ],
    )
]
