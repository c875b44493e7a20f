"""Reader search over published news, at /search/.

    /search/?q=harbour+wall&tag=climate&date_from=2017-01-01&date_to=2017-12-31&page=2

Results are ranked by the search backend (title matches first, stemmed words, pages with
more of the words higher), limited to what readers may see (news.selectors). Editors'
promoted results for the query come first, and every query is counted in Wagtail's
search terms report.
"""

import re

from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from taggit.models import Tag
from wagtail.contrib.search_promotions.models import Query
from wagtail.models import Page

from news.freshness.remembered import remembered
from news.models import NewsPage
from news.selectors import published_news
from news.visibility import reader_visible
from search.query import MAX_QUERY_LENGTH, search_terms

RESULTS_PER_PAGE = 10
SNIPPET_WORDS = 32


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search the news")
    tag = forms.SlugField(required=False, allow_unicode=True)
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


def term_pattern(terms):
    """A regular expression matching the words of ``terms`` by word start, so "strikes"
    also matches "strike" and "striking", close to what the stemming search engine
    matched; None without words."""
    stems = [term.lower()[: max(4, len(term) - 2)] for term in terms.split() if term]
    if not stems:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(stem) for stem in stems) + r")\w*", re.I)


def marked(text, pattern):
    """``text`` escaped, with the matches of ``pattern`` wrapped in <mark>."""
    text = pattern.sub(lambda m: "\x00" + m.group(0) + "\x01", text)
    html = escape(text).replace("\x00", "<mark>").replace("\x01", "</mark>")
    return mark_safe(html)  # noqa: S308 - built from escaped text


def highlight(text, terms, words=SNIPPET_WORDS):
    """An excerpt of ``text`` around the first matched word, matches wrapped in <mark>;
    "" when no word matches. Everything else is escaped."""
    pattern = term_pattern(terms)
    if not text or pattern is None:
        return ""
    tokens = text.split()
    first = next((i for i, token in enumerate(tokens) if pattern.search(token)), None)
    if first is None:
        return ""
    start = max(0, first - words // 3)
    excerpt = marked(" ".join(tokens[start : start + words]), pattern)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return mark_safe(prefix + excerpt + suffix)  # noqa: S308 - built from escaped text


def opening(text, words=SNIPPET_WORDS):
    """The first ``words`` words of ``text``, escaped."""
    tokens = text.split()
    return escape(" ".join(tokens[:words])) + (" …" if len(tokens) > words else "")


def result_text(post, terms):
    """(summary, snippet) of a search result, both from the post's own words.

    The summary is shown whole, the query's words marked. The snippet is the first
    paragraph or quote of the body that holds a query word, around that word; when none
    does (the post matched on its title, tags, an image caption, a video, a related-
    article box or a disclaimer, which many posts share), the body's opening words.
    Boxes, captions and disclaimers never make a snippet: they repeat across posts and
    do not say what the story is.
    """
    pattern = term_pattern(terms)
    summary = marked(post.summary, pattern) if post.summary and pattern else post.summary
    passages = post.body.stream_block.snippet_passages(post.body)
    for passage in passages:
        snippet = highlight(passage, terms)
        if snippet:
            return summary, snippet
    return summary, opening(passages[0]) if passages else ""


def promoted_results(terms):
    """Editors' promoted results for the query that readers may see."""
    picks = list(Query.get(terms).editors_picks.select_related("page").order_by("sort_order"))
    page_ids = [pick.page_id for pick in picks if pick.page_id is not None]
    visible = set(
        reader_visible(Page.objects.filter(pk__in=page_ids)).values_list("pk", flat=True)
    )
    promotions = []
    for promotion in picks:
        if promotion.page_id is not None:
            if promotion.page_id not in visible:
                continue
            page = promotion.page
            promotions.append(
                {"title": page.title, "url": page.url, "description": promotion.description}
            )
        elif promotion.external_link_url:
            promotions.append(
                {
                    "title": promotion.external_link_text or promotion.external_link_url,
                    "url": promotion.external_link_url,
                    "description": promotion.description,
                }
            )
    return promotions


def tags_in_use():
    """Tags of published posts, for the tag filter; remembered until published content
    changes, because finding them reads every post's tags (news/freshness/)."""
    return remembered(
        "search-tags",
        lambda: list(
            Tag.objects.filter(pk__in=published_news().order_by().values("tags")).order_by("name")
        ),
    )


def count_search(params):
    """Count a search in Wagtail's search terms report: once, not once per page of its
    results."""
    terms = search_terms((params.get("q") or "").strip()[:MAX_QUERY_LENGTH])
    if terms and params.get("page", "1") == "1":
        Query.get(terms).add_hit()


def count_cached_search(sender, request, **kwargs):
    """``response_cache_hit`` receiver: a search served from the response cache counts as
    one too (news/freshness/middleware.py stores popular searches briefly)."""
    if request.path == reverse("search"):
        count_search(request.GET)


def search(request):
    form = SearchForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET else {}
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    terms = search_terms(query)
    tag = None
    if data.get("tag"):
        tag = Tag.objects.filter(slug=data["tag"]).first()

    posts = published_news()
    if data.get("tag"):
        # Search backends cannot join the tags table; filter by a subquery of tagged ids
        # (a subquery, not a list: PostgreSQL plans long id lists badly next to a search).
        tagged = NewsPage.objects.filter(tags__slug=data["tag"]).order_by().values("pk")
        posts = posts.filter(pk__in=tagged)
    if data.get("date_from"):
        posts = posts.filter(publication_date__gte=data["date_from"])
    if data.get("date_to"):
        posts = posts.filter(publication_date__lte=data["date_to"])

    promotions = []
    count_search(request.GET)
    if terms:
        # "or": pages with any of the words match, those with more of them rank higher.
        results = posts.search(terms, operator="or")
        promotions = promoted_results(terms)
    else:
        results = NewsPage.objects.none()

    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        raise Http404("No such page of results") from None
    for post in page.object_list:
        post.summary_html, post.snippet = result_text(post, terms)

    # The pages of results link with the search's own parameters only: a stored copy is
    # served to every request with them, whatever else those carried (utm_, cache-busters).
    keep = QueryDict(mutable=True)
    for name in SearchForm.base_fields:
        for value in request.GET.getlist(name):
            keep.appendlist(name, value)
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "form": form,
            "form_valid": valid,
            "search_query": query,
            "search_terms": terms,
            "search_results": page,
            "promotions": promotions,
            "selected_tag": tag,
            "tags": tags_in_use(),
            "query_string": keep.urlencode(),
        },
    )
