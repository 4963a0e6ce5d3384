"""Root URL configuration. The public URL contract is documented in docs/linking.md."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from jobboard import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("employers.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("jobboard.api")),
    path("", include("listings.integration_urls")),
    path("", include("employers.urls")),
    # Before listings: a vacancy's apply URL is the board's form when it takes applications
    # here, and hands over to listings' tracked redirect otherwise.
    path("", include("applications.candidate_urls")),
    path("", include("applications.urls")),
    path("", include("listings.urls")),
    path("alerts/", include("listings.alerts.urls")),
    path("", include("seekers.urls")),
    # The pages every UK service has, linked from the footer.
    path("privacy/", views.privacy, name="privacy"),
    *[
        path(f"{page}/", TemplateView.as_view(template_name=f"jobboard/{page}.html"), name=page)
        for page in ("cookies", "accessibility", "terms")
    ],
]

if settings.BENCHMARK_VIEWS:
    # The practical ceiling of a page on this stack, measured beside the real pages (bench/).
    urlpatterns += [path("_bench/trivial", views.trivial, name="bench_trivial")]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
