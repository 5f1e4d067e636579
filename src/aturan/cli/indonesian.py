"""click's own words in Bahasa Indonesia: usage, help, and the messages for a missing option or a
bad value. click marks them for gettext (`from gettext import gettext as _` in each of its
modules, in the default domain); the hook here replaces those two names in click's modules with
this catalogue, so only click's messages change and no other library's gettext does. A message
not in the catalogue stays as click wrote it."""

from __future__ import annotations

import gettext
import importlib

import click

MESSAGES = {
    "Usage:": "Penggunaan:",
    "Options": "Opsi",
    "Commands": "Perintah",
    "Arguments": "Argumen",
    "Show this message and exit.": "Tampilkan pesan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "Error: {message}": "galat: {message}",
    "Try '{command} {option}' for help.": "Coba '{command} {option}' untuk bantuan.",
    "Missing command.": "Perintah belum disebut.",
    "Missing option": "Opsi wajib belum diisi",
    "Missing argument": "Argumen wajib belum diisi",
    "Missing parameter": "Parameter wajib belum diisi",
    "Missing parameter: {param_name}": "Parameter wajib belum diisi: {param_name}",
    "Missing {param_type}": "{param_type} wajib belum diisi",
    "Invalid value for {param_hint}: {message}": "Nilai tidak sah untuk {param_hint}: {message}",
    "Invalid value: {message}": "Nilai tidak sah: {message}",
    "No such option {name!r}.": "Opsi {name!r} tidak ada.",
    "No such command {name!r}.": "Perintah {name!r} tidak ada.",
    "Option {name!r} does not take a value.": "Opsi {name!r} tidak menerima nilai.",
    "Argument {name!r} takes {nargs} values.": "Argumen {name!r} memerlukan {nargs} nilai.",
    "Could not open file {filename!r}: {message}": "Berkas {filename!r} tidak dapat dibuka: "
    "{message}",
    "unknown error": "galat tak dikenal",
    "Aborted!": "Dibatalkan.",
    "Do you want to continue?": "Lanjutkan?",
    "Repeat for confirmation": "Ulangi untuk konfirmasi",
    "Error: The two entered values do not match.": "galat: kedua isian tidak sama.",
    "Error: invalid input": "galat: isian tidak sah",
    "Press any key to continue...": "Tekan sembarang tombol untuk melanjutkan...",
    "required": "wajib",
    "default: {default}": "bawaan: {default}",
    "env var: {var}": "variabel lingkungan: {var}",
    "(dynamic)": "(dinamis)",
    "file": "berkas",
    "directory": "folder",
    "path": "jalur",
    "Choose from:\n\t{choices}": "Pilih dari:\n\t{choices}",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} bukan nilai "
    "ya/tidak yang sah. Nilai yang dikenal: {states}",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan {number_type} yang sah.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak dapat dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak dapat ditulisi.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} tidak dapat dijalankan.",
}

# (singular, plural) -> (Indonesian for one, Indonesian for many)
PLURALS = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Ada argumen lebih yang tidak diharapkan ({args})",
        "Ada argumen lebih yang tidak diharapkan ({args})",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Maksud Anda {possibility}?",
        "(Maksud Anda salah satu dari: {possibilities}?)",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Opsi {name!r} memerlukan nilai.",
        "Opsi {name!r} memerlukan {nargs} nilai.",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} bukan {choice}.",
        "{value!r} bukan salah satu dari {choices}.",
    ),
    (
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ): (
        "{value!r} tidak sesuai format {format}.",
        "{value!r} tidak sesuai format {formats}.",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Memerlukan {nargs} nilai, tetapi hanya 1 diberikan.",
        "Memerlukan {nargs} nilai, tetapi {len} diberikan.",
    ),
}


class ClickIndonesian(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        pair = PLURALS.get((msgid1, msgid2))
        if pair is None:
            return super().ngettext(msgid1, msgid2, n)
        return pair[0] if n == 1 else pair[1]


CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
)


def install() -> None:
    """Give click's modules the Indonesian catalogue in place of gettext's `_` and `ngettext`."""
    catalogue = ClickIndonesian()
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = catalogue.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = catalogue.ngettext  # type: ignore[attr-defined]


def localise_usage(command: click.Command) -> None:
    """The usage line's placeholders in Indonesian ("[OPSI]", "PERINTAH [ARGUMEN]..."), for the
    command and every command under it; click sets them per command, outside gettext."""
    command.options_metavar = "[OPSI]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "PERINTAH [ARGUMEN]..."
        for sub in command.commands.values():
            localise_usage(sub)
