# The history of a moderator task (issue 21): who took, took over, finished or reopened it, and when.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0004_request_deadline_closed_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ModeratorTaskEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("taken", "Taken"),
                            ("takenover", "Taken over"),
                            ("done", "Marked done"),
                            ("reopened", "Reopened"),
                        ],
                        max_length=16,
                        verbose_name="event",
                    ),
                ),
                (
                    "from_status",
                    models.CharField(
                        choices=[("pending", "Pending"), ("inprogress", "In progress"), ("done", "Done")],
                        max_length=16,
                        verbose_name="from status",
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[("pending", "Pending"), ("inprogress", "In progress"), ("done", "Done")],
                        max_length=16,
                        verbose_name="to status",
                    ),
                ),
                (
                    "suppliers_linked",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="suppliers linked"),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="when"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="moderator",
                    ),
                ),
                (
                    "previous_assignee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="taken from",
                    ),
                ),
                (
                    "task",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="requests_app.moderatortask",
                        verbose_name="moderator task",
                    ),
                ),
            ],
            options={
                "verbose_name": "task event",
                "verbose_name_plural": "task history",
                "ordering": ("created_at", "id"),
                "indexes": [models.Index(fields=["task", "created_at"], name="requests_app_taskevent_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(kind__in=["taken", "takenover", "done", "reopened"]),
                        name="requests_app_taskevent_kind_valid",
                    )
                ],
            },
        ),
    ]
