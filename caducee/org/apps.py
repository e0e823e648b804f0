from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "caducee.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Every process that may save an establishment publishes the change
        # to the copies kept by the others (``services.kept``).
        from caducee.org.services import kept  # noqa: F401
