"""Turning what readers type into a query the search backends accept."""

import re

MAX_QUERY_LENGTH = 200


def search_terms(raw):
    """The words of a query, without search-engine syntax.

    Quotes, ``*``, parentheses, ``NEAR`` groups and other punctuation mean something to
    SQLite FTS5 and PostgreSQL's parsers, and an unbalanced quote is a database error
    there. Readers type words, so words are what we pass on (at most MAX_QUERY_LENGTH
    characters of the input are read).
    """
    return " ".join(re.findall(r"\w+", raw[:MAX_QUERY_LENGTH]))
