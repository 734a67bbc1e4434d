"""Creates a demo superuser for the embedded mode when no superuser exists yet."""

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
            self.stdout.write("A superuser exists; demo admin not created.")
            return
        User.objects.create_superuser(options["email"], options["password"])
        self.stdout.write(f"Demo admin created: {options['email']} / {options['password']}")
