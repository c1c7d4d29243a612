"""Sites, parties and Set-Cookie lines: the web facts both observers share."""

from __future__ import annotations

import ipaddress
import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urlsplit

from governance.catalog import registrable_domain

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def host_of_url(url: str) -> str:
    """The lower-cased host of a URL ("" when it has none)."""
    try:
        return (urlsplit(url).hostname or "").casefold().rstrip(".")
    except ValueError:
        return ""


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def site_of_host(host: str) -> str:
    """The site a host belongs to: its registrable domain (``www.shop.example`` →
    ``shop.example``); an IP address, localhost or a one-label name is its own site."""
    host = host.casefold().strip(".")
    if not host or _is_address(host) or host in LOCAL_NAMES or "." not in host:
        return host
    if host.endswith(".localhost"):
        return "localhost"
    return registrable_domain(host) or host


def site_of(url: str) -> str:
    return site_of_host(host_of_url(url))


def same_site(host_or_domain: str, site: str) -> bool:
    """Whether a host or a cookie domain (``.shop.example``) belongs to ``site``."""
    return site_of_host(host_or_domain.lstrip(".")) == site


def is_web_url(url: str) -> bool:
    return urlsplit(url).scheme in {"http", "https"}


_SKIPPED_SUFFIXES = re.compile(
    r"\.(?:pdf|zip|gz|tgz|rar|7z|dmg|exe|msi|apk|jpe?g|png|gif|webp|svg|ico|mp[34]|mov|avi|"
    r"webm|ogg|wav|woff2?|ttf|otf|css|js|json|xml|rss|csv|xlsx?|docx?|pptx?)$",
    re.I,
)


def crawlable(url: str, site: str, scheme: str) -> str | None:
    """The link without its fragment when a scan may follow it: same site and scheme, a page
    rather than a download; None otherwise (off-site links are never followed)."""
    url = urldefrag(url)[0]
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme != scheme or not parts.hostname:
        return None
    if site_of_host(parts.hostname) != site:
        return None
    if _SKIPPED_SUFFIXES.search(parts.path):
        return None
    return url


# --- Set-Cookie ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetCookie:
    name: str
    domain: str  # ".shop.example" with a Domain attribute, else the response's host
    path: str
    expires: float | None  # epoch seconds; None: a session cookie


def parse_set_cookie(line: str, response_url: str, now: float | None = None) -> SetCookie | None:
    """One Set-Cookie header value (RFC 6265 §5.2, leniently); None when it names no cookie.

    ``Max-Age`` wins over ``Expires`` and counts from ``now`` (the response's time, so that a
    recorded HAR gives the duration the site asked for).
    """
    now = time.time() if now is None else now
    pair, *attributes = line.split(";")
    if "=" not in pair:
        return None
    name = pair.split("=", 1)[0].strip()
    if not name:
        return None
    domain = host_of_url(response_url)
    path = "/"
    expires: float | None = None
    max_age: float | None = None
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        key, value = key.strip().casefold(), value.strip()
        if key == "domain" and value:
            domain = "." + value.lstrip(".").casefold()
        elif key == "path" and value.startswith("/"):
            path = value
        elif key == "max-age":
            try:
                max_age = float(value)
            except ValueError:
                continue
        elif key == "expires":
            expires = _cookie_date(value, expires)
    if max_age is not None:
        expires = now + max_age
    return SetCookie(name, domain, path, expires)


def _cookie_date(value: str, default: float | None) -> float | None:
    text = re.sub(r"(\d{1,2})-(\w{3})-(\d{2,4})", r"\1 \2 \3", value)
    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return default
