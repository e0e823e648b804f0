from django.urls import path

from caducee.core.views.generic import object_urls
from caducee.org import views
from caducee.org.models import (
    Building,
    CareUnit,
    Establishment,
    Floor,
    HospitalGroup,
    Job,
    Person,
    Pole,
    Room,
    Service,
    ShiftDefinition,
    Site,
    Team,
)
from caducee.org.views import imports as views_import

app_name = "org"

urlpatterns = [path("import/", views_import.ImportView.as_view(), name="import")]
for _model in (
    HospitalGroup,
    Establishment,
    Site,
    Building,
    Floor,
    Room,
    Pole,
    Service,
    CareUnit,
    ShiftDefinition,
    Job,
    Person,
    Team,
):
    _name = _model.__name__
    urlpatterns += object_urls(
        _model,
        list_view=getattr(views, f"{_name}ListView"),
        detail_view=getattr(views, f"{_name}DetailView"),
        edit_view=getattr(views, f"{_name}EditView"),
        delete_view=getattr(views, f"{_name}DeleteView"),
    )
