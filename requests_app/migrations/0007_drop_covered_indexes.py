# Indexes the create paid for and no query needs (issue 15): every INSERT updates each index of the table.
# - ``requests_app_requestkey.request_id`` alone: the unique (request_id, pos) index covers every lookup by request
#   (the detail, the keys' trigger, the CASCADE delete, the foreign key's checks).
# - ``requests_app_request.owner_id`` alone: request_owner_created_idx (owner_id, created_at DESC, id DESC) covers
#   it (the list, the user's CASCADE delete).
# - ``requests_app_request.source_attachment_id``: almost every request has none, so the index keeps only the
#   rows that have one (the attachment's SET NULL and the foreign key's check look up a non-null id).
# The foreign key constraints stay as they are: ``AlterField(db_index=False)`` would drop and re-add (and so
# re-validate, table scans under lock) each of them, so the database only drops the indexes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The indexes Django named for the foreign keys (the same names on PostgreSQL and SQLite).
DROPPED = {
    "requests_app_request_owner_id_b793d49f": ("requests_app_request", "owner_id"),
    "requests_app_request_source_attachment_id_b4e16574": ("requests_app_request", "source_attachment_id"),
    "requests_app_requestkey_request_id_7212cde5": ("requests_app_requestkey", "request_id"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("attachments", "0002_alter_attachment_options_and_more"),
        ("requests_app", "0006_detail_content_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"', reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")'
                )
                for name, (table, column) in DROPPED.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="request",
                    name="owner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rfq_requests",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                migrations.AlterField(
                    model_name="request",
                    name="source_attachment",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="attachments.attachment",
                        verbose_name="source attachment",
                    ),
                ),
                migrations.AlterField(
                    model_name="requestkey",
                    name="request",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="keys",
                        to="requests_app.request",
                        verbose_name="request",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(
                condition=models.Q(("source_attachment__isnull", False)),
                fields=["source_attachment"],
                name="request_source_attachment_idx",
            ),
        ),
    ]
