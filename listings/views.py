"""Seeker pages. The full search arrives with its own FilterSet; these are the first cut."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from listings.models import Vacancy
from listings.selectors import live_vacancies


def search(request, profession=None, place=None):
    vacancies = live_vacancies().order_by("-published_at", "-id")
    if profession:
        vacancies = vacancies.filter(profession__slug=profession)
    return render(request, "listings/search.html", {"vacancies": vacancies[:20]})


def vacancy_detail(request, reference, slug=None):
    vacancy = get_object_or_404(
        Vacancy.objects.public().select_related("employer", "profession"), reference=reference
    )
    if slug != vacancy.slug:
        return redirect(vacancy, permanent=True)
    if not vacancy.published_at:
        raise Http404
    return render(request, "listings/vacancy_detail.html", {"vacancy": vacancy})
