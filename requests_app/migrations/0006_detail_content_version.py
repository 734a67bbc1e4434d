# The request detail's cached part (decision 0011, round 3): a version of everything the detail shows besides the
# request's own row and the recipient states — its keys, their supplier links and the linked suppliers' shown
# fields (name, INN, e-mail, type). PostgreSQL triggers bump it in the writing transaction itself, whoever writes
# (services, the admin, bulk_create, QuerySet.update, raw SQL), so ``reads.py`` can cache the keys' JSON per
# (request, version). Values come from one sequence: a version is never used twice, not even after a rollback.
# The same keys' trigger keeps ``keys_count`` (the list's "keyscount", no longer counted per page row).
# The columns are not model fields: no ``Model.save()`` can write a stale copy back. SQLite (which reads without
# the cache and counts keys per row) gets nothing.

from django.db import migrations

REQUEST = "requests_app_request"
KEY = "requests_app_requestkey"
LINK = "requests_app_keysupplierlink"
SUPPLIER = "suppliers_supplier"


def _recount(request_ids: str, *, bump_all: bool) -> str:
    """Recount the keys of the requests in ``request_ids`` and bump their version: all of them, or (an INSERT)
    only those with links. A new request (the create: ``writes.py`` writes its keys_count with the row) has no
    links and the right count, so nothing is updated."""
    linked = f"EXISTS (SELECT 1 FROM {KEY} k JOIN {LINK} l ON l.key_id = k.id WHERE k.request_id = c.id)"  # nosec B608 - table names are constants of this migration; no value is interpolated
    bump = "true" if bump_all else linked
    return f"""WITH changed AS (
            SELECT c.id, (SELECT count(*) FROM {KEY} k WHERE k.request_id = c.id) AS keys_count, {bump} AS bump
            FROM ({request_ids}) c (id) GROUP BY c.id
        )
        UPDATE {REQUEST} r SET keys_count = changed.keys_count,
            content_version = CASE WHEN changed.bump THEN nextval('requests_app_content_version_seq')
                ELSE r.content_version END
        FROM changed WHERE r.id = changed.id AND (changed.bump OR r.keys_count <> changed.keys_count);"""  # nosec B608 - table names are constants of this migration; no value is interpolated


BUMP = f"UPDATE {REQUEST} SET content_version = nextval('requests_app_content_version_seq') WHERE id IN"  # nosec B608 - table names are constants of this migration; no value is interpolated

FORWARD = f"""
CREATE SEQUENCE requests_app_content_version_seq;
ALTER TABLE {REQUEST} ADD COLUMN content_version bigint NOT NULL DEFAULT 0;
-- the list's "keyscount": kept by the keys' trigger below (and written by writes.py with a new request)
ALTER TABLE {REQUEST} ADD COLUMN keys_count integer NOT NULL DEFAULT 0;
UPDATE {REQUEST} r SET keys_count = c.n FROM (SELECT request_id, count(*) AS n FROM {KEY} GROUP BY request_id) c
    WHERE c.request_id = r.id;

CREATE FUNCTION requests_app_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_recount("SELECT request_id FROM new_rows", bump_all=False)}
    ELSIF TG_OP = 'DELETE' THEN
        {_recount("SELECT request_id FROM old_rows", bump_all=True)}
    ELSE
        {_recount("SELECT request_id FROM old_rows UNION ALL SELECT request_id FROM new_rows", bump_all=True)}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER requests_app_keys_inserted AFTER INSERT ON {KEY}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requests_app_keys_changed();
CREATE TRIGGER requests_app_keys_deleted AFTER DELETE ON {KEY}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requests_app_keys_changed();
CREATE TRIGGER requests_app_keys_updated AFTER UPDATE ON {KEY}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION requests_app_keys_changed();

CREATE FUNCTION requests_app_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {BUMP} (SELECT k.request_id FROM {KEY} k WHERE k.id IN (SELECT key_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        {BUMP} (SELECT k.request_id FROM {KEY} k WHERE k.id IN (SELECT key_id FROM old_rows));
    ELSE
        {BUMP} (SELECT k.request_id FROM {KEY} k
            WHERE k.id IN (SELECT key_id FROM old_rows UNION SELECT key_id FROM new_rows));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER requests_app_links_inserted AFTER INSERT ON {LINK}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION requests_app_links_changed();
CREATE TRIGGER requests_app_links_deleted AFTER DELETE ON {LINK}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION requests_app_links_changed();
CREATE TRIGGER requests_app_links_updated AFTER UPDATE ON {LINK}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION requests_app_links_changed();

-- the shown fields of a linked supplier (a new supplier has no links; deleting one deletes its links first)
CREATE FUNCTION requests_app_suppliers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {BUMP} (SELECT k.request_id FROM old_rows o JOIN new_rows n ON n.id = o.id
        JOIN {LINK} l ON l.supplier_id = n.id JOIN {KEY} k ON k.id = l.key_id
        WHERE (o.name, o.inn, o.email, o.type) IS DISTINCT FROM (n.name, n.inn, n.email, n.type));
    RETURN NULL;
END $$;
CREATE TRIGGER requests_app_suppliers_updated AFTER UPDATE ON {SUPPLIER}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION requests_app_suppliers_changed();
"""  # nosec B608 - table names are constants of this migration; no value is interpolated

BACKWARD = f"""
DROP TRIGGER requests_app_suppliers_updated ON {SUPPLIER};
DROP FUNCTION requests_app_suppliers_changed();
DROP TRIGGER requests_app_links_inserted ON {LINK};
DROP TRIGGER requests_app_links_deleted ON {LINK};
DROP TRIGGER requests_app_links_updated ON {LINK};
DROP FUNCTION requests_app_links_changed();
DROP TRIGGER requests_app_keys_inserted ON {KEY};
DROP TRIGGER requests_app_keys_deleted ON {KEY};
DROP TRIGGER requests_app_keys_updated ON {KEY};
DROP FUNCTION requests_app_keys_changed();
ALTER TABLE {REQUEST} DROP COLUMN content_version;
ALTER TABLE {REQUEST} DROP COLUMN keys_count;
DROP SEQUENCE requests_app_content_version_seq;
"""


def _run(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # one simple query: several statements

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0005_moderator_task_events"),
        ("suppliers", "0001_initial"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
