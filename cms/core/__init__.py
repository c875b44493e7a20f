"""What every Newsdesk app builds on: the bottom layer (docs/architecture.md).

- ``pages``: the base of every page type (Newsdesk's delete rule, headless preview, and the
  hook through which the views layer supplies a page's reader context);
- ``blocks``: the blocks news posts and standard pages share (paragraph, quote, image,
  embed) and the protocol every block follows (references, API value, search text, word
  count);
- ``resolvers``: how content asks the layers above it for what only they know (which
  linked articles readers may see, how an image is represented in the API);
- ``site_urls``: the one way to make an absolute URL, from the Site's root URL.

Nothing here imports ``home``, ``news`` or ``search``.
"""
