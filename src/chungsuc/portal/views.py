"""Public pages (no login)."""

from django.shortcuts import render

from chungsuc.portal import selectors


def home(request):
    return render(request, "portal/home.html", selectors.home_figures())
