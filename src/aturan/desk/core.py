"""What every desk route shares: the `Desk` (its registry, configuration, institution, settings,
clock and account store), found from a request with `desk_of`, and `render`, which fills a
template with the signed-in account, the navigation and the CSRF field."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from markupsafe import Markup
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from aturan.desk.accounts import Account, Accounts, DeskSettings
from aturan.documents import Backend, open_database

SESSION_COOKIE = "aturan_meja"
PRE_SESSION_COOKIE = "aturan_meja_pra"  # before signing in: the login form's CSRF token
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
Nav = tuple[str, str, str]  # (label, path, role)


@dataclass
class Desk:
    """One desk over one registry, for the institution of its configuration."""

    registry: Path | str
    config: Path | None
    institution: str
    institution_name: str
    settings: DeskSettings
    clock: Callable[[], dt.date]
    secure_cookies: bool | None  # None: Secure when the request came over HTTPS
    nav: list[Nav] = field(default_factory=list)
    _local: threading.local = field(default_factory=threading.local)

    def database(self) -> Backend:
        """This thread's connection to the registry database (FastAPI runs sync routes on a
        pool of threads; a SQLite connection stays in its thread)."""
        db: Backend | None = getattr(self._local, "db", None)
        if db is not None and not _usable(db):
            db = None
        if db is None:
            db = open_database(self.registry)
            self._local.db = db
        return db

    def accounts(self) -> Accounts:
        return Accounts(self.database())

    def secure(self, request: Request) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return request.url.scheme == "https"


def _usable(db: Backend) -> bool:
    """A PostgreSQL connection the server has since dropped (a restart, a failover) is made anew
    on the next request, not kept failing; a SQLite file's connection does not drop."""
    if db.dialect == "sqlite":
        return True
    try:
        db.execute("SELECT 1")
        return True
    except db.damage:
        with suppress(*db.damage):
            db.close()
        return False


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def signed_in_account(request: Request) -> Account | None:
    """The account `auth.signed_in` found for this request, if any."""
    account: Account | None = getattr(request.state, "account", None)
    return account


def csrf_token(request: Request) -> str:
    """The token every form of this browser carries: derived from its session cookie (or, before
    signing in, its pre-session cookie), which other sites can neither read nor send."""
    base = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_SESSION_COOKIE)
    base = base or getattr(request.state, "pre_session", "")
    return hashlib.sha256(f"csrf:{base}".encode()).hexdigest()


@jinja2.pass_context
def _csrf_field(context: jinja2.runtime.Context) -> Markup:
    token = csrf_token(context["request"])
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


@jinja2.pass_context
def _csrf_value(context: jinja2.runtime.Context) -> str:
    """The token alone, for a script's header (`X-CSRF-Token`), e.g. htmx's hx-headers."""
    return csrf_token(context["request"])


def _templates() -> Jinja2Templates:
    folder = resources.files("aturan.desk") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,  # a name with HTML in it shows as text
        undefined=jinja2.StrictUndefined,
    )
    env.globals["csrf_field"] = _csrf_field
    env.globals["csrf_token"] = _csrf_value
    return Jinja2Templates(env=env)


TEMPLATES = _templates()


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """The page `template` (which extends base.html) with `context`, the signed-in account and
    the navigation it may use."""
    desk = desk_of(request)
    account = signed_in_account(request)
    allowed = [
        (label, path)
        for label, path, role in desk.nav
        if account is not None and (not role or role in account.roles)
    ]
    nav = list(dict.fromkeys(allowed))  # one link per page, though two roles may offer it
    values = {
        "account": account,
        "institution": desk.institution,
        "institution_name": desk.institution_name,
        "nav": nav,
        **(context or {}),
    }
    response: HTMLResponse = TEMPLATES.TemplateResponse(
        request, template, values, status_code=status
    )
    return response


def message(request: Request, title: str, text: str, status: int) -> HTMLResponse:
    """A page that says one thing (refused, not found, an error in the input)."""
    return render(request, "pesan.html", {"title": title, "text": text}, status)
