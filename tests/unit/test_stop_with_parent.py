"""The crawl does not outlive the process that started it: a real parent, a real child, a real ``kill -9``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

CHILD = textwrap.dedent("""
    import os, sys, time, types
    from scrapy.settings import Settings
    from spiders.extensions import StopWithParent

    StopWithParent.from_crawler(types.SimpleNamespace(settings=Settings({"AKHBAR_PARENT_PID": os.getppid()})))
    print("ready", flush=True)
    time.sleep(120)  # a crawl that would go on for two minutes
""")

PARENT = textwrap.dedent("""
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", sys.argv[1]])
    print(child.pid, flush=True)
    time.sleep(120)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_crawl_gets_sigterm_when_its_parent_is_killed():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # the child writes to the parent's stdout, which is this pipe: first the child's pid (from the parent),
    # then "ready" (from the child, once StopWithParent is set up)
    parent = subprocess.Popen([sys.executable, "-c", PARENT, CHILD], stdout=subprocess.PIPE, text=True, cwd=root,
                              env=dict(os.environ, PYTHONPATH=root))
    try:
        child = psutil.Process(int(parent.stdout.readline()))
        assert parent.stdout.readline().strip() == "ready"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        started = time.monotonic()
        _gone, alive = psutil.wait_procs([child], timeout=15)
        assert alive == [], "the child crawled on after its parent was killed"
        assert time.monotonic() - started < 15
    finally:
        for proc in psutil.Process(os.getpid()).children(recursive=True):
            proc.kill()
