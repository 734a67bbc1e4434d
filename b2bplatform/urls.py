"""Root URLs: the API under /api/v1, its documentation, the moderators' admin and its language switch."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from b2bplatform.health import HealthView, ReadyView

api_v1 = [
    path("health", HealthView.as_view(), name="health"),
    path("health/ready", ReadyView.as_view(), name="health-ready"),
    path("", include("accounts.urls")),
    path("", include("requests_app.urls")),
    path("", include("attachments.urls")),
    path("", include("suppliers.urls")),
    path("", include("blacklist.urls")),
    path("", include("messaging.urls")),
    path("", include("discovery.urls")),
    path("", include("quotes.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    # The split view serves its init script from /docs?script= instead of inline: the CSP allows no inline script.
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("admin/", admin.site.urls),
    # The supplier's quote page (HTML, no login, no /api/v1): docs/quotes.md.
    path("", include("quotes.page_urls")),
    # Django's set_language (POST language=ru|en): the console's language switch, templates/admin/base_site.html.
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "core.handlers.bad_request"
handler403 = "core.handlers.permission_denied"
handler404 = "core.handlers.not_found"
handler500 = "core.handlers.server_error"
