"""The officials' home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from chungsuc.core.tables import export_if_asked, export_query, export_table
from chungsuc.dashboard import selectors, tables
from chungsuc.movements import tables as movement_tables


@login_required
def home(request):
    data = selectors.overview(request.user)
    exported = export_table(
        request,
        {"coverage": lambda: movement_tables.coverage_table(data["coverage"])},
        f"tong-quan-{data['on']:%d-%m-%Y}",
    ) or export_if_asked(request, lambda: tables.overview_table(data), f"tong-quan-{data['on']:%d-%m-%Y}")
    if exported:
        return exported
    return render(
        request,
        "dashboard/home.html",
        {**data, "export_q": "", "coverage_q": export_query(request, table="coverage")},
    )
