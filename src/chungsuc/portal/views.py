"""Public pages (no login)."""

from django.shortcuts import render

from chungsuc.portal import selectors


def home(request):
    return render(request, "portal/home.html", selectors.home_figures())


def exemplary_models(request):
    """Exemplary models and initiatives Sở Nội vụ has published (movements)."""
    from chungsuc.movements.selectors import published_models

    return render(request, "portal/models.html", {"models": published_models()})
