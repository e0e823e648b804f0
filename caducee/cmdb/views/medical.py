"""CMDB pages: medical (filled in by its owner)."""

urlpatterns: list = []
