"""The "Service desk" menu: the queues first, then recording a ticket or a
call, then the desk's configuration (groups, routing rules).

Each item shows to those who hold its permission; an item whose page is not
installed (its URL name does not resolve) is left out by
``core.navigation.menu_for``, so the menu never links to a missing page.
"""

from django.utils.translation import gettext_lazy as _

from caducee.core.navigation import MenuGroup, MenuItem

MENU = [
    MenuGroup(
        label=_("Service desk"),
        order=10,
        items=[
            MenuItem(_("Queues"), "desk:queue", "desk.view_ticket"),
            MenuItem(_("New ticket"), "desk:ticket_create", "desk.add_ticket"),
            MenuItem(_("Phone call"), "desk:call", "desk.change_ticket"),
            MenuItem(_("Notifications"), "desk:notifications", "desk.view_ticket"),
            MenuItem(
                _("Assignment groups"), "desk:assignmentgroup_list", "desk.view_assignmentgroup"
            ),
            MenuItem(_("Routing rules"), "desk:routingrule_list", "desk.view_routingrule"),
        ],
    )
]
