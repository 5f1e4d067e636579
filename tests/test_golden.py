"""The golden cases in golden/ are the contract with the drafters; pytest runs each one."""

import pytest
from conftest import ROOT

from aturan.drafting import golden_files, load_golden, run_test

CASES = [(path, test) for path in golden_files([ROOT / "golden"]) for test in load_golden(path)]


@pytest.mark.parametrize("path,test", CASES, ids=[f"{p.name}:{t['name'][:60]}" for p, t in CASES])
def test_golden_case(path, test, decider):
    failures = [f"{r.name}: {f}" for r in run_test(decider, path, test) for f in r.failures]
    assert not failures, "\n".join(failures)


def test_every_rule_is_exercised_by_some_golden_case(decider):
    fired = set()
    for path, test in CASES:
        fired |= {rule for result in run_test(decider, path, test) for rule in result.fired}
    never = [r.id for r in decider.rulebook.rules if r.id not in fired]
    assert never == []


def test_aturan_test_reports_a_broken_expectation(aturan, tmp_path):
    golden = tmp_path / "broken.yaml"
    golden.write_text(
        f"""- name: harapan yang salah
  as_of: 2026-02-01
  case_file: {ROOT / "samples" / "budi-petahana-administrator.yaml"}
  expect: {{category: KMS}}
""",
        encoding="utf-8",
    )
    result = aturan("test", golden)
    assert result.exit_code == 1
    assert "GAGAL" in result.output and "category: diharapkan 'KMS', hasilnya 'MS'" in result.output
