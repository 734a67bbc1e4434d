"""Domain errors of messaging; the API handler turns them into ``{"detail", "code", …}`` answers."""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, Message, PermissionDenied


class NoRecipients(Conflict):
    code = "no_recipients"
    default_detail = _("No recipient is ticked for this request.")


class AlreadySent(Conflict):
    """The ticked suppliers this request was already e-mailed to; the answer lists them as ``supplierids``."""

    code = "already_sent"
    default_detail = _("This request was already sent to some of the ticked recipients; use send-new.")

    def __init__(self, detail: Message | None = None, *, supplier_ids: Sequence[int]) -> None:
        self.supplier_ids = list(supplier_ids)
        super().__init__(detail, supplierids=self.supplier_ids)


class NotAllowedByPolicy(PermissionDenied):
    code = "not_allowed_by_policy"
    default_detail = _("Your e-mail policy (appendonly) does not allow deleting messages.")
