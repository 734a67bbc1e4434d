"""The supplier's quote page through Django's test client: show, draft, submit, revise, refuse."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from attachments.models import Attachment
from messaging.models import Recipient, ReplyStatus
from quotes.models import Quote, QuoteLine, QuoteStatus
from quotes.tests.conftest import Rfq

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(rfq: Rfq, action: str = "submit", **extra: str) -> dict[str, str]:
    first, second, _third = rfq.keys
    data = {
        "action": action,
        "currency": "RUB",
        "vat_included": "1",
        "valid_until": "",
        "comment": "Доставка за наш счёт",
        f"price-{first.pk}": "1 250,50",
        f"qty-{first.pk}": "",
        f"lead-{first.pk}": "14",
        f"analogue-{first.pk}": "",
        f"comment-{first.pk}": "",
        f"price-{second.pk}": "310",
        f"qty-{second.pk}": "20",
        f"lead-{second.pk}": "7",
        f"analogue-{second.pk}": "Отвод 90° 57х4",
        f"comment-{second.pk}": "",
    }
    data.update(extra)
    return data


def test_page_speaks_russian_by_default_and_shows_the_request_without_script(alice, client: Client) -> None:
    from quotes.tests.conftest import make_rfq

    rfq = make_rfq(alice, language="")  # no language chosen: the platform's default, Russian
    with override_settings(LANGUAGE_CODE="ru"):
        response = client.get(rfq.url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Трубопроводная арматура" in html and "ООО Заказчик" in html
    for key in rfq.keys:
        assert key.text in html
    assert "120,5" in html  # the key's quantity in Russian
    assert "Отправить предложение" in html and "Сохранить черновик" in html  # Russian (the buyer's language)
    assert "<script" not in html
    assert 'name="viewport"' in html
    assert "csrfmiddlewaretoken" in html
    assert response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"


def test_page_follows_an_english_speaking_buyer(alice, client: Client) -> None:
    from quotes.tests.conftest import make_rfq

    rfq = make_rfq(alice, language="en")

    html = client.get(rfq.url()).content.decode()

    assert "Submit quote" in html and "Save draft" in html


def test_page_names_the_deadlines_time_zone_and_its_own_language(alice, client: Client) -> None:
    """Found by the verification round: the deadline had no time zone (a supplier in Moscow read 09:00 UTC as
    09:00 local) and an English page was served with ``Content-Language: ru`` (LocaleMiddleware's choice)."""
    from datetime import UTC, datetime

    from quotes.tests.conftest import make_rfq

    rfq = make_rfq(alice, language="en")
    rfq.request.deadline = datetime(2031, 12, 10, 9, 0, tzinfo=UTC)
    rfq.request.save(update_fields=["deadline"])

    with override_settings(LANGUAGE_CODE="ru"):
        response = client.get(rfq.url())

    html = response.content.decode()
    assert "Quotes accepted until: <strong>12/10/2031 9 a.m. (UTC)</strong>" in html
    assert response["Content-Language"] == "en"


def test_draft_is_kept_for_the_supplier_and_hidden_from_the_buyer(rfq: Rfq, client: Client, alice_client) -> None:
    response = client.post(rfq.url(), _form(rfq, action="draft"))

    assert response.status_code == 303 and response["Location"].endswith("?saved=draft")
    draft = Quote.objects.get(status=QuoteStatus.DRAFT)
    assert draft.revision is None and not draft.is_current
    assert draft.lines.get(key=rfq.keys[0]).price == Decimal("1250.50")
    page = client.get(response["Location"]).content.decode()
    assert "1250.5" in page  # prefilled from the draft (English: a decimal point)
    assert alice_client.get(f"/api/v1/user/requests/{rfq.request.pk}/quotes").json()["quotes"] == []
    assert Recipient.objects.get(supplier=rfq.suppliers[0]).reply_status == ReplyStatus.NONE


def test_submit_creates_revision_one_marks_the_recipient_and_confirms(rfq: Rfq, client: Client) -> None:
    client.post(rfq.url(), _form(rfq, action="draft"))

    response = client.post(rfq.url(), _form(rfq), follow=True)

    assert response.status_code == 200
    assert "Thank you, your quote has been submitted." in response.content.decode()
    quote = Quote.objects.get(status=QuoteStatus.SUBMITTED)
    assert (quote.revision, quote.is_current, quote.source, quote.currency) == (1, True, "portal", "RUB")
    assert not Quote.objects.filter(status=QuoteStatus.DRAFT).exists()  # the draft was consumed
    lines = {line.key_id: line for line in quote.lines.all()}
    assert set(lines) == {rfq.keys[0].pk, rfq.keys[1].pk}  # the empty third key has no line
    assert lines[rfq.keys[1].pk].analogue == "Отвод 90° 57х4" and lines[rfq.keys[1].pk].qty == Decimal("20")
    assert Recipient.objects.get(supplier=rfq.suppliers[0]).reply_status == ReplyStatus.QUOTED


def test_revising_keeps_every_revision_and_only_the_latest_is_current(rfq: Rfq, client: Client) -> None:
    client.post(rfq.url(), _form(rfq))
    client.post(rfq.url(), _form(rfq, **{f"price-{rfq.keys[0].pk}": "1199"}))

    revisions = list(Quote.objects.order_by("revision").values_list("revision", "is_current"))
    assert revisions == [(1, False), (2, True)]
    prices = QuoteLine.objects.filter(key=rfq.keys[0]).order_by("quote__revision").values_list("price", flat=True)
    assert list(prices) == [Decimal("1250.50"), Decimal("1199")]
    assert "revision 2" in client.get(rfq.url()).content.decode()


def test_bad_input_rerenders_the_form_with_errors_and_the_typed_values(rfq: Rfq, client: Client) -> None:
    key = rfq.keys[0]
    form = _form(
        rfq, **{f"price-{key.pk}": "дорого", f"lead-{key.pk}": "-3", "currency": "XXX", "valid_until": "31.02"}
    )

    response = client.post(rfq.url(), form)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the fields marked below." in html
    assert 'value="дорого"' in html
    assert html.count('class="error"') >= 4
    assert not Quote.objects.exists()


def test_odd_characters_are_form_errors_never_a_server_error(rfq: Rfq, client: Client) -> None:
    key = rfq.keys[0]
    form = _form(rfq, **{f"lead-{key.pk}": "²", f"price-{key.pk}": "NaN", f"qty-{key.pk}": "1" * 80})

    response = client.post(rfq.url(), {**form, "keep_file": ["²", "abc"]})

    assert response.status_code == 400
    assert not Quote.objects.exists()
    assert client.put(rfq.url()).status_code == 405
    nul = _form(rfq, **{f"analogue-{key.pk}": "Фланец\x00", "comment": "\x00"})
    assert client.post(rfq.url(), nul).status_code == 303
    assert QuoteLine.objects.get(key=key).analogue == "Фланец"


def test_service_range_errors_land_next_to_their_field(rfq: Rfq, client: Client) -> None:
    key = rfq.keys[0]

    response = client.post(rfq.url(), _form(rfq, **{f"qty-{key.pk}": "0", "valid_until": "2000-01-01"}))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Must be greater than zero." in html and "Must not be in the past." in html
    assert not Quote.objects.exists()


def test_missing_action_is_an_error_not_a_save(rfq: Rfq, client: Client) -> None:
    form = _form(rfq)
    del form["action"]

    assert client.post(rfq.url(), form).status_code == 400
    assert not Quote.objects.exists()


def test_unknown_token_is_a_404_page_that_says_so_and_nothing_else(rfq: Rfq, client: Client) -> None:
    for token in ("A" * 43, "short", "x" * 300):
        response = client.get(f"/q/{token}")
        assert response.status_code == 404
        html = response.content.decode()
        assert "Трубопроводная" not in html and "<form" not in html


def test_revoked_link_is_410_and_the_next_email_gets_a_new_link(rfq: Rfq, client: Client, alice_client) -> None:
    old_url = rfq.url()
    answer = alice_client.post(f"/api/v1/user/requests/{rfq.request.pk}/quote-links/{rfq.suppliers[0].pk}/revoke")
    assert answer.json() == {"success": True, "revoked": 1}

    response = client.get(old_url)
    assert response.status_code == 410
    assert "<form" not in response.content.decode()
    assert client.post(old_url, _form(rfq)).status_code == 410
    assert rfq.url() != old_url and client.get(rfq.url()).status_code == 200
    assert not Quote.objects.exists()


def test_link_closes_at_the_deadline(rfq: Rfq, client: Client) -> None:
    url = rfq.url()
    rfq.request.deadline = timezone.now() - timedelta(minutes=1)
    rfq.request.save(update_fields=["deadline"])

    response = client.post(url, _form(rfq))

    assert response.status_code == 410 and "deadline" in response.content.decode()
    assert not Quote.objects.exists()


def test_link_without_deadline_expires_after_the_ttl(rfq: Rfq, client: Client, settings) -> None:
    url = rfq.url()
    settings.QUOTE_LINK_TTL_DAYS = 0

    assert client.get(url).status_code == 410


def test_closed_request_closes_the_link(rfq: Rfq, client: Client) -> None:
    url = rfq.url()
    rfq.request.status = "done"
    rfq.request.closed_at = timezone.now()
    rfq.request.save(update_fields=["status", "closed_at"])

    assert client.get(url).status_code == 410


def test_post_without_the_csrf_token_is_refused(rfq: Rfq) -> None:
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(rfq.url()).status_code == 200  # sets the CSRF cookie

    refused = browser.post(rfq.url(), _form(rfq))

    assert refused.status_code == 403
    assert not Quote.objects.exists()
    html = browser.get(rfq.url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    accepted = browser.post(rfq.url(), {**_form(rfq), "csrfmiddlewaretoken": token})
    assert accepted.status_code == 303 and Quote.objects.count() == 1


def test_requests_over_the_limit_per_token_get_a_429_page(rfq: Rfq, client: Client, settings) -> None:
    settings.QUOTE_PAGE_RATE_PER_TOKEN = 3
    url = rfq.url()
    for _ in range(3):
        assert client.get(url).status_code == 200

    limited = client.post(url, _form(rfq))

    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert not Quote.objects.exists()
    assert client.get(rfq.url(1)).status_code == 200  # another supplier's link has its own count


def test_requests_over_the_limit_per_address_get_a_429_page(rfq: Rfq, client: Client, settings) -> None:
    settings.QUOTE_PAGE_RATE_PER_IP = 2
    assert client.get(rfq.url(0)).status_code == 200
    assert client.get(rfq.url(1)).status_code == 200
    assert client.get(rfq.url(1)).status_code == 429
    assert client.get("/q/" + "B" * 43).status_code == 429  # guessing tokens counts too
    assert client.get(rfq.url(1), REMOTE_ADDR="10.1.2.3").status_code == 200


def test_files_go_through_the_attachments_service_owned_by_the_buyer(rfq: Rfq, client: Client) -> None:
    upload = SimpleUploadedFile("offer.pdf", PDF, content_type="application/pdf")

    response = client.post(rfq.url(), {**_form(rfq, action="draft"), "files": [upload]})

    assert response.status_code == 303
    draft = Quote.objects.get(status=QuoteStatus.DRAFT)
    attachment = draft.attachments.get()
    assert (attachment.owner_id, attachment.original_filename) == (rfq.request.owner_id, "offer.pdf")
    assert attachment.content_type == "application/pdf"
    # The file stays when kept on the next save, and is dropped when unticked.
    client.post(rfq.url(), {**_form(rfq), "keep_file": [str(attachment.pk)]})
    assert list(Quote.objects.get(revision=1).attachments.values_list("pk", flat=True)) == [attachment.pk]
    client.post(rfq.url(), _form(rfq))
    assert not Quote.objects.get(revision=2).attachments.exists()


def test_a_refused_file_rerenders_the_form_and_saves_nothing(rfq: Rfq, client: Client) -> None:
    fake = SimpleUploadedFile("offer.pdf", b"MZ\x90\x00 this is a Windows program", content_type="application/pdf")

    response = client.post(rfq.url(), {**_form(rfq), "files": [fake]})

    assert response.status_code == 415
    html = response.content.decode()
    assert "offer.pdf" in html and 'id="files-error"' in html
    assert not Quote.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_without_saving(rfq: Rfq, client: Client, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200_000, content_type="application/pdf")

    response = client.post(rfq.url(), {**_form(rfq), "files": [big]})

    assert response.status_code == 413
    assert 'id="files-error"' in response.content.decode()
    assert not Quote.objects.exists() and not Attachment.objects.exists()


def test_a_key_of_another_request_cannot_be_smuggled_in(rfq: Rfq, alice, client: Client) -> None:
    from quotes.tests.conftest import make_rfq

    other = make_rfq(alice)
    form = {**_form(rfq), f"price-{other.keys[0].pk}": "1"}

    assert client.post(rfq.url(), form).status_code == 303
    assert set(QuoteLine.objects.values_list("key__request_id", flat=True)) == {rfq.request.pk}
