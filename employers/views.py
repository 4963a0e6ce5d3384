"""Employer pages: the public directory and the self-service area."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from employers.models import Employer
from listings.selectors import live_vacancies


def directory(request):
    employers = Employer.objects.active().with_live_counts().select_related("town")[:50]
    return render(request, "employers/directory.html", {"employers": employers})


def employer_detail(request, slug):
    employer = get_object_or_404(Employer.objects.active(), slug=slug)
    vacancies = live_vacancies().filter(employer=employer)[:50]
    return render(request, "employers/detail.html", {"employer": employer, "vacancies": vacancies})


@login_required
def dashboard(request):
    memberships = request.user.memberships.select_related("employer")
    return render(request, "employers/dashboard.html", {"memberships": memberships})
