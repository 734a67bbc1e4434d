"""Writes on the blacklists. Each change is announced with a signal of ``blacklist.signals``, in the same transaction.

The apps above react to them (messaging unticks the recipients an entry blocks and clears the reason when it
goes, see ``messaging.receivers``); a service returns how many rows the receivers re-marked, so the API can
say "N recipient(s) unticked". Errors name the input in Python terms (``("inn",)``, ``("url",)``): the calling
view knows whether it came from the path or the body.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from accounts.models import User
from core.domains import InvalidDomain, root_domain
from core.errors import ValidationFailed
from core.inn import InvalidInn, normalize_inn

from .errors import DomainNotBlacklisted, InnNotBlacklisted
from .models import DomainBlacklistEntry, DomainBlacklistUrl, InnBlacklistEntry
from .signals import domain_blacklisted, domain_unblacklisted, inn_blacklisted, inn_unblacklisted

MAX_REASON = 500


def _announce(signal: Signal, sender: type, **kwargs: Any) -> int:
    """Send ``signal`` synchronously (receivers join the caller's transaction); the sum of their counts."""
    responses: list[tuple[Any, Any]] = signal.send(sender=sender, **kwargs)
    return sum(count for _, count in responses if isinstance(count, int))


def _clean_inn(value: str) -> str:
    try:
        return normalize_inn(value)
    except InvalidInn as exc:
        raise ValidationFailed([(("inn",), str(exc), "value_error")]) from None


def _clean_root(value: str, *, name: str = "domain") -> str:
    try:
        return root_domain(value)
    except InvalidDomain as exc:
        raise ValidationFailed([((name,), str(exc), "value_error")]) from None


def inn_blacklist_add(*, owner: User, inn: str, reason: str | None = None) -> tuple[InnBlacklistEntry, int]:
    """Add (or re-add, updating the reason) an INN; returns the entry and how many recipients were unticked."""
    inn = _clean_inn(inn)
    if reason is not None and len(reason) > MAX_REASON:
        raise ValidationFailed(
            [(("reason",), _("At most %(limit)s characters.") % {"limit": MAX_REASON}, "string_too_long")]
        )
    with transaction.atomic():
        entry, _created = InnBlacklistEntry.objects.update_or_create(owner=owner, inn=inn, defaults={"reason": reason})
        unticked = _announce(inn_blacklisted, InnBlacklistEntry, owner=owner, inn=inn)
    return entry, unticked


def inn_blacklist_remove(*, owner: User, inn: str) -> None:
    """Remove an INN from the buyer's list (404 when absent); its reason falls back to a domain one, if any."""
    inn = _clean_inn(inn)
    with transaction.atomic():
        deleted, _by_model = InnBlacklistEntry.objects.filter(owner=owner, inn=inn).delete()
        if not deleted:
            raise InnNotBlacklisted()
        _announce(inn_unblacklisted, InnBlacklistEntry, owner=owner, inn=inn)


def domain_blacklist_add(
    *,
    domain: str,
    comment: str | None = None,
    url: str | None = None,
    created_by: User | None = None,
    known_urls: Iterable[str] = (),
) -> tuple[DomainBlacklistEntry, int]:
    """Blacklist a root domain for everyone (any input form); re-adding updates the comment and adds the URL.

    ``url`` is an example URL given by a person (it must lie under the root); ``known_urls`` are URLs already
    recorded under the root (a domain decision's), stored as they are. Both get ``comment``. Returns the entry
    and how many recipients, in all requests, were unticked.
    """
    root = _clean_root(domain)
    if url is not None:
        url = url.strip()
        if _clean_root(url, name="url") != root:
            raise ValidationFailed([(("url",), _("The URL is not under %(root)s.") % {"root": root}, "value_error")])
    with transaction.atomic():
        entry, created = DomainBlacklistEntry.objects.select_for_update().get_or_create(
            domain=root, defaults={"comment": comment, "created_by": created_by}
        )
        if not created and comment is not None and entry.comment != comment:
            entry.comment = comment
            entry.save(update_fields=["comment", "updated_at"])
        for example in [*([url] if url else []), *known_urls]:
            DomainBlacklistUrl.objects.get_or_create(entry=entry, url=example, defaults={"comment": comment})
        unticked = _announce(domain_blacklisted, DomainBlacklistEntry, root=root)
    return entry, unticked


def domain_blacklist_remove(*, domain: str) -> None:
    """Remove a root domain (any input form; 404 when absent) and announce it (reasons are cleared above)."""
    root = _clean_root(domain)
    with transaction.atomic():
        deleted, _by_model = DomainBlacklistEntry.objects.filter(domain=root).delete()
        if not deleted:
            raise DomainNotBlacklisted()
        _announce(domain_unblacklisted, DomainBlacklistEntry, root=root)


def domain_blacklist_saved(*, root: str, previous: str | None = None) -> int:
    """Announce an entry the admin wrote itself: ``root`` is blacklisted, a renamed-from ``previous`` is not.

    Call it inside the write's transaction; returns how many recipients were unticked.
    """
    if previous and previous != root:
        _announce(domain_unblacklisted, DomainBlacklistEntry, root=previous)
    return _announce(domain_blacklisted, DomainBlacklistEntry, root=root)


def domain_blacklist_deleted(*, roots: Iterable[str]) -> None:
    """Announce entries the admin deleted itself (one signal per root), inside the delete's transaction."""
    for root in roots:
        _announce(domain_unblacklisted, DomainBlacklistEntry, root=root)
