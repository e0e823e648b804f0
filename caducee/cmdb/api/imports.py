"""CMDB API: imports (filled in by its owner). ROUTES: (prefix, viewset, basename)."""

ROUTES: list = []
urlpatterns: list = []
