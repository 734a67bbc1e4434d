"""How discovery follows domain decisions: the receiver of ``suppliers.signals.domain_decided``.

Connected in ``DiscoveryConfig.ready``; runs inside the decision's transaction, so the queue and the key
links commit or roll back with the verdict. Returns how many key links it wrote.
"""

from typing import Any

from django.dispatch import receiver

from suppliers.signals import domain_decided

from .services import domain_resolve


@receiver(domain_decided, dispatch_uid="discovery.resolve_discovered_domain")
def resolve_discovered_domain(
    sender: Any, *, root: str, status: str, supplier_id: int | None, moderator: Any = None, **kwargs: Any
) -> int:
    return domain_resolve(root=root, status=status, supplier_id=supplier_id, moderator=moderator)
