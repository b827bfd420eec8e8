"""On PostgreSQL, refuse UPDATE and DELETE on the access log at the database itself."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION iom_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER iom_audit_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION iom_audit_append_only();
CREATE TRIGGER iom_audit_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION iom_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS iom_audit_append_only ON audit_auditevent;
DROP TRIGGER IF EXISTS iom_audit_no_truncate ON audit_auditevent;
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
