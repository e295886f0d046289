"""Bounded asyncio load loops over httpx: so many clients, at most so many requests,
for at most so long, against 127.0.0.1 only."""

import asyncio
import re
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from bench.cpu import CpuMeter

# A request function gets the shared client, the worker's number and the request's
# number, and returns the response (or raises httpx.HTTPError).
Send = Callable[[httpx.AsyncClient, int, int], Awaitable[httpx.Response]]
SERVER_TIMING = re.compile(r"\bapp;dur=([0-9.]+)")


def server_time(response: httpx.Response) -> float | None:
    """The milliseconds the app says it took (its Server-Timing header), if it says."""
    found = SERVER_TIMING.search(response.headers.get("server-timing", ""))
    return float(found.group(1)) if found else None


@dataclass
class LoadResult:
    """What a load loop saw: statuses, errors, latencies and throughput."""

    clients: int
    seconds: float = 0.0
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: int = 0  # connection errors and timeouts
    latencies_ms: list[float] = field(default_factory=list)
    # What the app itself took, from its Server-Timing header: no client, no network.
    server_ms: list[float] = field(default_factory=list)
    # Milliseconds of CPU per request by part (bench.cpu), for the loads that measure it.
    cpu_ms: dict[str, float] = field(default_factory=dict)

    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)

    def server_median_ms(self) -> float:
        return statistics.median(self.server_ms) if self.server_ms else 0.0

    def server_p95_ms(self) -> float:
        return percentile(self.server_ms, 95)

    def errors(self, ok: set[int]) -> int:
        """Requests that failed or answered a status outside `ok`."""
        return self.failures + sum(n for status, n in self.statuses.items() if status not in ok)

    def as_dict(self, ok: set[int]) -> dict:
        return {
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "per_second": round(self.per_second(), 1),
            "median_ms": round(self.median_ms(), 2),
            "p95_ms": round(self.p95_ms(), 2),
            "server_median_ms": round(self.server_median_ms(), 2),
            "server_p95_ms": round(self.server_p95_ms(), 2),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "failures": self.failures,
            "errors": self.errors(ok),
            **({"cpu_ms_per_request": self.cpu_ms} if self.cpu_ms else {}),
        }


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile of a list (0 for an empty one)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def loopback_client(base_url: str, clients: int, cookies=None) -> httpx.AsyncClient:
    """An httpx client that talks to 127.0.0.1 only, with a connection per load client."""
    if urlsplit(base_url).hostname != "127.0.0.1":
        raise ValueError("the bench only talks to 127.0.0.1")
    return httpx.AsyncClient(
        base_url=base_url,
        cookies=cookies,
        timeout=30,
        follow_redirects=False,
        limits=httpx.Limits(max_connections=clients, max_keepalive_connections=clients),
        trust_env=False,
    )


async def run_load(
    client: httpx.AsyncClient,
    send: Send,
    clients: int,
    seconds: float,
    max_requests: int,
    cpu: CpuMeter | None = None,
) -> LoadResult:
    """Run `clients` workers sending back to back until time or the request budget ends;
    with `cpu`, say where the CPU went per request."""
    result = LoadResult(clients=clients)
    issued = 0
    if cpu is not None:
        cpu.start()
    started = time.perf_counter()
    deadline = started + seconds

    async def worker(number: int) -> None:
        nonlocal issued
        while issued < max_requests and time.perf_counter() < deadline:
            index = issued
            issued += 1
            sent = time.perf_counter()
            try:
                response = await send(client, number, index)
            except httpx.HTTPError:
                result.failures += 1
                continue
            result.latencies_ms.append((time.perf_counter() - sent) * 1000)
            result.statuses[response.status_code] += 1
            took = server_time(response)
            if took is not None:
                result.server_ms.append(took)

    await asyncio.gather(*(worker(n) for n in range(clients)))
    result.seconds = time.perf_counter() - started
    result.requests = issued
    if cpu is not None:
        result.cpu_ms = cpu.per_request(issued)
    return result


async def warm_up(client: httpx.AsyncClient, url: str, pairs: int) -> None:
    """Requests sent in pairs, so that both gunicorn workers have compiled the templates
    and filled their caches before the clock starts."""
    for number in range(pairs):
        await asyncio.gather(
            client.get(url.replace("{n}", f"w{number}a")),
            client.get(url.replace("{n}", f"w{number}b")),
        )


async def sequential(
    client: httpx.AsyncClient, url: str, repeats: int, seconds: float, round_: int = 0
) -> LoadResult:
    """One request at a time: the page's time in the server (from its Server-Timing
    header) and as the client sees it over loopback. A url with "{n}" in it is a new
    address each request (round_ and n count them), so no page piece a worker keeps for
    one address is ever served from its copy."""

    async def get(http, _worker, index) -> httpx.Response:
        return await http.get(url.replace("{n}", f"{round_}-{index}"))

    return await run_load(client, get, 1, seconds, repeats)


def combined(loads: list[LoadResult]) -> LoadResult:
    """One page's rounds of sequential() as one result."""
    result = LoadResult(clients=loads[0].clients)
    for load in loads:
        result.seconds += load.seconds
        result.requests += load.requests
        result.statuses.update(load.statuses)
        result.failures += load.failures
        result.latencies_ms += load.latencies_ms
        result.server_ms += load.server_ms
    return result
