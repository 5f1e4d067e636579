"""`aturan serve`: the public verification page and a JSON API (verify; decide and explain only
when turned on, `api_decide`).

Read-only: every request opens the registry with writes refused (SQLite `query_only`, PostgreSQL
`default_transaction_read_only`), a registry of an older schema is never migrated (the page says
who migrates it), and no route issues, revokes or records anything; issuing stays with the
command line. Hardened (`guard`): security headers, HEAD, no traceback, no asset from another host
(the interactive /docs and /redoc, which load Swagger UI from a CDN, are not served).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from aturan.documents import (
    NeedsMigration,
    Registry,
    Trust,
    document_titles,
    institution_card,
    registry_location,
    registry_opener,
    signing_config,
    today,
)
from aturan.errors import AturanError, InputError
from aturan.law import load_rulebook
from aturan.project import project_root
from aturan.vocabulary import ASSESSMENT_OPTIONS, MODELS
from aturan.web import page
from aturan.web.decide_pool import DecidePool, DecideUnavailable
from aturan.web.guard import Hardened, JsonGuard
from aturan.web.limits import NOT_COUNTED, BodyLimit, RateLimit
from aturan.web.lookup import Finding, Issuer, by_file, by_number

MEGABYTE = 1_000_000


class CaseRequest(BaseModel):
    """A participant's case, in the shape of a case file (YAML or JSON), and the decision date."""

    model_config = ConfigDict(extra="forbid")
    case: dict[str, Any] = Field(description="Kasus peserta, sama dengan isi berkas kasus YAML.")
    as_of: dt.date = Field(description="Tanggal keputusan (YYYY-MM-DD).")
    model: Literal[MODELS] | None = Field(None, description="Model integrasi (Alternatif I-IV).")  # type: ignore[valid-type]
    assessment: Literal[ASSESSMENT_OPTIONS] | None = Field(  # type: ignore[valid-type]
        None, description="Opsi penilaian kompetensi pasca pelatihan."
    )


class ExplainRequest(CaseRequest):
    lang: Literal["id", "en"] = Field("id", description="Bahasa penjelasan.")


class FindingOut(BaseModel):
    status: str = Field(
        description="sah, kedaluwarsa, dicabut, diubah, tidak_terdaftar, kode_tidak_cocok, "
        "tanpa_tanda_tangan (PDF tanpa tanda tangan, mis. pindaian), tidak_sah"
    )
    label: str = Field(
        description="Putusan seperti tampil di halaman; selain SAH berarti tidak sah atau tidak "
        "berlaku (KEDALUWARSA: asli, tetapi masa berlakunya telah berakhir)."
    )
    number: str | None
    message: str
    meaning: str = Field(description="Arti putusan dalam bahasa sehari-hari.")
    next_step: str = Field(description="Yang sebaiknya dilakukan penerima dokumen.")
    issuer: dict[str, Any] | None = Field(
        None, description="Institusi penerbit (kode; nama dan kontak bila diketahui)."
    )
    document: dict[str, Any] | None = Field(
        None,
        description="Rincian dokumen (pemegang tersamar; valid_until: hari terakhir berlaku, "
        "bila ada); hanya bila kodenya cocok.",
    )


class Explanation(BaseModel):
    nip: str
    as_of: str
    lang: str
    text: str


