"""Random YAML, JSON, CSV and XLSX structures through every reading command: no traceback, ever.

Each command either does its work (exit 0), reports bad rows while doing the rest (exit 1), or
refuses the input with one message (exit 2). Anything else (an exception escaping to click,
a "Traceback" on the terminal) fails the test, and hypothesis shrinks it to the smallest input.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from aturan.cases import COLUMNS, CORE_COLUMNS

BUDI = yaml.safe_load(
    (ROOT / "samples" / "budi-petahana-administrator.yaml").read_text(encoding="utf-8")
)
REFORM = ROOT / "reforms" / "masa-berlaku-2-tahun.yaml"
pytestmark = pytest.mark.slow  # minutes of random inputs: `make test` runs them, test-fast not
EXAMPLES = int(os.environ.get("ATURAN_HOSTILE_EXAMPLES", "40"))  # raise it to hunt longer
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)

KEYS = [
    "nip",
    "name",
    "position",
    "tier",
    "role",
    "program",
    "training",
    "start",
    "end",
    "assessments",
    "date",
    "purpose",
    "levels",
    "jpm",
    "evidence",
    "events",
    "type",
    "result",
    "cases",
    "integritas",
    "case",
    "as_of",
    "expect",
    "parameters",
    "rules",
    "new_clauses",
    "id",
    "value",
    "from",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(
        [
            "198503152010011001",
            "2026-02-01",
            "9999-12-31",
            "pka",
            "incumbent",
            "administrator",
            "seleksi",
            "lulus",
            "final_evaluation",
            "\u202e",
            "=1+1",
            "١٩٨٥",
            ".nan",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner, max_size=5),
    ),
    max_leaves=25,
)


def _set(document, path, value):
    """Put `value` at `path`, if an earlier replacement left that path standing."""
    node = document
    for key in path[:-1]:
        if (
            isinstance(node, dict)
            and key in node
            or isinstance(node, list)
            and isinstance(key, int)
            and key < len(node)
        ):
            node = node[key]
        else:
            return
    last = path[-1]
    if (
        isinstance(node, dict)
        or isinstance(node, list)
        and isinstance(last, int)
        and last < len(node)
    ):
        node[last] = value


PATHS = [
    ("nip",),
    ("name",),
    ("position",),
    ("position", "tier"),
    ("role",),
    ("program",),
    ("training",),
    ("training", "start"),
    ("training", "end"),
    ("assessments",),
    ("assessments", 0),
    ("assessments", 0, "date"),
    ("assessments", 0, "levels"),
    ("assessments", 0, "levels", "integritas"),
    ("assessments", 0, "purpose"),
    ("events",),
    ("evidence",),
]


@st.composite
def case_documents(draw):
    """Either a random structure or a valid case with one part replaced by one."""
    if draw(st.booleans()):
        return draw(values)
    document = json.loads(json.dumps(BUDI, default=str))
    for _ in range(draw(st.integers(1, 3))):
        _set(document, draw(st.sampled_from(PATHS)), draw(values))
    return document


def _dump(document, suffix: str) -> str:
    if suffix == ".json":
        return json.dumps(document, default=str, allow_nan=True)
    return yaml.safe_dump(document, allow_unicode=True)


def _run(aturan, args):
    result = aturan(*args)
    text = result.stderr + result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in text
    assert result.exit_code in (0, 1, 2), text
    return result


CASE_COMMANDS = ["decide", "explain", "issue", "test", "reform"]


@SETTINGS
@given(
    document=case_documents(),
    suffix=st.sampled_from([".yaml", ".json"]),
    command=st.sampled_from(CASE_COMMANDS),
    test_keys=st.one_of(
        st.none(),
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "as_of",
                    "expect",
                    "fired",
                    "not_fired",
                    "model",
                    "parameters",
                    "cohort",
                    "case_file",
                    "expect_groups",
                    "assessment",
                    "extra",
                ]
            ),
            values,
            max_size=3,
        ),
    ),
)
def test_random_case_files_never_give_a_traceback(aturan, document, suffix, command, test_keys):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / f"kasus{suffix}"
        if command == "test":
            document = [
                {
                    "name": "acak",
                    "as_of": "2026-02-01",
                    "case": document,
                    "expect": {"in_scope": True},
                    **(test_keys or {}),
                }
            ]
        path.write_text(_dump(document, suffix), encoding="utf-8")
        args = {
            "decide": ["decide", path, "--as-of", "2026-02-01"],
            "explain": ["explain", path, "--as-of", "2026-02-01"],
            "issue": [
                "issue",
                "--registri-baru",
                path,
                "--out",
                folder / "out",
                "--registry",
                folder / "r.sqlite",
                "--as-of",
                "2026-02-01",
            ],
            "test": ["test", path],
            "reform": [
                "decide",
                ROOT / "samples" / "budi-petahana-administrator.yaml",
                "--reform",
                path,
                "--as-of",
                "2026-02-01",
            ],
        }[command]
        _run(aturan, args)


GOOD_ROW = {
    "nip": "198503152010011001",
    "name": "Budi",
    "position_tier": "administrator",
    "role": "incumbent",
    "program": "pka",
    "training_start": "2026-03-02",
    "training_end": "2026-06-30",
    "assessment_date": "2025-05-10",
    "assessment_purpose": "seleksi",
    "assessment_jpm": "88.5",
    **{c: "3" for c in CORE_COLUMNS[15:]},
}
cells = st.one_of(
    st.none(),
    st.text(max_size=10),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["=1+1", "=A1", "9999-12-31", "2025-05-10 23:59", "85,5%", "NaN", "١٢٣"]),
)


@st.composite
def tables(draw):
    """A header (usually the core columns, sometimes any) and rows mixing good and random cells."""
    header = (
        list(CORE_COLUMNS)
        if draw(st.booleans())
        else draw(st.lists(st.one_of(st.sampled_from(COLUMNS), st.text(max_size=5)), max_size=12))
    )
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = [GOOD_ROW.get(c) for c in header]
        for _ in range(draw(st.integers(0, 4))):
            if row:
                row[draw(st.integers(0, len(row) - 1))] = draw(cells)
        if draw(st.booleans()):
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(cells, max_size=2))
        rows.append(row)
    return header, rows


def _write_table(path: Path, header, rows) -> None:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([["" if c is None else str(c) for c in row] for row in rows])
        return
    book = Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append([c if not isinstance(c, str) or c.isprintable() else "x" for c in row])
    book.save(path)


COHORT_COMMANDS = ["batch", "compare", "diff", "issue"]


def _cohort_args(command, path, folder):
    return {
        "batch": [
            "batch",
            path,
            "--out",
            folder / "out",
            "--workers",
            "1",
            "--as-of",
            "2026-02-01",
        ],
        "compare": [
            "compare",
            path,
            "--out",
            folder / "out",
            "--workers",
            "1",
            "--as-of",
            "2026-02-01",
        ],
        "diff": ["diff", path, "--reform", REFORM, "--workers", "1", "--as-of", "2026-02-01"],
        "issue": [
            "issue",
            "--registri-baru",
            path,
            "--out",
            folder / "out",
            "--registry",
            folder / "r.sqlite",
            "--as-of",
            "2026-02-01",
        ],
    }[command]


@SETTINGS
@given(
    table=tables(),
    suffix=st.sampled_from([".csv", ".xlsx"]),
    command=st.sampled_from(COHORT_COMMANDS),
)
def test_random_csv_and_xlsx_cohorts_never_give_a_traceback(aturan, table, suffix, command):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / f"kohort{suffix}"
        _write_table(path, *table)
        _run(aturan, _cohort_args(command, path, folder))


@SETTINGS
@given(
    documents=st.one_of(values, st.lists(case_documents(), max_size=3)),
    suffix=st.sampled_from([".yaml", ".json"]),
    command=st.sampled_from(COHORT_COMMANDS),
)
def test_random_yaml_and_json_cohorts_never_give_a_traceback(aturan, documents, suffix, command):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / f"kohort{suffix}"
        path.write_text(_dump(documents, suffix), encoding="utf-8")
        _run(aturan, _cohort_args(command, path, folder))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.binary(max_size=300),
    suffix=st.sampled_from([".pdf", ".docx"]),
    as_registry=st.booleans(),
)
def test_random_bytes_to_verify_and_registry_never_give_a_traceback(
    aturan, content, suffix, as_registry
):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / ("reg.sqlite" if as_registry else f"dokumen{suffix}")
        path.write_bytes(content)
        if as_registry:
            _run(aturan, ["registry", "audit", "--registry", path])
            _run(aturan, ["registry", "list", "--registry", path])
        else:
            (folder / "kasus.yaml").write_text(
                yaml.safe_dump(json.loads(json.dumps(BUDI, default=str)))
            )
            _run(
                aturan,
                [
                    "issue",
                    "--registri-baru",
                    folder / "kasus.yaml",
                    "--out",
                    folder / "out",
                    "--registry",
                    folder / "r.sqlite",
                    "--as-of",
                    "2026-02-01",
                ],
            )
            assert _run(aturan, ["verify", path, "--registry", folder / "r.sqlite"]).exit_code != 0


@settings(
    max_examples=max(10, EXAMPLES // 2),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    document=st.one_of(
        values,
        st.fixed_dictionaries({"rules": st.lists(values, max_size=3)}),
        st.fixed_dictionaries({"parameters": st.lists(values, max_size=3)}),
        st.fixed_dictionaries({"formulas": st.lists(values, max_size=3)}),
    )
)
def test_random_rule_files_never_give_a_traceback_in_rules_check(aturan, project_copy, document):
    (project_copy / "rules" / "99-acak.yaml").write_text(
        yaml.safe_dump(document, allow_unicode=True), encoding="utf-8"
    )
    result = aturan("rules", "check", root=project_copy)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.stderr + result.output and result.exit_code in (0, 1, 2)


@pytest.mark.parametrize("value", ["true", "5", "teks", "{a: 1}"])
def test_a_rule_file_section_that_is_not_a_list_is_named_at_its_line(aturan, project_copy, value):
    """Found by the random rule files above ({"parameters": True} gave a TypeError)."""
    (project_copy / "rules" / "99-acak.yaml").write_text(
        f"rules: []\nparameters: {value}\n", encoding="utf-8"
    )
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code == 1 and isinstance(result.exception, (SystemExit, type(None)))
    assert "99-acak.yaml:2: bagian 'parameters' harus berupa daftar" in result.stderr
