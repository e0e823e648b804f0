from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmdbConfig(AppConfig):
    name = "caducee.cmdb"
    label = "cmdb"
    verbose_name = _("Configuration database")

    def ready(self) -> None:
        from caducee.cmdb import signals  # noqa: F401  (graph cache invalidation)
