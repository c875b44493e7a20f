"""SQLite-only part of search/backend.py (imported only when the database is SQLite).

Two changes to Wagtail's SQLite FTS5 backend:

1. **Title-weighted ranking.** ``bm25()`` gets a weight per FTS column (autocomplete,
   body, title), so a word in the headline counts NEWSDESK_SEARCH_TITLE_WEIGHT times (4)
   a word in the body.
2. **One ranking query.** Wagtail ranks by annotating every candidate page with a
   correlated subquery that runs the full-text match again for that row; with thousands
   of matches that takes seconds. Newsdesk asks FTS5 once for every matching entry with
   its score (fast: it is what the FTS index is for), keeps those the page queryset
   allows (live, public, filters), and loads only the requested slice of pages.

Queries that are not ordered by relevance, or negated queries, use Wagtail's code.
"""

from django.conf import settings
from django.db.models import FloatField, Func
from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteFTSIndexEntry,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
    SQLiteSearchResults,
)
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks


class WeightedBM25(Func):
    """``bm25(<fts table>, autocomplete weight, body weight, title weight)``."""

    output_field = FloatField()

    def as_sql(self, compiler, connection, function=None, template=None):
        title_weight = float(getattr(settings, "NEWSDESK_SEARCH_TITLE_WEIGHT", 4.0))
        table = SQLiteFTSIndexEntry._meta.db_table
        return f"bm25({table}, 0.0, 1.0, {title_weight!r})", []


class NewsdeskSQLiteQueryCompiler(SQLiteSearchQueryCompiler):
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
        allowed = set(self.queryset.order_by().values_list("pk", flat=True))
        result = []
        seen = set()
        for object_id in ranked:
            pk = pk_field.to_python(object_id)
            if pk in allowed and pk not in seen:
                seen.add(pk)
                result.append(pk)
        self._ranked_ids = result
        return result


class NewsdeskSQLiteSearchResults(SQLiteSearchResults):
    def _do_search(self):
        compiler = self.query_compiler
        if not compiler.uses_fast_ranking() or self._score_field is not None:
            return super()._do_search()
        ids = compiler.ranked_ids(compiler.get_config(self.backend))[self.start : self.stop]
        objects = compiler.queryset.in_bulk(ids)
        return [objects[pk] for pk in ids if pk in objects]

    def _do_count(self):
        compiler = self.query_compiler
        if not compiler.uses_fast_ranking():
            return super()._do_count()
        return len(compiler.ranked_ids(compiler.get_config(self.backend)))


class NewsdeskSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = NewsdeskSQLiteQueryCompiler
    results_class = NewsdeskSQLiteSearchResults
