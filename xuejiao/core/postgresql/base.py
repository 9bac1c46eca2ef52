"""Django's PostgreSQL backend, with one change to the schema editor.

For an indexed varchar column Django adds a second index with varchar_pattern_ops, so that
LIKE 'prefix%' can use an index under a language-aware collation. A column with the "C"
collation (orgs.fields.PathField: every materialised path) compares bytes, so its ordinary
index already serves LIKE 'prefix%', as well as the range the scope filter uses: the twin
would only cost a write per row (for an import of 100,000 records, three indexes more) and
space. The core app's migration 0001 drops the twins created before this backend.
"""

from django.db.backends.postgresql import base, schema


def compares_bytes(field, connection) -> bool:
    return field.db_parameters(connection).get("collation") == "C"


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _create_like_index_sql(self, model, field):
        if compares_bytes(field, self.connection):
            return None
        return super()._create_like_index_sql(model, field)


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
