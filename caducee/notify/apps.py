from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "caducee.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from caducee.desk.signals import ticket_event
        from caducee.notify import receivers

        ticket_event.connect(
            receivers.ticket_event, sender=None, dispatch_uid="caducee.notify.mail_ticket_event"
        )
