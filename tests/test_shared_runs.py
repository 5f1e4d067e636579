"""Issue 24: institutions sharing one registry, deliberate revoking, one person's problem staying
with that person, no registry made silently, and files named for their holder."""

import csv
import sqlite3
from pathlib import Path

import pytest
import yaml
from conftest import DESIGN_RUN, ROOT
from pypdf import PdfReader

from aturan.app import load_participants
from aturan.documents import document_file_stem

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
BUDI = "198503152010011001"
SHARED = "{seq:04d}/{code}/{institution}/{year}"


def institution_config(folder: Path, code: str) -> Path:
    """The project's configuration as institution `code`, numbering with its code in a shared
    registry, with the project's keys."""
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    config["institution"]["code"] = code
    config["numbering"]["format"] = SHARED
    config["registry"]["key_file"] = str(ROOT / "keys" / "registry.key")
    config["registry"]["signing_key_file"] = str(ROOT / "keys" / "registry-signing.key")
    config["signing"]["pkcs12"] = str(ROOT / "keys" / "demo-penandatangan.p12")
    config["signing"]["trust_roots"] = [str(ROOT / "keys" / "demo-akar.pem")]
    path = folder / f"{code}.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def only(source: Path, folder: Path, nip: str) -> Path:
    cases = yaml.safe_load(source.read_text(encoding="utf-8"))["cases"]
    path = folder / f"hanya-{nip}.yaml"
    chosen = [c for c in cases if c["nip"] == nip]
    path.write_text(yaml.safe_dump({"cases": chosen}, allow_unicode=True), encoding="utf-8")
    return path


def rows_of(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def registry_rows(path: Path) -> list[dict]:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute("SELECT * FROM documents ORDER BY number")]


def shared_run(aturan, tmp_path: Path, *extra) -> tuple:
    """LAN issues Budi's design; then BPSDM-JATIM issues the whole cohort's designs into the
    same registry: Budi's is LAN's already."""
    registry = tmp_path / "bersama.sqlite"
    lan, jatim = (institution_config(tmp_path, code) for code in ("LAN", "BPSDM-JATIM"))
    first = aturan(
        "issue", only(COHORT, tmp_path, BUDI), "--out", tmp_path / "lan", "--registry", registry,
        "--registri-baru", "--config", lan, *DESIGN_RUN,
    )  # fmt: skip
    assert first.exit_code == 0, first.stderr
    out = tmp_path / "jatim"
    result = aturan(
        "issue", COHORT, "--out", out, "--registry", registry, "--config", jatim, *DESIGN_RUN,
        *extra,
    )  # fmt: skip
    return result, out, registry


def _conflict_reported(result, out: Path, registry: Path) -> list[dict]:
    assert result.exit_code == 2, result.stderr
    lan_number = next(r["number"] for r in registry_rows(registry) if r["institution"] == "LAN")
    rejected = rows_of(out / "ditolak.csv")
    budi_row = next(row for row, case in load_participants(COHORT)[0] if case.nip == BUDI)
    assert [(r["baris"], r["NIP"], r["nama"]) for r in rejected] == [
        (str(budi_row), BUDI, "Budi Santoso")
    ]
    assert lan_number in rejected[0]["pesan"] and "LAN" in rejected[0]["pesan"]
    assert "ditolak.csv" in result.output
    theirs = [r for r in registry_rows(registry) if r["institution"] == "BPSDM-JATIM"]
    manifest = rows_of(out / "manifest.csv")
    assert len(theirs) == 4 and {m["nomor"] for m in manifest} == {r["number"] for r in theirs}
    assert BUDI not in {m["nip"] for m in manifest}
    return manifest


def test_a_participant_another_institution_issued_stays_with_that_participant(aturan, tmp_path):
    result, out, registry = shared_run(aturan, tmp_path)
    manifest = _conflict_reported(result, out, registry)
    assert all((out / m["berkas_docx"]).is_file() for m in manifest)


@pytest.mark.libreoffice
def test_the_others_of_a_shared_run_get_their_signed_pdfs_and_bundle(aturan, tmp_path):
    result, out, registry = shared_run(aturan, tmp_path, "--pdf")
    manifest = _conflict_reported(result, out, registry)
    assert all((out / m["berkas_pdf"]).is_file() for m in manifest)
    assert len(PdfReader(str(out / "bundel-cetak.pdf")).pages) >= len(manifest)
    theirs = [r for r in registry_rows(registry) if r["institution"] == "BPSDM-JATIM"]
    assert all(r["pdf_fingerprint"] for r in theirs)


