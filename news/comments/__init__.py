"""Reader comments on news posts and standard pages, held for moderation (docs/comments.md).

- ``models``: :class:`Comment` and its queryset (``visible()``, ``moderate()``).
- ``moderation``: what happens when a comment's status changes (cache freshness,
  webhooks) and the e-mail to moderators about a new comment.
- ``spam``: the form token (minimum fill time), rate limits, the client's IP address.
- ``forms`` / ``submission``: validation shared by the reader form and the API.
- ``views``: the article's comment section and the reader POST view.
- ``api`` / ``api_v3``: API v2 (``/api/v2/comments/``) and v3 (``/api/v3/pages/{id}/comments/``).
- ``wagtail_hooks``: the moderation listing, bulk actions and dashboard panel.
"""
