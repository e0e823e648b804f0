"""Tables of the CMDB, one module per concern; names follow the model
(`ConfigurationItem` → `ConfigurationItemTable`...)."""

from caducee.cmdb.tables.contracts import *  # noqa: F403
from caducee.cmdb.tables.items import *  # noqa: F403
from caducee.cmdb.tables.medical import *  # noqa: F403
