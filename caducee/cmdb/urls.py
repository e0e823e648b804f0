"""CMDB pages; each concern keeps its routes beside its views."""

from caducee.cmdb.views import (
    contracts,
    impact,
    imports,
    inventory,
    items,
    medical,
    relations,
    usage,
)

app_name = "cmdb"

urlpatterns = [
    *items.urlpatterns,
    *relations.urlpatterns,
    *impact.urlpatterns,
    *medical.urlpatterns,
    *contracts.urlpatterns,
    *imports.urlpatterns,
    *inventory.urlpatterns,
    *usage.urlpatterns,
]
