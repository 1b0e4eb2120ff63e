"""The officials' home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from chungsuc.core.tables import export_if_asked
from chungsuc.dashboard import selectors, tables


@login_required
def home(request):
    data = selectors.overview(request.user)
    exported = export_if_asked(
        request, lambda: tables.overview_table(data), f"tong-quan-{data['on']:%d-%m-%Y}"
    )
    if exported:
        return exported
    return render(request, "dashboard/home.html", {**data, "export_q": ""})
