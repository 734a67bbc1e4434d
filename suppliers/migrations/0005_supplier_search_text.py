"""``Supplier.search_text``: the case-folded name, INN, e-mails and root domains every search matches (issue 19).

Filled for the existing cards from their domain index; on PostgreSQL a GIN trigram index serves its
``LIKE '%…%'`` (SQLite scans, as it did for names).
"""

from django.db import migrations, models

TRGM_INDEX = "suppliers_supplier_search_text_trgm"


def fill_search_text(apps, schema_editor) -> None:
    from suppliers.search import search_text

    Supplier = apps.get_model("suppliers", "Supplier")
    changed = []
    for supplier in Supplier.objects.prefetch_related("domains").iterator(chunk_size=500):
        supplier.search_text = search_text(
            name=supplier.name,
            inn=supplier.inn,
            emails=[supplier.email, *(supplier.emails or [])],
            roots=[domain.root_domain for domain in supplier.domains.all()],
        )
        changed.append(supplier)
    Supplier.objects.bulk_update(changed, ["search_text"], batch_size=500)


def create_trigram_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON suppliers_supplier USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0004_domain_decisions")]

    operations = [
        migrations.AddField(
            model_name="supplier",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
