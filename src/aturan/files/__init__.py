"""Reading and writing files safely: YAML/JSON with line numbers and limits, atomic output."""

from aturan.files.csvcells import safe_cell, safe_record, safe_row
from aturan.files.outfiles import atomic_open, atomic_path, ensure_folder, write_text
from aturan.files.pages import page_templates
from aturan.files.yamlio import (
    LineDict,
    check_zip,
    line_of,
    load_data,
    load_json,
    load_yaml,
    parse_json,
)

__all__ = [
    "LineDict",
    "check_zip",
    "line_of",
    "load_data",
    "load_json",
    "load_yaml",
    "parse_json",
    "atomic_open",
    "atomic_path",
    "ensure_folder",
    "write_text",
    "page_templates",
    "safe_cell",
    "safe_record",
    "safe_row",
]
