"""The "Notifications" menu: everyone's own choices, the outbox for those
who watch deliveries."""

from django.utils.translation import gettext_lazy as _

from caducee.core.navigation import MenuGroup, MenuItem

MENU = [
    MenuGroup(
        label=_("Notifications"),
        order=85,
        items=[
            MenuItem(_("My notifications"), "desk:notifications"),
            MenuItem(_("Notification preferences"), "notify:preferences"),
            MenuItem(_("Outbox"), "notify:outbox", "notify.view_outgoingmail"),
        ],
    )
]
