"""Spam defences that need no outside service: the form token and the rate limits.

The form token
    A signed timestamp (``django.core.signing``, so it cannot be forged) of when the form
    was rendered. A submission is refused when it comes back sooner than
    ``NEWSDESK_COMMENTS_MIN_FILL_SECONDS`` after that time (robots fill forms at once) or
    later than ``NEWSDESK_COMMENTS_TOKEN_MAX_AGE_DAYS`` (a form left open for a week;
    reload it). The token is the same for every reader of a page and may be old, so
    article pages and API responses stay cacheable: an old cached token is always "slow
    enough" and still valid. The API hands tokens out at ``/api/v2/comments/form-token/``.

Rate limits
    Fixed windows of ``NEWSDESK_COMMENTS_RATE_LIMIT_WINDOW`` seconds counted in Django's
    cache (shared between app instances when REDIS_URL is set): at most
    ``NEWSDESK_COMMENTS_RATE_LIMIT_PER_IP`` comments from one IP address and
    ``NEWSDESK_COMMENTS_RATE_LIMIT_PER_EMAIL`` from one e-mail address. 0 turns a limit off.
"""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

TOKEN_SALT = "newsdesk.comments.form-token"  # noqa: S105 - a salt, not a secret


class TokenError(Exception):
    """The form token is missing, forged, too old or too new; the message says which."""


def make_token():
    """A token saying "this form was rendered now"."""
    return signing.dumps({"t": int(time.time())}, salt=TOKEN_SALT)


def token_issued_at(token):
    """When a valid, unexpired token was issued; raises TokenError otherwise."""
    max_age_days = settings.NEWSDESK_COMMENTS_TOKEN_MAX_AGE_DAYS
    if not token:
        raise TokenError("The form is incomplete (no form token). Reload the page and try again.")
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=max_age_days * 86400)
    except signing.SignatureExpired:
        raise TokenError(
            f"This form is more than {max_age_days} days old. Reload the page, then send "
            "your comment again."
        ) from None
    except signing.BadSignature:
        raise TokenError("The form token is not valid. Reload the page and try again.") from None
    issued = data.get("t") if isinstance(data, dict) else None
    if not isinstance(issued, int):
        raise TokenError("The form token is not valid. Reload the page and try again.")
    return issued


def check_token(token, now=None):
    """Raise TokenError unless ``token`` is valid and at least the minimum fill time old."""
    issued = token_issued_at(token)
    now = time.time() if now is None else now
    minimum = settings.NEWSDESK_COMMENTS_MIN_FILL_SECONDS
    if now - issued < minimum:
        raise TokenError(
            f"That was too quick: the form was sent less than {minimum} seconds after it was "
            "shown, which is what spam robots do. Wait a moment, then send it again."
        )


def token_still_usable(token):
    """True when ``token`` may be put back in a re-rendered form (valid and unexpired)."""
    try:
        token_issued_at(token)
    except TokenError:
        return False
    return True


def client_ip(request):
    """The reader's IP address.

    ``REMOTE_ADDR`` unless Newsdesk runs behind ``NEWSDESK_COMMENTS_PROXY_COUNT`` trusted
    proxies, each appending to ``X-Forwarded-For``: then the address the outermost
    trusted proxy saw (entries further left can be forged by the client).
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NEWSDESK_COMMENTS_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def ip_bucket(ip):
    """What the per-IP limit counts: an IPv4 address, an IPv6 /64 network (one home or
    one server gets a whole /64, so single addresses are free to rotate), or one shared
    bucket for requests whose address is unknown (never a free pass)."""
    if not ip:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _key(kind, value):
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"newsdesk:comments:rate:{kind}:{digest}"


def _hit(key, window):
    """Count one submission in the current window; returns the count so far."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


def rate_limit_errors(*, ip, email):
    """Count a submission against the limits; returns {field: message} for each limit hit.

    Only submissions that passed every other check are counted, so a reader correcting a
    typo does not use up their allowance.
    """
    window = settings.NEWSDESK_COMMENTS_RATE_LIMIT_WINDOW
    minutes = max(1, round(window / 60))
    errors = {}
    per_ip = settings.NEWSDESK_COMMENTS_RATE_LIMIT_PER_IP
    if per_ip > 0 and _hit(_key("ip", ip_bucket(ip)), window) > per_ip:
        errors["__all__"] = (
            f"Too many comments from your network: at most {per_ip} in {minutes} minutes. "
            "Please wait a few minutes and try again."
        )
    per_email = settings.NEWSDESK_COMMENTS_RATE_LIMIT_PER_EMAIL
    if email and per_email > 0 and _hit(_key("email", email), window) > per_email:
        errors["author_email"] = (
            f"Too many comments from this e-mail address: at most {per_email} in {minutes} "
            "minutes. Please wait a few minutes and try again."
        )
    return errors
