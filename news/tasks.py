"""Background work of the news app, as tasks of Django's task framework (django-tasks).

Run by the task worker (``manage.py run_worker``) with the persistent backend
(django-tasks-db, ``TASKS`` in cms/settings/base.py); at once in tests, which keep the
immediate backend. Enqueued after the transaction commits (news/signal_handlers.py).
"""

from django_tasks import task
from wagtail.search import index

from news.models import NewsPage
from news.selectors import posts_linking_to


@task()
def reindex_posts(post_ids):
    """Re-index the news posts ``post_ids`` (their search text includes the titles of
    linked articles readers may see, news.models.NewsPage.search_body_text)."""
    for post in NewsPage.objects.filter(pk__in=post_ids):
        index.insert_or_update_object(post)


@task()
def reindex_posts_linking_to(page_ids):
    """Re-index the posts that link to ``page_ids``, whose visibility changed, so a
    related-article title is searchable exactly while readers may see that article."""
    for post in NewsPage.objects.filter(pk__in=posts_linking_to(page_ids)):
        index.insert_or_update_object(post)
