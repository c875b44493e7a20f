"""The comment section of an article or a standard page, and the reader form's POST view.

The section is drawn by ``{% comment_section %}`` (templatetags/comment_tags.py) in the
article and standard page templates, so neither page's view needs to know anything of
comments. Article and standard pages are cached for every anonymous reader alike
(news/freshness/), so the comment section holds nothing per visitor: no CSRF token, a
form token that is fine to be old (news/comments/spam.py), and messages chosen by the URL
(``?comment=received``, ``?reply_to=<id>``), which are the same for everyone.
"""

import re
from urllib.parse import urlsplit

from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from news.comments import spam
from news.comments.forms import CommentForm
from news.comments.models import Comment, page_noun
from news.comments.selectors import commentable_pages, visible_threads
from news.comments.submission import RECEIVED_MESSAGE, closed_reason, submit_comment


def parse_id(value):
    return int(value) if value and re.fullmatch(r"[0-9]{1,18}", value) else None


def comments_context(page, request, form=None):
    """Template context for the comment section of ``page`` (templates/news/comments/)."""
    # A post being previewed before its first save has no comments and no form yet.
    threads = visible_threads(page) if page.pk else []
    by_id = {}
    for comment in threads:
        by_id[comment.pk] = comment
        by_id.update((reply.pk, reply) for reply in comment.visible_replies)
    replying_to = by_id.get(parse_id(request.GET.get("reply_to")))
    if form is None:
        token = spam.make_token()
        initial = {"parent": replying_to.pk} if replying_to is not None else {}
        form = CommentForm(page=page, initial=initial)
    else:
        # A submitted form keeps the reader's token while it is valid, so correcting a
        # typo does not restart the minimum fill time.
        token = form.data.get("token", "")
        if not spam.token_still_usable(token):
            token = spam.make_token()
        parent = getattr(form, "cleaned_data", {}).get("parent")
        replying_to = parent if isinstance(parent, Comment) else None
    return {
        "comment_threads": threads,
        "comment_count": len(by_id),
        "comments_closed": closed_reason(page),
        "comment_page_noun": page_noun(page),  # "post" or "page", for the form's messages
        "comment_form": form,
        "comment_token": token,
        "replying_to": replying_to,
        "comment_received": request.GET.get("comment") == "received",
        "comment_received_message": RECEIVED_MESSAGE,
        "comment_post_url": reverse("news_comment_post", args=[page.pk]) if page.pk else "",
    }


def render_article(request, page, form, status):
    """The article (or standard page) with the submitted form and its errors (never
    cached: it is a POST)."""
    request.is_preview = False
    context = page.get_context(request)
    context["comment_form"] = form
    response = TemplateResponse(request, page.get_template(request), context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


# Comments are anonymous, so a forged cross-site POST gains an attacker nothing they could
# not do by posting directly; and a CSRF token would make the article page differ per
# visitor, which the shared page cache forbids. The defences are the honeypot, the
# minimum fill time, the rate limits and, above all, moderation before anything shows.
def is_cross_site(request):
    """True when the browser says the form was sent from another site (the
    ``Sec-Fetch-Site`` header, else ``Origin``). Requests that say neither (old browsers,
    scripts) go on to the other checks."""
    if request.META.get("HTTP_SEC_FETCH_SITE") == "cross-site":
        return True
    origin = request.META.get("HTTP_ORIGIN")
    if not origin:
        return False
    return origin == "null" or urlsplit(origin).netloc != request.get_host()


@csrf_exempt
@require_POST
def post_comment(request, page_id):
    """Handle the comment form under an article or a standard page.

    Success: 303 to the page with ``?comment=received#comment-form`` (a URL the same
    for everyone, so it can be cached) showing "your comment awaits moderation".
    Invalid input: the page again with the errors, HTTP 400 (429 when rate-limited,
    403 when comments are closed). A page readers cannot see (a draft, private or
    expired), or one of a type that takes no comments: 404.
    """
    page = get_object_or_404(commentable_pages(), pk=page_id)
    if is_cross_site(request):
        # Without a CSRF token, this keeps other sites from making their visitors'
        # browsers post comments (each from its own address, past the per-IP limit).
        return HttpResponseForbidden(
            "Comments can only be sent from the form on this site.", content_type="text/plain"
        )
    reason = closed_reason(page)
    if reason:
        return render_article(request, page, CommentForm(page=page), 403)
    result = submit_comment(request, page, request.POST)
    if result.comment is None:
        return render_article(request, page, result.form, result.status)
    response = HttpResponseRedirect(page.get_url(request) + "?comment=received#comment-form")
    response.status_code = 303
    return response
