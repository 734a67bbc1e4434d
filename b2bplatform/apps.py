"""The project's own app configs."""

from django.contrib.admin.apps import AdminConfig


class B2BAdminConfig(AdminConfig):
    """The Django admin, with the moderators' console as ``admin.site``."""

    default_site = "b2bplatform.admin_site.ConsoleAdminSite"
