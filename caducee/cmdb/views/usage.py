"""CMDB pages: usage (filled in by its owner)."""

urlpatterns: list = []
