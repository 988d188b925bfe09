"""A DNS resolver that answers names under ``.localhost`` with the loopback address (RFC 6761, as browsers
do), so the loopback mirror's sources can each have their own host name. Everything else goes to DNS."""

from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer


class LoopbackAwareResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout=()):
        if name == "localhost" or name.endswith(".localhost"):
            return defer.succeed("127.0.0.1")
        return super().getHostByName(name, timeout)
