"""HTTP plumbing that must hold for every response, whichever view (or no view) produced it.

* ``ApiJsonErrorsMiddleware``: under ``/api/`` an error is always the contract's ``ErrorDTO`` JSON
  (``{"detail", "code"}``). ``handler404``/``handler500`` already answer JSON there, but with ``DEBUG`` on
  Django bypasses them and renders its technical pages (a 404 listing every URL pattern, a 500 traceback), and
  a few answers come from outside any handler; this rewrites whatever HTML error reaches it.
* ``ContentSecurityPolicyMiddleware``: the HTML pages the product serves (the admin, ``/docs``, ``/redoc``)
  carry ``settings.CONTENT_SECURITY_POLICY`` (Django 5.2 has no built-in CSP; 6.0 will). JSON answers do not
  need one: browsers do not render them.
"""

import json
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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
        is_api = request.path.startswith("/api/")
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
