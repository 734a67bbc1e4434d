"""The supplier's quote page ``/q/<token>``: plain server-rendered HTML, no login, no script.

Order of a POST: rate limit → resolve the token (404/410 pages) → parse the body through the attachments'
hashing upload handler (a file over the limit stops the upload: the form comes back with the error) →
Django's CSRF check (the view is exempt only so that the upload handler can be installed before the body is
read, then ``csrf_protect`` runs) → the services → a redirect to the page (post/redirect/get), which shows
the confirmation. Bad input re-renders the form with the typed values and an error next to each field.
"""

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from accounts.client_ip import client_ip
from accounts.selectors import profile_of
from attachments.errors import AttachmentTooLarge
from attachments.services import attachment_create
from attachments.uploadhandlers import HashingUploadHandler
from core import formats
from core.errors import DomainError, ValidationFailed
from messaging.email import email_language, format_deadline

from . import ratelimit, selectors, services
from .errors import QuoteLinkGone, QuoteLinkUnknown
from .forms import ParsedForm, form_field_for, parse_quote_form
from .models import CURRENCIES, DEFAULT_CURRENCY, MAX_QUOTE_FILES, QuoteLink

PAGE = "quotes/page.html"
NOTICE = "quotes/notice.html"


def _input_number(value: Decimal | None, language: str) -> str:
    if value is None:
        return ""
    text = str(formats.plain_decimal(value))
    return text.replace(".", ",") if language == "ru" else text


