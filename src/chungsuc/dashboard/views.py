"""The officials' home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from chungsuc.dashboard import selectors


@login_required
def home(request):
    return render(request, "dashboard/home.html", selectors.overview(request.user))
