"""The desk's FastAPI application: every route module of the desk that exists, the CSRF check on
every request, the pre-session cookie, the public page's security headers, and one Indonesian
page for every refusal and error."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import escape
from starlette.exceptions import HTTPException

from aturan.desk.accounts import DeskSettings, open_accounts
from aturan.desk.auth import Forbidden, PreSession, SignInRequired, check_csrf
from aturan.desk.core import Desk, Nav, message
from aturan.documents import institution_card, registry_location, today
from aturan.errors import AturanError
from aturan.web import SECURITY_HEADERS, Hardened

# One module per area; each exposes `router` and may expose NAV. A module not (yet) written is
# skipped, so each area is added by adding its file.
ROUTE_MODULES = (
    "routes_auth",
    "routes_issue",
    "routes_jobs",
    "routes_registry",
    "routes_audit",
    "routes_lab",
    "routes_lab_runs",
    "routes_lab_questions",
)
DESK_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        b"frame-ancestors 'none'",
    ),
    *[h for h in SECURITY_HEADERS if h[0] != b"content-security-policy"],
    (b"cache-control", b"no-store"),  # signed-in pages stay out of shared caches
]
TITLES = {400: "PERMINTAAN DITOLAK", 403: "DITOLAK", 404: "TIDAK DITEMUKAN", 405: "DITOLAK"}


def create_desk_app(
    config: Path | None = None,
    registry: Path | str | None = None,
    clock: Callable[[], dt.date] | None = None,
    secure_cookies: bool | None = None,
) -> FastAPI:
    """The desk over the registry (`registry`, else the configuration's `registry.database`), for
    the institution of `config`. The registry is opened once with the configuration's keys, which
    migrates it. `clock` gives the day documents are judged on (default: today); cookies are
    Secure when `secure_cookies`, else as `desk.secure_cookies` says (auto: when the request came
    over HTTPS). Fails (AturanError) when the registry or the configuration cannot be opened."""
    desk = _desk(config, registry, clock, secure_cookies)
    app = FastAPI(
        title="aturan: meja kerja",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(check_csrf)],
    )
    app.state.desk = desk
    for name in ROUTE_MODULES:
        module = _route_module(name)
        if module is not None:
            app.include_router(module.router)
            nav: list[Nav] = getattr(module, "NAV", [])
            desk.nav.extend(nav)
    _add_error_pages(app)
    app.add_middleware(PreSession, secure=desk.secure_cookies)
    app.add_middleware(
        Hardened, failure=_failure, headers=DESK_HEADERS, own=frozenset({b"cache-control"})
    )
    return app


def _desk(
    config: Path | None,
    registry: Path | str | None,
    clock: Callable[[], dt.date] | None,
    secure_cookies: bool | None,
) -> Desk:
    target = registry_location(registry, config)
    open_accounts(target, config).db.close()  # the schema made current once, here
    settings = DeskSettings.load(config)
    if secure_cookies is None and settings.secure_cookies != "auto":
        secure_cookies = settings.secure_cookies == "always"
    card = institution_card(config)
    return Desk(target, config, card.code, card.name, settings, clock or today, secure_cookies)


def _route_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"aturan.desk.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"aturan.desk.{name}":
            return None
        raise


def _failure(path: str, status: int, text: str) -> Response:
    """The page of an unexpected error (Hardened): no account, no template data needed."""
    page = f"<!doctype html><html lang=id><title>Galat</title><p>{escape(text)}</p></html>"
    return HTMLResponse(page, status_code=status)


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse("/masuk", status_code=303)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, exc: Forbidden) -> Response:
        return message(request, "DITOLAK", exc.message, 403)

    @app.exception_handler(AturanError)
    def user_error(request: Request, exc: AturanError) -> Response:
        return message(request, "PERMINTAAN DITOLAK", str(exc), 400)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        return message(request, "PERMINTAAN DITOLAK", "Isian formulir tidak lengkap.", 400)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        title = TITLES.get(exc.status_code, "GALAT")
        text = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else ""
        return message(request, title, text or "Halaman tidak ditemukan.", exc.status_code)
