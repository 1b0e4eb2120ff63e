"""Public map pages (no login): the choropleth of communes by standard held, on any date, its
boundaries (simplified, compressed) and a public page per unit."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chungsuc.core.tables import export_if_asked, export_query, export_table
from chungsuc.geo.mapdata import boundaries_for
from chungsuc.portal import maps, tables


def parse_on(raw: str | None) -> tuple[dt.date, str]:
    today = timezone.localdate()
    raw = (raw or "").strip()
    if not raw:
        return today, ""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        if dt.date(2000, 1, 1) <= day <= today + dt.timedelta(days=3650):
            return day, ""
        break
    return today, _("Ngày «%(v)s» không hợp lệ (nhập dd/mm/yyyy); đang hiển thị số liệu đến hôm nay.") % {
        "v": raw[:30]
    }


@require_GET
def boundaries(request):
    """GeoJSON of the communes valid on ?on= (simplified), gzip-compressed when the client accepts it."""
    on, error = parse_on(request.GET.get("on"))
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    data = boundaries_for(on)
    etag = f'"{data.etag}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    gz = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(data.gzipped if gz else data.body, content_type="application/geo+json")
    if gz:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    return response


def map_context(on: dt.date, payload: dict) -> dict:
    data = boundaries_for(on)
    return {
        "on": on,
        "payload": payload,
        "boundary_bytes": len(data.body),
        "boundary_gzip_bytes": len(data.gzipped),
        "attribution": data.attribution,
        "values": payload["values"],
        "missing": payload["missing"],
        "merged": on >= dt.date(2025, 7, 1),
    }


@require_GET
def public_map(request):
    on, date_error = parse_on(request.GET.get("on"))
    values = maps.standards_values(on)
    counts = _counts(values)
    exported = export_table(
        request,
        {
            "counts": lambda: tables.map_counts_table(on, counts),
            "communes": lambda: tables.map_communes_table(on, values),
        },
        f"ban-do-ntm-{on:%d-%m-%Y}",
    )
    if exported:
        return exported
    payload = maps.map_payload(on, values, colour="standard", legend=maps.standard_legend())
    payload["unit_url"] = "/public/units/{id}/"
    context = map_context(on, payload)
    context.update(
        {
            "date_error": date_error,
            "counts": counts,
            "export_q": {key: export_query(request, table=key) for key in ("counts", "communes")},
        }
    )
    return render(request, "portal/map.html", context)


def _counts(values: list[dict]) -> list[dict]:
    out = []
    for item in maps.standard_legend():
        out.append({"label": item["label"], "count": sum(1 for v in values if v["value"] == item["value"])})
    return out


@require_GET
def public_unit(request, pk: int):
    from chungsuc.geo.models import Unit
    from chungsuc.recognitions import selectors as recognition_selectors
    from chungsuc.recognitions import tables as recognition_tables

    try:
        unit = Unit.objects.get(pk=pk)
    except Unit.DoesNotExist:
        raise Http404(_("Không tìm thấy đơn vị"))
    history = list(recognition_selectors.unit_recognition_history(unit))
    exported = export_if_asked(
        request, lambda: recognition_tables.unit_history_table(unit, history), f"cong-nhan-{unit.code}"
    )
    if exported:
        return exported
    versions = list(unit.versions.select_related("parent").order_by("valid_from"))
    return render(
        request,
        "portal/unit.html",
        {"unit": unit, "history": history, "versions": versions, "export_q": export_query(request)},
    )


@require_GET
def open_data(request):
    from chungsuc.core.tables import EXPORT_FORMATS
    from chungsuc.portal import opendata

    on, date_error = parse_on(request.GET.get("on"))
    datasets = [{"key": key, "table": builder(on)} for key, builder in opendata.BUILDERS.items()]
    return render(
        request,
        "portal/open_data.html",
        {
            "on": on,
            "date_error": date_error,
            "datasets": datasets,
            "formats": EXPORT_FORMATS,
            "licence": opendata.LICENCE,
        },
    )


@require_GET
def open_data_file(request, key: str, fmt: str):
    from chungsuc.core.tables import EXPORT_FORMATS, export_response
    from chungsuc.portal import opendata

    if key not in opendata.BUILDERS or fmt not in EXPORT_FORMATS:
        raise Http404(_("Không có bộ dữ liệu này"))
    on, error = parse_on(request.GET.get("on"))
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    table = opendata.BUILDERS[key](on)
    return export_response(table, fmt, f"chungsuc-{key}-{on.isoformat()}")


@require_GET
def map_licences(request):
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.DATA_DIR) / "geo" / "LICENSES-THIRD-PARTY.txt"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return render(request, "portal/licences.html", {"text": text})


@require_GET
def public_progress(request, pk: int | None = None):
    """What the province promised and what it achieved: each target of a published movement by year,
    against the register (public facts only; a draft or DEMO movement is not shown)."""
    from chungsuc.movements.models import Movement, MovementStatus
    from chungsuc.movements.selectors import progress_data

    published = Movement.objects.exclude(status=MovementStatus.DRAFT).filter(is_demo=False)
    movement = published.filter(pk=pk).first() if pk else published.order_by("-period_start").first()
    if movement is None:
        raise Http404(_("Không tìm thấy phong trào"))
    on, date_error = parse_on(request.GET.get("on"))
    figures = progress_data(movement, on=on)
    from chungsuc.core.tables import export_if_asked, export_query
    from chungsuc.portal import opendata

    exported = export_if_asked(
        request,
        lambda: opendata.progress_table(movement, figures, on),
        f"tien-do-{movement.code}-{on.isoformat()}",
    )
    if exported:
        return exported
    return render(
        request,
        "portal/progress.html",
        {
            "movement": movement,
            "figures": figures,
            "on": on,
            "date_error": date_error,
            "export_q": export_query(request),
        },
    )
