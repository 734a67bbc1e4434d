# The list's items kept ready (decision 0011, round 4): ``list_item`` is each request's object in
# ``GET /user/requests`` as JSON text, written by a BEFORE trigger from the row itself whenever a column it shows
# is inserted or set (whoever writes: services, the admin, ``QuerySet.update``, the keys' trigger that keeps
# ``keys_count``, raw SQL), so a page is the concatenation of 50 finished objects instead of 50
# ``json_build_object`` calls with four timestamp formattings each. Not a model field, like ``keys_count``: no
# ``Model.save()`` writes it. SQLite (which builds the list in Python) gets nothing.

from django.db import migrations

REQUEST = "requests_app_request"


def _ts(column: str) -> str:
    # as requests_app/reads.py writes a timestamp (DRF's isoformat in UTC; microseconds only when non-zero)
    return f"replace(to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || 'Z'"


# Every column the list item shows; an UPDATE that sets none of them (content_version bumps) leaves it alone.
SHOWN = "title, source_filename, status, created_at, updated_at, deadline, closed_at, keys_count"

FORWARD = f"""
ALTER TABLE {REQUEST} ADD COLUMN list_item text;
CREATE FUNCTION requests_app_list_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.list_item := json_build_object(
        'id', NEW.id, 'title', NEW.title, 'filename', NEW.source_filename, 'status', NEW.status,
        'createdat', {_ts("NEW.created_at")}, 'updatedat', {_ts("NEW.updated_at")},
        'deadline', {_ts("NEW.deadline")}, 'closedat', {_ts("NEW.closed_at")},
        'keyscount', NEW.keys_count
    )::text;
    RETURN NEW;
END $$;
CREATE TRIGGER requests_app_list_item BEFORE INSERT OR UPDATE OF {SHOWN} ON {REQUEST}
    FOR EACH ROW EXECUTE FUNCTION requests_app_list_item();
UPDATE {REQUEST} SET keys_count = keys_count;
ALTER TABLE {REQUEST} ALTER COLUMN list_item SET NOT NULL;
"""  # nosec B608 - table and column names are constants of this migration

BACKWARD = f"""
DROP TRIGGER requests_app_list_item ON {REQUEST};
DROP FUNCTION requests_app_list_item();
ALTER TABLE {REQUEST} DROP COLUMN list_item;
"""  # nosec B608 - as above


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0007_drop_covered_indexes")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
