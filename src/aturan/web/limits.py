"""Limits of the public server: the size of an upload, and requests per client.

- Upload size: a small ASGI middleware refuses a request body larger than the limit with 413, from
  its Content-Length before reading anything, and while reading a body sent without one (chunked)
  as soon as the count passes the limit: never the whole body in memory first.
- Rate: the `limits` library's fixed window, one per client address across every route but the
  landing page and the OpenAPI description; past it, 429 with Retry-After. The counters live where
  `storage` says: memory:// (one process), aturan+sqlite:///PATH (every worker on the machine,
  `ratestore`), aturan+postgresql://... (every machine) or any store `limits` supports.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Refusal = Callable[[str, int, str], Response]  # (path, status, message) -> response


class BodyLimit:
    """Refuse (413) any request whose body is larger than `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int, refuse: Refusal):
        self.app, self.max_bytes, self.refuse = app, max_bytes, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is None or declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        await self._counted(scope, receive, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the body as it arrives; past the limit, answer 413 instead of whatever the
        application answers (FastAPI turns a failed body read into its own 400)."""
        state = {"read": 0, "over": False, "refused": False}

        async def counting_receive() -> Message:
            message = await receive()
            state["read"] += len(message.get("body", b""))
            if state["read"] > self.max_bytes:
                state["over"] = True
                raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if not state["over"]:
                await send(message)
            elif not state["refused"]:
                state["refused"] = True
                await self._refuse(scope, receive, send)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if not state["refused"]:
                state["refused"] = True
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        megabytes = self.max_bytes / 1_000_000
        response = self.refuse(
            scope["path"],
            413,
            f"Berkas atau badan permintaan terlalu besar: batasnya {megabytes:g} MB.",
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def _content_length(scope: Scope) -> int | None:
    """The declared body length; 0 when none is declared and none is sent (GET), None when the
    header is not a number."""
    headers = dict(scope.get("headers") or [])
    value = headers.get(b"content-length")
    if value is None:
        return 0
    text = value.decode("latin-1").strip()
    return int(text) if text.isdigit() else None


class RateLimit:
    """`rate` (e.g. "30/minute") per client address, a fixed window counted in `storage` (a
    `limits` storage URI); past it, 429 with Retry-After. Paths in `exempt` are not counted.
    A plain ASGI middleware: a check costs one counter update, nothing else per request."""

    def __init__(
        self, app: ASGIApp, rate: str, refuse: Refusal, exempt: tuple[str, ...], storage: str
    ):
        import aturan.web.ratestore  # noqa: F401  (registers the aturan+sqlite:// scheme)

        self.app, self.rate, self.refuse, self.exempt = app, rate, refuse, exempt
        self.item = parse(rate)
        self.limiter = FixedWindowRateLimiter(storage_from_string(storage))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "-"
        if self.limiter.hit(self.item, "aturan", key):
            await self.app(scope, receive, send)
            return
        reset = self.limiter.get_window_stats(self.item, "aturan", key).reset_time
        response = self.refuse(
            scope["path"],
            429,
            f"Terlalu banyak permintaan dari alamat Anda (batas {self.rate}); "
            "coba lagi sebentar lagi.",
        )
        response.headers["retry-after"] = str(max(1, math.ceil(reset - time.time())))
        await response(scope, receive, send)


NOT_COUNTED = ("/", "/openapi.json")  # the landing redirect and the API's description
