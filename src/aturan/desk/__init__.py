"""The desk (`aturan desk`): operators, auditors and admins signed in, each inside their
institution, working in the browser; server-rendered pages in Bahasa Indonesia over the library's
public faces. `Accounts` is also what `aturan users` manages accounts with."""

from aturan.desk.accounts import (
    ROLES,
    Account,
    AccountRow,
    Accounts,
    DeskSettings,
    check_full_name,
    check_institution_code,
    check_password,
    check_roles,
    check_username,
    open_accounts,
)
from aturan.desk.app import create_desk_app

__all__ = [
    "ROLES",
    "Account",
    "AccountRow",
    "Accounts",
    "DeskSettings",
    "check_full_name",
    "check_institution_code",
    "check_password",
    "check_roles",
    "check_username",
    "create_desk_app",
    "open_accounts",
]
