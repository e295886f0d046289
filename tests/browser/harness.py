"""What the browser tests and the screenshot script share: Chromium, a local server, a fence."""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")

# Without the background-networking flags Chromium keeps trying to reach outside hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LOCAL_HOST = "127.0.0.1"


def launch_chromium(playwright):
    """Start Debian's headless Chromium with Recruit's flags."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve app on a free local port in a background thread; yield its base URL."""
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # a quick shutdown between tests
        name="recruit-server",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def keep_on_machine(context, on_blocked: Callable[[str], None] | None = None) -> None:
    """Abort every request from context that is not for 127.0.0.1, telling on_blocked its URL."""

    def route(route):
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
            return
        if on_blocked is not None:
            on_blocked(route.request.url)
        route.abort("blockedbyclient")

    context.route("**/*", route)
