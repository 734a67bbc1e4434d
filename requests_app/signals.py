"""What happens in moderation that apps above react to (see docs/architecture.md, "Cross-app effects").

Sent inside the sender's transaction with ``send()``; a receiver that talks to the outside (e-mail, the broker)
waits for the commit with ``transaction.on_commit``.
"""

from django.dispatch import Signal

moderation_done = Signal()
"""A moderator marked a request's task done (``requests_app.moderation``). kwargs: ``request_id``, ``task_id``,
``suppliers_linked`` (distinct suppliers linked to the request's keys at that moment), ``moderator`` (User).
Messaging e-mails the buyer that moderation of their request is done."""

deadline_changed = Signal()
"""A request's response deadline was set or moved (``requests_app.services``: at submit or by
``PUT …/deadline``). kwargs: ``request`` (the ``Request``, already saved), ``previous`` (the old deadline or
None), ``deadline`` (the new one, in the future), ``changed_at``. Messaging plans the reminders of the new
deadline and e-mails the contacted suppliers (docs/deadlines.md)."""

request_closed = Signal()
"""Requests moved to ``done`` (``requests_app.services``: ``POST …/close`` or the automatic close). kwargs:
``request_ids`` (list), ``closed_at``, ``automatic`` (bool). Messaging e-mails the contacted suppliers of a
request closed before its deadline."""
