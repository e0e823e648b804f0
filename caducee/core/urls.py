from django.urls import path

from caducee.core.models import User
from caducee.core.views import pages, users
from caducee.core.views.generic import object_urls

app_name = "core"
urlpatterns = [
    path("audit/", pages.audit_search, name="audit_search"),
    path("account/tokens/", pages.token_list, name="token_list"),
    path("account/tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    *object_urls(
        User,
        list_view=users.UserListView,
        detail_view=users.UserDetailView,
        edit_view=users.UserEditView,
    ),
]
