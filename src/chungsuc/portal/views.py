"""Public pages (no login)."""

from django.shortcuts import render


def home(request):
    return render(request, "portal/home.html")
