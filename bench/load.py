"""A small closed-loop load client: logged-in users, one thread each, standard library only, loopback only.

Each user logs in as a browser does (GET the login page for the CSRF cookie and token, POST the form),
then, until the time is up, visits the pages in a shuffled round, waiting a random "think time"
between requests. Cookies are kept like a strict browser keeps them: a cookie marked Secure is never
stored from, or sent over, plain HTTP (hence INSECURE_LOCAL_HTTP for the loopback server; see
docs/performance.md). Latency is from sending the request to having read the whole response.
"""

from __future__ import annotations

import http.client
import math
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoadError(Exception):
    """The load could not be run as asked (not loopback, a login refused, ...)."""


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of the values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


class Browser:
    """One user's HTTP/1.1 connection and cookies."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname not in LOOPBACK:
            raise LoadError(f"The load client talks to loopback over plain HTTP only, not {base_url!r}.")
        self.origin = f"http://{parts.netloc}"
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        """Close the connection."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request (reconnecting once if the server closed a kept-alive connection)."""
        sent = {"Host": f"{self.host}:{self.port}", "User-Agent": "nanets-bench", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._connection.request(method, path, body=body, headers=sent)
                response = self._connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            if response.will_close:
                self.close()
            return response.status, dict(response.headers.items()), content
        raise AssertionError("unreachable")  # pragma: no cover

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["secure"]:
                    continue  # a strict browser keeps no Secure cookie from plain HTTP
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def login(self, username: str, password: str) -> None:
        """Log in through the login form, CSRF token and all."""
        status, _, page = self.request("GET", "/accounts/login/")
        match = CSRF_INPUT.search(page.decode())
        if status != 200 or not match:
            raise LoadError(f"The login page answered {status} without a CSRF token.")
        if "csrftoken" not in self.cookies:
            raise LoadError(
                "The server's CSRF cookie is Secure, so a client on plain HTTP cannot keep it: "
                "run the server with INSECURE_LOCAL_HTTP=1 (loopback only)."
            )
        form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": match[1]})
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin},
        )
        if (
            status != 302
            or "/accounts/login" in headers.get("Location", "")
            or "sessionid" not in self.cookies
        ):
            raise LoadError(f"Logging in {username} failed (status {status}).")


@dataclass
class PageStats:
    """Latencies (seconds) and failures of one page."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    # (seconds since the start, path, latency or None for a failure), for bench/results/requests.csv
    log: list[tuple[float, str, float | None]] = field(default_factory=list)

    def p(self, share: float) -> float:
        """A percentile of the latency, in milliseconds."""
        return percentile(self.latencies, share) * 1000


@dataclass
class LoadResult:
    """What the load run measured, per page label."""

    pages: dict[str, PageStats]
    users: int
    seconds: float
    # Requests sent to each server (its base URL), answered or not.
    per_server: dict[str, int] = field(default_factory=dict)

    @property
    def servers(self) -> int:
        """How many servers shared the load."""
        return max(1, len(self.per_server))

    @property
    def requests(self) -> int:
        """Requests answered, all pages."""
        return sum(len(stats.latencies) for stats in self.pages.values())

    @property
    def per_second(self) -> float:
        """Throughput over the run."""
        return self.requests / self.seconds if self.seconds else 0.0


Round = Callable[[random.Random], list[tuple[str, str]]]


def run_load(
    base_url: str | Sequence[str],
    logins: list[tuple[str, str]],
    pages: Round,
    *,
    duration: float = 30.0,
    think: tuple[float, float] = (0.5, 1.5),
    max_requests: int = 100_000,
    seed: int = 9,
) -> LoadResult:
    """Log every user in, warm up with one round each, then visit `pages(rng)` rounds for `duration` s.

    `pages` returns one round of (label, path); a response other than 200 counts as a failure.
    Several base URLs (servers on one database) share the users out in turn: user n talks to server
    n mod len(base_url) for the whole run, as a browser keeps its server behind a sticky balancer.
    Bounded in time (duration plus one request's timeout) and in requests (max_requests).
    """
    bases = [base_url] if isinstance(base_url, str) else list(base_url)
    if not bases:
        raise LoadError("The load needs at least one server.")
    browsers = [Browser(bases[number % len(bases)]) for number in range(len(logins))]
    for browser, (username, password) in zip(browsers, logins, strict=True):
        browser.login(username, password)
    stats: dict[str, PageStats] = {}
    per_server = dict.fromkeys(bases, 0)
    lock = threading.Lock()
    budget = [max_requests]
    start = threading.Barrier(len(browsers) + 1)
    deadline = [0.0]
    clock_start = [0.0]

    def user(number: int, browser: Browser) -> None:
        rng = random.Random(seed * 1000 + number)  # noqa: S311 - load pattern, not security
        # One unrecorded round first: every worker process compiles its templates and opens its
        # database connection before the clock starts, as on a server that has been up a while.
        for _, path in pages(random.Random(-number)):  # noqa: S311
            try:
                browser.request("GET", path)
            except OSError:
                pass
        start.wait()
        # Users arrive spread over one think time, not all in the same millisecond.
        time.sleep(rng.uniform(0, think[1]))
        while time.monotonic() < deadline[0]:
            for label, path in pages(rng):
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                began = time.perf_counter()
                try:
                    status, _, _ = browser.request("GET", path)
                except OSError:
                    status = 0
                elapsed = time.perf_counter() - began
                with lock:
                    page = stats.setdefault(label, PageStats())
                    if status == 200:
                        page.latencies.append(elapsed)
                    else:
                        page.failures += 1
                    page.log.append((began - clock_start[0], path, elapsed if status == 200 else None))
                    per_server[bases[number % len(bases)]] += 1
                pause = rng.uniform(*think)
                if time.monotonic() + pause >= deadline[0]:
                    return
                time.sleep(pause)

    threads = [threading.Thread(target=user, args=pair, daemon=True) for pair in enumerate(browsers)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + duration
    clock_start[0] = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join(duration + 60)
    elapsed = time.monotonic() - began
    for browser in browsers:
        browser.close()
    return LoadResult(stats, len(browsers), elapsed, per_server)
