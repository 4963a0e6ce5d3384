"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """Expose the site's name and public address to templates."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}
