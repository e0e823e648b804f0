"""Filters of the CMDB, one module per concern; names follow the model
(`ConfigurationItem` → `ConfigurationItemFilterSet`...)."""

from caducee.cmdb.filters.contracts import *  # noqa: F403
from caducee.cmdb.filters.items import *  # noqa: F403
from caducee.cmdb.filters.medical import *  # noqa: F403
