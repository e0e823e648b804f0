"""CMDB pages: imports (filled in by its owner)."""

urlpatterns: list = []
