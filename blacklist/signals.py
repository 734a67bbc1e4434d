"""What happens in the blacklists that other apps react to (see docs/architecture.md, "Cross-app effects").

The blacklist services send these inside their transaction with ``send()``, so every receiver runs in the
same transaction (an exception in one rolls the change back) and its return value comes back to the sender.
Each receiver returns an ``int``: how many rows it re-marked (for the blacklist, the recipients unticked); the
services add them up for the API's "N recipient(s) unticked" message. ``sender`` is the entry's model class.
"""

from django.dispatch import Signal

inn_blacklisted = Signal()
"""A buyer put an INN on their list (or re-added it). kwargs: ``owner`` (User), ``inn`` (10/12 digits)."""

inn_unblacklisted = Signal()
"""A buyer removed an INN from their list; the entry is gone. kwargs: ``owner`` (User), ``inn``."""

domain_blacklisted = Signal()
"""A root domain is on the global blacklist (added, re-added, or renamed to). kwargs: ``root`` (punycode)."""

domain_unblacklisted = Signal()
"""A root domain left the global blacklist (removed, or renamed from); its entry is gone. kwargs: ``root``."""
