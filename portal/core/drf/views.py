"""Shared bases for the API views: role permissions and scopes applied in one place."""

from rest_framework import viewsets

from portal.core.scopes import scoped


class ScopedViewSetMixin:
    """Every queryset goes through `portal.core.scopes.scoped`, so out-of-scope objects are absent
    from lists and answer 404 on their own URLs."""

    def get_queryset(self):
        return scoped(super().get_queryset(), self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
