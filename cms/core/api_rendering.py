"""How the API writes its JSON: compact, in v2 and v3.

Wagtail's v2 viewsets ask the JSON renderer for ``indent=4``. Indenting makes Python's JSON
encoder fall back from its C implementation to pure Python (about a third of a cold
20-post listing's time) and makes every response about twice the size. Newsdesk's v2
endpoints leave it out; clients that want to read JSON pretty-print it themselves
(``curl ... | python -m json.tool``), and the browsable HTML renderer is unchanged.
API v3 (Django Ninja) writes ``", "`` and ``": "`` between items unless told otherwise:
``CompactNinjaRenderer`` is its renderer (cms/api.py).
"""

from ninja.renderers import JSONRenderer


class CompactJSONMixin:
    """Put before a Wagtail v2 viewset class: its JSON comes without indentation."""

    def get_renderer_context(self):
        context = super().get_renderer_context()
        context.pop("indent", None)
        return context


class CompactNinjaRenderer(JSONRenderer):
    """Ninja's JSON renderer without the spaces after separators."""

    json_dumps_params = {"separators": (",", ":")}
