from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "caducee.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from caducee.core import collector, signals  # noqa: F401
        from caducee.core.roles import connect_role_sync
        from caducee.core.services import access, tokens

        connect_role_sync()
        access.watch()
        tokens.watch()
        collector.connect()
