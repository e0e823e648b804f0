"""Forms of the CMDB, one module per concern; names follow the model
(`ConfigurationItem` → `ConfigurationItemForm`...)."""

from caducee.cmdb.forms.contracts import *  # noqa: F403
from caducee.cmdb.forms.items import *  # noqa: F403
from caducee.cmdb.forms.medical import *  # noqa: F403
