from caducee.inbound.models.mailboxes import Mailbox, Security, UnknownSenders
from caducee.inbound.models.messages import InboundMessage, Outcome

__all__ = ["InboundMessage", "Mailbox", "Outcome", "Security", "UnknownSenders"]
