"""Creates a demo superuser for the embedded mode when no superuser exists yet.

Prints one line, shown by ``scripts/run_embedded.sh``: the credentials only when it has just created the admin.
"""

from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import User


class Command(BaseCommand):
    help = "Create the demo admin (admin@example.com / admin) if no superuser exists."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", default="admin@example.com")
        parser.add_argument("--password", default="admin")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(is_superuser=True).exists():
            # No credentials here: the demo admin may never have existed, or its password has been changed.
            self.stdout.write(
                "A superuser exists, so no demo admin was created: log in with that superuser's e-mail and password"
                " (`.venv/bin/python manage.py changepassword <e-mail>` sets a new one)."
            )
            return
        User.objects.create_superuser(options["email"], options["password"])
        self.stdout.write(f"Demo admin created: {options['email']} / {options['password']}")
