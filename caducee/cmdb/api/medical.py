"""CMDB API: medical (filled in by its owner). ROUTES: (prefix, viewset, basename)."""

ROUTES: list = []
urlpatterns: list = []
