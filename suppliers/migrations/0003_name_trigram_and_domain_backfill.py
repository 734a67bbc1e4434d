"""pg_trgm + a GIN trigram index on supplier names (PostgreSQL only), and the domain index backfill."""

from django.db import migrations

TRGM_INDEX = "suppliers_supplier_name_trgm"


def create_trigram_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (embedded mode) searches names with icontains instead
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON suppliers_supplier USING gin (name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


def backfill_domains(apps, schema_editor) -> None:
    from core.domains import InvalidDomain, root_domain

    Supplier = apps.get_model("suppliers", "Supplier")
    SupplierDomain = apps.get_model("suppliers", "SupplierDomain")
    rows = []
    for supplier in Supplier.objects.prefetch_related("sites").iterator(chunk_size=500):
        roots = {site.root_domain for site in supplier.sites.all()}
        for address in [supplier.email, *(supplier.emails or [])]:
            try:
                roots.add(root_domain(address))
            except InvalidDomain:
                continue
        rows.extend(SupplierDomain(supplier_id=supplier.pk, root_domain=root) for root in roots)
    SupplierDomain.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0002_supplier_domain")]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index),
        migrations.RunPython(backfill_domains, migrations.RunPython.noop),
    ]
