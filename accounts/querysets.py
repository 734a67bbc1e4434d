"""Multi-row filters of the accounts app, shared by services, the admin and the purge task."""

from datetime import datetime

from django.db import models


class OtpChallengeQuerySet(models.QuerySet):
    def open_for(self, email: str) -> "OtpChallengeQuerySet":
        """Challenges of ``email`` neither used nor cancelled (expiry and attempts are checked by the caller)."""
        return self.filter(email=email, used_at__isnull=True, cancelled_at__isnull=True)

    def expired_before(self, moment: datetime) -> "OtpChallengeQuerySet":
        return self.filter(expires_at__lt=moment)
