from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "caducee.desk"
    label = "desk"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        # What the desk keeps per process is invalidated by model signals:
        # they must be connected in every process that may write those
        # models (a worker, a command), not only in those that read them.
        from caducee.desk.services import choices, configuration, notifications  # noqa: F401
