"""One LibreOffice kept alive, converting DOCX to PDF on request through the UNO API.

Run by documents/pdf.py with a Python that has LibreOffice's `uno` module (Debian's
python3-uno, for /usr/bin/python3), never imported by aturan itself:

    python3 uno_worker.py SOFFICE PROFILE_URL PIPE_NAME

It starts SOFFICE with that profile, listening on a named pipe (no port), and prints `ready` once
connected (or `failed: reason` and exits). Then, for each line read from stdin (a JSON array:
the DOCX file and the PDF to write), it converts and prints `ok` or `error: reason`. At the end
of stdin it closes LibreOffice and exits."""

from __future__ import annotations

import sys

if sys.path and sys.path[0] == __file__.rpartition("/")[0]:
    del sys.path[0]  # this folder's types.py would shadow the standard library's

import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import uno  # type: ignore[import-not-found]  # noqa: E402
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]  # noqa: E402

CONNECT_SECONDS = 120


def main(soffice: str, profile: str, pipe: str) -> None:
    office = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        desktop = _connect(office, pipe)
        if desktop is None:
            _reply("failed: LibreOffice tidak dapat dihubungi")
            return
        _reply("ready")
        for line in sys.stdin:
            source, target = json.loads(line)
            _reply(_convert(desktop, source, target))
        _close(desktop)
    finally:
        _stop(office)


def _connect(office: subprocess.Popen[bytes], pipe: str) -> Any:  # a UNO proxy (untyped)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + CONNECT_SECONDS
    while time.monotonic() < deadline:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context
            )
        except Exception:  # not listening yet (a fresh profile restarts LibreOffice once)
            if office.poll() is not None:
                return None
            time.sleep(0.1)
    return None


def _convert(desktop: Any, source: str, target: str) -> str:
    try:
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(source)),
            "_blank",
            0,
            (_property("Hidden", True), _property("ReadOnly", True)),
        )
        if document is None:
            return "error: berkas tidak dapat dibuka"
        try:
            document.storeToURL(
                uno.systemPathToFileUrl(os.path.abspath(target)),
                (_property("FilterName", "writer_pdf_Export"),),
            )
        finally:
            document.close(True)
    except Exception as exc:  # a UNO exception: report it, keep serving
        return f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return "ok"


def _property(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _close(desktop: Any) -> None:
    try:
        desktop.terminate()
    except Exception:  # the bridge drops while LibreOffice exits
        pass


def _stop(office: subprocess.Popen[bytes]) -> None:
    try:
        office.wait(timeout=20)
    except subprocess.TimeoutExpired:
        office.kill()
        office.wait()


def _reply(text: str) -> None:
    sys.stdout.write(text.replace("\n", " ") + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(*sys.argv[1:4])
