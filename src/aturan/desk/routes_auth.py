"""Signing in and out, the desk's home page, and the admin's page of its institution's accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from aturan.desk.accounts import ROLES, Account, when_text
from aturan.desk.auth import SignInRequired, cookie_header, requires, signed_in
from aturan.desk.core import SESSION_COOKIE, desk_of, message, render
from aturan.errors import AturanError

router = APIRouter()
NAV = [("Akun", "/akun", "admin")]

WRONG = "Nama pengguna atau kata sandi salah, atau akun tidak aktif."


@router.get("/masuk")
def sign_in_page(request: Request) -> Response:
    return render(request, "masuk.html", {"error": None, "username": ""})


@router.post("/masuk")
def sign_in(
    request: Request,
    nama_pengguna: Annotated[str, Form()] = "",
    kata_sandi: Annotated[str, Form()] = "",
) -> Response:
    desk = desk_of(request)
    accounts = desk.accounts()
    username = nama_pengguna.strip().lower()
    address = request.client.host if request.client else "-"
    retry = accounts.retry_at(username, address, desk.settings)
    if retry is not None:
        minutes = max(1, round((retry - accounts.now()) / 60))
        text = (
            "Terlalu banyak percobaan masuk yang gagal untuk akun ini atau dari alamat ini. "
            f"Coba lagi dalam {minutes} menit (setelah pukul {when_text(retry)} waktu server)."
        )
        return _sign_in_again(request, username, text, 429)
    account = accounts.verify(username, kata_sandi)
    accounts.record_attempt(username, address, account is not None)
    if account is None:
        return _sign_in_again(request, username, WRONG, 401)
    if account.institution != desk.institution:
        text = (
            f"Akun ini terdaftar di institusi {account.institution}; meja kerja ini melayani "
            f"institusi {desk.institution}."
        )
        return _sign_in_again(request, username, text, 403)
    token = accounts.start_session(account.username)
    response = RedirectResponse("/", status_code=303)
    response.raw_headers.append(cookie_header(SESSION_COOKIE, token, desk.secure(request), None))
    return response


def _sign_in_again(request: Request, username: str, error: str, status: int) -> Response:
    return render(request, "masuk.html", {"error": error, "username": username}, status)


@router.post("/keluar")
def sign_out(request: Request) -> Response:
    """Ends the session on the server (the cookie alone is no longer enough) and drops it."""
    desk = desk_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        desk.accounts().end_session(token)
    response = RedirectResponse("/masuk", status_code=303)
    response.raw_headers.append(cookie_header(SESSION_COOKIE, "", desk.secure(request), 0))
    return response


@router.get("/")
def home(request: Request, account: Annotated[Account, Depends(signed_in)]) -> Response:
    return render(request, "beranda.html", {})


Admin = Annotated[Account, Depends(requires("admin"))]


@router.get("/akun")
def accounts_page(request: Request, admin: Admin) -> Response:
    return _accounts(request, admin, None, None)


def _accounts(
    request: Request, admin: Account, done: str | None, error: str | None, status: int = 200
) -> Response:
    rows = desk_of(request).accounts().listing(admin.institution)
    context = {"rows": rows, "roles": ROLES, "done": done, "error": error}
    return render(request, "akun.html", context, status)


@router.post("/akun/tambah")
def add_account(
    request: Request,
    admin: Admin,
    nama_pengguna: Annotated[str, Form()] = "",
    nama_lengkap: Annotated[str, Form()] = "",
    peran: Annotated[list[str] | None, Form()] = None,
    kata_sandi: Annotated[str, Form()] = "",
) -> Response:
    try:
        desk_of(request).accounts().add(
            nama_pengguna.strip().lower(),
            admin.institution,
            peran or [],
            nama_lengkap,
            kata_sandi,
        )
    except AturanError as exc:
        return _accounts(request, admin, None, exc.message, 400)
    return _accounts(request, admin, f"Akun {nama_pengguna.strip().lower()} ditambahkan.", None)


@router.post("/akun/{username}/nonaktifkan")
def disable_account(request: Request, username: str, admin: Admin) -> Response:
    accounts = desk_of(request).accounts()
    try:
        accounts.disable(username, admin.institution)
    except AturanError:
        return _not_yours(request, username)
    if username == admin.username:
        raise SignInRequired()
    return _accounts(request, admin, f"Akun {username} dinonaktifkan; sesinya diakhiri.", None)


@router.post("/akun/{username}/sandi")
def reset_password(
    request: Request, username: str, admin: Admin, kata_sandi: Annotated[str, Form()] = ""
) -> Response:
    accounts = desk_of(request).accounts()
    try:
        accounts.find(username, admin.institution)
    except AturanError:
        return _not_yours(request, username)
    try:
        accounts.reset_password(username, kata_sandi, admin.institution)
    except AturanError as exc:
        return _accounts(request, admin, None, exc.message, 400)
    if username == admin.username:
        raise SignInRequired()
    return _accounts(request, admin, f"Kata sandi akun {username} diganti; sesinya diakhiri.", None)


def _not_yours(request: Request, username: str) -> Response:
    """The same answer for an account of another institution as for one that does not exist."""
    return message(request, "TIDAK DITEMUKAN", f"Akun {username} tidak ada di institusi ini.", 404)
