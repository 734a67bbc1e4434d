"""Auth paths, relative to /api/v1/: each contract path bound to one ViewSet method."""

from django.urls import path

from .views import LoginViewSet, SessionViewSet

urlpatterns = [
    path("auth/otp/request", LoginViewSet.as_view({"post": "otp_request"}), name="auth-otp-request"),
    path("auth/otp/verify", LoginViewSet.as_view({"post": "otp_verify"}), name="auth-otp-verify"),
    path("auth/token/refresh", LoginViewSet.as_view({"post": "token_refresh"}), name="auth-token-refresh"),
    path("auth/logout", SessionViewSet.as_view({"post": "logout"}), name="auth-logout"),
    path("auth/me", SessionViewSet.as_view({"get": "me"}), name="auth-me"),
    path("auth/policy", SessionViewSet.as_view({"put": "policy"}), name="auth-policy"),
    path("auth/profile", SessionViewSet.as_view({"put": "profile"}), name="auth-profile"),
]
