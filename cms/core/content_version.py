"""Per-process memos of what rarely changes, valid for one version of what readers see.

Serving a public request reads the same few rows every time: the Site for its host and
every page view restriction (Wagtail reads them all for each "public pages" filter, and
its privacy check reads the page's ancestors). They change only when what readers can
see does, which the response cache follows as the ``tree`` version
(news/freshness/versions.py). The response cache middleware reads that version before
rendering and makes it current for the request (``serving``); while one is current,
``memo(name, compute)`` keeps ``compute()``'s result in this process for that version.
A change to sites or privacy bumps the version (at once and again after its commit), so
the next request computes afresh; a request that started before the bump finishes with
what it saw, as it would without the memo. Outside a public request (the admin, tasks,
commands) nothing is memoised.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_current = ContextVar("newsdesk_content_version", default=None)
_tag_versions = ContextVar("newsdesk_tag_versions", default=None)
_memos = {}  # name -> (version, value)
#: Names are few (one per host asked for, a handful otherwise); past this many (a client
#: sending made-up Host headers) the memos start afresh.
MAX_MEMOS = 256


@contextmanager
def serving(version, tag_versions=None):
    """Make ``version`` (the ``tree`` version read for this request) current, and with it
    ``tag_versions`` ({tag: version}, every cache tag version the response cache read
    before rendering), so that what is remembered for this request is looked up under
    them without reading them again (news/freshness/remembered.py)."""
    token = _current.set(version)
    tags_token = _tag_versions.set(tag_versions)
    try:
        yield
    finally:
        _tag_versions.reset(tags_token)
        _current.reset(token)


def current():
    """The content version of the request being served, or None outside one."""
    return _current.get()


def tag_versions():
    """The cache tag versions read for the request being served ({} outside one)."""
    return _tag_versions.get() or {}


def memo(name, compute):
    """``compute()``, kept in this process while the current version stays the same."""
    version = _current.get()
    if version is None:
        return compute()
    found = _memos.get(name)
    if found is not None and found[0] == version:
        return found[1]
    value = compute()
    if len(_memos) >= MAX_MEMOS:
        _memos.clear()
    _memos[name] = (version, value)
    return value
