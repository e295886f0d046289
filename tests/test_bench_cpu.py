"""The bench's split of a load's CPU (bench/cpu.py), read from /proc."""

import os
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