def _notice(request: HttpRequest, *, title: str, text: str, status: int) -> HttpResponse:
    response = render(request, NOTICE, {"title": title, "text": text}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _rate_limited(request: HttpRequest, token: str) -> HttpResponse | None:
    window = settings.QUOTE_PAGE_RATE_WINDOW_SECONDS
    for scope, ident, limit in (
        ("token", token, settings.QUOTE_PAGE_RATE_PER_TOKEN),
        ("ip", client_ip(request) or "unknown", settings.QUOTE_PAGE_RATE_PER_IP),
    ):
        wait = ratelimit.hit(scope=scope, ident=ident, limit=limit, window=window)
        if wait is not None:
            text = _("Too many requests from here. Please try again in %(minutes)s min.") % {
                "minutes": max(1, wait // 60)
            }
            response = _notice(request, title=_("Too many requests"), text=text, status=429)
            response["Retry-After"] = str(wait)
            return response
    return None


GONE_TEXTS = {
    "revoked": lambda: _("The buyer has withdrawn this link. Ask them for a new one if you still want to quote."),
    "expired": lambda: _("The deadline for quotes on this request has passed."),
    "closed": lambda: _("This request has been closed; it no longer takes quotes."),
}


@csrf_exempt
def quote_page(request: HttpRequest, token: str) -> HttpResponse:
    limited = _rate_limited(request, token)
    if limited is not None:
        return limited
    try:
        link = selectors.link_resolve(token=token)
    except QuoteLinkUnknown:
        return _notice(
            request, title=_("Link not found"), text=_("There is no quote page at this address."), status=404
        )
    except QuoteLinkGone as exc:
        return _notice(request, title=_("Link no longer valid"), text=GONE_TEXTS[exc.reason](), status=410)
    with translation.override(email_language(profile_of(link.request.owner))):
        if request.method == "GET" or request.method == "HEAD":
            return _page(request, link)
        if request.method != "POST":
            return _notice(request, title=_("Not allowed"), text=_("Use the form on the page."), status=405)
        request.upload_handlers = [HashingUploadHandler(request)]
        try:
            request.POST  # noqa: B018 — parse now, with the handler above, before the CSRF check reads it
            request.FILES  # noqa: B018
        except AttachmentTooLarge:
            message = _("The files are larger than the allowed %(mb)s MB in total. Nothing was saved.") % {
                "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
            }
            return _page(request, link, errors={"files": message}, status=413)
        except (MultiPartParserError, TooManyFieldsSent, RequestDataTooBig):
            return _page(request, link, errors={"": _("The form could not be read. Nothing was saved.")}, status=400)
        return csrf_protect(_post)(request, link)


def _post(request: HttpRequest, link: QuoteLink) -> HttpResponse:
    state = selectors.page_state(link=link)
    form = parse_quote_form(request.POST, [key.pk for key in state.keys])
    action = request.POST.get("action")
    if action not in ("draft", "submit"):
        form.errors[""] = _("Choose “Save draft” or “Submit quote”.")
    existing = {attachment.pk for attachment in selectors.quote_files(state.quote)}
    kept = [pk for pk in form.keep_file_ids if pk in existing]
    uploads = request.FILES.getlist("files")
    if len(kept) + len(uploads) > MAX_QUOTE_FILES:
        form.errors["files"] = _("At most %(limit)s files.") % {"limit": MAX_QUOTE_FILES}
    if not form.errors:
        try:  # before any file is stored: a quote that cannot be saved leaves no files behind
            services.validate_quote(request=link.request, data=form.data, attachment_owner_ids=set())
        except ValidationFailed as exc:
            _add_service_errors(form, exc)
    if form.errors:
        return _page(request, link, state=state, form=form, status=400)
    new_ids, status = _store_uploads(link, uploads, form)
    if form.errors:
        return _page(request, link, state=state, form=form, status=status)
    data = replace(form.data, attachment_ids=[*kept, *new_ids])
    try:
        if action == "submit":
            services.quote_submit_by_link(link=link, data=data)
        else:
            services.quote_save_draft(link=link, data=data)
    except ValidationFailed as exc:
        _add_service_errors(form, exc)
        return _page(request, link, state=state, form=form, status=400)
    services.link_touch(link=link)
    return HttpResponseRedirect(f"{request.path}?saved={'submitted' if action == 'submit' else 'draft'}", status=303)


def _store_uploads(link: QuoteLink, uploads: list[Any], form: ParsedForm) -> tuple[list[int], int]:
    """Each file through the attachments service (same limits and sniffing), owned by the request's buyer."""
    ids: list[int] = []
    for uploaded in uploads:
        try:
            ids.append(attachment_create(owner=link.request.owner, uploaded_file=uploaded).pk)
        except DomainError as exc:
            form.errors["files"] = _("%(name)s: %(reason)s Nothing was saved.") % {
                "name": uploaded.name,
                "reason": str(exc.detail),
            }
            return ids, exc.status_code if exc.status_code != 422 else 400
    return ids, 200


def _add_service_errors(form: ParsedForm, exc: ValidationFailed) -> None:
    for path, message, _kind in exc.errors:
        form.errors.setdefault(form_field_for(path, list(form.data.lines)), str(message))


def _key_rows(state: selectors.PageState, form: ParsedForm | None, language: str) -> list[dict[str, Any]]:
    lines = selectors.quote_lines_by_key(state.quote)
    rows = []
    for key in state.keys:
        line = lines.get(key.pk)
        names = {field: f"{field}-{key.pk}" for field in ("price", "qty", "lead", "analogue", "comment")}
        if form is not None:
            values = {field: form.values.get(name, "") for field, name in names.items()}
        else:
            values = {
                "price": _input_number(line.price, language) if line else "",
                "qty": _input_number(line.qty, language) if line else "",
                "lead": str(line.lead_time_days) if line and line.lead_time_days is not None else "",
                "analogue": line.analogue if line else "",
                "comment": line.comment if line else "",
            }
        errors = {field: form.errors.get(name, "") for field, name in names.items()} if form else {}
        rows.append(
            {"key": key, "qty": formats.format_quantity(key.qty), "names": names, "values": values, "errors": errors}
        )
    return rows


def _page(
    request: HttpRequest,
    link: QuoteLink,
    *,
    state: selectors.PageState | None = None,
    form: ParsedForm | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    state = state or selectors.page_state(link=link)
    language = translation.get_language() or settings.LANGUAGE_CODE
    quote = state.quote
    form_errors = dict(errors or {}) | (form.errors if form else {})
    header = form.values if form else {
        "currency": quote.currency if quote else DEFAULT_CURRENCY,
        "vat_included": "1" if (quote.vat_included if quote else True) else "",
        "valid_until": quote.valid_until.isoformat() if quote and quote.valid_until else "",
        "comment": quote.comment if quote else "",
    }  # fmt: skip
    context = {
        "link": link,
        "request_obj": link.request,
        "company": state.profile.company_name or link.request.owner.email,
        "supplier": link.supplier,
        "deadline": link.expires_at() if link.request.deadline else None,
        # with its time zone, as the e-mails write it: a supplier in another zone must not read it as local
        "deadline_text": format_deadline(link.expires_at(), language) if link.request.deadline else "",
        "rows": _key_rows(state, form, language),
        "header": header,
        "currencies": CURRENCIES,
        "files": selectors.quote_files(quote),
        "is_draft": bool(quote and quote.revision is None),
        "current": state.current,
        "errors": form_errors,
        "form_error": form_errors.get(""),
        "saved": request.GET.get("saved") if status == 200 else None,
        "max_files": MAX_QUOTE_FILES,
        "now": timezone.now(),
        "language": language,
    }
    response = render(request, PAGE, context, status=status)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language  # the buyer's language, not the one LocaleMiddleware chose
    # The token must not leak to another site in a Referer; "no-referrer" would also make the browser send
    # ``Origin: null`` with the form, which Django's CSRF check refuses (found by the browser test).
    response["Referrer-Policy"] = "same-origin"
    return response
