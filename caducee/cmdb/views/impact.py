"""CMDB pages: impact (filled in by its owner)."""

urlpatterns: list = []
