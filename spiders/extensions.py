"""Scrapy extensions of the news crawl."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys

from scrapy.exceptions import NotConfigured

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class StopWithParent:
    """The crawl closes when the process that started it dies.

    ``akhbar run`` or an Airflow task starts the crawl as a child process and passes its pid as
    ``AKHBAR_PARENT_PID``. On Linux the crawl asks the kernel for SIGTERM when that parent dies (``kill -9``
    included): Scrapy then closes as it does at its time budget, keeping what it stored, instead of crawling on
    as an orphan into pages that the next run has already claimed. Done here, inside the crawl, rather than in
    a ``preexec_fn``, which is not safe in a parent with threads. Elsewhere, or without the setting, it is off.
    """

    @classmethod
    def from_crawler(cls, crawler):
        parent = crawler.settings.getint("AKHBAR_PARENT_PID")
        if not parent or not sys.platform.startswith("linux"):
            raise NotConfigured
        if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
            log.warning("could not ask to stop with the parent process: errno %d", ctypes.get_errno())
            raise NotConfigured
        if os.getppid() != parent:  # the parent died before the request took effect
            log.warning("the process that started the crawl (pid %d) is gone: stopping", parent)
            os.kill(os.getpid(), signal.SIGTERM)
        return cls()
