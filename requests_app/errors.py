"""Domain errors of buyer requests; the API's exception handler turns them into HTTP answers."""

from b2bplatform.api.errors import Conflict, InvalidState, NotFound


class RequestNotFound(NotFound):
    """Absent or owned by someone else: both answer the same 404, so ids of others are not revealed."""

    default_detail = "Request not found."


class RequestNotEditable(Conflict):
    """Keys are locked once a request has been submitted."""

    code = "request_not_editable"
    default_detail = "Only a draft request can be edited."


class RequestNotDraft(InvalidState):
    """Submitting twice, or submitting a request that is already being worked on."""

    default_detail = "Only a draft request can be submitted."
