"""URL identity: one key per article, whatever form the URL arrives in.

The key folds what does not change the page: scheme, host case, a leading ``www.``, the fragment, tracking
parameters, parameter order and percent-encoding (Arabic slugs arrive both encoded and raw).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

_TRACKING_PREFIXES = ("utm_",)
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src"})
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def _clean_path(path: str) -> str:
    # Decode then re-encode so that "%D9%85" and "م" give the same key; keep reserved characters as they are.
    return quote(unquote(path), safe=_PATH_SAFE) or "/"


def url_key(url: str) -> str:
    """The canonical key of ``url``: ``host/path?sorted-query`` with no scheme and no tracking noise."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = _clean_path(parts.path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_PARAMS
    ]
    key = host + path
    if query:
        key += "?" + urlencode(sorted(query), doseq=True)
    return key
