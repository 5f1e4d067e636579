"""The public verification page and the JSON API (`aturan serve`)."""

from aturan.web.app import create_app

__all__ = ["create_app"]
