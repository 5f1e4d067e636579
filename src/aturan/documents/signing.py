"""The institution's signing key: configuration, the demo key (`aturan keys init`), PAdES signing
of issued PDFs with a visible signature in the signature block, and the trust roots verify uses.

Signing is deterministic, so issuing the same document again gives the same bytes: RSA PKCS#1
v1.5 signatures, the signing time fixed to the document's date at 00:00 WIB, and a file
identifier derived from the unsigned file. Earlier copies therefore keep matching the
registry's fingerprint, which is the SHA-256 of the whole signed file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import secrets
import threading
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from aturan.errors import AturanError
from aturan.files import atomic_open, atomic_path, load_yaml
from aturan.formatting import WIB

if TYPE_CHECKING:  # imported where used: loading them costs time most commands do not spend
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.writer import BasePdfFileWriter
    from pyhanko.sign.signers import PdfSigner, Signer, SimpleSigner
    from pyhanko.sign.signers.pdf_signer import PdfSigningSession, PreSignValidationStatus
    from pyhanko_certvalidator import ValidationContext

DEMO_PASSPHRASE = "aturan-demo"  # published on purpose: the demo key is not for official use
DEMO_LABEL = "aturan DEMO - BUKAN UNTUK PENGGUNAAN RESMI"
DEMO_ORGANIZATION = "aturan (DEMO)"
EXPIRY_WARNING = dt.timedelta(days=30)  # `issue --pdf` warns this long before the signer expires
FIELD = "TandaTanganElektronik"


@dataclass(frozen=True)
class SigningConfig:
    source: Path  # the configuration file the paths were read from
    pkcs12: Path
    passphrase_env: str
    trust_roots: tuple[Path, ...]
    demo: bool
    registry_key: Path
    registry_signing_key: Path

    @classmethod
    def load(cls, config: Path) -> SigningConfig:
        data = load_yaml(config, AturanError) or {}
        signing = data.get("signing") if isinstance(data, dict) else None
        if not isinstance(signing, dict) or not signing.get("pkcs12"):
            raise AturanError(
                "konfigurasi institusi tanpa bagian 'signing' (pkcs12, passphrase_env, "
                "trust_roots): PDF tidak dapat ditandatangani atau diverifikasi",
                file=str(config),
            )
        registry = data.get("registry") or {}
        roots = signing.get("trust_roots") or []
        if not isinstance(registry, dict) or not isinstance(roots, list):
            raise AturanError(
                "konfigurasi institusi: 'registry' harus berupa pemetaan dan "
                "'signing.trust_roots' berupa daftar",
                file=str(config),
            )
        folder = config.parent
        return cls(
            source=config,
            pkcs12=_path(folder, signing["pkcs12"]),
            passphrase_env=str(signing.get("passphrase_env") or "ATURAN_SIGNING_PASSPHRASE"),
            trust_roots=tuple(_path(folder, p) for p in roots),
            demo=signing.get("demo") is True,
            registry_key=_path(folder, registry.get("key_file") or "../keys/registry.key"),
            registry_signing_key=_path(
                folder, registry.get("signing_key_file") or "../keys/registry-signing.key"
            ),
        )

    def passphrase(self) -> bytes:
        value = os.environ.get(self.passphrase_env)
        if value is None and self.demo:
            value = DEMO_PASSPHRASE
        if value is None:
            raise AturanError(
                f"frasa sandi kunci penandatangan tidak diberikan: setel variabel lingkungan "
                f"{self.passphrase_env}. Belum ada nomor dokumen yang diambil.",
                file=str(self.source),
            )
        return value.encode()


def _path(folder: Path, value: object) -> Path:
    path = Path(str(value))
    return path if path.is_absolute() else Path(os.path.normpath(folder / path))


# --- the demo key ---------------------------------------------------------------------------


def init_keys(config: SigningConfig, force: bool = False) -> list[tuple[Path, bool]]:
    """Create the demo root certificate, the signer's key and certificate (PKCS#12, passphrase
    DEMO_PASSPHRASE), the registry's HMAC key and its Ed25519 signing key (32 random bytes, hex,
    like the HMAC key); keep files that exist unless `force`. With `demo: false` the document
    signing key is the institution's own and is never written here.
    Returns (path, created) for each file written or kept."""
    results = _init_signing_key(config, force) if config.demo else []
    for path in (config.registry_key, config.registry_signing_key):
        created = force or not path.exists()
        if created:
            _write_private(path, (secrets.token_hex(32) + "\n").encode())
        results.append((path, created))
    return results


def _init_signing_key(config: SigningConfig, force: bool) -> list[tuple[Path, bool]]:
    if not config.trust_roots:
        raise AturanError("signing.trust_roots kosong", file=str(config.source))
    pair = (config.pkcs12, config.trust_roots[0])
    present = [path.exists() for path in pair]
    if all(present) and not force:
        return [(path, False) for path in pair]
    if any(present) and not force:
        # a new pair would replace the half that exists, and documents signed with it would stop
        # verifying: the operator decides
        found, missing = (pair[0], pair[1]) if present[0] else (pair[1], pair[0])
        raise AturanError(
            f"hanya separuh pasangan kunci demo yang ada ({missing} tidak ada); buat ulang "
            "keduanya dengan `aturan keys init --force` (dokumen yang ditandatangani dengan kunci "
            "lama tidak lagi terverifikasi)",
            file=str(found),
        )
    p12, pem = _demo_certificates()
    _write_private(config.pkcs12, p12)
    _write_private(config.trust_roots[0], pem, mode=0o644)
    return [(path, True) for path in pair]


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Written atomically, mode 0600 until renamed (`atomic_path`): a private key is never
    readable by others, not even for a moment."""
    try:
        with atomic_path(path, mode=mode) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise AturanError(
            f"tidak dapat menulis kunci ({exc.strerror or exc})", file=str(path)
        ) from None


