"""Who reads satisfaction ratings.

Everyone who reads tickets reads the ratings of the tickets they see (the
scoping is the ticket's, ``Satisfaction.restrict_queryset``): requesters their
own, agents and managers those of their establishments, for the dashboards.
Nobody holds a role permission to add one: rating is the requester's right on
their own closed ticket, checked by ``caducee.portal.services.satisfaction``;
nobody changes or deletes one but administrators.
"""

from caducee.core import roles as r

PERMISSIONS = {
    r.REQUESTER: ["portal.view_satisfaction"],
    r.DESK_AGENT: ["portal.view_satisfaction"],
    r.SUPPORT_ENGINEER: ["portal.view_satisfaction"],
    r.BIOMEDICAL_ENGINEER: ["portal.view_satisfaction"],
    r.GROUP_MANAGER: ["portal.view_satisfaction"],
    r.DSI_MANAGER: ["portal.view_satisfaction"],
    r.AUDITOR: ["portal.view_satisfaction"],
    r.ADMINISTRATOR: ["portal.*"],
}
