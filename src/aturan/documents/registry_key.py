"""The registry's keys and what they authenticate.

- The signing key (Ed25519, `cryptography`): a 32-byte private key kept outside the database, in
  the file named by `registry.signing_key_file` (default keys/registry-signing.key, next to the
  HMAC key) or, hex, in the environment variable named by `registry.signing_key_env`. It signs
  every audit entry and exported chain head written since the log switched to Ed25519. Its public
  half (`aturan keys export-public`) lets anyone check those entries, and write none.
- The HMAC key (HMAC-SHA256): `registry.key_file` or `registry.key_env`. Entries written before
  the switch carry only its MAC: only the key holder can check them. It also names the
  institution's key set (`key_id`), so another institution's keys write nothing here.

Whoever can write the database but holds neither private key cannot forge an entry, a chain or a
head; whoever holds only the public key can compute an entry's hash, but not its signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from aturan.errors import AturanError

KEY_BYTES = 32
DEFAULT_KEY_FILE = "../keys/registry.key"
DEFAULT_KEY_ENV = "ATURAN_REGISTRY_KEY"
# Each kind of message is tagged, so an entry's MAC can never stand for a head's, or the reverse.
ENTRY_TAG = b"aturan-registry-entry\x00"
HEAD_TAG = b"aturan-registry-head\x00"
KEY_ID_TAG = b"aturan-registry-key-id"
SIGNED_HEAD_TAG = b"aturan-registry-head-ed25519\x00"
DEFAULT_SIGNING_KEY_FILE = "../keys/registry-signing.key"
DEFAULT_SIGNING_KEY_ENV = "ATURAN_REGISTRY_SIGNING_KEY"
PUBLIC_KEY_BYTES = 32


@dataclass(frozen=True)
class RegistryKeys:
    """What a registry is opened with. The key holder has the HMAC key and the signing key (the
    public key follows from it); an auditor has only the public key, and can write nothing."""

    mac: bytes | None = None
    signing: bytes | None = None
    public: bytes | None = None

    @classmethod
    def of(cls, mac: bytes | None, signing: bytes | None, public: bytes | None) -> RegistryKeys:
        for value, size, what in (
            (mac, KEY_BYTES, "kunci registri"),
            (signing, KEY_BYTES, "kunci penandatangan registri"),
            (public, PUBLIC_KEY_BYTES, "kunci publik registri"),
        ):
            if value is not None and (not isinstance(value, bytes) or len(value) != size):
                raise AturanError(f"{what} harus {size} bita")
        if signing is not None:
            derived = public_key_of(signing)
            if public is not None and public != derived:
                raise AturanError("kunci publik tidak sepasang dengan kunci penandatangan")
            public = derived
        if mac is None and public is None:
            raise AturanError("registri dibuka tanpa kunci apa pun")
        return cls(mac, signing, public)


def load_registry_key(config: dict[str, Any], config_path: Path | str) -> bytes:
    """The HMAC key: the environment variable named by `registry.key_env` when it is set, else the
    file `registry.key_file`. A missing or malformed key is one clear message, never a fallback."""
    return _load_key(config, config_path, "key", DEFAULT_KEY_FILE, DEFAULT_KEY_ENV)


def load_signing_key(config: dict[str, Any], config_path: Path | str) -> bytes:
    """The Ed25519 signing key (32 bytes, hex), as the HMAC key: `registry.signing_key_env`, else
    the file `registry.signing_key_file`."""
    return _load_key(
        config, config_path, "signing_key", DEFAULT_SIGNING_KEY_FILE, DEFAULT_SIGNING_KEY_ENV
    )


def _load_key(
    config: dict[str, Any], config_path: Path | str, kind: str, default_file: str, default_env: str
) -> bytes:
    what = "kunci registri" if kind == "key" else "kunci penandatangan registri"
    section = config.get("registry") if isinstance(config, dict) else None
    if section is None:
        section = {}
    if not isinstance(section, dict):
        raise AturanError(
            "isian registry harus berupa pemetaan (key_file, key_env)",
            file=str(config_path),
            field="registry",
        )
    env_name = _text_setting(section, f"{kind}_env", default_env, config_path)
    file_name = _text_setting(section, f"{kind}_file", default_file, config_path)
    if os.environ.get(env_name):
        return parse_key(os.environ[env_name], f"variabel lingkungan {env_name}", what)
    key_file = Path(config_path).parent / file_name
    try:
        text = key_file.read_text(encoding="ascii")
    except FileNotFoundError:
        raise AturanError(
            f"{what} tidak ditemukan (berkas {key_file.resolve()}, atau variabel "
            f"lingkungan {env_name}); jalankan `aturan keys init`",
            file=str(config_path),
            field=f"registry.{kind}_file",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AturanError(
            f"{what} tidak dapat dibaca ({getattr(exc, 'strerror', None) or exc})",
            file=str(key_file),
        ) from None
    return parse_key(text, f"berkas {key_file}", what)


def _text_setting(section: dict[str, Any], name: str, default: str, config_path: Path | str) -> str:
    value = section.get(name, default)
    if not isinstance(value, str) or not value.strip():
        raise AturanError(
            f"isian ini harus berupa teks, bukan {value!r}",
            file=str(config_path),
            field=f"registry.{name}",
        )
    return value.strip()


def parse_key(text: str, where: str, what: str = "kunci registri") -> bytes:
    """64 hexadecimal characters (32 bytes), surrounding whitespace ignored."""
    text = text.strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES or len(text) != 2 * KEY_BYTES:
        raise AturanError(
            f"{what} pada {where} harus {2 * KEY_BYTES} karakter heksadesimal; "
            "jalankan `aturan keys init` untuk membuat kunci baru"
        )
    return key


def canonical(value: Mapping[str, object]) -> str:
    """The one text a value is authenticated as: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_mac(key: bytes, prev_mac: str, payload: str) -> str:
    message = ENTRY_TAG + prev_mac.encode() + b"\x00" + payload.encode("utf-8")
    return hmac.digest(key, message, "sha256").hex()


