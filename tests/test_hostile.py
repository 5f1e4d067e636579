"""Hostile input (issue 10): every reading command refuses bad input with one message naming the
file and the field, row or line, exit status 2 (1 where other rows were still done), and never a
traceback; and what comes out (CSV, files, terminal text) is never dangerous.

Each parametrized input below is distinct. The counts per class are in the ids.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from openpyxl import Workbook

BUDI = (ROOT / "samples" / "budi-petahana-administrator.yaml").read_text(encoding="utf-8")
AS_OF = "2026-02-01"
LEVELS = [
    "integritas",
    "kerja_sama",
    "komunikasi",
    "orientasi_hasil",
    "pelayanan_publik",
    "pengembangan_diri",
    "mengelola_perubahan",
    "pengambilan_keputusan",
]


def refused(result, path, *words, code=2):
    """Exit `code`, no traceback, and a message on stderr naming the file and the given words."""
    text = result.stderr + result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in text
    assert result.exit_code == code, text
    assert str(path) in result.stderr or Path(path).name in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# --- 1. File-level classes, through every command that reads the file ---------------------------

BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
DEEP = "[" * 20000 + "]" * 20000

FILE_CLASSES = {
    # name: (suffix, bytes or None for missing / "DIR" for a folder, words in the message)
    "missing": (".yaml", None, ["tidak ditemukan"]),
    "directory": (".yaml", "DIR", ["folder"]),
    "latin1": (
        ".yaml",
        'nip: "198503152010011001"\nname: Jos\xe9\n'.encode("latin-1"),
        ["UTF-8", ":2"],
    ),
    "utf16": (".yaml", "nip: x\n".encode("utf-16"), ["UTF-8"]),
    "empty": (".yaml", b"", ["kosong"]),
    "blank": (".yaml", b"   \n\n  \n", ["kosong"]),
    "bom_only": (".yaml", b"\xef\xbb\xbf", ["kosong"]),
    "malformed_yaml": (".yaml", b"nip: [1, 2\nname: x\n", ["YAML tidak valid"]),
    "tab_indent_yaml": (".yaml", b"nip: 1\n\tname: x\n", ["YAML tidak valid", ":2"]),
    "nul_byte_yaml": (".yaml", b"nip: 1\nname: a\x00b\n", ["YAML tidak valid"]),
    "deep_yaml": (".yaml", ("nip: " + DEEP + "\n").encode(), ["bersarang", ":1"]),
    "deep_block_yaml": (
        ".yaml",
        "".join("  " * i + f"k{i}:\n" for i in range(60)).encode(),
        ["bersarang"],
    ),
    "complex_key": (".yaml", b"? [a, b]\n: 1\nnip: x\n", ["kunci kompleks", ":1"]),
    "duplicate_key_yaml": (
        ".yaml",
        b'nip: "198503152010011001"\nname: A\nnip: "198001012005011001"\n',
        ["dua kali", "nip", ":3"],
    ),
    "alias_bomb": (".yaml", BOMB.encode(), ["alias"]),
    "huge_int_yaml": (".yaml", ("nip: " + "9" * 5000 + "\n").encode(), ["tidak dapat dibaca"]),
    "malformed_json": (
        ".json",
        b'{"nip": "198503152010011001",\n "name": }',
        ["JSON tidak valid", ":2"],
    ),
    "empty_json": (".json", b"", ["kosong"]),
    "deep_json": (".json", ('{"nip": ' + DEEP + "}").encode(), ["bersarang", ":1"]),
    "duplicate_key_json": (
        ".json",
        b'{"nip": "198503152010011001",\n "name": "A",\n "nip": "198001012005011001"}',
        ["dua kali", "nip", ":3"],
    ),
    "nan_json": (".json", b'{"nip": "198503152010011001",\n "jpm": NaN}', ["terhingga", ":2"]),
    "infinity_json": (
        ".json",
        b'{"nip": "198503152010011001",\n\n "jpm": -Infinity}',
        ["terhingga", ":3"],
    ),
    "latin1_json": (".json", '{"name": "Jos\xe9"}'.encode("latin-1"), ["UTF-8"]),
}

GOOD_COHORT = ROOT / "samples" / "cohort-contoh.csv"
GOOD_REFORM = ROOT / "reforms" / "masa-berlaku-2-tahun.yaml"

COMMANDS = {
    # name: (arguments with {f} for the hostile file and {tmp} for a scratch folder)
    "decide": ["decide", "{f}", "--as-of", AS_OF],
    "explain": ["explain", "{f}", "--as-of", AS_OF],
    "issue": [
        "issue",
        "--registri-baru",
        "{f}",
        "--out",
        "{tmp}/out",
        "--registry",
        "{tmp}/reg.sqlite",
        "--as-of",
        AS_OF,
    ],
    "batch": ["batch", "{f}", "--out", "{tmp}/out", "--workers", "1", "--as-of", AS_OF],
    "compare": ["compare", "{f}", "--out", "{tmp}/out", "--workers", "1", "--as-of", AS_OF],
    "diff_cohort": [
        "diff",
        "{f}",
        "--reform",
        str(GOOD_REFORM),
        "--workers",
        "1",
        "--as-of",
        AS_OF,
    ],
    "test_golden": ["test", "{f}"],
    "decide_reform": [
        "decide",
        str(ROOT / "samples" / "budi-petahana-administrator.yaml"),
        "--reform",
        "{f}",
        "--as-of",
        AS_OF,
    ],
}
# A reform and a golden file are YAML only; a JSON file is read as YAML there, and still refused.
YAML_ONLY = {"decide_reform", "test_golden"}


def _write(tmp_path, name, suffix, content) -> Path:
    path = tmp_path / f"hostile-{name}{suffix}"
    if content == "DIR":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(FILE_CLASSES))
def test_every_reading_command_refuses_a_hostile_file(aturan, tmp_path, command, name):
    suffix, content, words = FILE_CLASSES[name]
    if command in YAML_ONLY and suffix == ".json":
        words = []  # read as YAML there: refused, in YAML's words
    path = _write(tmp_path, name, suffix, content)
    args = [a.replace("{f}", str(path)).replace("{tmp}", str(tmp_path)) for a in COMMANDS[command]]
    result = aturan(*args)
    refused(result, path, *words)
    assert not (tmp_path / "reg.sqlite").exists(), "a refused input must not create a registry"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_bom_is_dropped_and_lines_still_count(aturan, tmp_path):
    path = tmp_path / "kasus.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BUDI.replace("integritas: 3,", "integritas: 9,").encode())
    refused(
        aturan("decide", path, "--as-of", AS_OF),
        path,
        "kasus.yaml:13",
        "assessments[0].levels.integritas",
    )
    path.write_bytes(b"\xef\xbb\xbf" + BUDI.encode())
    assert aturan("decide", path, "--as-of", AS_OF).exit_code == 0


@pytest.mark.slow
def test_a_bom_json_case_is_read_by_decide_and_issue_alike(aturan, tmp_path):
    data = yaml.safe_load(BUDI)
    data["assessments"][0]["date"] = data["assessments"][0]["date"].isoformat()
    data["training"] = {
        k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data["training"].items()
    }
    path = tmp_path / "kasus.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    assert aturan("decide", path, "--as-of", AS_OF).exit_code == 0
    result = aturan(
        "issue",
        "--registri-baru",
        path,
        "--out",
        tmp_path / "out",
        "--registry",
        tmp_path / "r.sqlite",
        "--as-of",
        AS_OF,
        "--issue-date",
        "2026-02-02",  # before the training starts: its design is timely
    )
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("name", ["alias_bomb", "deep_yaml"])
def test_alias_and_nesting_refusals_are_structural_and_small(aturan, tmp_path, name):
    """The refusal comes from a guard before expansion: the file is tiny and nothing is built from
    it. (Time measured by hand: about 0.6 s for the whole command, almost all of it Python
    start-up.)"""
    suffix, content, words = FILE_CLASSES[name]
    path = _write(
        tmp_path, name, suffix, content if name == "alias_bomb" else b"nip: " + b"[" * 1000
    )
    assert path.stat().st_size < 2048
    refused(aturan("decide", path, "--as-of", AS_OF), path, *words)


def test_golden_files_may_use_aliases_but_not_expand_beyond_the_cap(aturan, tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_text(
        "- &t0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"- &t{i} [{', '.join(['*t' + str(i - 1)] * 10)}]\n" for i in range(1, 7)),
        encoding="utf-8",
    )
    assert path.stat().st_size < 2048
    refused(aturan("test", path), path, "mengembang")


GOLDEN_BREAKS = {
    "scalar_item": ("- 1\n", "'[0]'"),
    "list_item": ("- [a]\n", "'[0]'"),
    "case_not_mapping": ("- {case: 1, as_of: 2026-01-01}\n", "'[0].case'"),
    "cohort_not_list": ("- {cohort: 1, as_of: 2026-01-01}\n", "'[0].cohort'"),
    "as_of_9999": ("- {case: {}, as_of: 9999-12-31}\n", "'[0].as_of'"),
    "as_of_list": ("- {case: {}, as_of: [1]}\n", "'[0].as_of'"),
    "as_of_text": ("- {case: {}, as_of: kemarin}\n", "'[0].as_of'"),
    "no_as_of": ("- {case: {}}\n", "'[0]'"),
    "two_sources": ("- {case: {}, cohort: [], as_of: 2026-01-01}\n", "'[0]'"),
    "unknown_key": ("- {case: {}, as_of: 2026-01-01, expected: {}}\n", "'[0].expected'"),
    "fired_nested": ("- {case: {}, as_of: 2026-01-01, fired: [[1]]}\n", "'[0].fired'"),
    "expect_not_mapping": ("- {case: {}, as_of: 2026-01-01, expect: 5}\n", "'[0].expect'"),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_BREAKS))
def test_a_malformed_golden_test_is_refused_naming_it(aturan, tmp_path, name):
    text, field = GOLDEN_BREAKS[name]
    path = tmp_path / "golden.yaml"
    path.write_text(text, encoding="utf-8")
    refused(aturan("test", path), path, field)


# --- 2. Rules check: the rule files are input too -----------------------------------------------

RULE_BREAKS = {
    "empty": b"",
    "latin1": "rules:\n  - id: x\n    title: caf\xe9\n".encode("latin-1"),
    "malformed": b"rules: [\n",
    "duplicate": b"id: a\nid: b\n",
    "complex_key": b"? {a: 1}\n: x\n",
    "deep": ("x: " + "[" * 500 + "]" * 500 + "\n").encode(),
}


@pytest.mark.parametrize("name", sorted(RULE_BREAKS))
def test_rules_check_refuses_a_hostile_rule_file(aturan, project_copy, name):
    target = project_copy / "rules" / "30-kategori.yaml"
    target.write_bytes(RULE_BREAKS[name])
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code in (1, 2) and (
        result.exception is None or isinstance(result.exception, SystemExit)
    )
    assert "Traceback" not in result.stderr and "30-kategori.yaml" in result.stderr + result.output


def test_rules_check_refuses_a_rule_file_that_is_a_folder(aturan, project_copy):
    target = project_copy / "rules" / "30-kategori.yaml"
    target.unlink()
    target.mkdir()
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code in (1, 2) and "30-kategori.yaml" in result.stderr + result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- 3. Field-level hostility in a case ---------------------------------------------------------

EVENTS = "events:\n  - {type: final_evaluation, date: 2026-06-30, result: lulus}\n"
EVIDENCE = (
    "evidence:\n  - {type: sertifikat_kompetensi_manajerial, date: 2024-03-01, tier: "
    "administrator, number: A1}\n"
)
FULL = BUDI + EVIDENCE + EVENTS

DATE_FIELDS = {
    "training.start": ("start: 2026-03-02", "start: {d}"),
    "training.end": ("end: 2026-06-30", "end: {d}"),
    "assessments[0].date": ("date: 2024-05-10", "date: {d}"),
    "evidence[0].date": ("date: 2024-03-01", "date: {d}"),
    "events[0].date": ("date: 2026-06-30", "date: {d}"),
}
FAR_DATES = ["9999-12-31", "0001-01-01", "1899-12-31", "2100-01-01"]


@pytest.mark.parametrize("value", FAR_DATES)
@pytest.mark.parametrize("field", sorted(DATE_FIELDS))
def test_dates_outside_the_plausible_range_get_a_range_error(aturan, tmp_path, field, value):
    old, new = DATE_FIELDS[field]
    path = tmp_path / "kasus.yaml"
    path.write_text(FULL.replace(old, new.format(d=value), 1), encoding="utf-8")
    refused(
        aturan("decide", path, "--as-of", AS_OF),
        path,
        f"'{field}'",
        "di luar rentang",
        "1900-01-01",
    )


@pytest.mark.parametrize("option", ["--as-of", "--issue-date"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_far_decision_and_issue_dates_are_refused(aturan, tmp_path, option, value):
    path = tmp_path / "kasus.yaml"
    path.write_text(BUDI, encoding="utf-8")
    args = (
        [
            "issue",
            "--registri-baru",
            path,
            "--out",
            tmp_path / "o",
            "--registry",
            tmp_path / "r.sqlite",
        ]
        if option == "--issue-date"
        else ["decide", path]
    )
    result = aturan(*args, option, value)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert option in result.stderr and "di luar rentang" in result.stderr
    assert not (tmp_path / "r.sqlite").exists()


@pytest.mark.parametrize(
    "value, words",
    [
        (".nan", "terhingga"),
        (".NaN", "terhingga"),
        (".inf", "rentang"),
        ("-.inf", "rentang"),
        (".Inf", "rentang"),
    ],
)
def test_non_finite_jpm_is_refused_naming_the_field(aturan, tmp_path, value, words):
    path = tmp_path / "kasus.yaml"
    path.write_text(BUDI.replace("    method:", f"    jpm: {value}\n    method:"), encoding="utf-8")
    refused(
        aturan("decide", path, "--as-of", AS_OF),
        path,
        "'assessments[0].jpm'",
        words,
        "kasus.yaml:12",
    )


NIP = "198503152010011001"
DIGIT_SCRIPTS = {
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",
    "persian": "۰۱۲۳۴۵۶۷۸۹",
    "fullwidth": "０１２３４５６７８９",
    "devanagari": "०१२३४५६७८९",
    "bengali": "০১২৩৪৫৬৭৮৯",
    "thai": "๐๑๒๓๔๕๖๗๘๙",
    "myanmar": "၀၁၂၃၄၅၆၇၈၉",
    "math_bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
    "balinese": "᭐᭑᭒᭓᭔᭕᭖᭗᭘᭙",
    "javanese": "꧐꧑꧒꧓꧔꧕꧖꧗꧘꧙",
}


@pytest.mark.parametrize("script", sorted(DIGIT_SCRIPTS))
@pytest.mark.parametrize("how", ["all", "one"])
def test_nip_in_non_ascii_digits_is_refused(aturan, tmp_path, script, how):
    digits = DIGIT_SCRIPTS[script]
    nip = "".join(digits[int(c)] for c in NIP) if how == "all" else NIP[:17] + digits[1]
    path = tmp_path / "kasus.yaml"
    path.write_text(BUDI.replace(NIP, nip), encoding="utf-8")
    refused(aturan("decide", path, "--as-of", AS_OF), path, "'nip'", "ASCII", "kasus.yaml:2")


IMPLAUSIBLE_NIPS = {
    "appointed_at_17": ("199005152007061001", "usia saat pengangkatan"),
    "appointed_at_59": ("195001152009061001", "usia saat pengangkatan"),
    "appointed_at_80": ("193001152010061001", "usia saat pengangkatan"),
    "born_1899": ("189912152010061001", "1900"),
    "appointed_after_decision": ("199005152026031001", "sesudah tanggal keputusan"),
    "superscript_digit": ("19850315201001100¹", "ASCII"),
}


@pytest.mark.parametrize("name", sorted(IMPLAUSIBLE_NIPS))
def test_implausible_nip_is_refused(aturan, tmp_path, name):
    nip, words = IMPLAUSIBLE_NIPS[name]
    path = tmp_path / "kasus.yaml"
    path.write_text(BUDI.replace(NIP, nip), encoding="utf-8")
    refused(aturan("decide", path, "--as-of", AS_OF), path, "'nip'", words)


BLANK_NAMES = {
    "space": " ",
    "spaces": "     ",
    "nbsp": "\u00a0",
    "ideographic_space": "\u3000",
    "em_space": "\u2003",
    "zero_width_space": "\u200b",
    "zwnj_zwj": "\u200c\u200d",
    "word_joiner": "\u2060",
    "bom": "\ufeff",
    "soft_hyphen": "\u00ad",
    "digits_only": "12345",
    "punctuation": ". - ,",
    "zws_and_spaces": " \u200b \u200b ",
}


@pytest.mark.parametrize("name", sorted(BLANK_NAMES))
def test_blank_or_invisible_names_are_refused(aturan, tmp_path, name):
    path = tmp_path / "kasus.yaml"
    path.write_text(
        BUDI.replace("name: Budi Santoso", f"name: {json.dumps(BLANK_NAMES[name])}"),
        encoding="utf-8",
    )
    refused(aturan("decide", path, "--as-of", AS_OF), path, "'name'", "kasus.yaml:3")


CONTROLS = {
    **{f"bidi_{cp:04x}": chr(cp) for cp in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]},
    "lrm": "\u200e",
    "rlm": "\u200f",
    "alm": "\u061c",
    "escape_seq": "\x1b[31m",
    "bell": "\x07",
    "nul": "\x00",
    "backspace": "\x08",
    "tab": "\t",
    "newline": "\n",
    "carriage_return": "\r",
    "delete": "\x7f",
    "csi_c1": "\x9b",
    "vertical_tab": "\x0b",
}


@pytest.mark.parametrize("name", sorted(CONTROLS))
@pytest.mark.slow
def test_control_and_bidi_characters_in_the_name_are_refused(aturan, tmp_path, name):
    hostile = "Budi Sa" + CONTROLS[name] + "ntoso"
    path = tmp_path / "kasus.yaml"
    path.write_text(
        BUDI.replace("name: Budi Santoso", f"name: {json.dumps(hostile)}"), encoding="utf-8"
    )
    refused(
        aturan("decide", path, "--as-of", AS_OF), path, "'name'", "tidak diizinkan", "kasus.yaml:3"
    )
    if name != "newline":
        assert CONTROLS[name] not in result_text(aturan, path), (
            "the hostile character is not echoed back"
        )


def result_text(aturan, path):
    result = aturan("decide", path, "--as-of", AS_OF)
    return result.stderr + result.output


TEXT_FIELDS = {
    "position.title": ("title: Kepala Bagian Umum", 'title: "Kepala\u202eBagian"'),
    "position.agency": ("agency: Pemerintah Kabupaten Sumedang", 'agency: "Pemkab\u2066Sumedang"'),
    "training.batch": ("batch: PKA Angkatan XII", 'batch: "PKA\\x1b[2J"'),
    "assessments[0].institution": (
        "institution: UPT Penilaian Kompetensi Pegawai BKN",
        'institution: "UPT\u202dBKN"',
    ),
    "evidence[0].number": ("number: A1", 'number: "A\u20691"'),
}


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
def test_control_characters_are_refused_in_every_text_field(aturan, tmp_path, field):
    old, new = TEXT_FIELDS[field]
    path = tmp_path / "kasus.yaml"
    path.write_text(FULL.replace(old, new, 1), encoding="utf-8")
    refused(aturan("decide", path, "--as-of", AS_OF), path, f"'{field}'", "tidak diizinkan")


@pytest.mark.parametrize("length", [121, 150, 500, 5000])
def test_names_longer_than_120_characters_are_refused(aturan, tmp_path, length):
    path = tmp_path / "kasus.yaml"
    path.write_text(
        BUDI.replace(
            "name: Budi Santoso", "name: " + ("Budi Santoso " * 500)[:length].strip() + "x"
        ),
        encoding="utf-8",
    )
    refused(aturan("decide", path, "--as-of", AS_OF), path, "'name'", "kasus.yaml:3")


def test_a_name_of_exactly_the_limit_is_accepted(aturan, tmp_path):
    schema = json.loads((ROOT / "src" / "aturan" / "schemas" / "case.schema.json").read_text())
    limit = schema["properties"]["name"]["maxLength"]
    assert limit == 120
    path = tmp_path / "kasus.yaml"
    path.write_text(BUDI.replace("name: Budi Santoso", "name: " + "B" * limit), encoding="utf-8")
    assert aturan("decide", path, "--as-of", AS_OF).exit_code == 0


# --- 4. Cohorts: one bad row never stops the others; each is named by row and column ------------


def cohort_row(serial: int, **cells) -> dict:
    base = {
        "nip": f"19850315201001{1 + serial % 2}{serial:03d}",
        "name": f"Peserta Contoh {serial}",
        "position_tier": "administrator",
        "position_title": "Kepala Bagian Umum",
        "agency": "Pemkab Contoh",
        "role": "incumbent",
        "projected_tier": "",
        "program": "pka",
        "training_start": "2026-03-02",
        "training_end": "2026-06-30",
        "batch": "PKA 7",
        "assessment_date": "2025-05-10",
        "assessment_purpose": "seleksi",
        "assessment_institution": "UPT Contoh",
        "assessment_jpm": "88.5",
        **dict(zip(LEVELS, ["3", "3", "2", "3", "3", "2", "3", "3"])),
    }
    base.update(cells)
    return base


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


BAD_CELLS = {
    "date_9999": ("training_start", "9999-12-31"),
    "date_0001": ("assessment_date", "0001-01-01"),
    "date_with_time": ("training_end", "2026-06-30 23:59"),
    "assessment_after_as_of": ("assessment_date", "2026-01-31"),
    "nan_jpm": ("assessment_jpm", "NaN"),
    "inf_jpm": ("assessment_jpm", "inf"),
    "fullwidth_nip": ("nip", "１９８５０３１５２０１００１１００２"),
    "arabic_nip": ("nip", "١٩٨٥٠٣١٥٢٠١٠٠١١٠٠٢"),
    "nip_age_12": ("nip", "200001012012011002"),
    "blank_name": ("name", "\u200b"),
    "rlo_name": ("name", "Budi \u202eSantoso"),
    "escape_name": ("name", "Budi \x1b]0;pwned\x07"),
    "long_name": ("name", "N" * 121),
    "rlo_agency": ("agency", "Pemkab \u202eContoh"),
}


@pytest.mark.parametrize("name", sorted(BAD_CELLS))
def test_batch_names_the_row_and_column_and_decides_the_other_rows(aturan, tmp_path, name):
    column, value = BAD_CELLS[name]
    as_of = "2026-01-30" if name == "assessment_after_as_of" else AS_OF
    path = write_csv(
        tmp_path / "kohort.csv", [cohort_row(1), cohort_row(2, **{column: value}), cohort_row(3)]
    )
    result = aturan("batch", path, "--out", tmp_path / "out", "--workers", "1", "--as-of", as_of)
    refused(result, path, "baris 3", f"kolom '{column}'", code=2)
    decided = (tmp_path / "out" / "keputusan.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(decided) == 2


@pytest.mark.parametrize("name", ["assessment_after_as_of", "date_9999", "rlo_name"])
def test_issue_goes_on_past_a_bad_participant_and_exits_non_zero(aturan, tmp_path, name):
    column, value = BAD_CELLS[name]
    as_of = "2026-01-30" if name == "assessment_after_as_of" else AS_OF
    path = write_csv(
        tmp_path / "kohort.csv", [cohort_row(1), cohort_row(2, **{column: value}), cohort_row(3)]
    )
    result = aturan(
        "issue",
        "--registri-baru",
        path,
        "--out",
        tmp_path / "out",
        "--registry",
        tmp_path / "r.sqlite",
        "--as-of",
        as_of,
        "--issue-date",
        "2026-02-02",  # before the training starts: its design is timely
    )
    refused(result, path, "baris 3", f"kolom '{column}'", code=2)
    names = {
        r[0]
        for r in sqlite3.connect(tmp_path / "r.sqlite").execute(
            "SELECT DISTINCT name FROM documents"
        )
    }
    assert names == {"Peserta Contoh 1", "Peserta Contoh 3"}


def test_compare_and_diff_go_on_past_a_bad_row(aturan, tmp_path):
    path = write_csv(
        tmp_path / "kohort.csv",
        [cohort_row(1), cohort_row(2, assessment_date="2026-01-31"), cohort_row(3)],
    )
    result = aturan(
        "compare", path, "--out", tmp_path / "c", "--workers", "1", "--as-of", "2026-01-30"
    )
    refused(result, path, "baris 3", "kolom 'assessment_date'", code=2)
    assert "| Diputuskan" in result.output.replace("│", "|") and " 2 " in result.output
    result = aturan(
        "diff", path, "--reform", GOOD_REFORM, "--workers", "1", "--as-of", "2026-01-30"
    )
    refused(result, path, "baris 3", "kolom 'assessment_date'", code=2)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_yaml_and_json_cohorts_name_the_case_of_a_late_error(aturan, tmp_path, suffix):
    cases = [yaml.safe_load(BUDI) for _ in range(2)]
    cases[1]["nip"] = "198001012005011001"
    cases[1]["assessments"][0]["date"] = "2026-01-31"
    for case in cases:
        case["assessments"][0]["date"] = str(case["assessments"][0]["date"])
        case["training"] = {k: str(v) for k, v in case["training"].items()}
    path = tmp_path / f"kohort{suffix}"
    path.write_text(
        json.dumps(cases) if suffix == ".json" else yaml.safe_dump(cases), encoding="utf-8"
    )
    result = aturan(
        "batch", path, "--out", tmp_path / "out", "--workers", "1", "--as-of", "2026-01-30"
    )
    refused(
        result,
        path,
        "'assessments[0].date'",
        "kasus ke-2" if suffix == ".json" else "baris",
        code=2,
    )


# --- 5. XLSX: percentages, formulas without a value, times --------------------------------------


def write_xlsx(path: Path, rows: list[dict], tweak=None) -> Path:
    book = Workbook()
    sheet = book.active
    header = list(rows[0])
    sheet.append(header)
    for row in rows:
        sheet.append([row[c] for c in header])
    if tweak:
        tweak(sheet, header)
    book.save(path)
    return path


def test_xlsx_percentage_is_read_as_percent(aturan, tmp_path):
    def percent(sheet, header):
        cell = sheet.cell(row=2, column=header.index("assessment_jpm") + 1)
        cell.value, cell.number_format = 0.855, "0.0%"

    path = write_xlsx(tmp_path / "k.xlsx", [cohort_row(1)], percent)
    result = aturan("batch", path, "--out", tmp_path / "out", "--workers", "1", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    decision = json.loads((tmp_path / "out" / "keputusan.jsonl").read_text().splitlines()[0])
    assert decision["jpm"] == 85.5


@pytest.mark.parametrize("column", ["assessment_jpm", "name", "integritas", "training_start"])
def test_xlsx_formula_without_a_value_is_refused_with_row_and_column(aturan, tmp_path, column):
    def formula(sheet, header):
        sheet.cell(row=3, column=header.index(column) + 1).value = "=1+1"

    path = write_xlsx(tmp_path / "k.xlsx", [cohort_row(1), cohort_row(2)], formula)
    result = aturan("batch", path, "--out", tmp_path / "out", "--workers", "1", "--as-of", AS_OF)
    refused(result, path, "baris 3", f"kolom '{column}'", "rumus", code=2)


@pytest.mark.parametrize("column", ["training_start", "training_end", "assessment_date"])
def test_xlsx_datetime_with_a_time_is_refused_like_csv(aturan, tmp_path, column):
    import datetime as dt

    rows = [cohort_row(1)]
    rows[0][column] = dt.datetime.fromisoformat(rows[0][column] + "T23:59:00")
    path = write_xlsx(tmp_path / "k.xlsx", rows)
    result = aturan("batch", path, "--out", tmp_path / "out", "--workers", "1", "--as-of", AS_OF)
    refused(result, path, "baris 2", f"kolom '{column}'", "tanggal", code=2)
    rows[0][column] = dt.datetime.fromisoformat(rows[0][column].date().isoformat())
    write_xlsx(path, rows)
    assert (
        aturan(
            "batch", path, "--out", tmp_path / "out", "--workers", "1", "--as-of", AS_OF
        ).exit_code
        == 0
    )


def _damaged_xlsx(tmp_path, name):
    import zipfile

    good = write_xlsx(tmp_path / "good.xlsx", [cohort_row(1)])
    if name == "truncated":
        return good.read_bytes()[:600]
    if name == "random":
        return bytes(range(256)) * 8
    if name == "csv_named_xlsx":
        return b"nip,name\n1,2\n"
    source, buffer = zipfile.ZipFile(good), __import__("io").BytesIO()
    part = {
        "sheet": "xl/worksheets/sheet1.xml",
        "workbook": "xl/workbook.xml",
        "styles": "xl/styles.xml",
        "content_types": "[Content_Types].xml",
        "no_sheet": "xl/worksheets/sheet1.xml",
    }[name]
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.namelist():
            if item == part and name == "no_sheet":
                continue
            target.writestr(item, b"<<<bukan xml" if item == part else source.read(item))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name",
    [
        "truncated",
        "random",
        "csv_named_xlsx",
        "sheet",
        "workbook",
        "styles",
        "content_types",
        "no_sheet",
    ],
)
def test_a_damaged_xlsx_is_refused(aturan, tmp_path, name):
    path = tmp_path / "kohort.xlsx"
    path.write_bytes(_damaged_xlsx(tmp_path, name))
    refused(
        aturan("batch", path, "--out", tmp_path / "out", "--workers", "1", "--as-of", AS_OF), path
    )


def _zip_bomb(path: Path, member: str, size: int = 60_000_000) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(member, "w") as handle:
            chunk = b" " * 1_000_000
            for _ in range(size // len(chunk)):
                handle.write(chunk)
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(aturan, issued, suffix):
    path = _zip_bomb(
        issued / f"bom{suffix}",
        "xl/worksheets/sheet1.xml" if suffix == ".xlsx" else "word/document.xml",
    )
    assert path.stat().st_size < 200_000
    args = (
        ["batch", path, "--out", issued / "o", "--workers", "1"]
        if suffix == ".xlsx"
        else ["verify", path, "--registry", issued / "reg.sqlite"]
    )
    refused(aturan(*args), path, "bom zip")


# --- 6. Safe output ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x","klik")']
)
def test_csv_cells_are_neutralised_against_formula_injection(aturan, tmp_path, name):
    path = write_csv(tmp_path / "kohort.csv", [cohort_row(1, name=name + " Budi")])
    result = aturan("batch", path, "--out", tmp_path / "out", "--workers", "1", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    with (tmp_path / "out" / "keputusan.csv").open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert row["name"] == "'" + name + " Budi"


HYPERLINK = '=HYPERLINK("http://x","y")'


def _issue_named(aturan, tmp_path, name):
    case = tmp_path / "kasus.yaml"
    case.write_text(BUDI.replace("name: Budi Santoso", f"name: '{name}'"), encoding="utf-8")
    out = tmp_path / "out"
    result = aturan(
        "issue", "--registri-baru", case, "--out", out, "--registry", tmp_path / "reg.sqlite",
        "--as-of", AS_OF, "--issue-date", "2026-02-02",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize("name", [HYPERLINK, "@cmd", "+SUM(A1)", "-2+3 Budi"])
def test_registry_list_csv_writes_a_formula_name_inert(aturan, tmp_path, name):
    _issue_named(aturan, tmp_path, name)
    listing = tmp_path / "daftar.csv"
    args = ["registry", "list", "--format", "csv", "--registry", tmp_path / "reg.sqlite"]
    assert aturan(*args, "--out", listing).exit_code == 0
    with listing.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {row["Nama"] for row in rows} == {"'" + name}
    echoed = csv.DictReader(aturan(*args).output.splitlines())
    assert {row["Nama"] for row in echoed} == {"'" + name}


@pytest.mark.parametrize(
    "cell, written",
    [("-5", "-5"), ("+3", "+3"), ("-1.5e3", "-1.5e3"), (-5, -5), ("-", "'-"), ("-5+A1", "'-5+A1"),
     ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("@SUM(A1)", "'@SUM(A1)"), ("Budi", "Budi")],
)  # fmt: skip
def test_a_negative_number_stays_a_number_and_a_formula_is_quoted(cell, written):
    """One rule for every CSV (OWASP): text a spreadsheet would run gets an apostrophe; a plain
    number, even with a sign, is data and is written as it is."""
    from aturan.files import safe_cell

    assert safe_cell(cell) == written


def test_the_manifest_writes_a_formula_name_inert(aturan, tmp_path):
    out = _issue_named(aturan, tmp_path, HYPERLINK)
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {row["nama"] for row in rows} == {"'" + HYPERLINK}


@pytest.mark.parametrize("output", ["keputusan.csv", "keputusan.jsonl", "kelompok-coaching.csv"])
def test_a_planted_symlink_is_replaced_not_written_through(aturan, tmp_path, output):
    target = tmp_path / "precious.txt"
    target.write_text("jangan ditimpa", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / output).symlink_to(target)
    path = write_csv(tmp_path / "kohort.csv", [cohort_row(1)])
    assert aturan("batch", path, "--out", out, "--workers", "1", "--as-of", AS_OF).exit_code == 0
    assert target.read_text(encoding="utf-8") == "jangan ditimpa"
    assert not (out / output).is_symlink() and (out / output).stat().st_size > 0
    assert not [p for p in out.iterdir() if p.name.startswith(".")], (
        "no temporary file is left behind"
    )


def test_issue_replaces_a_symlink_planted_at_the_document_name(aturan, tmp_path):
    case = tmp_path / "kasus.yaml"
    case.write_text(BUDI, encoding="utf-8")
    args = [
        "issue",
        "--registri-baru",
        case,
        "--out",
        tmp_path / "out",
        "--registry",
        tmp_path / "r.sqlite",
        "--as-of",
        AS_OF,
        "--issue-date",
        "2026-02-02",
    ]
    assert aturan(*args).exit_code == 0
    document = next((tmp_path / "out").glob("*.docx"))
    target = tmp_path / "precious.txt"
    target.write_text("jangan ditimpa", encoding="utf-8")
    document.unlink()
    document.symlink_to(target)
    assert aturan(*args).exit_code == 0
    assert target.read_text(encoding="utf-8") == "jangan ditimpa" and not document.is_symlink()


def _stamp_and_bundle(args):
    from aturan.documents import pdf

    folder, rounds = args
    files = sorted(Path(folder).glob("doc-*.pdf"))
    import datetime as dt

    for _ in range(rounds):
        for index, path in enumerate(files):
            pdf.stamp(
                path,
                title=f"T{index}",
                subject="s",
                number=f"N{index}",
                decision_id="d",
                rules_version="v",
                content_hash="h",
                issue_date=dt.date(2026, 2, 2),
            )
        pdf.bundle(files, Path(folder) / "bundel-cetak.pdf")


def test_concurrent_stamp_and_bundle_into_one_folder_never_corrupt_a_file(tmp_path):
    import multiprocessing

    from pypdf import PdfReader, PdfWriter

    for index in range(6):
        writer = PdfWriter()
        for _ in range(3):
            writer.add_blank_page(595, 842)
        with open(tmp_path / f"doc-{index}.pdf", "wb") as handle:
            writer.write(handle)
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_stamp_and_bundle, [(str(tmp_path), 3)] * 4)
    for index in range(6):
        reader = PdfReader(str(tmp_path / f"doc-{index}.pdf"))
        assert len(reader.pages) == 3 and reader.metadata["/AturanNumber"] == f"N{index}"
    assert len(PdfReader(str(tmp_path / "bundel-cetak.pdf")).pages) == 18
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("command", ["batch", "compare", "issue"])
def test_an_output_folder_that_is_a_file_is_refused(aturan, tmp_path, command):
    blocker = tmp_path / "out"
    blocker.write_text("berkas", encoding="utf-8")
    path = write_csv(tmp_path / "kohort.csv", [cohort_row(1)])
    extra = (
        ["--registry", tmp_path / "r.sqlite", "--registri-baru"]
        if command == "issue"
        else ["--workers", "1"]
    )
    refused(
        aturan(command, path, "--out", blocker, *extra, "--as-of", AS_OF),
        blocker,
        "folder keluaran",
    )
    assert blocker.read_text(encoding="utf-8") == "berkas"


# --- 7. Registry and verify ---------------------------------------------------------------------


@pytest.fixture
def issued(aturan, tmp_path):
    case = tmp_path / "kasus.yaml"
    case.write_text(BUDI, encoding="utf-8")
    result = aturan(
        "issue",
        "--registri-baru",
        case,
        "--out",
        tmp_path / "out",
        "--registry",
        tmp_path / "reg.sqlite",
        "--as-of",
        AS_OF,
        "--issue-date",
        "2026-02-02",  # before the training starts: its design is timely
    )
    assert result.exit_code == 0, result.stderr
    return tmp_path


REGISTRY_COMMANDS = {
    "list": ["registry", "list"],
    "show": ["registry", "show", "0001/SKM/PKASN/2026"],
    "revoke": ["registry", "revoke", "--ya", "0001/SKM/PKASN/2026", "--reason", "uji"],
    "audit": ["registry", "audit"],
}


@pytest.mark.parametrize("command", sorted(REGISTRY_COMMANDS))
@pytest.mark.parametrize("where", ["file", "nested"])
def test_registry_commands_never_create_a_registry(aturan, tmp_path, command, where):
    path = tmp_path / "tidak-ada.sqlite" if where == "file" else tmp_path / "a" / "b" / "reg.sqlite"
    refused(aturan(*REGISTRY_COMMANDS[command], "--registry", path), path, "tidak ditemukan")
    assert not path.exists() and not (tmp_path / "a").exists()


def test_verify_never_creates_a_registry(aturan, issued, tmp_path):
    document = next((issued / "out").glob("*.docx"))
    path = tmp_path / "x" / "reg.sqlite"
    refused(aturan("verify", document, "--registry", path), path, "tidak ditemukan")
    assert not (tmp_path / "x").exists()


NOT_REGISTRIES = {
    "text": b"ini bukan basis data\n" * 10,
    "random": bytes(range(256)) * 8,
    "pdf": b"%PDF-1.4\n%%EOF\n",
    "foreign_sqlite": "SQLITE",
    "empty": b"",
    "folder": "DIR",
}


@pytest.mark.parametrize("command", ["list", "audit", "verify"])
@pytest.mark.parametrize("kind", sorted(NOT_REGISTRIES))
def test_a_file_that_is_not_a_registry_is_refused(aturan, issued, tmp_path, command, kind):
    path = tmp_path / "bukan.sqlite"
    content = NOT_REGISTRIES[kind]
    if content == "DIR":
        path.mkdir()
    elif content == "SQLITE":
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE other (x)")
        db.commit()
        db.close()
    else:
        path.write_bytes(content)
    before = path.read_bytes() if path.is_file() else None
    args = (
        ["verify", next((issued / "out").glob("*.docx"))]
        if command == "verify"
        else REGISTRY_COMMANDS[command]
    )
    refused(aturan(*args, "--registry", path), path, "registri")
    if before is not None:
        assert path.read_bytes() == before, "a refused registry is left untouched"


def _real_docx(issued):
    return next((issued / "out").glob("*.docx")).read_bytes()


BAD_DOCUMENTS = {
    "empty.pdf": lambda issued: b"",
    "header_only.pdf": lambda issued: b"%PDF-1.7\n",
    "truncated.pdf": lambda issued: (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    ),
    "random.pdf": lambda issued: bytes(range(256)) * 4,
    "html.pdf": lambda issued: b"<html><body>bukan pdf</body></html>",
    "zip.pdf": lambda issued: _real_docx(issued),
    "empty.docx": lambda issued: b"",
    "text.docx": lambda issued: b"bukan zip",
    "truncated.docx": lambda issued: _real_docx(issued)[:2000],
    "pdf_as.docx": lambda issued: b"%PDF-1.4\n%%EOF\n",
    "empty_zip.docx": lambda issued: b"PK\x05\x06" + b"\x00" * 18,
}


@pytest.mark.parametrize("name", sorted(BAD_DOCUMENTS))
def test_verify_refuses_an_unreadable_document(aturan, issued, name):
    path = issued / name
    path.write_bytes(BAD_DOCUMENTS[name](issued))
    refused(aturan("verify", path, "--registry", issued / "reg.sqlite"), path, "dapat dibaca")


@pytest.mark.parametrize("name", ["missing.pdf", "folder.pdf", "notes.txt"])
def test_verify_refuses_a_missing_folder_or_other_file(aturan, issued, name):
    path = issued / name
    if name == "folder.pdf":
        path.mkdir()
    elif name == "notes.txt":
        path.write_text("x")
    refused(aturan("verify", path, "--registry", issued / "reg.sqlite"), path)


def test_registry_output_drops_control_and_bidi_characters(aturan, issued):
    db = sqlite3.connect(issued / "reg.sqlite")
    db.execute("UPDATE documents SET name = ?", ("Budi Sa\u202eosotn\x1b[31m",))
    db.commit()
    db.close()
    result = aturan("registry", "list", "--registry", issued / "reg.sqlite")
    assert (
        result.exit_code == 0 and "\u202e" not in result.output and "\x1b[31m" not in result.output
    )
    number = (
        sqlite3.connect(issued / "reg.sqlite").execute("SELECT number FROM documents").fetchone()[0]
    )
    shown = aturan("registry", "show", number, "--registry", issued / "reg.sqlite")
    assert "\u202e" not in shown.output and "\x1b" not in shown.output


@pytest.mark.parametrize("reason", ["dicabut\u202e", "salah\x1b[2J", "a\x00b"])
def test_a_revocation_reason_with_control_characters_is_refused(aturan, issued, reason):
    number = (
        sqlite3.connect(issued / "reg.sqlite").execute("SELECT number FROM documents").fetchone()[0]
    )
    result = aturan(
        "registry",
        "revoke",
        "--ya",
        number,
        "--reason",
        reason,
        "--registry",
        issued / "reg.sqlite",
    )
    assert (
        result.exit_code == 2 and "--reason" in result.stderr and "tidak diizinkan" in result.stderr
    )
    assert (
        sqlite3.connect(issued / "reg.sqlite")
        .execute("SELECT COUNT(*) FROM documents WHERE status='revoked'")
        .fetchone()[0]
        == 0
    )


@pytest.mark.parametrize(
    "value", ["2024-05-10 23:59:00", "2024-05-10T08:30:00+07:00", "2024-05-10t12:00:00Z"]
)
def test_a_yaml_date_with_a_time_of_day_is_refused_not_truncated(aturan, tmp_path, value):
    path = tmp_path / "kasus.yaml"
    path.write_text(BUDI.replace("date: 2024-05-10", f"date: {value}"), encoding="utf-8")
    refused(aturan("decide", path, "--as-of", AS_OF), path, "'assessments[0].date'", "kasus.yaml:9")


# --- 8. Numbering format, before any number is taken --------------------------------------------

FORMATS = {
    "no_code": "{seq:04d}/PKASN/{year}",
    "no_seq": "{code}/PKASN/{year}",
    "unknown": "{seq:04d}/{code}/{nomor}",
    "positional": "{seq:04d}/{code}/{0}",
    "empty_braces": "{seq:04d}/{code}/{}",
    "unclosed": "{seq:04d}/{code}/{year",
    "stray_close": "{seq:04d}/{code}}",
    "bad_spec": "{seq:q}/{code}",
    "attribute": "{seq.real}/{code}",
    "index": "{seq[0]}/{code}",
    "empty": "",
    "number": 123,
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_bad_numbering_format_is_refused_before_any_number_is_taken(aturan, tmp_path, name):
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    config["numbering"]["format"] = FORMATS[name]
    config_path = tmp_path / "institution.yaml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    case = tmp_path / "kasus.yaml"
    case.write_text(BUDI, encoding="utf-8")
    result = aturan(
        "issue",
        "--registri-baru",
        case,
        "--out",
        tmp_path / "out",
        "--registry",
        tmp_path / "r.sqlite",
        "--config",
        config_path,
        "--as-of",
        AS_OF,
    )
    refused(result, config_path, "'numbering.format'", "format penomoran")
    assert not (tmp_path / "r.sqlite").exists(), "no registry, so no number was taken"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


FAKE_SOFFICE = """#!/bin/sh
# A stand-in for LibreOffice: 'converts' each DOCX by copying a blank PDF, slowly, and records
# any profile that two processes use at the same time (real LibreOffice breaks when they do).
outdir=""; profile=""; files=""
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) outdir="$2"; shift ;;
    -env:UserInstallation=*) profile="${1#-env:UserInstallation=file://}" ;;
    --*) ;;
    *) files="$files $1" ;;
  esac
  shift