def _demo_certificates() -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root = _certificate(f"{DEMO_LABEL} (akar)", root_key, root_key, None, ca=True)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    signer = _certificate(f"{DEMO_LABEL} (penanda tangan)", signer_key, root_key, root, ca=False)
    p12 = pkcs12.serialize_key_and_certificates(
        b"penandatangan-demo",
        signer_key,
        signer,
        [root],
        serialization.BestAvailableEncryption(DEMO_PASSPHRASE.encode()),
    )
    return p12, root.public_bytes(serialization.Encoding.PEM)


def _certificate(
    common_name: str,
    key: RSAPrivateKey,
    issuer_key: RSAPrivateKey,
    issuer: x509.Certificate | None,
    ca: bool,
) -> x509.Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer is not None else name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        # documents may be dated back to 2000 and checked for decades (there is no revocation)
        .not_valid_before(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2099, 12, 31, tzinfo=dt.UTC))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if ca:
        usage = dict(key_cert_sign=True, crl_sign=True, digital_signature=False)
    else:
        usage = dict(key_cert_sign=False, crl_sign=False, digital_signature=True)
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        ).add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    builder = builder.add_extension(
        x509.KeyUsage(
            content_commitment=not ca,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            encipher_only=False,
            decipher_only=False,
            **usage,
        ),
        critical=True,
    )
    return builder.sign(issuer_key, hashes.SHA256())


# --- signing --------------------------------------------------------------------------------


