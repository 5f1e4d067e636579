"""`python -m aturan.cli`: the same command line as `aturan`."""

from aturan.cli import main

main()