done
if ! mkdir "$profile.in-use" 2>/dev/null; then echo "shared $profile" >> "$CLASH_LOG"; fi
for f in $files; do
  name=$(basename "$f" .docx)
  head -c 300 "$BLANK_PDF" > "$outdir/$name.pdf"; sleep 0.05; cat "$BLANK_PDF" > "$outdir/$name.pdf"
done
sleep 0.2
rmdir "$profile.in-use" 2>/dev/null
exit 0
"""


@pytest.mark.slow
def test_concurrent_issue_pdf_runs_into_one_folder_never_corrupt_each_other(tmp_path):
    import subprocess
    import sys

    from pypdf import PdfReader, PdfWriter

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "soffice").write_text(FAKE_SOFFICE)
    (bin_dir / "soffice").chmod(0o755)
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with open(tmp_path / "blank.pdf", "wb") as handle:
        writer.write(handle)
    cohort = write_csv(tmp_path / "kohort.csv", [cohort_row(i) for i in range(1, 4)])
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "BLANK_PDF": str(tmp_path / "blank.pdf"),
        "CLASH_LOG": str(tmp_path / "clash.log"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "ATURAN_ROOT": str(ROOT),
        "PYTHONPATH": str(ROOT / "src"),
    }
    out = tmp_path / "out"
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aturan.cli",
                "issue",
                "--registri-baru",
                str(cohort),
                "--out",
                str(out),
                "--pdf",
                "--registry",
                str(tmp_path / "reg.sqlite"),
                "--as-of",
                AS_OF,
                "--issue-date",
                "2026-02-02",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [(run.wait(timeout=120), run.stderr.read().decode()) for run in runs]
    assert all(code == 0 for code, _ in results), results
    assert not (tmp_path / "clash.log").exists(), (tmp_path / "clash.log").read_text()
    pdfs = sorted(out.glob("*.pdf"))
    numbers = [
        r[0]
        for r in sqlite3.connect(tmp_path / "reg.sqlite").execute("SELECT number FROM documents")
    ]
    assert len(pdfs) == len(numbers) + 1  # every document, and the print bundle
    for pdf in pdfs:
        reader = PdfReader(str(pdf))
        if pdf.name != "bundel-cetak.pdf":
            assert pdf.stem.startswith(reader.metadata["/AturanNumber"].replace("/", "-") + "-")
    assert len(PdfReader(str(out / "bundel-cetak.pdf")).pages) == len(numbers)
    assert not [p for p in out.iterdir() if p.name.startswith(".")], (
        "no temporary file or folder is left"
    )