def load_signer(config: SigningConfig) -> SimpleSigner:
    """The institution's signer from its PKCS#12 file: a clear error, before any number is
    taken, when the file or the passphrase is missing or wrong."""
    passphrase = config.passphrase()
    hint = " Untuk demo, jalankan `aturan keys init`." if config.demo else ""
    try:
        data = config.pkcs12.read_bytes()
    except OSError as exc:
        raise AturanError(
            f"kunci penandatangan tidak dapat dibaca ({exc.strerror or type(exc).__name__}).{hint}"
            " Belum ada nomor dokumen yang diambil.",
            file=str(config.pkcs12),
        ) from None
    try:
        signer = _key_signer_class().from_pkcs12(data, passphrase)
    except ValueError:
        raise AturanError(
            f"kunci penandatangan tidak dapat dibuka: berkas PKCS#12 rusak atau frasa sandi "
            f"({config.passphrase_env}) salah.{hint} Belum ada nomor dokumen yang diambil.",
            file=str(config.pkcs12),
        ) from None
    if not config.demo and is_demo_certificate(signer.signing_cert):
        raise AturanError(
            "sertifikat penanda tangan ini adalah sertifikat DEMO (dibuat `aturan keys init`, "
            "frasa sandinya diumumkan), padahal signing.demo: false; arahkan signing.pkcs12 ke "
            "sertifikat institusi yang sebenarnya. Belum ada nomor dokumen yang diambil.",
            file=str(config.pkcs12),
        )
    return signer


def is_demo_certificate(certificate: Any) -> bool:  # an asn1crypto certificate (untyped)
    """Whether the certificate is one `aturan keys init` makes (its published passphrase proves
    nothing): its organisation is aturan's demo one, or its name carries the demo label."""
    subject = certificate.subject.native
    return subject.get("organization_name") == DEMO_ORGANIZATION or DEMO_LABEL in str(
        subject.get("common_name", "")
    )


def signer_warnings(
    signer: SimpleSigner, config: SigningConfig, issue_date: dt.date, now: dt.datetime
) -> list[str]:
    """Refuse a signer certificate not valid now (when the PDFs are signed) or at the signing
    time the PDFs carry (the issue date, 00:00 WIB); a warning when it expires within
    EXPIRY_WARNING of now."""
    certificate: Any = signer.signing_cert  # asn1crypto's (untyped); a loaded signer has one
    start, end = certificate.not_valid_before, certificate.not_valid_after
    stamped = dt.datetime.combine(issue_date, dt.time(), WIB)
    for moment, what in ((now, "saat ini"), (stamped, f"pada tanggal terbit {issue_date}")):
        if not start <= moment <= end:
            state = "belum berlaku" if moment < start else "sudah kedaluwarsa"
            raise AturanError(
                f"sertifikat penanda tangan {state} {what} (berlaku {start:%Y-%m-%d %H:%M} "
                f"sampai {end:%Y-%m-%d %H:%M} UTC): PDF tidak ditandatangani. Belum ada nomor "
                "dokumen yang diambil.",
                file=str(config.pkcs12),
            )
    if end - now <= EXPIRY_WARNING:
        return [
            f"peringatan: sertifikat penanda tangan ({config.pkcs12}) kedaluwarsa pada "
            f"{end:%Y-%m-%d %H:%M} UTC, {(end - now).days} hari lagi: siapkan sertifikat baru"
        ]
    return []


class _SignerLoader(Protocol):
    def from_pkcs12(self, data: bytes, passphrase: bytes) -> SimpleSigner: ...


