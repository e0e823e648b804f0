"""CMDB pages: contracts (filled in by its owner)."""

urlpatterns: list = []
