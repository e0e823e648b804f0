"""CMDB pages: items (filled in by its owner)."""

urlpatterns: list = []