@cache
def _key_signer_class() -> _SignerLoader:
    from asn1crypto import cms
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.general import simple_cms_attribute
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeySigner(SimpleSigner):
        """pyHanko's SimpleSigner loads (and so validates) the private key again for every
        signature, 0.13 s for RSA 3072, twice per PDF; this one loads it once, and builds the
        signed attributes once (see `signed_attrs`)."""

        key: PrivateKeyTypes
        _aturan_attributes: dict[tuple[object, ...], list[bytes | None]]

        @classmethod
        def from_pkcs12(cls, data: bytes, passphrase: bytes) -> KeySigner:
            loaded = SimpleSigner.load_pkcs12_data(data, [], passphrase=passphrase)
            signer = cls(loaded.signing_cert, loaded.signing_key, loaded.cert_registry)
            signer.key = serialization.load_der_private_key(loaded.signing_key.dump(), None)
            signer._aturan_attributes = {}
            return signer

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if mechanism.signature_algo != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            rsa_key = cast("RSAPrivateKey", self.key)  # an RSA key: its mechanism is RSA
            return rsa_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

        async def signed_attrs(
            self, data_digest: bytes, digest_algorithm: str, *args: Any, **kwargs: Any
        ) -> cms.CMSAttributes:
            """pyHanko's signed attributes with this document's digest. pyHanko builds them
            generically, half of a signature's time; for one signer and the same settings they
            differ only in the message digest (PAdES puts the signing time in the signature
            dictionary, not here). So pyHanko's own set is built once, for two dummy digests,
            and kept only if nothing but the digest differs between the two; each document then
            gets that set with its digest: the same attributes, in the same order and bytes."""
            try:
                key = (digest_algorithm, len(data_digest), *args, *sorted(kwargs.items()))
                template = self._aturan_attributes.get(key)
            except TypeError:  # settings that cannot be compared: pyHanko builds them each time
                return await super().signed_attrs(data_digest, digest_algorithm, *args, **kwargs)
            if template is None:
                template = await self._attribute_template(
                    len(data_digest), digest_algorithm, *args, **kwargs
                )
                self._aturan_attributes[key] = template
            if not template:
                return await super().signed_attrs(data_digest, digest_algorithm, *args, **kwargs)
            return cms.CMSAttributes(
                [
                    simple_cms_attribute("message_digest", data_digest)  # type: ignore[no-untyped-call]  # pyHanko's: untyped
                    if der is None
                    else cms.CMSAttribute.load(der)
                    for der in template
                ]
            )

        async def _attribute_template(
            self, size: int, *args: Any, **kwargs: Any
        ) -> list[bytes | None]:
            """Each attribute's DER, None for the message digest; empty if anything else
            depends on the digest."""
            built = [
                await super(KeySigner, self).signed_attrs(bytes([fill]) * size, *args, **kwargs)
                for fill in (0, 255)
            ]
            first, second = ([attribute.dump() for attribute in attrs] for attrs in built)
            kinds = [attribute["type"].native for attribute in built[0]]
            if len(first) != len(second) or kinds.count("message_digest") != 1:
                return []
            template: list[bytes | None] = []
            for kind, one, other in zip(kinds, first, second):
                if kind == "message_digest":
                    template.append(None)
                elif one == other:
                    template.append(one)
                else:
                    return []
            return template

    return KeySigner


def sign_pdf(path: Path, signer: Signer, date: dt.date, signatory: Mapping[str, object]) -> None:
    """Sign the PDF in place (PAdES baseline B), the visible signature in its signature block."""
    try:
        data = signed(path.read_bytes(), signer, date, signatory)
    except AturanError as exc:
        raise AturanError(exc.message, file=str(path)) from None
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def signed(data: bytes, signer: Signer, date: dt.date, signatory: Mapping[str, object]) -> bytes:
    """The PDF signed (PAdES baseline B), the visible signature in its signature block."""
    import pypdfium2 as pdfium
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    try:
        page, box = signature_box(data, signatory)
    except pdfium.PdfiumError as exc:  # a file pdfium cannot read
        raise AturanError(f"PDF tidak dapat ditandatangani ({type(exc).__name__}: {exc})") from None
    when = dt.datetime.combine(date, dt.time(), WIB)
    writer_class, signer_class = _fixed_time_classes()
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Dokumen resmi yang diterbitkan dan ditandatangani secara elektronik",
        location=str(signatory.get("city") or "") or None,
    )
    style = TextStampStyle(
        stamp_text="Ditandatangani secara elektronik\n%(signer)s\n%(ts)s",
        timestamp_format="%d-%m-%Y %H:%M %Z",
        border_width=0,
    )
    pdf_signer = signer_class(
        meta,
        signer=signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(FIELD, on_page=page, box=box),
        signing_time=when,
    )
    try:
        out: io.BytesIO = pdf_signer.sign_pdf(writer_class(data, when))  # pyHanko's, unannotated
        return out.getvalue()
    except (PdfError, ValueError, KeyError) as exc:  # pyHanko's errors for a PDF it cannot sign
        raise AturanError(f"PDF tidak dapat ditandatangani ({type(exc).__name__}: {exc})") from None


