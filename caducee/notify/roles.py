"""Who may see the outbox: administrators (and DSI managers, who answer for
the service) read it; administrators retry a failed e-mail. Everyone signed
in chooses their own notifications (no permission needed: it is theirs)."""

from caducee.core import roles as r

PERMISSIONS = {
    r.DSI_MANAGER: ["notify.view_outgoingmail"],
    r.ADMINISTRATOR: ["notify.view_outgoingmail", "notify.change_outgoingmail"],
}
