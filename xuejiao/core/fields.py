from django.db import models


class PathField(models.CharField):
    """A materialised path. On PostgreSQL it uses the "C" collation, so that the scope
    filter's range (path >= p AND path < p || '~') compares bytes and can use the index,
    whatever the database's default collation is. SQLite compares bytes already."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
