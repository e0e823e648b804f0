from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "caducee.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from caducee.desk.signals import ticket_recording, ticket_saved
        from caducee.sla import signals

        ticket_saved.connect(
            signals.ticket_saved, sender=None, dispatch_uid="caducee.sla.sync_ticket"
        )
        ticket_recording.connect(
            signals.ticket_recording, sender=None, dispatch_uid="caducee.sla.prepare_ticket"
        )
