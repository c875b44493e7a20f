"""Keeping cached copies fresh: the one package for cache freshness.

Newsdesk keeps rendered responses in a server-side cache (``middleware.py``: reader pages,
feeds, sitemap and API reads for anonymous readers), remembers costly aggregates
(``remembered.py``: listing totals, the month archive, the site menu), and can purge a CDN
in front of the site (``purge.py``). This package decides when each of them is stale:

- ``versions.py``: every stored response records the *cache tags* it depends on and the
  version each had before the response was rendered: ``tree`` (everything readers can
  see), ``listings`` (responses listing several posts) and ``page:<id>`` (one page's own
  responses). Versions live in the same cache as the responses (Redis in production,
  shared by every instance), so a bump on one instance makes every instance's copies
  stale at once;
- ``changes.py``: the "content changed" service everything calls when readers' view
  changed: ``post_published(page, shown_on=...)`` (a news post published) bumps the
  post, the listings and the pages showing it (its newer/older neighbours, the pages
  linking to it); ``content_changed(pages)`` (what changes the site's structure or what
  readers may see: unpublish, move, delete, privacy, other page types, a snippet, image
  or setting pages show) bumps ``tree``; ``page_content_changed(page)`` (a comment
  approved or withdrawn) bumps only that page and the listings. Each bumps at once and
  again after the transaction commits, and queues the CDN purge after commit. A bump is
  *hard* unless it is *soft* (a publish, a redirect): after a soft one the stored copy
  may still be served while one request renders the new one;
- ``fragments.py``: render once: posts' rendered bodies, image objects and article
  pieces, stored per version of what they show and reused by every response;
- ``signal_handlers.py``: the receivers that call it for pages, view restrictions,
  authors, disclaimers, images, News settings and sites (connected in
  ``NewsConfig.ready()``, each scoped by ``sender=``); comments call the service from
  their own moderation code;
- ``middleware.py``: the response cache itself.

Import what you need from its module (``from news.freshness.changes import
content_changed``): the modules sit in different layers (docs/architecture.md), the
middleware and receivers above the rest. docs/caching.md explains the design and its
trade-offs for operators.
"""