class Server:
    """What every request shares: where the registry and the configuration are, the institution's
    settings, the trust roots and the document titles."""

    def __init__(
        self,
        registry_path: Path | str | None,
        config_path: Path | None,
        clock: Callable[[], dt.date] | None = None,
    ):
        self.registry_path = registry_location(registry_path, config_path)
        self.config_path = config_path
        self.clock = clock or today  # the day each check is judged on
        self.card = institution_card(config_path)
        self.unmigrated: str | None = None  # why the registry cannot be read yet, if it cannot
        # the configuration and keys read once; each worker thread keeps its own read-only
        # connection (`registry`), reused by every request that thread serves
        self._open, _ = registry_opener(self.registry_path, config_path, migrate=False)
        self._local = threading.local()
        try:
            self._open().close()
        except NeedsMigration as exc:  # never migrated here: each page says who migrates it
            self.unmigrated = exc.message
        self.trust = Trust.load(signing_config(config_path))  # the roots an upload must chain to
        self.titles = document_titles(load_rulebook(project_root()))

    def issuer(self, code: str | None) -> Issuer:
        """An institution as the page names it: this server's own by its configuration (also
        when the code is unknown); another institution of a shared registry by its code."""
        own = self.card
        if code is None or code == own.code:
            return Issuer(own.code, own.name, own.contact)
        return Issuer(code)

    @contextmanager
    def registry(self) -> Iterator[Registry]:
        """The registry for one request: this thread's connection, opened at its first request so
        that no statement can write to it (nor a migration: an older registry is NeedsMigration),
        and kept for the next. A request that fails closes it: the next opens a new one."""
        store: Registry | None = getattr(self._local, "store", None)
        if store is None:
            store = self._open()
            store.read_only()
            self._local.store = store
        try:
            yield store
        except BaseException:
            self._local.store = None
            store.close()
            raise


def create_app(
    registry_path: Path | str | None,
    config_path: Path | None = None,
    *,
    max_upload_mb: float = 10,
    rate_limit: str = "30/minute",
    rate_limit_storage: str = "memory://",
    api_decide: bool = False,
    decide_workers: int = 1,
    decide_timeout: float = 10.0,
    clock: Callable[[], dt.date] | None = None,
) -> FastAPI:
    """The verification server over one registry; `clock` gives the day each check is judged on
        (default: today in WIT). The decide/explain API is served only with `api_decide`, by
    `decide_workers` processes of its own, each request cut after `decide_timeout` seconds. The rate
        limit is counted in `rate_limit_storage` (a `limits` storage URI, `limits.RateLimit`).
        Fails (AturanError) when the registry or the configuration cannot be opened."""
    server = Server(registry_path, config_path, clock)
    app = FastAPI(
        title="aturan: verifikasi dokumen dan API keputusan",
        version="1",
        description="Halaman verifikasi publik dan API JSON (verify; decide dan explain bila "
        "diaktifkan). Hanya membaca registri; penerbitan tetap melalui baris perintah "
        "`aturan issue`.",
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN: not served
        redoc_url=None,
    )
    institution = server.card.name

    def refuse(path: str, status: int, message: str) -> Response:
        if path.startswith("/api") or path == "/openapi.json":
            return JSONResponse({"galat": message}, status_code=status)
        title = {413: "TERLALU BESAR", 429: "TERLALU BANYAK PERMINTAAN"}.get(status, "GALAT")
        return HTMLResponse(page.message_page(institution, title, message), status_code=status)

    _add_pages(app, server, institution, max_upload_mb)
    decide_pool = DecidePool(decide_workers, decide_timeout) if api_decide else None
    _add_api(app, server, decide_pool)
    _add_error_handlers(app, refuse)
    if api_decide:
        app.add_middleware(JsonGuard, paths=DECIDE_PATHS, failure=refuse)
    app.add_middleware(BodyLimit, max_bytes=int(max_upload_mb * MEGABYTE), refuse=refuse)
    app.add_middleware(
        RateLimit, rate=rate_limit, refuse=refuse, exempt=NOT_COUNTED, storage=rate_limit_storage
    )
    app.add_middleware(Hardened, failure=refuse)  # outermost: every answer carries its headers
    return app


SETTINGS_ENV = "ATURAN_SERVE_SETTINGS"
FACTORY = "aturan.web.app:app_from_environment"


