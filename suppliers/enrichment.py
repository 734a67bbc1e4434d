"""Checko enrichment of a supplier card: what the worker runs (``tasks.refresh_checko``) for one card.

Kept apart from ``services`` because the services queue the task and the task runs this: services → tasks →
enrichment, one way.
"""

import logging

from django.utils import timezone

from .checko import CheckoClient, CheckoError
from .models import Supplier

logger = logging.getLogger(__name__)


def supplier_refresh_checko(*, supplier_id: int, client: CheckoClient | None = None) -> Supplier | None:
    """Fetch the registry record and store it; failures go to ``checko_error`` and are never raised."""
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        return None  # deleted meanwhile: nothing to enrich
    client = client or CheckoClient.from_settings()
    try:
        data = client.fetch(supplier.inn)
    except CheckoError as exc:
        Supplier.objects.filter(pk=supplier_id).update(checko_error=str(exc)[:1000])
        logger.info("Checko refresh of supplier %s failed: %s", supplier_id, exc)
    else:
        Supplier.objects.filter(pk=supplier_id).update(
            checko_data=data, checko_updated_at=timezone.now(), checko_error=None
        )
    supplier.refresh_from_db()
    return supplier
