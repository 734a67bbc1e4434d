"""Messaging routes (relative to /api/v1/), beside the requests app's `user/requests/<id>` routes."""

from django.urls import path

from .views import MessageDeleteView, MessageListView, RecipientsView, SendNewView, SendView

urlpatterns = [
    path("user/requests/<int:requestId>/recipients", RecipientsView.as_view(), name="request-recipients"),
    path("user/requests/<int:requestId>/send", SendView.as_view(), name="request-send"),
    path("user/requests/<int:requestId>/send-new", SendNewView.as_view(), name="request-send-new"),
    path("user/requests/<int:requestId>/messages", MessageListView.as_view(), name="request-messages"),
    path("user/messages/<int:messageId>", MessageDeleteView.as_view(), name="message-delete"),
]
