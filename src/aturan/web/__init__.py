"""The public verification page and the JSON API (`aturan serve`)."""

from aturan.web.app import FACTORY, SETTINGS_ENV, create_app, settings_for_workers
from aturan.web.guard import SECURITY_HEADERS, Hardened
from aturan.web.lookup import Finding, Issuer, by_number
from aturan.web.protocol import run as run_server
from aturan.web.ratestore import usable_storage

__all__ = [
    "Finding",
    "Issuer",
    "by_number",
    "FACTORY",
    "SECURITY_HEADERS",
    "Hardened",
    "SETTINGS_ENV",
    "create_app",
    "run_server",
    "settings_for_workers",
    "usable_storage",
]
