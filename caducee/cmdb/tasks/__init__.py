"""Background work of the CMDB; each concern in its own module, imported here
so Huey's autodiscovery of ``caducee.cmdb.tasks`` registers them all."""
