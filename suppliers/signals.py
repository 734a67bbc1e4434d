"""What happens in the supplier directory that apps above react to (see docs/architecture.md, "Cross-app effects").

Sent inside the sender's transaction with ``send()``, so receivers commit or roll back with the change.
"""

from django.dispatch import Signal

domain_decided = Signal()
"""A moderator decided a root domain (``suppliers.decisions.domain_decide``). kwargs: ``root`` (punycode),
``status`` (supplier / reseller / blacklist / pending), ``supplier_id`` (the card of a supplier / reseller
verdict, else ``None``), ``moderator`` (User or ``None``). Web discovery takes the domain out of its pending
queue and links the card to every key that found the domain."""
