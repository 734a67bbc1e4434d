"""What moderators may do in the Django admin, in one place.

Moderators are staff users in the ``moderators`` group (``User.is_moderator``). Rather than model
permissions stored on the group (which a data migration cannot create before ``post_migrate`` and which
drift when someone edits the group), this backend grants them a fixed set, reviewed in code. Superusers keep
everything through ``ModelBackend``; buyers are not staff and never reach the admin.

Moderators do not get: adding, changing or deleting users; groups and permissions; tokens; deleting supplier
cards (their messages and decisions point at them); writing buyers' requests, keys or INN blacklists.
"""

from typing import Any

from django.contrib.auth.backends import BaseBackend


def _crud(app_label: str, model: str, *actions: str) -> set[str]:
    return {f"{app_label}.{action}_{model}" for action in actions}


MODERATOR_PERMISSIONS: frozenset[str] = frozenset(
    _crud("accounts", "user", "view")
    | _crud("accounts", "otpchallenge", "view")
    | _crud("requests_app", "request", "view")
    | _crud("requests_app", "requestkey", "view", "change")  # "change" = edit the key's supplier links
    | _crud("requests_app", "keysupplierlink", "view", "add", "change", "delete")
    | _crud("requests_app", "moderatortask", "view", "change")
    | _crud("requests_app", "moderatortaskevent", "view")  # the task's history (written by the services)
    | _crud("attachments", "attachment", "view")
    | _crud("suppliers", "supplier", "view", "add", "change")
    | _crud("suppliers", "suppliersite", "view", "add", "change", "delete")
    | _crud("suppliers", "domaindecision", "view", "add", "change")
    | _crud("suppliers", "domainurl", "view", "add", "change", "delete")
    | _crud("blacklist", "domainblacklistentry", "view", "add", "change", "delete")
    | _crud("blacklist", "domainblacklisturl", "view", "add", "change", "delete")
    | _crud("blacklist", "innblacklistentry", "view")
    | _crud("messaging", "message", "view")
    | _crud("messaging", "recipient", "view")
    | _crud("messaging", "mailing", "view")
    | _crud("messaging", "unmatchedmail", "view", "change")  # file (choose request + supplier) or discard
    | _crud("messaging", "suppressedaddress", "view", "delete")  # delete = allow the address again
    | _crud("messaging", "mailboxstate", "view")
    | _crud("discovery", "searchrun", "view")
    | _crud("discovery", "keysearch", "view")  # the inline of a run's page
    | _crud("discovery", "discovereddomain", "view")
    | _crud("quotes", "quote", "view")  # every revision, read-only; quotes are entered through the API
    | _crud("quotes", "quoteline", "view")
    | _crud("quotes", "quotelink", "view")  # plus the revoke action (QuoteLinkAdmin.has_revoke_permission)
    | _crud("quotes", "award", "view")
)
MODERATOR_APPS: frozenset[str] = frozenset(perm.split(".", 1)[0] for perm in MODERATOR_PERMISSIONS)


class ModeratorPermissionBackend(BaseBackend):
    """Grants ``MODERATOR_PERMISSIONS`` to active moderators; authenticates nobody."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None or not getattr(user_obj, "is_moderator", False):
            return set()
        return set(MODERATOR_PERMISSIONS)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return app_label in MODERATOR_APPS and bool(self.get_all_permissions(user_obj))
