"""Public pages (no login): the home page, the open consultations and the list of recognised units."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from chungsuc.assessments.models import Standard
from chungsuc.core.clientip import client_ip
from chungsuc.core.http import flash_errors
from chungsuc.core.tables import export_query, export_table
from chungsuc.movements import tables as movement_tables
from chungsuc.movements.coverage import register_coverage
from chungsuc.portal import selectors
from chungsuc.recognitions import selectors as recognition_selectors
from chungsuc.recognitions import services as recognition_services
from chungsuc.recognitions.forms import CommentForm
from chungsuc.recognitions.views import date_param


def home(request):
    return render(request, "portal/home.html", selectors.home_figures())


def exemplary_models(request):
    """Exemplary models and initiatives Sở Nội vụ has published (movements)."""
    from chungsuc.movements.selectors import published_models

    return render(request, "portal/models.html", {"models": published_models()})


def public_consultations(request):
    return render(
        request, "portal/consultations.html", {"consultations": recognition_selectors.open_consultations()}
    )


def public_consultation(request, pk):
    """The consultation as published: the result as it stood when it opened (never live values), the
    official satisfaction survey once attested, and residents' comments as feedback beside it."""
    consultation = recognition_selectors.public_consultation_or_404(pk)
    form = CommentForm()
    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                recognition_services.consultation_comment_add(
                    consultation=consultation, client=client_ip(request), **form.cleaned_data
                )
                messages.success(request, _("Cảm ơn ông/bà đã góp ý."))
                return redirect(consultation.get_absolute_url())
            except ValidationError as exc:
                flash_errors(request, exc)
                status = 429 if getattr(exc, "code", None) == "rate_limited" else 400
        else:
            status = 400
    today = timezone.localdate()
    is_open = consultation.closed_at is None and consultation.opens_on <= today <= consultation.closes_on
    survey = recognition_selectors.official_survey(consultation.assessment)
    return render(
        request,
        "portal/consultation.html",
        {
            "consultation": consultation,
            "form": form,
            "is_open": is_open,
            "published": recognition_selectors.published_result(consultation),
            "survey": survey if survey is not None and survey.attested else None,
            "stats": recognition_selectors.satisfaction(consultation),
            "comments": recognition_selectors.public_comments(consultation),
        },
        status=status,
    )


def public_recognised(request):
    on = date_param(request)
    records = recognition_selectors.register_as_of(
        on, standard=request.GET.get("standard", ""), q=request.GET.get("q", "")
    )
    coverage = register_coverage(on)
    exported = export_table(
        request,
        {"coverage": lambda: movement_tables.coverage_table(coverage)},
        f"so-cong-nhan-{on:%d-%m-%Y}",
    )
    if exported:
        return exported
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    districts = recognition_selectors.districts_at_recognition(page.object_list)
    for r in page.object_list:
        r.district_name = districts.get(r.pk, "")
    return render(
        request,
        "portal/recognised.html",
        {
            "page": page,
            "records": page.object_list,
            "coverage": coverage,
            "coverage_q": export_query(request, table="coverage"),
            "on": on,
            "standards": Standard.choices,
            "standard": request.GET.get("standard", ""),
            "q": request.GET.get("q", ""),
        },
    )
