"""Opening what an institution configures: its registry (with the registry key) and its signing
settings, from config/institution.yaml or the file given."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aturan.documents.registry import Registry, check_institution, check_number_format
from aturan.documents.registry_key import load_public_key, load_registry_key, load_signing_key
from aturan.documents.render import Settings
from aturan.documents.signing import SigningConfig
from aturan.documents.storage import is_url, registry_target
from aturan.documents.types import numbering_codes
from aturan.errors import AturanError
from aturan.files import load_yaml
from aturan.law import Rulebook
from aturan.project import config_file

NO_REGISTRY = (
    "registri dokumen tidak ditentukan: beri --registry BERKAS-ATAU-ALAMAT, atur $ATURAN_REGISTRY, "
    "atau isi registry.database di konfigurasi institusi"
)


def registry_location(path: Path | str | None, config_path: Path | None = None) -> Path | str:
    """Where the registry is: `path` (--registry or $ATURAN_REGISTRY), else `registry.database`
    in the institution's configuration (a SQLite file relative to the configuration's folder, or
    a postgresql:// address). Nothing named is one message: no registry is ever assumed."""
    if path is not None and str(path).strip():
        return registry_target(path)
    config = config_file(config_path)
    data = load_yaml(config, AturanError)
    section = data.get("registry") if isinstance(data, dict) else None
    named = section.get("database") if isinstance(section, dict) else None
    if not named or not isinstance(named, str):
        raise AturanError(NO_REGISTRY, field="--registry")
    target = registry_target(named)
    return target if isinstance(target, str) else config.parent / target


def open_registry(
    path: Path | str | None,
    config_path: Path | None = None,
    create: bool = False,
    book: Rulebook | None = None,
    public_key: Path | None = None,
    migrate: bool = True,
) -> tuple[Registry, Settings]:
    """The registry and the institution's settings. Only `issue` creates a registry; it numbers
    under the codes of the rulebook's document types (`book`), the institution's own codes first.
    The numbering format is checked before the registry is opened, so a bad format never takes a
    number. The registry is a SQLite file or a `postgresql://` URL; it numbers for the configured
    institution (`institution.code`). The registry key (`registry.key_file` or `registry.key_env`
    in the configuration) and the signing key (`registry.signing_key_file` or
    `registry.signing_key_env`) are required: a missing key is one message, never an
    unauthenticated registry. An auditor opens it with a `public_key` file alone, and can only
    read. Without `path`, the configuration names it (`registry_location`). A reader that must
    not migrate an older registry (the server) passes `migrate=False` (NeedsMigration)."""
    opener, settings = registry_opener(path, config_path, create, book, public_key, migrate)
    return opener(), settings


def registry_opener(
    path: Path | str | None,
    config_path: Path | None = None,
    create: bool = False,
    book: Rulebook | None = None,
    public_key: Path | None = None,
    migrate: bool = True,
) -> tuple[Callable[[], Registry], Settings]:
    """What `open_registry` opens, read once: the configuration parsed and the keys loaded now,
    each call of the opener a new connection (the server opens one per worker thread)."""
    path = registry_location(path, config_path)
    config = config_file(config_path)
    settings = Settings.load(config)
    check_number_format(settings.number_format, file=str(config))
    data = load_yaml(config, AturanError)
    if public_key is not None:
        keys: dict[str, bytes] = {"public_key": load_public_key(public_key)}
    else:
        keys = {
            "key": load_registry_key(data, config),
            "signing_key": load_signing_key(data, config),
        }
    codes = numbering_codes(book, settings.codes) if book else settings.codes
    witness = witness_file(data, config)

    def opener() -> Registry:
        return Registry(
            path,
            settings.number_format,
            codes,
            create=create,
            institution=settings.institution,
            migrate=migrate,
            witness=witness,
            **keys,
        )

    return opener, settings


def witness_file(data: object, config: Path) -> Path | None:
    """`registry.witness_file`: the registry's witness (its signed chain head, kept outside the
    database), relative to the configuration's folder; None when not configured."""
    section = data.get("registry") if isinstance(data, dict) else None
    named = section.get("witness_file") if isinstance(section, dict) else None
    if named is None:
        return None
    if not isinstance(named, str) or not named.strip():
        raise AturanError(
            "isian ini harus berupa jalur berkas", file=str(config), field="registry.witness_file"
        )
    return config.parent / named


