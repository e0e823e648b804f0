"""Service desk pages; each concern keeps its routes beside its views."""

app_name = "desk"

urlpatterns: list = [
    # Each view module adds its own: *module.urlpatterns,
]
