"""The bench's split of a load's CPU (bench/cpu.py), read from /proc."""

import os
import subprocess
import sys
import time

from bench.cpu import CpuMeter


def test_the_split_counts_the_cpu_a_process_spends_per_request():
    """Does a process that computes for 0.2 s of CPU show as about 20 ms a request over
    ten requests, both as the app's (its pid given) and as the load client's (this
    process), within the cores' whole time?"""
    meter = CpuMeter([os.getpid()])
    meter.start()
    started = time.process_time()
    while time.process_time() - started < 0.2:
        sum(range(1000))
    split = meter.per_request(10)
    assert 15 <= split["app"] <= 40
    assert 15 <= split["load_client"] <= 40
    assert split["database"] >= 0
    assert split["cores"] >= split["app"]  # one process uses at most the wall time
    assert set(split) == {"app", "load_client", "database", "idle", "cores"}


def test_a_process_that_ends_during_the_load_counts_nothing_below_zero():
    """Does a process that ends while the load runs (a PostgreSQL backend whose client
    went away) leave its part at zero, rather than taking what it spent before the load
    off the total?"""
    busy_then_wait = (
        "import sys, time\n"
        "started = time.process_time()\n"
        "while time.process_time() - started < 0.2:\n"
        "    sum(range(1000))\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    child = subprocess.Popen(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", busy_then_wait], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert child.stdout.readline() == b"ready\n"
    meter = CpuMeter([child.pid])
    meter.start()
    child.communicate(b"\n")  # it ends
    assert meter.per_request(1)["app"] == 0
