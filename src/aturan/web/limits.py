"""Limits of the public server: the size of an upload, and requests per client.

- Upload size: a small ASGI middleware refuses a request body larger than the limit with 413, from
  its Content-Length before reading anything, and while reading a body sent without one (chunked)
  as soon as the count passes the limit: never the whole body in memory first.
- Rate: slowapi (on the `limits` library), one window per client address across every route but
  the landing page and the OpenAPI documentation; past it, 429. The counters live where
  `storage` says: memory:// (one process), aturan+sqlite:///PATH (every worker on the machine,
  `ratestore`) or any store `limits` supports (redis://... for several machines).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard

from fastapi import FastAPI
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded
from slowapi.middleware import SlowAPIMiddleware
from slowapi.util import get_remote_address
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
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


def add_rate_limit(
    app: FastAPI,
    rate: str,
    refuse: Refusal,
    exempt: list[Callable[..., Any]],
    storage: str = "memory://",
) -> None:
    """`rate` (e.g. "30/minute") per client address, across all routes but `exempt` ones and the
    OpenAPI documentation, counted in `storage` (a `limits` storage URI)."""
    import aturan.web.ratestore  # noqa: F401  (registers the aturan+sqlite:// scheme)

    limiter = Limiter(key_func=get_remote_address, application_limits=[rate], storage_uri=storage)
    for endpoint in exempt + [r.endpoint for r in app.routes if _is_documentation(r)]:
        limiter.exempt(endpoint)  # type: ignore[no-untyped-call]  # untyped in slowapi
    app.state.limiter = limiter

    def too_many(request: Request, exc: Exception) -> Response:
        return refuse(
            request.url.path,
            429,
            f"Terlalu banyak permintaan dari alamat Anda (batas {rate}); coba lagi sebentar lagi.",
        )

    app.add_exception_handler(RateLimitExceeded, too_many)
    app.add_middleware(SlowAPIMiddleware)


def _is_documentation(route: BaseRoute) -> TypeGuard[Route]:
    return getattr(route, "path", "") in (
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/redoc",
    )
