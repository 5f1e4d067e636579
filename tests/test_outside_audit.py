"""An audit an outsider can run (issue 22, item 6): the audit log is signed with Ed25519, so an
auditor holding only the public key checks it and cannot write an entry that passes; registries of
the HMAC format keep their old entries checkable by the key holder; `replay` never says `identik`
for an edited row; `audit --out`, `registry show --rinci` and `--version`. Through the real CLI,
on SQLite and on PostgreSQL where the registry is involved."""

import json
import secrets
import shutil

import pytest
from conftest import ROOT
from test_records import COHORT, issue, numbers
from test_registry_api import issue as issue_one
from test_registry_schema import CODES, PLAIN, V1_KEY, V1_REGISTRY, V1_SIGNING_KEY
from test_registry_tamper import attack, rows

from aturan.documents import Registry
from aturan.documents.registry_key import (
    canonical,
    entry_hash,
    entry_message,
    public_key_of,
    public_pem,
    sign,
)
from aturan.errors import AturanError


@pytest.fixture
def issued(aturan, registry_url, tmp_path):
    """The sample cohort issued into a new registry: (registry, the number of its first STTP)."""
    issue(aturan, COHORT, tmp_path / "dok", registry_url)
    return registry_url, numbers(aturan, registry_url, "--type", "sttp")[0]


@pytest.fixture
def public_key(aturan, tmp_path):
    """The registry's public key, as the institution hands it to an auditor."""
    path = tmp_path / "registry.pub"
    result = aturan("keys", "export-public", "--out", path)
    assert result.exit_code == 0 and "penanda" in result.output, result.stderr
    assert path.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    return path


def audit(aturan, registry, *extra):
    return aturan("registry", "audit", "--registry", registry, *extra)


def test_replay_of_an_edited_row_is_not_identik_and_names_the_change(aturan, issued):
    registry, number = issued
    assert "identik" in aturan("replay", number, "--registry", registry).output
    attack(registry, ("UPDATE documents SET name='Orang Lain' WHERE number=?", (number,)))
    result = aturan("replay", number, "--registry", registry)
    assert result.exit_code == 1, (result.output, result.stderr)
    assert "identik:" not in result.output
    assert f"BERBEDA: baris registri dokumen {number}" in result.output
    assert "name: 'Budi Santoso' → 'Orang Lain'" in result.output
    shown = aturan("registry", "show", number, "--registry", registry)
    assert shown.output.startswith("PERINGATAN: baris ini tidak dapat dipercaya")


def test_an_auditor_with_only_the_public_key_passes_an_untouched_registry_and_finds_an_edit(
    aturan, issued, public_key, monkeypatch
):
    registry, number = issued
    # the auditor has no secret key at all: neither variable nor file is read
    monkeypatch.setenv("ATURAN_REGISTRY_KEY", "bukan kunci")
    monkeypatch.setenv("ATURAN_REGISTRY_SIGNING_KEY", "bukan kunci")
    clean = audit(aturan, registry, "--public-key", public_key)
    assert clean.exit_code == 0, (clean.output, clean.stderr)
    assert "kunci publik saja" in clean.output and "utuh" in clean.output
    attack(registry, ("UPDATE documents SET nip='200001012020011001' WHERE number=?", (number,)))
    edited = audit(aturan, registry, "--public-key", public_key)
    assert edited.exit_code == 1 and "utuh" not in edited.output
    assert f"GALAT: dokumen {number}: isian nip berbeda" in edited.output
    assert "'198503152010011001' → '200001012020011001'" in edited.output


def test_an_entry_forged_with_the_public_key_is_refused(aturan, issued, public_key, tmp_path):
    """Whoever holds the public key computes an entry's hash exactly, but cannot sign it: an
    entry appended with a signature of their own key fails, for the auditor and the holder."""
    registry, number = issued
    last = rows(registry, "SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")[0]
    row = json.loads(
        rows(registry, "SELECT payload FROM audit_log WHERE number=? ORDER BY id", number)[-1][
            "payload"
        ]
    )["row"]
    row.update(status="revoked", revoked_reason="palsu", revoked_at="2027-02-01T00:00:00+00:00")
    body = {"action": "revoke", "at": "2027-02-01T00:00:00+00:00", "number": number}
    payload = canonical({**body, "row": row, "counter": None})
    prev = last["hash"]
    forged_signature = sign(secrets.token_bytes(32), entry_message(prev, payload))
    attack(
        registry,
        (
            "UPDATE documents SET status='revoked', revoked_reason='palsu', revoked_at=? "
            "WHERE number=?",
            (row["revoked_at"], number),
        ),
        (
            "INSERT INTO audit_log (at, action, number, payload, prev_hash, hash, signature) "
            "VALUES (?,?,?,?,?,?,?)",
            (
                body["at"],
                "revoke",
                number,
                payload,
                prev,
                entry_hash(prev, payload),
                forged_signature,
            ),
        ),
    )
    for extra in (("--public-key", public_key), ()):
        result = audit(aturan, registry, *extra)
        assert result.exit_code == 1 and "utuh" not in result.output
        assert f"entri {last['id'] + 1}: tanda tangan Ed25519 tidak sah" in result.output
        assert f"dokumen {number}: isian status" in result.output


