"""CMDB pages: relations (filled in by its owner)."""

urlpatterns: list = []
