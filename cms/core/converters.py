"""URL path converters."""

# The largest value of the databases' integer primary keys (PostgreSQL's bigint, SQLite's
# INTEGER): a larger number in a URL would fail in the database instead of not matching.
DATABASE_ID_MAX = 2**63 - 1


class DatabaseIdConverter:
    """``<id:name>``: a positive whole number that fits a database id, else no match (so
    ``/comments/99999999999999999999/`` is a 404, not an overflow in the query)."""

    regex = "[0-9]+"

    def to_python(self, value):
        number = int(value)
        if number > DATABASE_ID_MAX:
            raise ValueError("larger than any database id")
        return number

    def to_url(self, value):
        return str(value)
