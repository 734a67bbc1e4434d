"""HTTP plumbing that must hold for every response, whichever view (or no view) produced it.

* ``ApiJsonErrorsMiddleware``: under ``/api/`` an error is always the contract's ``ErrorDTO`` JSON
  (``{"detail", "code"}``). ``handler404``/``handler500`` already answer JSON there, but with ``DEBUG`` on
  Django bypasses them and renders its technical pages (a 404 listing every URL pattern, a 500 traceback), and
  a few answers come from outside any handler; this rewrites whatever HTML error reaches it.
* ``SiteSessionMiddleware``, ``SiteAuthenticationMiddleware``, ``SiteMessageMiddleware``: Django's session, auth and
  messages middleware for the site (the admin, the console, the quote page), skipped for API calls. The API
  authenticates by JWT in DRF and never reads a session, ``request.user`` before DRF sets it, or messages
  (``tests/test_api_plumbing.py`` checks that every route under ``/api/`` is a DRF view), so building a session
  store and two message storages per call was pure overhead on the hot path (decision 0011). Subclasses, so
  the admin's system checks still find them; CSRF and X-Frame-Options stay as they are for every path.
* ``LocaleMiddleware``: Django's, with a short way for API calls. An ``/api/`` path never carries a language
  prefix (no ``i18n_patterns`` there), so the language is the cookie's or ``Accept-Language``'s and the answer
  gets ``Vary: Accept-Language`` and ``Content-Language``, exactly as Django's does for such a path, without
  resolving the path for a language prefix twice per call.
* ``CorsMiddleware``: django-cors-headers', answering a call without an ``Origin`` header (every call that is not
  a browser's cross-site one) as the library does — ``Vary: origin`` where CORS applies — without building
  ``request.headers`` (all of the call's headers parsed into a new mapping) just to find no ``Origin`` in it.
* ``ContentSecurityPolicyMiddleware``: the HTML pages the product serves (the admin, ``/docs``, ``/redoc``)
  carry ``settings.CONTENT_SECURITY_POLICY`` (Django 5.2 has no built-in CSP; 6.0 will). JSON answers do not
  need one: browsers do not render them.
"""

import json
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from corsheaders import middleware as cors
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext_lazy as _

# Codes for the statuses Django itself may answer with; any other status gets its phrase in snake case.
ERROR_CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    500: "server_error",
}
ERROR_DETAILS = {404: _("Not found."), 500: _("Internal server error.")}
JSON = "application/json"
API_PREFIX = "/api/"


def _error_body(status: int) -> dict[str, str]:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # a status outside the standard list
        phrase = "Error"
    code = ERROR_CODES.get(status, phrase.lower().replace(" ", "_").replace("-", "_"))
    return {"detail": str(ERROR_DETAILS.get(status, f"{phrase}.")), "code": code}


def _media_type(response: HttpResponse) -> str:
    return response.get("Content-Type", "").split(";")[0].strip().lower()


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_api = request.path.startswith(API_PREFIX)
        if is_api and response.status_code >= 400 and not response.streaming and _media_type(response) != JSON:
            response.content = json.dumps(_error_body(response.status_code)).encode()
            response["Content-Type"] = JSON
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and _media_type(response) == "text/html" and not response.has_header("Content-Security-Policy"):
            response["Content-Security-Policy"] = self.policy
        return response


class _SiteOnly(MiddlewareMixin):
    """Runs the middleware it is mixed into for every path but the API's (``request.path_info`` is what the URL
    resolver matches, so a path routed to an API view is always skipped and nothing else is)."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        return super().__call__(request)


class SiteSessionMiddleware(_SiteOnly, SessionMiddleware):
    pass


class SiteAuthenticationMiddleware(_SiteOnly, AuthenticationMiddleware):
    pass


class SiteMessageMiddleware(_SiteOnly, MessageMiddleware):
    pass


class LocaleMiddleware(locale.LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if not request.path_info.startswith(API_PREFIX):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not request.path_info.startswith(API_PREFIX):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class CorsMiddleware(cors.CorsMiddleware):
    def add_response_headers(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if "HTTP_ORIGIN" in request.META:
            return super().add_response_headers(request, response)
        enabled = getattr(request, "_cors_enabled", None)
        if enabled is None:
            enabled = self.is_enabled(request)
        if enabled:
            patch_vary_headers(response, ("origin",))
        return response
