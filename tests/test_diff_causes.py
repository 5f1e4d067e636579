"""`diff` read right: each changed field under the smallest set of the reform's changes that causes
it (so a participant changed by two independent changes is counted under both, never "gabungan"),
out-of-scope participants whose changes are only informational listed apart and not counted as
changed, and every date field saying what it dates."""

import csv
import json
import re

import pytest

MS_MIN = (
    "  - id: jpm.selection.ms_min\n"
    "    from: 2026-01-01\n"
    "    value: 85\n"
    "    reference: ['rancangan:pasal-8']\n"
)
SUBJECTS = (
    "  - id: curriculum.never_waivable_subjects\n"
    "    from: 2026-01-01\n"
    "    value: {add: [pka.manajemen_perubahan_sektor_publik]}\n"
    "    reference: ['rancangan:pasal-9']\n"
)
CLAUSES = (
    "new_clauses:\n"
    "  - {id: 'rancangan:pasal-8', citation: Rancangan Pasal 8 (draf), text: Batas MS 85.}\n"
    "  - {id: 'rancangan:pasal-9', citation: Rancangan Pasal 9 (draf), text: Wajib diikuti.}\n"
)
PARTICIPANT = re.compile(r"^(\d{18}) .+:$")

# `make test` runs the module on one worker (xdist_group): its cohort is made once.
pytestmark = pytest.mark.xdist_group("diff_causes")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    from click.testing import CliRunner

    from aturan.cli import main

    path = tmp_path_factory.mktemp("diff") / "kohort.csv"
    result = CliRunner().invoke(main, ["sample", "--size", "200", "--seed", "3", "--out", path])
    assert result.exit_code == 0, result.output
    return path


def _reform(tmp_path, name, *parameters):
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\n{CLAUSES}parameters:\n{''.join(parameters)}", encoding="utf-8")
    return path


def _diff(aturan, cohort, *args):
    result = aturan("diff", cohort, *args, "--as-of", "2026-03-01")
    assert result.exit_code == 0, result.output + result.stderr
    return result.output


def _changed(output):
    return int(re.search(r"^(\d+) peserta berubah", output, re.M).group(1))


def _blocks(output):
    """nip -> [(field line, cause)] for the participants listed as changed: each group of field
    lines is followed by the line naming its cause."""
    blocks, current, pending = {}, None, []
    for line in output.split("\n\n")[0].splitlines():
        found = PARTICIPANT.match(line)
        if found:
            current, pending = blocks.setdefault(found.group(1), []), []
        elif current is not None and line.startswith("    sebab: "):
            current += [(field, line.removeprefix("    sebab: ")) for field in pending]
            pending = []
        elif current is not None and line.startswith("    "):
            pending.append(line.strip())
    return blocks


@pytest.mark.slow
def test_each_field_is_filed_under_the_change_that_alone_causes_it(aturan, tmp_path, cohort):
    both = _diff(aturan, cohort, "--reform", _reform(tmp_path, "dua", MS_MIN, SUBJECTS))
    blocks = _blocks(both)
    assert len(blocks) == _changed(both)
    # a participant changed by both: the category from ms_min, the hours from the subject list
    mixed = [
        fields
        for fields in blocks.values()
        if any(f.startswith("kategori:") for f, _ in fields)
        and any(f.startswith("JP dibebaskan:") for f, _ in fields)
    ]
    assert mixed
    for fields in mixed:
        causes = {f.split(":")[0]: cause for f, cause in fields}
        assert causes["kategori"] == "parameter jpm.selection.ms_min"
        assert causes["JP dibebaskan"] == "parameter curriculum.never_waivable_subjects"
    assert "gabungan" not in both
    # each change counted for every participant it changes: as many as it changes alone
    summary = both.split("Ringkasan per sebab")[1]
    for name, part in (("ms", MS_MIN), ("mp", SUBJECTS)):
        alone = _changed(_diff(aturan, cohort, "--reform", _reform(tmp_path, name, part)))
        pid = re.search(r"id: (\S+)", part).group(1)
        counted = re.search(rf"sebab: parameter {re.escape(pid)} .*: (\d+) peserta", summary)
        assert int(counted.group(1)) == alone > 0
        named = sum(any(c == f"parameter {pid}" for _, c in f) for f in blocks.values())
        assert named == alone


def test_out_of_scope_informational_changes_are_listed_apart_and_dates_say_what_they_date(
    aturan, tmp_path, cohort
):
    out = tmp_path / "perubahan.jsonl"
    output = _diff(aturan, cohort, "--param", "assessment.validity_years=2", "--out", out)
    batch = aturan("batch", cohort, "--out", tmp_path / "b", "--as-of", "2026-03-01")
    assert batch.exit_code == 0, batch.stderr
    with open(tmp_path / "b" / "keputusan.csv", encoding="utf-8") as handle:
        in_scope = {row["nip"]: row["in_scope"] == "Ya" for row in csv.DictReader(handle)}
    blocks = _blocks(output)
    assert len(blocks) == _changed(output)
    apart = output.split("hanya berubah pada isian informatif")[1].split("\n\n")[0]
    listed = re.findall(r"^  (\d{18}) ", apart, re.M)
    assert listed and not set(listed) & set(blocks)
    assert all(not in_scope[nip] for nip in listed)
    assert f"{len(listed)} peserta bukan sasaran hanya berubah pada isian informatif" in output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {x["nip"] for x in lines if x["informational"]} == set(listed)
    # date fields name what they date
    assert "    batas langkah berikutnya: - -> " in output
    assert "    tanggal mulai langkah berikutnya: " in output
    assert not re.search(r"^    (mulai|sampai):", output, re.M)
    assert "isian: batas langkah berikutnya (sebab: parameter assessment.validity_years)" in output
