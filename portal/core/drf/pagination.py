"""Pagination shared by every API list."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """`?page=N&page_size=M`, 50 by default, at most 1000. A page number that is not a page
    (0, beyond the last, not a number) answers 404; a page size that is not a whole number from
    1 to 1000 answers 400 (it is not silently replaced by the default)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    last_page_strings = ()  # `?page=last` is no page number

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            raise NotFound(_("Invalid page."))
        return int(raw)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = int(raw) if re.fullmatch(r"[0-9]{1,7}", raw) else 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = str(
                    _("A page number (a page beyond the last answers 404).")
                )
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = str(
                    _("Results per page, 1 to %(max)d (default %(default)d).")
                    % {"max": self.max_page_size, "default": self.page_size}
                )
        return parameters