def settings_for_workers(
    registry_path: Path | str | None, config_path: Path | None, **options: Any
) -> str:
    """`create_app`'s arguments as the worker processes of `serve --workers` read them back
    (`app_from_environment`, from $ATURAN_SERVE_SETTINGS); a fixed `day` for the clock."""
    return json.dumps(
        {
            "registry": str(registry_path) if registry_path is not None else None,
            "config": str(config_path) if config_path is not None else None,
            **options,
        }
    )


def app_from_environment() -> FastAPI:
    """The app of one worker process of `serve --workers` (uvicorn's factory), made from the
    settings the server put in $ATURAN_SERVE_SETTINGS."""
    settings = json.loads(os.environ[SETTINGS_ENV])
    day = settings.pop("day", None)
    config = settings.pop("config")
    return create_app(
        settings.pop("registry"),
        Path(config) if config else None,
        clock=(lambda: dt.date.fromisoformat(day)) if day else None,
        **settings,
    )


DECIDE_PATHS = ("/api/decide", "/api/explain")
UNMIGRATED = "REGISTRI BELUM DAPAT DIBACA"


def _add_pages(app: FastAPI, server: Server, institution: str, max_mb: float) -> None:
    @app.get("/", include_in_schema=False)
    def landing() -> RedirectResponse:
        return RedirectResponse("/verifikasi")

    def unmigrated() -> HTMLResponse:
        text = page.message_page(institution, UNMIGRATED, server.unmigrated or "")
        return HTMLResponse(text, status_code=503)

    @app.get("/verifikasi", response_class=HTMLResponse, tags=["halaman"])
    async def verification_page(
        n: Annotated[str, Query(description="Nomor dokumen", max_length=200)] = "",
        c: Annotated[str, Query(description="Kode verifikasi", max_length=64)] = "",
    ) -> HTMLResponse:
        """Halaman verifikasi (alamat yang dibuka kode QR)."""
        if server.unmigrated:
            return unmigrated()
        finding = None
        if n.strip():
            with server.registry() as store:
                finding = by_number(n, c, store, server.titles, server.clock(), server.issuer)
        return HTMLResponse(page.render(institution, finding, n, c, max_mb))

    @app.post("/verifikasi", response_class=HTMLResponse, tags=["halaman"])
    def verification_upload(berkas: Annotated[UploadFile | None, File()] = None) -> HTMLResponse:
        """Hasil pemeriksaan PDF yang diunggah, sebagai halaman."""
        if server.unmigrated:
            return unmigrated()
        if berkas is None:
            text = page.message_page(institution, "GALAT", "Pilih satu berkas PDF untuk diunggah.")
            return HTMLResponse(text, status_code=400)
        finding = _check_upload(server, berkas)
        return HTMLResponse(page.render(institution, finding, max_megabytes=max_mb))


def _check_upload(server: Server, berkas: UploadFile | None) -> Finding:
    if berkas is None:
        raise InputError("unggah satu berkas PDF", field="berkas")
    with server.registry() as store:
        data = berkas.file.read()
        return by_file(data, store, server.trust, server.titles, server.clock(), server.issuer)


def _add_api(app: FastAPI, server: Server, decide_pool: DecidePool | None) -> None:
    # A check by number is a few indexed reads: it runs on the event loop (async), with no
    # thread hand-off, and its answer is sent as built (FindingOut documents its shape).
    @app.get("/api/verify", response_model=FindingOut, tags=["verifikasi"])
    async def api_verify_number(
        n: Annotated[str, Query(description="Nomor dokumen", min_length=1, max_length=200)],
        c: Annotated[str, Query(description="Kode verifikasi (16 heksadesimal)", max_length=64)],
    ) -> JSONResponse:
        """Putusan untuk sebuah nomor dan kode verifikasinya (isi kode QR)."""
        with server.registry() as store:
            finding = by_number(n, c, store, server.titles, server.clock(), server.issuer)
        return JSONResponse(finding.to_json())

    @app.post("/api/verify", response_model=FindingOut, tags=["verifikasi"])
    def api_verify_file(
        berkas: Annotated[UploadFile, File(description="PDF dokumen")],
    ) -> dict[str, Any]:
        """Putusan untuk sebuah berkas PDF: SAH hanya bila berkas itu persis yang diterbitkan."""
        return _check_upload(server, berkas).to_json()

    if decide_pool is not None:
        _add_decide(app, decide_pool)


