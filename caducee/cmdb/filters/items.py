"""filters of the CMDB: items (filled in by its owner)."""

__all__: list[str] = []
