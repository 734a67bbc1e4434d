"""The supplier's quote page, outside /api/v1 (HTML, no login): ``/q/<token>``."""

from django.urls import path

from .page import quote_page

urlpatterns = [path("q/<str:token>", quote_page, name="quote-page")]