def head_mac(key: bytes, head: Mapping[str, object]) -> str:
    body = canonical({k: v for k, v in head.items() if k != "mac"})
    return hmac.new(key, HEAD_TAG + body.encode("utf-8"), hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A public name for the key (it reveals nothing of it): tells a wrong key from a forgery."""
    return hmac.new(key, KEY_ID_TAG, hashlib.sha256).hexdigest()[:16]


def same(a: str | None, b: str | None) -> bool:
    return isinstance(a, str) and isinstance(b, str) and hmac.compare_digest(a, b)


# --- Ed25519 --------------------------------------------------------------------------------


def public_key_of(signing: bytes) -> bytes:
    return (
        Ed25519PrivateKey.from_private_bytes(signing)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def public_key_id(public: bytes) -> str:
    """A short name for a public key, printed for people to compare."""
    return hashlib.sha256(public).hexdigest()[:16]


def public_pem(public: bytes) -> str:
    """The public key as PEM (SubjectPublicKeyInfo): readable by `openssl pkey -pubin`."""
    key = Ed25519PublicKey.from_public_bytes(public)
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_key(path: Path | str) -> bytes:
    """A public key file (`aturan keys export-public`): PEM, an Ed25519 key, else one message."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise AturanError("berkas kunci publik tidak ditemukan", file=str(path)) from None
    except OSError as exc:
        raise AturanError(
            f"berkas kunci publik tidak dapat dibaca ({exc.strerror or exc})", file=str(path)
        ) from None
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise AturanError(
            "bukan kunci publik Ed25519 berformat PEM (buat dengan `aturan keys export-public`)",
            file=str(path),
        )
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def entry_message(prev_hash: str, payload: str) -> bytes:
    return ENTRY_TAG + prev_hash.encode() + b"\x00" + payload.encode("utf-8")


def entry_hash(prev_hash: str, payload: str) -> str:
    """A signed entry's hash: anyone can compute it; only the signing key can sign it."""
    return hashlib.sha256(entry_message(prev_hash, payload)).hexdigest()


def sign(signing: bytes, message: bytes) -> str:
    return Ed25519PrivateKey.from_private_bytes(signing).sign(message).hex()


def signature_valid(public: bytes, message: bytes, signature: str | None) -> bool:
    if not isinstance(signature, str):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(bytes.fromhex(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def head_message(head: Mapping[str, object]) -> bytes:
    body = canonical({k: v for k, v in head.items() if k not in ("mac", "signature")})
    return SIGNED_HEAD_TAG + body.encode("utf-8")
