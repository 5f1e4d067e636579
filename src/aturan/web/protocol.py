"""The HTTP connection of `aturan serve` (uvicorn's httptools protocol, on uvloop) with read
deadlines: a client must send a request's headers within `header_timeout` seconds of starting
it, and its body within `body_timeout` seconds of the headers, or the connection is closed.
uvicorn itself only times out an idle keep-alive connection, so a client sending one header byte
every few seconds (slowloris) would otherwise hold its connection for ever. Headers still
incomplete after MAX_HEADER_BYTES are refused (400), as h11 refuses them.

httptools (llhttp, in C) and uvloop take about a fifth less CPU a request than h11 and asyncio's
own loop (bench/bench_verify.py), so they were chosen: a check by number is mostly HTTP work.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 60.0
MAX_HEADER_BYTES = 16 * 1024  # a request line and headers still incomplete past this: refused


class GuardedHttp(HttpToolsProtocol):
    """HttpToolsProtocol with a deadline for the headers and one for the body of each request.
    The phase follows the parser: headers from the first byte of a request until they are
    complete, then the body until the message is complete; none while the answer is made and
    between requests (uvicorn's keep-alive timeout covers those)."""

    header_timeout = HEADER_TIMEOUT
    body_timeout = BODY_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._phase: str | None = None
        self._header_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._set("header")

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._phase == "header" and not self.transport.is_closing():
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self.send_400_response("Request headers too large.")

    def on_message_begin(self) -> None:  # the parser saw a request's first byte
        super().on_message_begin()
        self._header_bytes = 0
        self._set("header")

    def on_headers_complete(self) -> None:
        self._set("body")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._set(None)
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self._in_request = False
        self._set(None)
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._set(None)
        super().connection_lost(exc)

    def _set(self, phase: str | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._phase = phase
        if phase is not None:
            delay = self.header_timeout if phase == "header" else self.body_timeout
            self._deadline = self.loop.call_later(delay, self._expired)

    def _expired(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


HEADER_ENV, BODY_ENV = "ATURAN_SERVE_HEADER_TIMEOUT", "ATURAN_SERVE_BODY_TIMEOUT"


class WorkerHttp(GuardedHttp):
    """GuardedHttp in a worker process of `serve --workers` (uvicorn hands the protocol to each
    process by name): its deadlines from the environment the server set."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = float(os.environ.get(HEADER_ENV, HEADER_TIMEOUT))
        self.body_timeout = float(os.environ.get(BODY_ENV, BODY_TIMEOUT))


def guarded_protocol(header_timeout: float, body_timeout: float) -> type[GuardedHttp]:
    """GuardedHttp with these deadlines (uvicorn makes one protocol object per connection)."""
    return type(
        "GuardedHttp",
        (GuardedHttp,),
        {"header_timeout": header_timeout, "body_timeout": body_timeout},
    )


def run(
    app: Any,
    host: str,
    port: int,
    header_timeout: float = HEADER_TIMEOUT,
    body_timeout: float = BODY_TIMEOUT,
    workers: int = 1,
) -> None:
    """Serve `app` with uvicorn until interrupted, with the read deadlines and the header
    limit. With `workers` > 1, `app` is the import string of an app factory (uvicorn starts one
    process per worker, each making its own app)."""
    import uvicorn

    http: type[GuardedHttp] = guarded_protocol(header_timeout, body_timeout)
    if workers > 1:
        os.environ[HEADER_ENV], os.environ[BODY_ENV] = str(header_timeout), str(body_timeout)
        http = WorkerHttp
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=http,
        loop="uvloop",
        timeout_keep_alive=5,
        server_header=False,
        workers=workers if workers > 1 else None,
        factory=workers > 1,
    )
    if workers > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()
