"""Background work of the CMDB; each concern in its own module, imported here
so Huey's autodiscovery of ``caducee.cmdb.tasks`` registers them all."""

from caducee.cmdb.tasks import (
    imports,  # noqa: F401
    maintenance,  # noqa: F401
)
