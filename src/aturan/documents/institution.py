"""Opening what an institution configures: its registry (with the registry key) and its signing
settings, from config/institution.yaml or the file given."""

from __future__ import annotations

from pathlib import Path

from aturan.documents.registry import Registry, check_number_format
from aturan.documents.registry_key import load_public_key, load_registry_key, load_signing_key
from aturan.documents.render import Settings
from aturan.documents.signing import SigningConfig
from aturan.documents.types import numbering_codes
from aturan.errors import AturanError
from aturan.files import load_yaml
from aturan.law import Rulebook
from aturan.project import config_file


def open_registry(
    path: Path | str,
    config_path: Path | None = None,
    create: bool = False,
    book: Rulebook | None = None,
    public_key: Path | None = None,
) -> tuple[Registry, Settings]:
    """The registry and the institution's settings. Only `issue` creates a registry; it numbers
    under the codes of the rulebook's document types (`book`), the institution's own codes first.
    The numbering format is checked before the registry is opened, so a bad format never takes a
    number. The registry is a SQLite file or a `postgresql://` URL; it numbers for the configured
    institution (`institution.code`). The registry key (`registry.key_file` or `registry.key_env`
    in the configuration) and the signing key (`registry.signing_key_file` or
    `registry.signing_key_env`) are required: a missing key is one message, never an
    unauthenticated registry. An auditor opens it with a `public_key` file alone, and can only
    read."""
    config = config_file(config_path)
    settings = Settings.load(config)
    check_number_format(settings.number_format, file=str(config))
    if public_key is not None:
        keys: dict[str, bytes] = {"public_key": load_public_key(public_key)}
    else:
        data = load_yaml(config, AturanError)
        keys = {
            "key": load_registry_key(data, config),
            "signing_key": load_signing_key(data, config),
        }
    codes = numbering_codes(book, settings.codes) if book else settings.codes
    store = Registry(
        path,
        settings.number_format,
        codes,
        create=create,
        institution=settings.institution,
        **keys,
    )
    return store, settings


def signing_config(config_path: Path | None) -> SigningConfig:
    return SigningConfig.load(config_file(config_path))
