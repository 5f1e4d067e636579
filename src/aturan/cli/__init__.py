"""The `aturan` command line: thin click commands over the library, grouped as the packages are.

`main` is the entry point (`aturan = "aturan.cli:main"`); importing the command modules registers
their commands on it. Errors a user can cause become one message and exit status 2 (options.py)."""

from aturan.cli import (  # noqa: F401  (registers the commands)
    deciding,
    desk,
    issuing,
    keys,
    lab,
    records,
    serving,
    users,
)
from aturan.cli.app import main
from aturan.cli.indonesian import localise_usage

localise_usage(main)

__all__ = ["main"]
