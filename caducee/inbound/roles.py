"""What each role may do with incoming e-mail.

Mailboxes hold the credentials of a mail account and decide who may open
tickets by e-mail: administrators manage them and handle the messages held
or failed; DSI managers and auditors read them (a message kept for
inspection may be read back, and its handling is in the audit trail).
"""

from caducee.core import roles as r

PERMISSIONS = {
    r.DSI_MANAGER: ["inbound.view_*"],
    r.AUDITOR: ["inbound.view_*"],
    r.ADMINISTRATOR: ["inbound.*"],
}
