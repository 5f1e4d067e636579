"""Who is signed in, what each role may do, and CSRF, as FastAPI dependencies.

- `signed_in(request) -> Account`: the session's account; a browser without an open session is
  sent to /masuk.
- `requires(role)`: a dependency giving the account when it has `role`, else a 403 page.
- `check_csrf`: the app runs it on every request; a POST (any unsafe method) whose form field
  `csrf` (or header X-CSRF-Token) is not this browser's token is refused 403, whoever wrote the
  route. Templates put the field in with `{{ csrf_field() }}`.
- The acting account's username is what every write records as the registry's operator.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from fastapi import Depends, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aturan.desk.accounts import ROLES, Account
from aturan.desk.core import (
    CSRF_FIELD,
    CSRF_HEADER,
    PRE_SESSION_COOKIE,
    SESSION_COOKIE,
    csrf_token,
    desk_of,
)

__all__ = ["ROLES", "Account", "Forbidden", "SignInRequired", "requires", "signed_in"]

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class SignInRequired(Exception):
    """No open session: the browser is sent to the sign-in page."""


class Forbidden(Exception):
    """Refused (403) with a message the page shows."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def signed_in(request: Request) -> Account:
    desk = desk_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    account = desk.accounts().session_account(token, desk.settings) if token else None
    if account is None or account.institution != desk.institution:
        raise SignInRequired()
    request.state.account = account
    return account


def requires(role: str) -> Callable[[Account], Account]:
    """A dependency: the signed-in account when it has `role`, else 403."""

    def has_role(account: Account = Depends(signed_in)) -> Account:  # noqa: B008
        if role not in account.roles:
            raise Forbidden(f"Halaman ini hanya untuk akun berperan {role}.")
        return account

    return has_role


async def check_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, csrf_token(request)):
        raise Forbidden(
            "Formulir ini ditolak karena token keamanannya (CSRF) tidak ada atau tidak cocok. "
            "Muat ulang halamannya, lalu kirim lagi."
        )


class PreSession:
    """Gives a browser with neither cookie a pre-session cookie (its CSRF token before signing
    in): HttpOnly, SameSite=Strict, Secure as the session cookie is."""

    def __init__(self, app: ASGIApp, secure: bool | None):
        self.app, self.secure = app, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _has_cookie(scope):
            await self.app(scope, receive, send)
            return
        import secrets

        value = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["pre_session"] = value
        secure = self.secure if self.secure is not None else scope.get("scheme") == "https"
        cookie = cookie_header(PRE_SESSION_COOKIE, value, secure, max_age=None)

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), cookie]}
            await send(message)

        await self.app(scope, receive, with_cookie)


def _has_cookie(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            text = value.decode("latin-1")
            if f"{SESSION_COOKIE}=" in text or f"{PRE_SESSION_COOKIE}=" in text:
                return True
    return False


def cookie_header(name: str, value: str, secure: bool, max_age: int | None) -> tuple[bytes, bytes]:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return (b"set-cookie", "; ".join(parts).encode("latin-1"))