def signing_config(config_path: Path | None) -> SigningConfig:
    return SigningConfig.load(config_file(config_path))


@dataclass(frozen=True)
class InstitutionRole:
    """An institution's database role, as `init_institution` made it."""

    institution: str
    role: str
    url: str  # the registry's URL as the role, with its password
    masked_url: str  # the same, its password shown as ***
    generated: bool  # the password was generated (else read from a file)


def init_institution(
    code: str, registry: Path | str, config_path: Path | None, password_file: Path | None
) -> InstitutionRole:
    """Make the institution's own role in a PostgreSQL registry (opened, and made when new, by
    its admin with the registry keys of `config_path`); its connection URL. The password is read
    from `password_file` or generated. A SQLite registry has no roles: refused, nothing made."""
    from aturan.documents.storage.postgres import role_url, without_password
    from aturan.documents.storage.sqlite import NO_ROLES

    if not is_url(registry):
        raise AturanError(NO_ROLES, file=str(registry))
    check_institution(code, field="KODE")
    password = _password(password_file) if password_file else secrets.token_urlsafe(24)
    store, _ = open_registry(registry, config_path, create=True)
    try:
        role = store.add_institution(code, password)
    finally:
        store.close()
    url = role_url(str(registry), role, password)
    return InstitutionRole(code, role, url, without_password(url), password_file is None)


def _password(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        message = getattr(exc, "strerror", None) or str(exc)
        raise AturanError(f"berkas sandi tidak dapat dibaca ({message})", file=str(path)) from None
    password = lines[0].strip() if lines else ""
    if not password:
        raise AturanError("berkas sandi kosong: sandi ada di baris pertamanya", file=str(path))
    return password


@dataclass(frozen=True)
class InstitutionCard:
    """How a recipient sees the configured institution: its code, name and (optional) contact."""

    code: str
    name: str
    contact: str | None


def institution_card(config_path: Path | None) -> InstitutionCard:
    """`institution.code`, `institution.name` (else `org.name`) and the optional
    `institution.contact` of the configuration."""
    config = config_file(config_path)
    data = load_yaml(config, AturanError)
    settings = Settings.load(config)
    section = data.get("institution") if isinstance(data, dict) else None
    section = section if isinstance(section, dict) else {}
    name = section.get("name") or settings.org.get("name") or settings.institution
    contact = section.get("contact")
    if contact is not None and not isinstance(contact, str):
        raise AturanError(
            "isian institution.contact harus berupa teks", file=str(config), field="contact"
        )
    return InstitutionCard(settings.institution, str(name), contact.strip() if contact else None)


LOCAL_HOSTS = ("localhost", "localhost.localdomain", "0.0.0.0", "::1", "::")


def base_url_problem(url: str) -> str | None:
    """Why a verification base URL cannot go on printed documents, or None: a local or private
    address (no recipient can open it) or plain http (a page that can be altered in transit)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
        local = address.is_loopback or address.is_private or address.is_unspecified
    except ValueError:
        local = host in LOCAL_HOSTS or host.endswith((".local", ".localhost", ".internal"))
    if local:
        return f"alamat verifikasi {url} adalah alamat lokal yang tidak dapat dibuka penerima"
    if parts.scheme != "https":
        return f"alamat verifikasi {url} tidak memakai HTTPS"
    return None


def check_base_url(config_path: Path | None) -> str | None:
    """The warning for a base URL (verification.base_url) that printed QR codes should not carry,
    or None. Under `signing.demo: false` (official documents) such a URL is refused."""
    config = config_file(config_path)
    url = Settings.load(config).verification_base_url
    problem = base_url_problem(url)
    if problem is None:
        return None
    data = load_yaml(config, AturanError)
    signing = data.get("signing") if isinstance(data, dict) else None
    demo = isinstance(signing, dict) and signing.get("demo") is True
    if not demo:
        raise AturanError(
            f"{problem}; dokumen resmi (signing.demo: false) hanya diterbitkan dengan alamat "
            "verifikasi publik HTTPS, mis. https://verifikasi.contoh.go.id",
            file=str(config),
            field="verification.base_url",
        )
    return (
        f"{problem}; kode QR dokumen akan menunjuk ke alamat itu. Isi verification.base_url "
        "dengan alamat publik HTTPS institusi sebelum mencetak dokumen resmi."
    )
