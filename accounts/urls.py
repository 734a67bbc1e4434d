"""Auth paths, relative to /api/v1/."""

from django.urls import path

from . import views

urlpatterns = [
    path("auth/otp/request", views.OtpRequestView.as_view(), name="auth-otp-request"),
    path("auth/otp/verify", views.OtpVerifyView.as_view(), name="auth-otp-verify"),
    path("auth/token/refresh", views.TokenRefreshView.as_view(), name="auth-token-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("auth/policy", views.EmailPolicyView.as_view(), name="auth-policy"),
]
