"""API permissions: the role permission for the action, on top of the
queryset scoping that every API view starts from.

The check needs only the view's model; DRF reads it from ``get_queryset()``,
which builds the scoped queryset of every request a second time. A view
that names its ``model`` is asked for nothing more."""

from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if getattr(view, "_ignore_model_permissions", False):
            return bool(request.user and request.user.is_authenticated)
        if not hasattr(view, "get_queryset") and getattr(view, "queryset", None) is None:
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)

    def _queryset(self, view):
        model = getattr(view, "model", None)
        if model is not None:
            return model._default_manager.none()
        return super()._queryset(view)
