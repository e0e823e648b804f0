from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    name = "caducee.inbound"
    label = "inbound"
    verbose_name = _("Incoming e-mail")
