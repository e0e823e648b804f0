"""Ticket statuses in the words of the person who asked.

Rule (issue "Channels" point 3): a nurse reads « Un technicien s'en occupe »,
not "in progress, level 2". Each desk status has one plain sentence here; the
French catalogue carries the French wording (noted for translators).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from caducee.desk.models import Status

PLAIN_STATUS = {
    # Translators: « Nous avons bien reçu votre demande »
    Status.NEW: _("We have received your request"),
    # Translators: « Votre demande a été confiée à une équipe »
    Status.ASSIGNED: _("Your request has been passed to a team"),
    # Translators: « Un technicien s'en occupe »
    Status.IN_PROGRESS: _("A technician is working on it"),
    # Translators: « En attente de votre réponse »
    Status.WAITING_REQUESTER: _("Waiting for your answer"),
    # Translators: « En attente du fournisseur »
    Status.WAITING_VENDOR: _("Waiting for the supplier"),
    # Translators: « Une intervention est en préparation »
    Status.WAITING_CHANGE: _("An intervention is being prepared"),
    # Translators: « Résolu : confirmez-vous ? »
    Status.RESOLVED: _("Resolved: do you confirm?"),
    # Translators: « Terminé »
    Status.CLOSED: _("Closed"),
    # Translators: « Annulé »
    Status.CANCELLED: _("Cancelled"),
}

#: A colour family per status for the badge (CSS classes of portal.css).
STATUS_TONE = {
    Status.NEW: "info",
    Status.ASSIGNED: "info",
    Status.IN_PROGRESS: "info",
    Status.WAITING_REQUESTER: "action",
    Status.WAITING_VENDOR: "wait",
    Status.WAITING_CHANGE: "wait",
    Status.RESOLVED: "action",
    Status.CLOSED: "done",
    Status.CANCELLED: "done",
}


def plain_status(status: str) -> str:
    return str(PLAIN_STATUS.get(status, status))
