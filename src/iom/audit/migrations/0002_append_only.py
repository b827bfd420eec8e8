"""On PostgreSQL, refuse UPDATE and DELETE on the access log at the database itself.

TRUNCATE is left to privileges (grant the application role no TRUNCATE on this table): a trigger
on it would also stop the test runner's flush between browser tests.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION iom_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER iom_audit_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION iom_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS iom_audit_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS iom_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
