"""Top-level URLs: the shell, each app's pages, the API, operations."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from caducee.core.views import ops, pages

api_patterns = [
    path("core/", include("caducee.core.api.urls")),
    path("org/", include("caducee.org.api.urls")),
    path("cmdb/", include("caducee.cmdb.api.urls")),
    path("sla/", include("caducee.sla.api.urls")),
    path("desk/", include("caducee.desk.api.urls")),
    path("portal/", include("caducee.portal.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", pages.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health", ops.health, name="health"),
    path("metrics", ops.metrics_view, name="metrics"),
    path("core/", include("caducee.core.urls")),
    path("org/", include("caducee.org.urls")),
    path("cmdb/", include("caducee.cmdb.urls")),
    path("sla/", include("caducee.sla.urls")),
    path("desk/", include("caducee.desk.urls")),
    path("inbound/", include("caducee.inbound.urls")),
    path("notify/", include("caducee.notify.urls")),
    path("portal/", include("caducee.portal.urls")),
    path("api/", include(api_patterns)),
]
