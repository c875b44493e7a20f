"""SQLite-only part of search/backend.py (imported only when the database is SQLite).

Three changes to Wagtail's SQLite FTS5 backend:

1. **Title-weighted ranking.** ``bm25()`` gets a weight per FTS column (autocomplete,
   body, title), so a word in the headline counts NEWSDESK_SEARCH_TITLE_WEIGHT times (4)
   a word in the body.
2. **One ranking query.** Wagtail ranks by annotating every candidate page with a
   correlated subquery that runs the full-text match again for that row; with thousands
   of matches that takes seconds. Newsdesk asks FTS5 once for every matching entry with
   its score (fast: it is what the FTS index is for), keeps those the page queryset
   allows (live, public, filters), and loads only the requested slice of pages.

3. **Searches restricted to fields search every column instead.** The FTS table has one
   column per kind of text (title, body, autocomplete), not one per model field, so
   modelsearch's ``fields=[...]`` (which Wagtail's admin passes from a listing's
   ``search_fields``) names columns that do not exist and fails; on SQLite the whole entry
   is searched.
4. **Only words reach FTS5.** modelsearch puts each term of the query between double
   quotes without escaping the quotes inside it, so a ``"`` typed in an admin search box
   was a syntax error (a 500). Every term is reduced to its words (search.query), as the
   reader search does; a query with no words matches nothing.

Queries that are not ordered by relevance, negated queries and autocomplete searches (the
admin's search boxes and choosers) use Wagtail's ranking.
"""

from django.conf import settings
from django.db.models import FloatField, Func
from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteFTSIndexEntry,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
    SQLiteSearchResults,
)
from modelsearch.query import MATCH_ALL, And, MatchAll, Not, Or, Phrase, PlainText
from modelsearch.utils import get_descendants_content_types_pks

from search.query import search_terms


class WeightedBM25(Func):
    """``bm25(<fts table>, autocomplete weight, body weight, title weight)``."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, function=None, template=None):
        title_weight = float(getattr(settings, "NEWSDESK_SEARCH_TITLE_WEIGHT", 4.0))
        table = SQLiteFTSIndexEntry._meta.db_table
        return f"bm25({table}, 0.0, 1.0, {title_weight!r})", []


def words_only(query):
    """``query`` with every plain-text and phrase term reduced to its words; None where
    nothing is left of a term."""
    if isinstance(query, PlainText):
        words = search_terms(query.query_string)
        return PlainText(words, operator=query.operator, boost=query.boost) if words else None
    if isinstance(query, Phrase):
        words = search_terms(query.query_string)
        return Phrase(words) if words else None
    if isinstance(query, Not):
        inner = words_only(query.subquery)
        return Not(inner) if inner is not None else MATCH_ALL
    if isinstance(query, (And, Or)):
        subqueries = [sub for sub in map(words_only, query.subqueries) if sub is not None]
        return type(query)(subqueries) if subqueries else None
    return query


class SafeQueryMixin:
    """Ignore ``fields`` (point 3 above) and pass only words to FTS5 (point 4)."""

    def __init__(self, queryset, query, fields=None, **kwargs):
        super().__init__(queryset, query, fields=None, **kwargs)
        safe = words_only(self.query)
        self.query = safe if safe is not None else Not(MATCH_ALL)  # no words: no results


class NewsdeskSQLiteAutocompleteQueryCompiler(SafeQueryMixin, SQLiteAutocompleteQueryCompiler):
    pass


class NewsdeskSQLiteQueryCompiler(SafeQueryMixin, SQLiteSearchQueryCompiler):
    #: Matches checked against the queryset per query: with the queryset's own parameters,
    #: under the 999 parameters older SQLite builds allow.
    ALLOWED_CHUNK = 900

    def _build_rank_expression(self, vectors, config):
        return WeightedBM25()

    def uses_fast_ranking(self):
        query = normalize(self.query)
        return self.order_by_relevance and not isinstance(query, (MatchAll, Not))

    def ranked_ids(self, config):
        """Primary keys of the matching objects the queryset allows, best first."""
        cached = getattr(self, "_ranked_ids", None)
        if cached is not None:
            return cached
        search_query = self.build_search_query(normalize(self.query), config=config)
        match = MatchExpression(self.fields or self.FTS_TABLE_FIELDS, search_query)
        ranked = (
            SQLiteFTSIndexEntry.objects.filter(match)
            .filter(
                index_entry__content_type__in=get_descendants_content_types_pks(
                    self.queryset.model
                )
            )
            .annotate(score=WeightedBM25())
            .order_by("score")
            .values_list("index_entry__object_id", flat=True)
        )
        pk_field = self.queryset.model._meta.pk
        matches = list(dict.fromkeys(pk_field.to_python(object_id) for object_id in ranked))
        # Which of the matches the queryset allows (live, public...): asked about the
        # matches only, a chunk at a time (SQLite limits a query's parameters), rather
        # than reading every allowed id of a big archive.
        allowed = set()
        for start in range(0, len(matches), self.ALLOWED_CHUNK):
            chunk = matches[start : start + self.ALLOWED_CHUNK]
            allowed.update(
                self.queryset.order_by().filter(pk__in=chunk).values_list("pk", flat=True)
            )
        self._ranked_ids = [pk for pk in matches if pk in allowed]
        return self._ranked_ids


class NewsdeskSQLiteSearchResults(SQLiteSearchResults):
    """Results of full-text searches use the one ranking query; autocomplete searches (the
    admin's search boxes and choosers, with modelsearch's autocomplete compiler) and
    unranked ones use modelsearch's code."""

    def uses_fast_ranking(self):
        compiler = self.query_compiler
        return isinstance(compiler, NewsdeskSQLiteQueryCompiler) and compiler.uses_fast_ranking()

    def _do_search(self):
        compiler = self.query_compiler
        if not self.uses_fast_ranking() or self._score_field is not None:
            return super()._do_search()
        ids = compiler.ranked_ids(compiler.get_config(self.backend))[self.start : self.stop]
        # By id, in the ranking's order: the queryset's own order would only be compiled.
        objects = compiler.queryset.order_by().in_bulk(ids)
        return [objects[pk] for pk in ids if pk in objects]

    def _do_count(self):
        compiler = self.query_compiler
        if not self.uses_fast_ranking():
            return super()._do_count()
        return len(compiler.ranked_ids(compiler.get_config(self.backend)))


class NewsdeskSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = NewsdeskSQLiteQueryCompiler
    autocomplete_query_compiler_class = NewsdeskSQLiteAutocompleteQueryCompiler
    results_class = NewsdeskSQLiteSearchResults
