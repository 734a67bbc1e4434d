"""Background work of the supplier directory (task names: ``suppliers.<verb_noun>``)."""

from celery import shared_task

from .enrichment import supplier_refresh_checko


@shared_task(name="suppliers.refresh_checko", ignore_result=True)
def refresh_checko(supplier_id: int) -> None:
    """Fetch the Checko record of one supplier; idempotent, and never fails on registry errors."""
    supplier_refresh_checko(supplier_id=supplier_id)
