"""The HTTP connection of `aturan serve` (uvicorn's h11 protocol) with read deadlines: a client
must send a request's headers within `header_timeout` seconds of starting it, and its body within
`body_timeout` seconds of the headers, or the connection is closed. uvicorn itself only times out
an idle keep-alive connection, so a client sending one header byte every few seconds (slowloris)
would otherwise hold its connection for ever.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 60.0
MAX_HEADER_BYTES = 16 * 1024  # h11's limit on an incomplete request line and headers


class GuardedH11(H11Protocol):
    """H11Protocol with a deadline for the headers and one for the body of each request."""

    header_timeout = HEADER_TIMEOUT
    body_timeout = BODY_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._phase: str | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._set(None)  # idle between requests: uvicorn's keep-alive timeout takes over

    def connection_lost(self, exc: Exception | None) -> None:
        self._set(None)
        super().connection_lost(exc)

    def _watch(self) -> None:
        """Arm the deadline of the phase the client is in: headers, body, or none."""
        state = self.conn.their_state
        phase = {h11.IDLE: "header", h11.SEND_BODY: "body"}.get(state)
        if phase != self._phase:
            self._set(phase)

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


class WorkerH11(GuardedH11):
    """GuardedH11 in a worker process of `serve --workers` (uvicorn hands the protocol to each
    process by name): its deadlines from the environment the server set."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = float(os.environ.get(HEADER_ENV, HEADER_TIMEOUT))
        self.body_timeout = float(os.environ.get(BODY_ENV, BODY_TIMEOUT))


def guarded_protocol(header_timeout: float, body_timeout: float) -> type[GuardedH11]:
    """GuardedH11 with these deadlines (uvicorn makes one protocol object per connection)."""
    return type(
        "GuardedH11",
        (GuardedH11,),
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
    """Serve `app` with uvicorn until interrupted, with the read deadlines and h11's header
    limit. With `workers` > 1, `app` is the import string of an app factory (uvicorn starts one
    process per worker, each making its own app)."""
    import uvicorn

    http: type[GuardedH11] = guarded_protocol(header_timeout, body_timeout)
    if workers > 1:
        os.environ[HEADER_ENV], os.environ[BODY_ENV] = str(header_timeout), str(body_timeout)
        http = WorkerH11
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=http,
        timeout_keep_alive=5,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        server_header=False,
        workers=workers if workers > 1 else None,
        factory=workers > 1,
    )
    if workers > 1:
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()
