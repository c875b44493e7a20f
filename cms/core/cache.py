"""Caches the site survives losing: Redis (``CACHES`` when ``REDIS_URL`` is set) and the
default cache in files (``ResilientFileBasedCache``, below).

Everything Newsdesk keeps in the cache can be rebuilt from the database: rendered
responses, cache-tag versions, remembered totals, renditions' and Wagtail's lookups, the
comment rate-limit counters. So when Redis is unreachable, refuses connections or stops
answering, ``ResilientRedisCache`` answers every call as a cache miss would, and the site
serves from the database (slower, never a 500):

- every call has short connect and read timeouts (``SOCKET_CONNECT_TIMEOUT`` and
  ``SOCKET_TIMEOUT`` in its OPTIONS, from ``REDIS_CONNECT_TIMEOUT`` and
  ``REDIS_SOCKET_TIMEOUT``), so a Redis that drops packets costs a request a fraction of
  a second, not a hung worker;
- after a failure the cache is skipped for ``RETRY_AFTER`` seconds in the whole process
  (``REDIS_RETRY_AFTER``, 5 by default): no timeout paid per call meanwhile;
- then the next call tries Redis again; when it answers, the cache is back, with no
  restart. Going down and coming back are logged once each (logger ``newsdesk.cache``).

Reads answer as misses (``get`` its default, ``get_many`` nothing, ``has_key`` false),
writes do nothing, ``incr``/``decr`` raise ``ValueError`` as for a missing key. Writes
lost meanwhile (the cache versions bumped by publishing) are made good when the cache
answers again (``cache_recovered``); the read that found it back answers as a miss too,
since what it read predates that. What this means for rate limits and cache versions
is in docs/caching.md.
"""

import functools
import logging
import pickle
import threading
import time
import zlib

from django.core.cache.backends.filebased import FileBasedCache
from django.dispatch import Signal
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger("newsdesk.cache")

#: Sent (``location=``) when a cache answers again after failing. What was written to it
#: meanwhile was lost; news/freshness forgets its cache versions, so nothing stored before
#: the outage is served as current.
cache_recovered = Signal()

# Unreachable, timed out, and refusing work (MISCONF with a full disk, READONLY after a
# failover, OOM without eviction): every RedisError is an outage to the site.
OUTAGES = (ConnectionInterrupted, RedisError, OSError)
# A cache directory that cannot be written or read (ENOSPC, EROFS, EACCES), or a file in
# it cut short (a full disk mid-write).
FILE_OUTAGES = (OSError, EOFError, pickle.UnpicklingError, zlib.error)


def _default(args, kwargs, position, name="default"):
    return kwargs.get(name, args[position] if len(args) > position else None)


def _missing(*args, **kwargs):
    raise ValueError("cache unavailable: the key counts as missing")


def _get_or_set(*args, **kwargs):
    value = _default(args, kwargs, 1)
    return value() if callable(value) else value


# What each call answers while Redis is away (``args`` exclude ``self``).
FALLBACKS = {
    "get": lambda *args, **kwargs: _default(args, kwargs, 1),
    "get_many": lambda *args, **kwargs: {},
    "get_or_set": _get_or_set,
    "has_key": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: False,
    "set_many": lambda *args, **kwargs: [],
    "add_many": lambda *args, **kwargs: {},
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "delete_pattern": lambda *args, **kwargs: 0,
    "clear": lambda *args, **kwargs: None,
    "incr": _missing,
    "decr": _missing,
    "ttl": lambda *args, **kwargs: 0,
    "expire": lambda *args, **kwargs: False,
    "persist": lambda *args, **kwargs: False,
    "keys": lambda *args, **kwargs: [],
    "iter_keys": lambda *args, **kwargs: iter(()),
}


#: The calls that read: answered as a miss when they are the one that ends an outage.
READS = frozenset(
    {"get", "get_many", "get_or_set", "has_key", "keys", "iter_keys", "ttl", "add_many"}
)


