"""Messaging routes (relative to /api/v1/), beside the requests app's `user/requests/<id>` routes.

Explicit paths rather than a router: the contract puts these under the requests app's URLs.
"""

from django.urls import path

from .views import MailingViewSet, MessageViewSet, RecipientViewSet

recipients = RecipientViewSet.as_view({"get": "retrieve", "put": "update"})
send = MailingViewSet.as_view({"post": "send"})
send_new = MailingViewSet.as_view({"post": "send_new"})
request_messages = MessageViewSet.as_view({"get": "list"})
message = MessageViewSet.as_view({"delete": "destroy"})

urlpatterns = [
    path("user/requests/<int:requestId>/recipients", recipients, name="request-recipients"),
    path("user/requests/<int:requestId>/send", send, name="request-send"),
    path("user/requests/<int:requestId>/send-new", send_new, name="request-send-new"),
    path("user/requests/<int:requestId>/messages", request_messages, name="request-messages"),
    path("user/messages/<int:messageId>", message, name="message-delete"),
]