def test_an_auditor_cannot_write(issued, public_key):
    from aturan.documents.registry_key import load_public_key

    registry, _ = issued
    store = Registry(registry, PLAIN, CODES, public_key=load_public_key(public_key), create=False)
    with pytest.raises(AturanError, match="kunci publik hanya untuk memeriksa"):
        issue_one(store, nip="199901012020011001")


def test_an_hmac_registry_migrates_and_its_old_entries_stay_checkable_by_the_key_holder(
    aturan, tmp_path
):
    """A registry of the HMAC format (tests/data/registry-v1.sqlite): after the move to Ed25519
    the key holder checks old and new entries; the auditor is told which entries need the key
    holder, and is never told the registry is verified."""
    path = tmp_path / "lama.sqlite"
    shutil.copy(V1_REGISTRY, path)
    holder = Registry(path, PLAIN, CODES, key=V1_KEY, signing_key=V1_SIGNING_KEY, create=False)
    assert holder.audit() == []
    issue_one(holder, nip="199202022016032003")
    entries = rows(path, "SELECT id, signature FROM audit_log ORDER BY id")
    assert [e["signature"] is None for e in entries] == [True] * 5 + [False]
    assert holder.audit() == []
    auditor = Registry(path, PLAIN, CODES, public_key=public_key_of(V1_SIGNING_KEY), create=False)
    report = auditor.audit_report()
    assert report.problems == [] and not report.intact
    assert "entri 1-5" in report.unchecked[0] and "pemegang kunci" in report.unchecked[0]
    assert "0001/STTP/PKASN/2026" in report.unchecked[1]
    key_file = tmp_path / "lama.pub"
    key_file.write_text(public_pem(public_key_of(V1_SIGNING_KEY)))
    result = audit(aturan, path, "--public-key", key_file)
    assert result.exit_code == 1 and "utuh" not in result.output
    assert "BELUM TERVERIFIKASI" in result.output
    assert "PERLU PEMEGANG KUNCI: 5 entri log audit ber-MAC HMAC" in result.output
    attack(path, ("UPDATE documents SET name='Orang Lain' WHERE seq=1 AND doc_type='sttp'",))
    assert any("isian name" in p for p in holder.audit())
    assert any("isian name" in p for p in auditor.audit_report().problems)


def test_audit_out_writes_every_problem(aturan, issued, tmp_path):
    registry, number = issued
    attack(
        registry,
        ("UPDATE documents SET name='Orang Lain' WHERE number=?", (number,)),
        ("UPDATE counters SET last_seq=last_seq+5 WHERE doc_type='sttp'",),
    )
    report = tmp_path / "laporan" / "audit.txt"
    result = audit(aturan, registry, "--out", report)
    assert result.exit_code == 1 and "3 masalah." in result.output
    assert "GALAT" not in result.output and str(report) in result.output
    text = report.read_text(encoding="utf-8")
    problems = [line for line in text.splitlines() if line.startswith("GALAT: ")]
    assert len(problems) == 3, text  # the name, and the counter against the numbers and the log
    assert any(number in p and "isian name" in p for p in problems)
    assert any("penghitung sttp" in p for p in problems)


def test_registry_show_rinci_prints_the_case_the_rules_and_their_clauses(aturan, issued):
    registry, number = issued
    result = aturan("registry", "show", number, "--rinci", "--registry", registry)
    assert result.exit_code == 0, result.stderr
    assert "Kasus yang tercatat" in result.output and '"nip": "198503152010011001"' in result.output
    assert "Aturan yang berlaku dalam keputusan" in result.output
    assert "cakupan.petahana-tanpa-bukti" in result.output
    assert "Dasar: Makalah Kebijakan LAN 2023, Bab IV.A.1.a" in result.output
    plain = aturan("registry", "show", number, "--registry", registry).output
    assert "Aturan yang berlaku" not in plain


def test_version_prints_the_five_parts(aturan):
    from aturan.documents.record import version_parts

    result = aturan("--version")
    assert result.exit_code == 0 and result.output.startswith("aturan 0.1.0")
    parts = version_parts(ROOT, ROOT / "config" / "institution.yaml")
    for name in ("rules", "regulations", "code", "templates", "config"):
        assert f"  {name}: {parts[name]}" in result.output