def _add_decide(app: FastAPI, pool: DecidePool) -> None:
    """The decide and explain API, answered by the pool's own worker processes."""

    @app.post("/api/decide", tags=["keputusan"])
    def api_decide(body: CaseRequest) -> dict[str, Any]:
        """Keputusan untuk satu kasus peserta, sama dengan `aturan decide --format json`."""
        return pool.answer("decide", body.model_dump(mode="json"))

    @app.post("/api/explain", response_model=Explanation, tags=["keputusan"])
    def api_explain(body: ExplainRequest) -> dict[str, Any]:
        """Penjelasan langkah demi langkah, sama dengan `aturan explain`."""
        return pool.answer("explain", body.model_dump(mode="json"))


def _add_error_handlers(app: FastAPI, refuse: Callable[[str, int, str], Response]) -> None:
    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [_validation_detail(error) for error in exc.errors()]
        first = details[0] if details else {"isian": None, "galat": "permintaan tidak valid"}
        return JSONResponse({**first, "rincian": details}, status_code=422)

    @app.exception_handler(NeedsMigration)
    def unmigrated(request: Request, exc: NeedsMigration) -> Response:
        return refuse(request.url.path, 503, exc.message)

    @app.exception_handler(DecideUnavailable)
    def decide_unavailable(request: Request, exc: DecideUnavailable) -> Response:
        response = refuse(request.url.path, 503, exc.message)
        response.headers["retry-after"] = "5"
        return response

    @app.exception_handler(AturanError)
    def user_error(request: Request, exc: AturanError) -> JSONResponse:
        status = 422 if isinstance(exc, InputError) else 400
        where = f"isian '{exc.field}': " if exc.field else ""
        return JSONResponse({"galat": where + exc.message, "isian": exc.field}, status_code=status)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
        return JSONResponse({"galat": message}, status_code=exc.status_code)


HTTP_MESSAGES = {
    404: "alamat tidak ditemukan",
    405: "metode permintaan tidak didukung untuk alamat ini",
}
VALIDATION_MESSAGES = {
    "missing": "isian wajib tidak ada",
    "date_from_datetime_parsing": "bukan tanggal ISO yang valid (YYYY-MM-DD)",
    "date_from_datetime_inexact": "bukan tanggal ISO yang valid (YYYY-MM-DD)",
    "date_parsing": "bukan tanggal ISO yang valid (YYYY-MM-DD)",
    "date_type": "bukan tanggal ISO yang valid (YYYY-MM-DD)",
    "dict_type": "harus berupa objek JSON",
    "model_attributes_type": "badan permintaan harus berupa objek JSON",
    "string_type": "harus berupa teks",
    "string_too_short": "tidak boleh kosong",
    "string_too_long": "terlalu panjang",
    "json_invalid": "badan permintaan bukan JSON yang valid",
    "extra_forbidden": "isian tidak dikenal",
}


def _validation_detail(error: dict[str, Any]) -> dict[str, str | None]:
    """One pydantic error as an Indonesian message naming the field."""
    where = [str(p) for p in error.get("loc", ()) if p not in ("body", "query")]
    kind = error.get("type", "")
    field = ".".join(where) if where and kind != "json_invalid" else None
    if kind == "literal_error":
        expected = str((error.get("ctx") or {}).get("expected", "")).replace(" or ", " atau ")
        text = f"nilai {error.get('input')!r} tidak dikenal; yang diharapkan: {expected}"
    else:
        text = VALIDATION_MESSAGES.get(kind, f"nilai tidak valid ({kind})")
    return {"galat": f"isian '{field}': {text}" if field else text, "isian": field}
