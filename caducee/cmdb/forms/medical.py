"""forms of the CMDB: medical (filled in by its owner)."""

__all__: list[str] = []
