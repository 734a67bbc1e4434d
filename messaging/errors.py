"""Domain errors of messaging; the API handler turns them into ``{"detail", "code", …}`` answers."""

from core.errors import Conflict, PermissionDenied


class NoRecipients(Conflict):
    code = "no_recipients"
    default_detail = "No recipient is ticked for this request."


class AlreadySent(Conflict):
    """Raised with ``supplierids=[…]``: the ticked suppliers this request was already e-mailed to."""

    code = "already_sent"
    default_detail = "This request was already sent to some of the ticked recipients; use send-new."


class NotAllowedByPolicy(PermissionDenied):
    code = "not_allowed_by_policy"
    default_detail = "Your e-mail policy (appendonly) does not allow deleting messages."
