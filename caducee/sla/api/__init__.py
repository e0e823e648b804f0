"""The service-level API (``/api/sla/``)."""
