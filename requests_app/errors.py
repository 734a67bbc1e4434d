"""Domain errors of buyer requests; the API's exception handler turns them into HTTP answers."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, InvalidState, NotFound, PayloadTooLarge


class RequestNotFound(NotFound):
    """Absent or owned by someone else: both answer the same 404, so ids of others are not revealed."""

    default_detail = _("Request not found.")


class RequestNotEditable(Conflict):
    """Keys are locked once a request has been submitted."""

    code = "request_not_editable"
    default_detail = _("Only a draft request can be edited.")


class RequestNotDraft(InvalidState):
    """Submitting twice, or submitting a request that is already being worked on."""

    default_detail = _("Only a draft request can be submitted.")


class DeadlineNotSettable(InvalidState):
    """A deadline is set at submit (a draft takes it in the submit body) and moved until the request is done."""

    default_detail = _("A deadline can be set only on a submitted request that is not done; set it at submit.")


class RequestNotClosable(InvalidState):
    """Closing needs a first send (status ``processing``); a done request is closed already."""

    default_detail = _("Only a request that has been sent to suppliers and is not done can be closed.")


class ModeratorTaskNotFound(NotFound):
    default_detail = _("Moderator task not found.")


class KeyNotFound(NotFound):
    default_detail = _("Key not found.")


class RequestNotLinkable(InvalidState):
    """Suppliers are linked to the keys of submitted requests only (confirmed or processing)."""

    default_detail = _("Suppliers can be linked only to keys of a confirmed or processing request.")


class TaskNotAssignee(Conflict):
    """Only the task's assignee marks it done; another moderator takes it over first."""

    code = "not_assignee"
    default_detail = _("Only the moderator the task is assigned to can mark it done; take it over first.")


class TaskStateInvalid(InvalidState):
    """The task's status does not allow this move (e.g. done → take, pending → done)."""

    default_detail = _("The task cannot make this move from its current status.")


class ImportArchiveTooLarge(PayloadTooLarge):
    """An .xlsx or .docx whose ZIP is over one of the `IMPORT_MAX_*` caps; the detail names the cap."""

    code = "archive_too_large"


class ImportFileTooComplex(PayloadTooLarge):
    """Reading the file went over `IMPORT_PARSE_MEMORY_MB` or `IMPORT_PARSE_TIMEOUT_SECONDS`."""

    code = "file_too_complex"
