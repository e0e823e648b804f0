"""CMDB pages: inventory (filled in by its owner)."""

urlpatterns: list = []
