"""Keys an institution cannot misuse by accident: under `demo: false` the demo certificate (its
passphrase is published) neither signs nor verifies SAH; `issue --pdf` refuses a signer
certificate outside its validity and warns before it expires; `verify` says one thing, never a
traceback. Certificates are made here with `cryptography`; PDFs are signed without LibreOffice."""

import dataclasses
import datetime as dt
import io
import os
import subprocess
import sys

import pytest
import yaml
from conftest import DESIGN_RUN, ROOT
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfWriter

from aturan import app
from aturan.documents import Registry, Settings, SigningConfig, load_signer
from aturan.documents.signing import signed

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
ISSUE = ["--as-of", "2027-01-10", "--issue-date", "2027-01-11"]
KEYS = ROOT / "keys"
PASSPHRASE = "rahasia-institusi"


def config_file(tmp_path, name="institution.yaml", **signing):
    """The project's configuration, its keys named absolutely, `signing` changed."""
    config = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    config["registry"].update(
        key_file=str(KEYS / "registry.key"), signing_key_file=str(KEYS / "registry-signing.key")
    )
    config["signing"].update(
        pkcs12=str(KEYS / "demo-penandatangan.p12"), trust_roots=[str(KEYS / "demo-akar.pem")]
    )
    config["signing"].update(signing)
    if signing.get("demo") is False:  # official documents carry a public HTTPS address in the QR
        config["verification"]["base_url"] = "https://verifikasi.contoh.go.id"
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def _name(common_name):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Institusi Uji"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(subject, key, issuer, issuer_key, start, end, ca):
    usage = x509.KeyUsage(
        digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def institution_keys(tmp_path, start, end):
    """An institution's own root and signer (valid from `start` to `end`): (PKCS#12, root PEM)."""
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    far = dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    root = _certificate(_name("Akar Uji"), root_key, _name("Akar Uji"), root_key, *far, True)
    signer = _certificate(
        _name("Penanda Tangan Uji"), signer_key, root.subject, root_key, start, end, False
    )
    p12, pem = tmp_path / "institusi.p12", tmp_path / "akar.pem"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"uji",
            signer_key,
            signer,
            [root],
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return p12, pem


def own_config(tmp_path, monkeypatch, start, end):
    p12, pem = institution_keys(tmp_path, start, end)
    monkeypatch.setenv("UJI_FRASA_SANDI", PASSPHRASE)
    return config_file(
        tmp_path, pkcs12=str(p12), trust_roots=[str(pem)], passphrase_env="UJI_FRASA_SANDI",
        demo=False,
    )  # fmt: skip


def signed_blank_pdf(config, path):
    """A one-page PDF signed with the signer `config` names (no LibreOffice)."""
    blank = PdfWriter()
    blank.add_blank_page(300, 300)
    data = io.BytesIO()
    blank.write(data)
    signer = load_signer(SigningConfig.load(config))
    path.write_bytes(signed(data.getvalue(), signer, dt.date(2027, 1, 11), {"name": "Uji"}))
    return path


def empty_registry(path):
    settings = Settings.load(ROOT / "config" / "institution.yaml")
    key = bytes.fromhex((KEYS / "registry.key").read_text(encoding="ascii").strip())
    signing = bytes.fromhex((KEYS / "registry-signing.key").read_text(encoding="ascii").strip())
    Registry(
        path, settings.number_format, settings.codes, key=key, signing_key=signing,
        institution=settings.institution,
    ).close()  # fmt: skip
    return path


def issue_pdf(aturan, config, tmp_path, dates=ISSUE):
    registry = tmp_path / "reg.sqlite"
    result = aturan(
        "issue", "--registri-baru", COHORT, "--pdf", "--out", tmp_path / "keluaran",
        "--registry", registry, "--config", config, *dates,
    )  # fmt: skip
    return result, registry


def test_demo_false_refuses_to_sign_with_the_demo_certificate(aturan, tmp_path, monkeypatch):
    monkeypatch.setenv("ATURAN_SIGNING_PASSPHRASE", "aturan-demo")  # the published passphrase
    config = config_file(tmp_path, demo=False)
    result, registry = issue_pdf(aturan, config, tmp_path)
    assert result.exit_code == 2, (result.output, result.stderr)
    assert "sertifikat DEMO" in result.stderr and "demo: false" in result.stderr
    assert "Traceback" not in result.stderr
    assert not registry.exists(), "no number taken, no registry made"


def test_demo_false_never_verifies_a_demo_signed_pdf_as_sah(aturan, tmp_path, monkeypatch):
    monkeypatch.setenv("ATURAN_SIGNING_PASSPHRASE", "aturan-demo")
    pdf = signed_blank_pdf(config_file(tmp_path, name="demo.yaml"), tmp_path / "demo.pdf")
    registry = empty_registry(tmp_path / "reg.sqlite")
    strict = config_file(tmp_path, demo=False)
    refused = aturan("verify", pdf, "--registry", registry, "--config", strict)
    assert refused.exit_code == 1
    assert refused.output.startswith("TIDAK_SAH: ") and "sertifikat DEMO" in refused.output
    demo = aturan("verify", pdf, "--registry", registry, "--config", tmp_path / "demo.yaml")
    assert "sertifikat DEMO" not in demo.output  # the demo accepts its own signature


NOW = dt.datetime.now(dt.UTC)


@pytest.mark.parametrize(
    "start, end, dates, expected",
    [
        (NOW - dt.timedelta(days=800), NOW - dt.timedelta(days=1), ISSUE, "kedaluwarsa saat ini"),
        (NOW + dt.timedelta(days=3), NOW + dt.timedelta(days=900), ISSUE, "belum berlaku saat ini"),
        (  # the PDFs carry the issue date as their signing time
            NOW - dt.timedelta(hours=1),
            NOW + dt.timedelta(days=900),
            DESIGN_RUN,
            "belum berlaku pada tanggal terbit 2026-02-02",
        ),
    ],
    ids=["expired", "not-yet-valid", "not-valid-at-the-issue-date"],
)
def test_issue_pdf_refuses_a_signer_outside_its_validity(
    aturan, tmp_path, monkeypatch, start, end, dates, expected
):
    config = own_config(tmp_path, monkeypatch, start, end)
    result, registry = issue_pdf(aturan, config, tmp_path, dates)
    assert result.exit_code == 2, (result.output, result.stderr)
    assert expected in result.stderr and "Belum ada nomor dokumen" in result.stderr
    assert not registry.exists()


def test_issue_pdf_warns_a_month_before_the_signer_expires(tmp_path, monkeypatch):
    start, end = NOW - dt.timedelta(days=365), NOW + dt.timedelta(days=10, hours=1)
    config = own_config(tmp_path, monkeypatch, start, end)
    request = app.IssueRequest(
        source=COHORT, out_dir=tmp_path / "keluaran", as_of=NOW.date() - dt.timedelta(days=1),
        issue_date=NOW.date(), registry=tmp_path / "reg.sqlite", pdf=True, config=config,
        new_registry=True,
    )  # fmt: skip
    plan = app.plan_issue(request)
    assert len(plan.warnings) == 1
    assert "kedaluwarsa pada" in plan.warnings[0] and "10 hari lagi" in plan.warnings[0]
    (tmp_path / "jauh").mkdir()
    far = own_config(tmp_path / "jauh", monkeypatch, start, NOW + dt.timedelta(days=90))
    later = dataclasses.replace(request, config=far, registry=tmp_path / "jauh" / "reg.sqlite")
    assert app.plan_issue(later).warnings == []


def test_verify_prints_one_message_and_no_traceback(aturan, tmp_path, monkeypatch):
    """A PDF signed by a certificate the institution does not trust: pyHanko logs the failed path
    validation with its traceback; verify prints only its verdict."""
    config = own_config(
        tmp_path, monkeypatch, NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=90)
    )
    pdf = signed_blank_pdf(config, tmp_path / "asing.pdf")
    registry = empty_registry(tmp_path / "reg.sqlite")
    # in a process of its own: pytest's log capture would hide what Python prints on stderr
    result = subprocess.run(
        [sys.executable, "-m", "aturan.cli", "verify", str(pdf), "--registry", str(registry)],
        env=dict(os.environ, ATURAN_ROOT=str(ROOT)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("TIDAK_SAH: ") and len(result.stdout.splitlines()) == 1
    assert result.stderr == "", result.stderr
