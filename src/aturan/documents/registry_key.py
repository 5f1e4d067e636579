"""The registry's secret key and what it authenticates.

The key is an HMAC-SHA256 key kept outside the database: a file named by
`registry.key_file` in the institution's configuration (relative to the configuration's folder),
or the hex key itself in the environment variable named by `registry.key_env`. Whoever can write
the database but does not hold the key cannot forge an entry, a chain or a head."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

from aturan.errors import AturanError

KEY_BYTES = 32
DEFAULT_KEY_FILE = "../keys/registry.key"
DEFAULT_KEY_ENV = "ATURAN_REGISTRY_KEY"
# Each kind of message is tagged, so an entry's MAC can never stand for a head's, or the reverse.
ENTRY_TAG = b"aturan-registry-entry\x00"
HEAD_TAG = b"aturan-registry-head\x00"
KEY_ID_TAG = b"aturan-registry-key-id"


def load_registry_key(config: dict, config_path: Path | str) -> bytes:
    """The key: the environment variable named by `registry.key_env` when it is set, else the
    file `registry.key_file`. A missing or malformed key is one clear message, never a fallback."""
    section = config.get("registry") if isinstance(config, dict) else None
    if section is None:
        section = {}
    if not isinstance(section, dict):
        raise AturanError(
            "isian registry harus berupa pemetaan (key_file, key_env)",
            file=str(config_path),
            field="registry",
        )
    env_name = _text_setting(section, "key_env", DEFAULT_KEY_ENV, config_path)
    file_name = _text_setting(section, "key_file", DEFAULT_KEY_FILE, config_path)
    if os.environ.get(env_name):
        return parse_key(os.environ[env_name], f"variabel lingkungan {env_name}")
    key_file = Path(config_path).parent / file_name
    try:
        text = key_file.read_text(encoding="ascii")
    except FileNotFoundError:
        raise AturanError(
            f"kunci registri tidak ditemukan (berkas {key_file.resolve()}, atau variabel "
            f"lingkungan {env_name}); jalankan `aturan keys init`",
            file=str(config_path),
            field="registry.key_file",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AturanError(
            f"kunci registri tidak dapat dibaca ({getattr(exc, 'strerror', None) or exc})",
            file=str(key_file),
        ) from None
    return parse_key(text, f"berkas {key_file}")


def _text_setting(section: dict, name: str, default: str, config_path: Path | str) -> str:
    value = section.get(name, default)
    if not isinstance(value, str) or not value.strip():
        raise AturanError(
            f"isian ini harus berupa teks, bukan {value!r}",
            file=str(config_path),
            field=f"registry.{name}",
        )
    return value.strip()


def parse_key(text: str, where: str) -> bytes:
    """64 hexadecimal characters (32 bytes), surrounding whitespace ignored."""
    text = text.strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES or len(text) != 2 * KEY_BYTES:
        raise AturanError(
            f"kunci registri pada {where} harus {2 * KEY_BYTES} karakter heksadesimal; "
            "jalankan `aturan keys init` untuk membuat kunci baru"
        )
    return key


def canonical(value: dict) -> str:
    """The one text a value is authenticated as: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_mac(key: bytes, prev_mac: str, payload: str) -> str:
    message = ENTRY_TAG + prev_mac.encode() + b"\x00" + payload.encode("utf-8")
    return hmac.digest(key, message, "sha256").hex()


def head_mac(key: bytes, head: dict) -> str:
    body = canonical({k: v for k, v in head.items() if k != "mac"})
    return hmac.new(key, HEAD_TAG + body.encode("utf-8"), hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A public name for the key (it reveals nothing of it): tells a wrong key from a forgery."""
    return hmac.new(key, KEY_ID_TAG, hashlib.sha256).hexdigest()[:16]


def same(a: str | None, b: str | None) -> bool:
    return isinstance(a, str) and isinstance(b, str) and hmac.compare_digest(a, b)