@cache
def _fixed_time_classes() -> tuple[
    Callable[[bytes, dt.datetime], IncrementalPdfFileWriter], Callable[..., PdfSigner]
]:
    """pyHanko's writer and signer, with the clock and the random file identifier replaced by
    values fixed by the document, so signing the same file again gives the same bytes."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import PdfSigner

    # pyHanko has no public way to set these two (checked in 0.38: `_update_meta` sets the
    # modification date to "now" just before writing, and `_handle_id` draws the second /ID at
    # random; its author points to overriding `_update_meta`, pyHanko issue #223, and a custom
    # signing time is an open request, #569). tests/test_signing_internals.py asserts the bytes
    # they give, and the checks here fail loudly if an upgrade renames them. Trust does not
    # depend on them: a signed PDF is SAH by its signature and signed number and content hash.
    _require(IncrementalPdfFileWriter, "_update_meta")  # called before writing: the /ModDate

    class Writer(IncrementalPdfFileWriter):
        def __init__(self, data: bytes, when: dt.datetime) -> None:
            super().__init__(io.BytesIO(data), strict=False)
            self.when = when
            first, _ = self.document_id
            _require(self, "_document_id")  # the /ID array written
            self._document_id = generic.ArrayObject(
                [
                    generic.ByteStringObject(first),
                    generic.ByteStringObject(hashlib.sha256(data).digest()[:16]),
                ]
            )

        def _update_meta(self) -> None:
            super()._update_meta()  # type: ignore[no-untyped-call]  # pyHanko's: untyped
            info = self.trailer_view.get("/Info")
            if info is not None:
                info.get_object()["/ModDate"] = generic.pdf_date(self.when)

    class Signer(PdfSigner):
        def __init__(self, *args: Any, signing_time: dt.datetime, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.signing_time = signing_time

        def init_signing_session(
            self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
        ) -> PdfSigningSession:
            session = super().init_signing_session(pdf_out, existing_fields_only)
            _require(session, "system_time")  # set from the clock; no public way to give it
            session.system_time = self.signing_time
            # replaced on this one session (mypy refuses any assignment to a method)
            session.estimate_signature_container_size = self._remembered(session)  # type: ignore[method-assign]
            return session

        def _remembered(self, session: PdfSigningSession) -> _SizeEstimate:
            """pyHanko sizes the signature's space by signing a dummy digest first (a quarter
            of the signing time). The size depends on the signer and the signing time only, not
            on the document, so it is computed once per signer and time: the same bytes."""
            estimate: _SizeEstimate = session.estimate_signature_container_size
            sizes: dict[tuple[dt.datetime, bool], int] = self.signer.__dict__.setdefault(
                "_aturan_reserved", {}
            )

            async def remembered(
                validation_info: PreSignValidationStatus | None, tight: bool = False
            ) -> int:
                if validation_info is not None:
                    return await estimate(validation_info, tight=tight)
                key = (self.signing_time, tight)
                if key not in sizes:
                    sizes[key] = await estimate(validation_info, tight=tight)
                return sizes[key]

            return remembered

    return Writer, Signer


class _SizeEstimate(Protocol):
    """pyHanko's `PdfSigningSession.estimate_signature_container_size`."""

    def __call__(
        self, validation_info: PreSignValidationStatus | None, tight: bool = False
    ) -> Coroutine[Any, Any, int]: ...


def _require(owner: object, name: str) -> None:
    """Fail loudly, not with different bytes, when a library no longer has what signing sets."""
    if not hasattr(owner, name):
        raise RuntimeError(f"{owner!r} has no {name} any more: check the pyHanko upgrade")


