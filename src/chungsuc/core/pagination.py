"""The API's page-number pagination with Vietnamese answers for a bad page.

DRF answers `?page=0`, `?page=abc` and a page past the end alike with an English 404 "Invalid page.".
Here a page that is not a positive whole number is a 400 naming the parameter, and a page past the end
is a 404 saying how many pages there are.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    # a page is a number: no "last" (the schema says integer, so every other value is refused)
    last_page_strings = ()

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_query_param:
                param["schema"] = {"type": "integer", "minimum": 1}
        return params

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isascii() and raw.isdecimal() and int(raw) >= 1):
            message = _("Số trang «%(page)s» không hợp lệ: cần là số nguyên từ 1 trở lên.") % {
                "page": raw[:20]
            }
            raise ValidationError({self.page_query_param: [message]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            page_size = self.get_page_size(request)
            count = self.django_paginator_class(queryset, page_size).num_pages if page_size else 1
            message = _("Trang %(page)s không có (chỉ có %(count)s trang).") % {"page": raw, "count": count}
            raise NotFound(message) from None
