from django.urls import path

from caducee.core.views import pages

app_name = "core"
urlpatterns = [
    path("audit/", pages.audit_search, name="audit_search"),
    path("account/tokens/", pages.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
]