SIGNATURE_WIDTH, SIGNATURE_HEIGHT = 200, 36
_PDFIUM = threading.Lock()  # pdfium is not thread-safe: one document at a time in a process


def signature_box(
    data: bytes, signatory: Mapping[str, object]
) -> tuple[int, tuple[int, int, int, int]]:
    """(page index, box) for the visible signature: between the signatory's position and name on
    the last page that prints them, else a fixed box low on the last page.

    The lines are read with pdfium (pypdfium2): each text object's text and origin. LibreOffice
    writes a text object per line portion, at its baseline, with no page transformation, so these
    are the positions pypdf's text extraction reports too (aturan used it until issue 14; pdfium
    reads a page in about a tenth of the time), and the box is the same."""
    import pypdfium2 as pdfium

    name = str(signatory.get("name") or "").strip()
    position = str(signatory.get("position") or "").strip()
    with _PDFIUM:
        document = pdfium.PdfDocument(data)
        try:
            pages = len(document)
            for index in range(pages - 1, -1, -1):
                found = _block(_lines(document[index]), name, position)
                if found:
                    x, top, bottom = found  # baselines: the box starts one line above the name
                    top = min(top, bottom + 12 + 60)
                    return index, (x, bottom + 12, x + SIGNATURE_WIDTH, max(top - 2, bottom + 24))
        finally:
            document.close()
    return pages - 1, (320, 150, 320 + SIGNATURE_WIDTH, 150 + SIGNATURE_HEIGHT)


def _lines(page: Any) -> list[tuple[str, float, float]]:  # a pdfium page (untyped)
    """(text, x, y) of each text object on the page that prints something."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    lines = []
    for item in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], textpage=textpage):
        try:
            text = item.extract().strip()
        except pdfium.PdfiumError:  # a text object pdfium cannot read (no text): nothing to match
            continue
        if text:
            matrix = item.get_matrix()
            lines.append((text, matrix.e, matrix.f))
    return lines


def _block(
    lines: list[tuple[str, float, float]], name: str, position: str
) -> tuple[int, int, int] | None:
    """(x, y of the position line, y of the name line) of the signature block among the lines."""
    names = [(x, y) for t, x, y in lines if len(t) >= 4 and name and name.startswith(t)]
    if not names:
        return None
    x, bottom = names[-1]
    above = [y for t, tx, y in lines if position and t.startswith(position) and y > bottom]
    top = min(above) if above else bottom + 12 + SIGNATURE_HEIGHT
    return int(x), int(top), int(bottom)


# --- trust ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trust:
    """The certificates a signature must chain to."""

    roots: tuple[Any, ...]  # asn1crypto certificates (untyped)
    demo: bool = True  # the demo certificate may be trusted (signing.demo); else never SAH

    @classmethod
    def load(cls, config: SigningConfig) -> Trust:
        from pyhanko.keys import load_certs_from_pemder

        if not config.trust_roots:
            raise AturanError("signing.trust_roots kosong", file=str(config.source))
        roots = []
        for path in config.trust_roots:
            try:
                roots += list(load_certs_from_pemder([str(path)]))  # type: ignore[no-untyped-call]  # pyHanko's: untyped
            except (OSError, ValueError) as exc:
                hint = " Untuk demo, jalankan `aturan keys init`." if config.demo else ""
                raise AturanError(
                    f"sertifikat akar kepercayaan tidak dapat dibaca ({type(exc).__name__}).{hint}",
                    file=str(path),
                ) from None
        return cls(tuple(roots), config.demo)

    def context(self) -> ValidationContext:
        from pyhanko_certvalidator import ValidationContext

        # No revocation checking: the demo root publishes no CRL or OCSP; a real institution's
        # chain (BSrE) would be checked with fetching allowed.
        return ValidationContext(trust_roots=list(self.roots), allow_fetching=False)
