"""Domain errors of web discovery; the API's exception handler turns them into HTTP answers."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, InvalidState, NotFound


class DiscoveryOff(Conflict):
    """No search provider is configured; the detail says which settings turn discovery on."""

    code = "discovery_off"
    default_detail = _("Web discovery is off: set SEARCH_PROVIDER (searxng or parser_service) and its URL.")


class RunInProgress(Conflict):
    """The request already has a queued or running search run; the body carries its ``runId``."""

    code = "run_in_progress"
    default_detail = _("A search run for this request is already queued or running.")


class RunNotFound(NotFound):
    default_detail = _("Search run not found.")


class PendingDomainNotFound(NotFound):
    default_detail = _("This domain is not in the pending queue.")


class RequestNotSearchable(InvalidState):
    default_detail = _("Suppliers are searched for the keys of a confirmed or processing request only.")
