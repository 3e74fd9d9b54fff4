"""Registry pages. (Placeholder until the pages land.)"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import District, Province, Regency, Village


@login_required
def province(request, code):
    return HttpResponse(str(get_object_or_404(Province, code=code)))


@login_required
def regency(request, code):
    return HttpResponse(str(get_object_or_404(Regency, code=code)))


@login_required
def district(request, code):
    return HttpResponse(str(get_object_or_404(District, code=code)))


@login_required
def village(request, code):
    return HttpResponse(str(get_object_or_404(Village, code=code)))
