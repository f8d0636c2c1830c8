"""Run bench/serve.sh (gunicorn plus task workers) for the benchmark, one instance or several; stop them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    """Poll `url` until it answers 200; fail early if the server process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited ({process.returncode}) before answering; see its log.")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URL we built
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"The server did not answer {url} within {timeout:.0f} s.")


def stop(process: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """Stop serve.sh and everything it started (its own process group): TERM, then KILL after `grace`."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def serving(
    env: dict[str, str], log: Path, port: int | None = None, *, task_workers: int = 1
) -> Iterator[str]:
    """Start `make serve`'s script with that many task workers on a free loopback port; yield its base URL.

    Stopped on exit, whatever happened (its whole process group: gunicorn and every worker).
    """
    port = port or free_port()
    env = {**env, "BIND": f"127.0.0.1:{port}", "TASK_WORKERS": str(task_workers)}
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed command, our own script
            ["bash", str(ROOT / "bench" / "serve.sh")],  # noqa: S607
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches gunicorn and the workers
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/healthz", process)
            yield base
        finally:
            stop(process)


@contextmanager
def serving_several(env: dict[str, str], logs: list[Path], *, task_workers: int = 1) -> Iterator[list[str]]:
    """One instance per log, each on its own port with its own task workers, one database; their base URLs.

    Started one after another (their migrate and collectstatic never race); every one started is
    stopped on exit, also when a later one fails to start.
    """
    with ExitStack() as instances:
        bases = [instances.enter_context(serving(env, log, task_workers=task_workers)) for log in logs]
        yield bases
