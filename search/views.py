"""Reader search over published news."""

import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.template.response import TemplateResponse

from news.selectors import published_news

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10


def search_terms(raw):
    """The words of a reader's query, without search-engine syntax.

    Quotes, ``*``, parentheses and other punctuation mean something to SQLite FTS5 and
    PostgreSQL's parsers; an unbalanced quote is a database error there. Readers type
    words, so words are what we pass on.
    """
    return " ".join(re.findall(r"\w+", raw[:MAX_QUERY_LENGTH]))


def search(request):
    query = request.GET.get("q", "").strip()
    terms = search_terms(query)
    results = published_news().search(terms) if terms else published_news().none()
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        raise Http404("No such page of results") from None
    return TemplateResponse(
        request,
        "search/search.html",
        {"search_query": query[:MAX_QUERY_LENGTH], "search_results": page},
    )