class Outage:
    """When the cache at one location may be tried again, shared by the process's threads
    (Django makes a cache object per thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._until = {}

    def skipping(self, location):
        return time.monotonic() < self._until.get(location, 0)

    def failed(self, location, retry_after, error):
        with self._lock:
            first = location not in self._until
            self._until[location] = time.monotonic() + retry_after
        if first:
            logger.warning(
                "Cache at %s unavailable (%s): serving without it, retrying every %ss",
                location,
                error,
                retry_after,
            )

    def answered(self, location):
        """Note that the cache at ``location`` answered; True when that ends an outage
        (``cache_recovered`` has then been sent)."""
        if location not in self._until:
            return False
        with self._lock:
            recovered = self._until.pop(location, None) is not None
        if recovered:
            logger.warning("Cache at %s is back", location)
            for _receiver, error in cache_recovered.send_robust(
                sender=ResilientRedisCache, location=location
            ):
                if isinstance(error, Exception):
                    logger.warning("After the cache came back: %s", error)
        return recovered


outage = Outage()


def _guarded(base, name, fallback, errors):
    method = getattr(base, name)

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        location = self.outage_location
        if outage.skipping(location):
            return fallback(*args, **kwargs)
        try:
            result = method(self, *args, **kwargs)
        except errors as error:
            outage.failed(location, self.retry_after, error)
            return fallback(*args, **kwargs)
        if outage.answered(location) and name in READS:
            # What the first call after an outage read predates what ``cache_recovered``'s
            # receivers just did (forgetting every cache tag version: a stored response
            # and its versions read together would otherwise look fresh): a miss.
            return fallback(*args, **kwargs)
        return result

    return guarded


class Resilient:
    """What the resilient caches share: ``RETRY_AFTER`` in OPTIONS (seconds, 5 by
    default), and ``unavailable``."""

    def __init__(self, location, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(location, {**params, "OPTIONS": options})

    @property
    def unavailable(self):
        """Whether calls are being skipped after a failure."""
        return outage.skipping(self.outage_location)


def guard_calls(cls, base, errors):
    """Route every cache call ``base`` has through ``_guarded``."""
    for name, fallback in FALLBACKS.items():
        if hasattr(base, name):
            setattr(cls, name, _guarded(base, name, fallback, errors))


class ResilientRedisCache(Resilient, RedisCache):
    @property
    def outage_location(self):
        return self._server

    def add_many(self, data):
        """``add_many`` below, in one round trip: a ``SET NX`` per key and one ``MGET``,
        pipelined."""
        client = self.client.get_client(write=True)
        keys = [self.client.make_key(key) for key in data]
        pipeline = client.pipeline(transaction=False)
        for key, value in zip(keys, data.values(), strict=True):
            pipeline.set(key, self.client.encode(value), nx=True)
        pipeline.mget(keys)
        held = pipeline.execute()[-1]
        return {
            key: self.client.decode(raw)
            for key, raw in zip(data, held, strict=True)
            if raw is not None
        }


class ResilientFileBasedCache(Resilient, FileBasedCache):
    """The default cache without Redis (files under ``NEWSDESK_CACHE_DIR``), surviving a
    directory it cannot use: a full disk, a read-only filesystem, permissions changed by
    a deploy, or a file cut short. Like the Redis one, it then answers as misses and is
    skipped for ``RETRY_AFTER`` seconds; the site serves from the database."""

    @property
    def outage_location(self):
        return self._dir

    def _createdir(self):
        # Also called when the cache object is made, once per thread: a directory that
        # cannot be made then is an outage too, not an error in every request.
        try:
            super()._createdir()
        except OSError as error:
            outage.failed(self._dir, self.retry_after, error)


guard_calls(ResilientRedisCache, RedisCache, OUTAGES)
guard_calls(ResilientFileBasedCache, FileBasedCache, FILE_OUTAGES)
ResilientRedisCache.add_many = _guarded(
    ResilientRedisCache, "add_many", FALLBACKS["add_many"], OUTAGES
)


def add_many(cache, data):
    """Store each of ``data``'s values ({key: value}, kept until deleted) whose key holds
    nothing yet; {key: what it holds now}: the value given, or another process's that
    was stored first. One round trip on Redis; on other caches an ``add`` per key and
    one ``get_many``. Keys the cache could not answer for (an outage) are left out."""
    if not data:
        return {}
    method = getattr(cache, "add_many", None)
    if method is not None:
        return method(data)
    for key, value in data.items():
        cache.add(key, value, timeout=None)
    return cache.get_many(list(data))


__all__ = [
    "ResilientFileBasedCache",
    "ResilientRedisCache",
    "add_many",
    "cache_recovered",
    "outage",
]
