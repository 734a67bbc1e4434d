"""Rewrites stored e-mail addresses to their canonical form (docs/decisions/0008-canonical-email.md).

The login now looks users up by the canonical address with an exact comparison, so a stored address that is
not canonical would never be found again. This migration rewrites what it safely can and never merges or
deletes a user:

* a user whose address has no canonical form (a non-ASCII local part, a mixed-script or malformed domain), or
  whose canonical form another user already has, or shares with another non-canonical user, is left as it is
  and logged (logger ``accounts.migrations``); the code login can no longer reach it, a moderator decides
  (edit the address in the admin, or deactivate the user);
* open OTP challenges of non-canonical addresses are cancelled: their code's HMAC is bound to the old spelling,
  so the person simply asks for a new code;
* failure streaks (address locks) move to the canonical address; when it has one already, the stricter of the
  two is kept;
* rate-limit windows (keyed by address) are left to run out: they last at most an hour.

Runs on PostgreSQL and SQLite alike (plain ORM, no vendor SQL). Not reversible: the old spellings are gone.
"""

import logging
from collections import defaultdict

from django.db import IntegrityError, migrations, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.emails import InvalidEmail, canonical_email

logger = logging.getLogger("accounts.migrations")


def _canonical_or_none(value: str) -> str | None:
    try:
        return canonical_email(value)
    except InvalidEmail:
        return None


def canonicalise_users(User) -> list[tuple[int, str, str]]:
    """Rewrite every user's address that can be rewritten unambiguously; answer the rows left (id, address, why)."""
    left: list[tuple[int, str, str]] = []
    wanted: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for user_id, email in User.objects.order_by("pk").values_list("pk", "email"):
        canonical = _canonical_or_none(email)
        if canonical is None:
            left.append((user_id, email, "has no canonical form"))
        elif canonical != email:
            wanted[canonical].append((user_id, email))
    for canonical, rows in wanted.items():
        taken = (
            User.objects.alias(email_lower=Lower("email"))
            .filter(Q(email=canonical) | Q(email_lower=canonical))
            .exclude(pk__in=[user_id for user_id, _ in rows])
            .exists()
        )
        if taken or len(rows) > 1:
            why = f"its canonical form {canonical} is {'taken' if taken else 'shared by several users'}"
            left.extend((user_id, email, why) for user_id, email in rows)
            continue
        try:
            with transaction.atomic():  # a savepoint: a clash with the lower-case unique index only skips this row
                User.objects.filter(pk=rows[0][0]).update(email=canonical)
        except IntegrityError:
            left.append((*rows[0], f"its canonical form {canonical} clashes with another user"))
    for user_id, email, why in left:
        logger.warning("user %s keeps the e-mail %r: %s", user_id, email, why)
    return left


def cancel_open_challenges(OtpChallenge) -> int:
    """Cancel the open challenges of non-canonical addresses (nobody could verify them any more)."""
    open_rows = OtpChallenge.objects.filter(used_at__isnull=True, cancelled_at__isnull=True)
    stale = [pk for pk, email in open_rows.values_list("pk", "email") if _canonical_or_none(email) != email]
    return OtpChallenge.objects.filter(pk__in=stale).update(cancelled_at=timezone.now())


def move_failure_streaks(OtpFailureStreak) -> None:
    """Key each address lock by the canonical address, keeping the stricter lock when both exist."""
    for streak in OtpFailureStreak.objects.order_by("pk"):
        canonical = _canonical_or_none(streak.email)
        if canonical is None or canonical == streak.email:
            continue
        target = OtpFailureStreak.objects.filter(email=canonical).first()
        if target is None:
            OtpFailureStreak.objects.filter(pk=streak.pk).update(email=canonical)
            continue
        target.failures = max(target.failures, streak.failures)
        target.last_failure_at = max(target.last_failure_at, streak.last_failure_at)
        locks = [moment for moment in (target.locked_until, streak.locked_until) if moment is not None]
        target.locked_until = max(locks) if locks else None
        target.save(update_fields=["failures", "last_failure_at", "locked_until"])
        streak.delete()


def canonicalise_stored_emails(apps, schema_editor) -> None:
    canonicalise_users(apps.get_model("accounts", "User"))
    cancel_open_challenges(apps.get_model("accounts", "OtpChallenge"))
    move_failure_streaks(apps.get_model("accounts", "OtpFailureStreak"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_otp_challenges_and_limits")]

    operations = [migrations.RunPython(canonicalise_stored_emails, migrations.RunPython.noop, elidable=False)]
