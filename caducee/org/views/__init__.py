"""Org pages: generic list/detail/edit/delete views configured per model,
split by concept (places, units, people)."""

from caducee.org.views.people import *  # noqa: F403
from caducee.org.views.structure import *  # noqa: F403
from caducee.org.views.units import *  # noqa: F403
