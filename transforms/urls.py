"""URL identity: one key per article, whatever form the URL arrives in.

The key folds what does not change the page: scheme, host case, a leading ``www.``, the fragment, tracking
parameters, parameter order, AMP variants (``/amp`` path segments, ``?amp=1``, ``amp.`` hosts, Google's AMP
cache) and percent-encoding (Arabic slugs arrive both encoded and raw). After extraction, an article's
``rel=canonical`` URL goes through the same function, so a page and its canonical address share one key.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

_TRACKING_PREFIXES = ("utm_", "at_", "_hs", "mtm_", "pk_")
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
    "ref", "ref_src", "ref_url", "_ga", "_gl", "ocid", "cmpid", "s_cid", "ito", "__twitter_impression",
    "smid", "xtor", "wt_mc", "share", "amp", "outputtype", "output",
})
# Values of these keys only matter when they ask for an AMP rendering; other values are kept.
_AMP_VALUED = frozenset({"outputtype", "output"})
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_AMP_SEGMENT = re.compile(r"(?<=/)amp(?:/|$)", re.IGNORECASE)
_AMP_SUFFIX = re.compile(r"\.amp(?=\.html?$|$)", re.IGNORECASE)


def _clean_path(path: str) -> str:
    # Decode then re-encode so that "%D9%85" and "م" give the same key; keep reserved characters as they are.
    return quote(unquote(path), safe=_PATH_SAFE) or "/"


def _unwrap_amp_cache(parts):
    # https://www-example-com.cdn.ampproject.org/c/s/www.example.com/path -> https://www.example.com/path
    host = (parts.hostname or "").lower()
    if not host.endswith(".cdn.ampproject.org"):
        return parts
    match = re.match(r"^/(?:[a-z]/)+(s/)?(.+)$", parts.path)
    if not match:
        return parts
    inner = ("https://" if match.group(1) else "http://") + match.group(2)
    if parts.query:
        inner += "?" + parts.query
    return urlsplit(inner)


def _keep_param(key: str, value: str) -> bool:
    lowered = key.lower()
    if lowered.startswith(_TRACKING_PREFIXES):
        return False
    if lowered in _AMP_VALUED:
        return value.lower() != "amp"
    return lowered not in _TRACKING_PARAMS


def url_key(url: str) -> str:
    """The canonical key of ``url``: ``host/path?sorted-query`` with no scheme and no tracking noise.

    Never raises: a URL that does not parse (a bad port, a broken IPv6 host) keys as its own stripped text, so
    one odd canonical link cannot abort a batch.
    """
    try:
        return _url_key(url)
    except ValueError:
        text = (url or "").strip()
        return re.sub(r"^[a-z][a-z0-9+.\-]*://", "", text, flags=re.IGNORECASE)


def _url_key(url: str) -> str:
    parts = _unwrap_amp_cache(urlsplit(url.strip()))
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.").removeprefix("amp.")
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = _clean_path(parts.path)
    path = _AMP_SUFFIX.sub("", _AMP_SEGMENT.sub("", path)) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _keep_param(k, v)]
    key = host + path
    if query:
        key += "?" + urlencode(sorted(query), doseq=True)
    return key