def test_issue_needs_a_named_registry_and_makes_one_only_when_asked(aturan, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ATURAN_REGISTRY", raising=False)
    unnamed = aturan("issue", COHORT, "--out", "dokumen", *DESIGN_RUN)
    assert unnamed.exit_code == 2 and "Traceback" not in unnamed.stderr
    assert "registri dokumen tidak ditentukan" in unnamed.stderr
    assert "--registry" in unnamed.stderr and "ATURAN_REGISTRY" in unnamed.stderr
    assert list(tmp_path.iterdir()) == []
    missing = aturan("issue", COHORT, "--out", "dokumen", "--registry", "r.sqlite", *DESIGN_RUN)
    assert missing.exit_code == 2 and "--registri-baru" in missing.stderr
    assert list(tmp_path.iterdir()) == []
    made = aturan(
        "issue", COHORT, "--out", "dokumen", "--registry", "r.sqlite", "--registri-baru",
        *DESIGN_RUN,
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    assert "Registri baru dibuat: r.sqlite" in made.output and (tmp_path / "r.sqlite").is_file()
    again = aturan("issue", COHORT, "--out", "dokumen", "--registry", "r.sqlite", *DESIGN_RUN)
    assert again.exit_code == 0 and "Registri baru" not in again.output


def _files(out: Path) -> dict[str, tuple[int, int]]:
    """Each document file's identity and time: a file written again is a new one."""
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in out.iterdir()
        if p.suffix in (".docx", ".pdf") and p.name != "bundel-cetak.pdf"
    }


def _issue_designs(aturan, out: Path, *extra):
    args = ["issue", COHORT, "--out", out, "--registry", out / "reg.sqlite", *DESIGN_RUN]
    result = aturan(*args, *extra)
    assert result.exit_code == 0, result.stderr
    return result


def test_revoking_waits_for_a_confirmation_and_names_the_next_step(aturan, tmp_path):
    out = tmp_path / "out"
    _issue_designs(aturan, out, "--registri-baru")
    number = next(r["number"] for r in registry_rows(out / "reg.sqlite") if r["nip"] == BUDI)
    args = [
        "registry",
        "revoke",
        number,
        "--reason",
        "salah nama",
        "--registry",
        out / "reg.sqlite",
    ]
    unconfirmed = aturan(*args)
    assert unconfirmed.exit_code == 2 and "--ya" in unconfirmed.stderr
    assert "Budi Santoso" in unconfirmed.output and "institusi LAN" in unconfirmed.output
    assert {r["status"] for r in registry_rows(out / "reg.sqlite")} == {"issued"}
    confirmed = aturan(*args, "--ya")
    assert confirmed.exit_code == 0, confirmed.stderr
    assert f"Dokumen {number} dicabut" in confirmed.output
    assert "Langkah berikutnya" in confirmed.output and "aturan issue" in confirmed.output
    status = {r["number"]: r["status"] for r in registry_rows(out / "reg.sqlite")}
    assert status[number] == "revoked"


def test_a_person_revoked_by_nip_is_reissued_alone(aturan, tmp_path):
    """All of one person's documents of one event revoked at once; the corrected re-issue writes
    only that person's new documents and leaves every other file untouched."""
    out = tmp_path / "out"
    _issue_designs(aturan, out, "--registri-baru")
    before = _files(out)
    revoked = aturan(
        "registry", "revoke", "--nip", BUDI, "--acara", "pka", "--reason", "salah nama",
        "--ya", "--registry", out / "reg.sqlite",
    )  # fmt: skip
    assert revoked.exit_code == 0, revoked.stderr
    rows = registry_rows(out / "reg.sqlite")
    assert {r["status"] for r in rows if r["nip"] == BUDI} == {"revoked"}
    assert {r["status"] for r in rows if r["nip"] != BUDI} == {"issued"}
    _issue_designs(aturan, out)
    after = _files(out)
    written = {name for name, stamp in after.items() if before.get(name) != stamp}
    new = [r for r in registry_rows(out / "reg.sqlite") if r["replaces"]]
    assert written == {f"{document_file_stem(r['number'], r['name'])}.docx" for r in new}
    assert len(new) == 1 and all("Budi-Santoso" in name for name in written)


@pytest.mark.libreoffice
def test_a_corrected_reissue_signs_and_bundles_only_the_replacement(aturan, tmp_path):
    out = tmp_path / "out"
    _issue_designs(aturan, out, "--registri-baru", "--pdf")
    before = _files(out)
    aturan(
        "registry", "revoke", "--nip", BUDI, "--reason", "salah nama", "--ya",
        "--registry", out / "reg.sqlite",
    )  # fmt: skip
    _issue_designs(aturan, out, "--pdf")
    written = {name for name, stamp in _files(out).items() if before.get(name) != stamp}
    new = next(r for r in registry_rows(out / "reg.sqlite") if r["replaces"])
    stem = document_file_stem(new["number"], new["name"])
    assert written == {f"{stem}.docx", f"{stem}.pdf"}
    bundle = PdfReader(str(out / "bundel-cetak.pdf"))
    assert len(bundle.pages) == len(PdfReader(str(out / f"{stem}.pdf")).pages)
    _issue_designs(aturan, out, "--pdf", "--bundel-lengkap")
    issued = [r for r in registry_rows(out / "reg.sqlite") if r["status"] == "issued"]
    pages = sum(
        len(PdfReader(str(out / f"{document_file_stem(r['number'], r['name'])}.pdf")).pages)
        for r in issued
    )
    assert len(PdfReader(str(out / "bundel-cetak.pdf")).pages) == pages


@pytest.mark.parametrize(
    "name, stem",
    [
        ("Budi Santoso", "0006-SKM-PKASN-2026-Budi-Santoso"),
        ("Dr. Hj. Siti Aminah, S.H., M.Si.", "0006-SKM-PKASN-2026-Dr-Hj-Siti-Aminah-S-H-M-Si"),
        ("Ñoño Ébert-Łukasz", "0006-SKM-PKASN-2026-Nono-Ebert-ukasz"),
        ("../../etc/passwd", "0006-SKM-PKASN-2026-etc-passwd"),
        ("...", "0006-SKM-PKASN-2026"),
    ],
)
def test_file_names_carry_the_holders_name_safely(name, stem):
    assert document_file_stem("0006/SKM/PKASN/2026", name) == stem


def test_a_long_name_makes_a_bounded_file_name():
    name = "Prof. Dr. " + " ".join(["Raden Mas Ngabehi Wiryo"] * 5) + ", S.H., M.Si., M.A.P."
    stem = document_file_stem("0006/SKM/PKASN/2026", name[:120])
    assert len(stem) <= len("0006-SKM-PKASN-2026-") + 60
    assert stem.startswith("0006-SKM-PKASN-2026-Prof-Dr-Raden-Mas") and stem.isascii()
    assert not stem.endswith("-") and "/" not in stem
