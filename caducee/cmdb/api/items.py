"""CMDB API: items (filled in by its owner). ROUTES: (prefix, viewset, basename)."""

ROUTES: list = []
urlpatterns: list = []
