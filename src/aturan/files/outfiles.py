"""Writing output files safely.

Every file aturan writes is first written under a temporary name in the same folder and then
renamed over the final name (`os.replace`). So:

- a reader (or a second aturan run writing into the same folder) never sees a half-written file;
- an interrupted run leaves the previous file as it was;
- a symbolic link planted at the output name is replaced by the new file; its target is never
  written through.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from aturan.errors import AturanError


def ensure_folder(path: Path | str) -> Path:
    """The output folder, made if missing; a file in its place, or no permission, is a clear
    error."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise AturanError(
            "folder keluaran sudah ada sebagai berkas, bukan folder", file=str(path)
        ) from None
    except OSError as exc:
        raise AturanError(
            f"folder keluaran tidak dapat dibuat ({exc.strerror or exc})", file=str(path)
        ) from None
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: Path | str, mode: int | None = None) -> Iterator[Path]:
    """A temporary path in the folder of `path`; on success it is renamed to `path`. The file
    gets `mode` (default: 0666 less the umask) before the rename; until then it is 0600
    (mkstemp), so a private key is never readable by others, not even for a moment."""
    path = Path(path)
    ensure_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}"
        )
    except OSError as exc:
        raise AturanError(
            f"tidak dapat menulis ke folder {path.parent} ({exc.strerror or exc})", file=str(path)
        ) from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise AturanError(
                f"tidak dapat menulis berkas keluaran ({exc.strerror or exc})", file=str(path)
            ) from None
    finally:
        with suppress(FileNotFoundError):
            os.unlink(tmp)


@contextmanager
def atomic_open(path: Path | str, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """open() for writing, through `atomic_path`."""
    with atomic_path(path) as tmp:
        with open(tmp, mode, **kwargs) as handle:
            yield handle


def write_bytes(path: Path | str, data: bytes) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def write_text(path: Path | str, text: str) -> None:
    with atomic_open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
