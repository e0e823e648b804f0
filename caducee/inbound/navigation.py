"""The menu of incoming e-mail, for those who manage or audit it (next to
the administration menu: mailboxes are configuration)."""

from django.utils.translation import gettext_lazy as _

from caducee.core.navigation import MenuGroup, MenuItem

MENU = [
    MenuGroup(
        label=_("E-mail channel"),
        order=85,
        items=[
            MenuItem(_("Mailboxes"), "inbound:mailbox_list", "inbound.view_mailbox"),
            MenuItem(
                _("Incoming e-mail"), "inbound:inboundmessage_list", "inbound.view_inboundmessage"
            ),
        ],
    )
]
