"""What every response of the public server carries and what it never shows (issue 25, items 3
and 5), as ASGI middleware around the application:

- `Hardened`: security headers on every answer (a Content-Security-Policy naming no other host,
  framing refused, no MIME sniffing, no referrer sent elsewhere); HEAD answered as GET without
  its body; an unexpected error a generic 500 (the exception is logged, never sent: no stack
  trace, no file path).
- `JsonGuard`: the decide/explain API's body read whole (it is small: a bounded size), and refused
  with 4xx before FastAPI parses it when it repeats a key, nests deeper than case files may, or
  lists more events than a participant's history has.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aturan.errors import AturanError
from aturan.files import parse_json

LOG = logging.getLogger("aturan.web")
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
        b"base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
Failure = Callable[[str, int, str], Response]  # (path, status, message) -> response
SERVER_ERROR = "Terjadi kesalahan di server; permintaan tidak dapat diproses. Coba lagi nanti."


class Hardened:
    """Security headers on every answer, HEAD as GET without a body, no traceback ever sent."""

    def __init__(
        self,
        app: ASGIApp,
        failure: Failure,
        headers: list[tuple[bytes, bytes]] | None = None,
        own: frozenset[bytes] = frozenset(),
    ):
        self.app, self.failure = app, failure
        self.headers = SECURITY_HEADERS if headers is None else headers  # the desk has its own
        self.own = own  # headers a route may set itself (the desk's static scripts' caching)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        started = False

        async def secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                sent = message.get("headers", [])
                set_here = {name.lower() for name, _ in sent} & self.own
                added = [h for h in self.headers if h[0] not in set_here]
                names = {name for name, _ in added}
                kept = [h for h in sent if h[0].lower() not in names]
                message = {**message, "headers": kept + added}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, secured)
        except Exception:
            LOG.exception("unexpected error on %s %s", scope["method"], scope["path"])
            if not started:
                await self.failure(scope["path"], 500, SERVER_ERROR)(scope, receive, secured)


MAX_DECIDE_BYTES = 256_000  # a participant's case is a few kilobytes
MAX_EVENTS = 200  # far more lifecycle events than a career holds


class JsonGuard:
    """The decide/explain API's JSON body checked as a case file is (paths in `paths`)."""

    def __init__(self, app: ASGIApp, paths: tuple[str, ...], failure: Failure):
        self.app, self.paths, self.failure = app, paths, failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_DECIDE_BYTES:
                limit = f"{MAX_DECIDE_BYTES // 1000} kB"
                too_large = f"Badan permintaan terlalu besar: batasnya {limit}."
                await self.failure(scope["path"], 413, too_large)(scope, receive, send)
                return
        problem = _json_problem(body)
        if problem:
            await self.failure(scope["path"], 422, problem)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _json_problem(body: bytes) -> str | None:
    """Why a decide/explain body is refused before it is validated, or None."""
    try:
        data = parse_json(body.decode("utf-8"), None)
    except UnicodeDecodeError:
        return "badan permintaan bukan teks UTF-8"
    except AturanError as exc:
        return exc.message
    case = data.get("case") if isinstance(data, dict) else None
    events = case.get("events") if isinstance(case, dict) else None
    if isinstance(events, list) and len(events) > MAX_EVENTS:
        return f"isian 'case.events': paling banyak {MAX_EVENTS} peristiwa per kasus"
    return None


def _replay(body: bytes, then: Receive) -> Receive:
    """The body already read, once; afterwards the connection's own messages (its disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
