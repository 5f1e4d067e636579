"""A rulebook loaded again in the same process (the test suite, a desk) comes from memory, but
never stale: changed files are read again, and what one caller changes no other caller sees."""

from pathlib import Path

from aturan.law import load_rulebook


def test_an_edited_rule_file_is_read_again(project_copy):
    before = load_rulebook(project_copy)
    first = before.rules[0]
    rule_file = Path(first.file)
    text = rule_file.read_text(encoding="utf-8")
    assert first.title in text
    rule_file.write_text(text.replace(first.title, first.title + " (diubah)", 1), encoding="utf-8")

    after = load_rulebook(project_copy)

    assert after.version != before.version
    assert after.rule(first.id).title == first.title + " (diubah)"


def test_each_caller_gets_its_own_rulebook(project_copy):
    mine = load_rulebook(project_copy)
    mine.rules.clear()
    mine.parameters.clear()

    theirs = load_rulebook(project_copy)

    assert theirs.rules and theirs.parameters
    assert theirs.version == mine.version
