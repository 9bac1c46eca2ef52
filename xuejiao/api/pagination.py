"""`limit` and `offset`, the paging of every list of the API, parsed in one place.

A list's query schema extends Paging (and may set its own default and largest `limit`);
the view reads its page with `paging.rows(queryset)`. `offset` is bounded like every
position in a list (xuejiao.core.limits.MAX_OFFSET), so it never reaches the database as
a number the database cannot hold.
"""

from ninja import Field, Schema

from .types import Offset


class Paging(Schema):
    limit: int = Field(50, ge=1, le=200, description="Rows in the page")
    offset: Offset = Field(0, description="Rows skipped before the page")

    def rows(self, rows):
        """The page of `rows` (a queryset or a list)."""
        return rows[self.offset : self.offset + self.limit]
