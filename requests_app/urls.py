"""Buyer request routes (relative to /api/v1/). Explicit `<int:requestId>` paths with exact suffixes, so the
messaging app's `user/requests/<id>/recipients|send|send-new|messages` routes live beside them."""

from django.urls import path

from .moderator_views import ModeratorRequestLinksViewSet, ModeratorTaskMoveViewSet
from .views import ModeratorTaskViewSet, RequestUploadViewSet, RequestViewSet

request_collection = RequestViewSet.as_view({"get": "list", "post": "create"})
request_detail = RequestViewSet.as_view({"get": "retrieve"})
request_keys = RequestViewSet.as_view({"put": "keys"})
request_submit = RequestViewSet.as_view({"post": "submit"})
request_deadline = RequestViewSet.as_view({"put": "deadline"})
request_close = RequestViewSet.as_view({"post": "close"})
request_upload = RequestUploadViewSet.as_view({"post": "create"})
request_preview = RequestUploadViewSet.as_view({"post": "preview"})

moderator_tasks = ModeratorTaskViewSet.as_view({"get": "list"})
moderator_task = ModeratorTaskViewSet.as_view({"get": "retrieve"})
moderator_task_take = ModeratorTaskMoveViewSet.as_view({"post": "take"})
moderator_task_done = ModeratorTaskMoveViewSet.as_view({"post": "done"})
moderator_task_reopen = ModeratorTaskMoveViewSet.as_view({"post": "reopen"})
moderator_request_links = ModeratorRequestLinksViewSet.as_view({"put": "update"})

urlpatterns = [
    path("user/requests", request_collection, name="request-list"),
    path("user/requests/<int:requestId>", request_detail, name="request-detail"),
    path("user/requests/<int:requestId>/keys", request_keys, name="request-keys"),
    path("user/requests/<int:requestId>/submit", request_submit, name="request-submit"),
    path("user/requests/<int:requestId>/deadline", request_deadline, name="request-deadline"),
    path("user/requests/<int:requestId>/close", request_close, name="request-close"),
    path("user/upload-and-create", request_upload, name="request-upload-and-create"),
    path("user/upload-preview", request_preview, name="request-upload-preview"),
    path("moderator/tasks", moderator_tasks, name="moderator-task-list"),
    path("moderator/tasks/<int:taskId>", moderator_task, name="moderator-task-detail"),
    path("moderator/tasks/<int:taskId>/take", moderator_task_take, name="moderator-task-take"),
    path("moderator/tasks/<int:taskId>/done", moderator_task_done, name="moderator-task-done"),
    path("moderator/tasks/<int:taskId>/reopen", moderator_task_reopen, name="moderator-task-reopen"),
    path("moderator/requests/<int:requestId>/links", moderator_request_links, name="moderator-request-links"),
]
