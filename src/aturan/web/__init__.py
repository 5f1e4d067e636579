"""The public verification page and the JSON API (`aturan serve`)."""

from aturan.web.app import create_app
from aturan.web.protocol import run as run_server
from aturan.web.ratestore import usable_storage

__all__ = ["create_app", "run_server", "usable_storage"]
