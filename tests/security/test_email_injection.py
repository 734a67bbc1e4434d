"""CR/LF in the e-mail subject cannot add headers (e.g. ``Bcc``): 422 and nothing is queued."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from messaging.models import Mailing, Message
from tests.security.world import World


@pytest.mark.parametrize("action", ["send", "send-new"])
@pytest.mark.parametrize(
    "subject", ["RFQ\r\nBcc: x@evil.example", "RFQ\nBcc: x@evil.example", "RFQ\rBcc: x@evil.example"]
)
def test_crlf_in_subject_is_refused(action: str, subject: str, world: World, alice_client: APIClient) -> None:
    mailings, messages = Mailing.objects.count(), Message.objects.count()
    body = {"subject": subject, "body": "Please quote", "attachrequestfile": False}

    response = alice_client.post(f"/api/v1/user/requests/{world.ids['requestId']}/{action}", body, format="json")

    assert response.status_code == 422, response.content
    assert ["body", "subject"] in [item["loc"] for item in response.json()["detail"]]
    assert (Mailing.objects.count(), Message.objects.count()) == (mailings, messages)
    assert mail.outbox == []
