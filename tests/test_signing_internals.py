"""What signing and verifying rely on inside pyHanko and pypdf (issue 23, item 5), checked
without LibreOffice on a small PDF made here.

Where a library has no public way to fix a value (pyHanko's clock and file identifier in an
incremental update, pypdf's file identifier), aturan reaches inside it; these tests assert the
result, so an upgrade that renames what aturan reaches for fails here, loudly, instead of
silently changing the bytes of every signed document. And a library's programming error
(AttributeError) surfaces: it is never reported as a damaged file or a forged signature."""

import datetime as dt
import hashlib
import io
import re
import zipfile

import pytest
from conftest import ROOT
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from aturan.documents import SigningConfig, Trust, load_signer, verify, verify_pdf_bytes
from aturan.documents.pdf import bundle, stamped
from aturan.documents.signing import signed
from aturan.errors import AturanError

DATE = dt.date(2027, 1, 11)
SIGNATORY = {"name": "Nama Pejabat Penandatangan (contoh)", "position": "Kepala Pusat"}
IDENTITY = {
    "title": "Sertifikat",
    "subject": "uji",
    "number": "0001/STTP/PKASN/2027",
    "decision_id": "keputusan-uji",
    "rules_version": "uji",
    "content_hash": "ab" * 32,
    "issue_date": DATE,
}


def unsigned_pdf() -> bytes:
    """One A4 page with the signature block's two lines, stamped as issuing stamps it."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(
        b"BT /F1 11 Tf 320 260 Td (Kepala Pusat) Tj ET "
        b"BT /F1 11 Tf 320 180 Td (Nama Pejabat Penandatangan \\(contoh\\)) Tj ET"
    )
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return stamped(out.getvalue(), **IDENTITY)


@pytest.fixture(scope="module")
def config():
    return SigningConfig.load(ROOT / "config" / "institution.yaml")


@pytest.fixture(scope="module")
def signer(config):
    return load_signer(config)


@pytest.fixture(scope="module")
def document(signer):
    data = unsigned_pdf()
    return data, signed(data, signer, DATE, SIGNATORY)


def test_the_stamped_file_identifier_is_the_documents_own(document):
    """pypdf has no public setter for /ID (writer._ID): LibreOffice's random one is replaced."""
    unsigned, _ = document
    identifier = hashlib.sha256(b"0001/STTP/PKASN/2027|" + b"ab" * 32).digest()[:16]
    ids = PdfReader(io.BytesIO(unsigned)).trailer["/ID"]
    assert [part.original_bytes for part in ids] == [identifier, identifier]
    assert stamped(unsigned, **IDENTITY) == unsigned


def test_signing_again_gives_the_same_bytes(document, signer, config):
    unsigned, first = document
    assert signed(unsigned, signer, DATE, SIGNATORY) == first
    assert signed(unsigned, load_signer(config), DATE, SIGNATORY) == first


def test_the_signed_dates_are_the_document_date_at_midnight_wib(document):
    """pyHanko's writer stamps /ModDate and the signing session /M with the clock; aturan fixes
    both (Writer._update_meta, session.system_time) to the document's date."""
    _, data = document
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata["/ModDate"] == "D:20270111000000+07'00'"
    assert reader.metadata["/CreationDate"] == "D:20270111000000Z"
    signature = reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()["/V"]
    assert signature["/M"] == "D:20270111000000+07'00'"
    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"


def test_the_signed_file_identifier_is_derived_from_the_unsigned_file(document):
    """pyHanko draws the second half of /ID at random (Writer._document_id)."""
    unsigned, data = document
    first, second = (part.original_bytes for part in PdfReader(io.BytesIO(data)).trailer["/ID"])
    assert first == PdfReader(io.BytesIO(unsigned)).trailer["/ID"][0].original_bytes
    assert second == hashlib.sha256(unsigned).digest()[:16]


def test_signing_on_another_date_changes_only_what_the_date_reaches(document, signer):
    unsigned, first = document
    later = signed(unsigned, signer, dt.date(2027, 3, 1), SIGNATORY)
    assert later != first
    assert PdfReader(io.BytesIO(later)).metadata["/ModDate"] == "D:20270301000000+07'00'"


def test_the_print_bundle_carries_no_signature_field(document, tmp_path):
    _, data = document
    one, two = tmp_path / "a.pdf", tmp_path / "b.pdf"
    one.write_bytes(data)
    two.write_bytes(data)
    bundle([one, two], tmp_path / "bundel.pdf")
    reader = PdfReader(tmp_path / "bundel.pdf")
    assert len(reader.pages) == 2
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert "/AcroForm" in PdfReader(one).trailer["/Root"]


# --- damaged input is refused; a library's programming error surfaces --------------------------


def test_a_file_pdfium_cannot_read_cannot_be_signed(signer):
    with pytest.raises(AturanError, match="PDF tidak dapat ditandatangani \\(PdfiumError"):
        signed(b"%PDF-1.7\nrusak", signer, DATE, SIGNATORY)


def test_an_attribute_error_inside_pyhanko_while_signing_surfaces(document, signer, monkeypatch):
    from pyhanko.sign.signers import PdfSigner

    def broken(*args, **kwargs):
        raise AttributeError("'IncrementalPdfFileWriter' object has no attribute 'renamed'")

    monkeypatch.setattr(PdfSigner, "sign_pdf", broken)
    with pytest.raises(AttributeError, match="renamed"):
        signed(document[0], signer, DATE, SIGNATORY)


def test_an_attribute_error_inside_pdfium_while_signing_surfaces(document, signer, monkeypatch):
    import pypdfium2

    def broken(*args, **kwargs):
        raise AttributeError("module 'pypdfium2' has no attribute 'renamed'")

    monkeypatch.setattr(pypdfium2, "PdfDocument", broken)
    with pytest.raises(AttributeError, match="renamed"):
        signed(document[0], signer, DATE, SIGNATORY)


def damaged_contents(data: bytes, offset: int) -> bytes:
    """The signature's /Contents with one hex digit changed `offset` digits in."""
    start = re.search(rb"/Contents <", data).end() + offset
    digit = b"a" if data[start : start + 1] != b"a" else b"b"
    return data[:start] + digit + data[start + 1 :]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: damaged_contents(data, 20),  # the CMS's structure: pyHanko, TypeError
        lambda data: re.sub(
            rb"/Contents <[0-9A-Fa-f]+>", lambda m: b"/Contents 1".ljust(len(m[0])), data
        ),
        lambda data: re.sub(
            rb"/ByteRange \[[^\]]*\]", lambda m: b"/ByteRange (x)".ljust(len(m[0])), data
        ),
        lambda data: data[: len(data) // 2],
    ],
    ids=["cms_structure", "contents_a_number", "byterange_a_string", "truncated"],
)
def test_a_damaged_signature_or_file_is_never_sah_and_never_a_traceback(document, config, damage):
    _, data = document
    try:
        verdict = verify_pdf_bytes(damage(data), None, Trust.load(config))
    except AturanError as error:
        assert "bukan berkas PDF yang dapat dibaca" in error.message
    else:
        assert verdict.status == "tidak_sah"
        assert "Tanda tangan elektronik rusak" in verdict.message


def test_a_changed_pyhanko_signature_while_verifying_surfaces(document, config, monkeypatch):
    """An upgrade that drops an argument aturan passes is a TypeError in aturan's own call: a
    programming error, never "tanda tangan rusak"."""
    import pyhanko.sign.validation as validation

    def validate_pdf_signature(embedded_sig, signer_validation_context=None):
        raise AssertionError("not reached")

    monkeypatch.setattr(validation, "validate_pdf_signature", validate_pdf_signature)
    with pytest.raises(TypeError, match="skip_diff"):
        verify_pdf_bytes(document[1], None, Trust.load(config))


def test_a_renamed_pyhanko_attribute_while_reading_surfaces(document, config, monkeypatch):
    from pyhanko.pdf_utils.reader import PdfFileReader

    monkeypatch.delattr(PdfFileReader, "embedded_signatures")
    with pytest.raises(AttributeError, match="embedded_signatures"):
        verify_pdf_bytes(document[1], None, Trust.load(config))


def crafted_pdf(*objects: bytes) -> bytes:
    """A well-formed PDF file (header, objects, cross-reference table) around crafted objects."""
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"
CRAFTED = {
    # pyHanko reads the signature value as a dictionary: AttributeError inside pyHanko
    "signature_value_a_number": crafted_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>",
        PAGES,
        b"<< /FT /Sig /T (TandaTangan) /V 5 >>",
    ),
    "nested_100000_deep": crafted_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 100_000 + b"]" * 100_000 + b" >>", PAGES
    ),
    "catalog_an_array": crafted_pdf(b"[1 2 3]"),
    "form_fields_in_a_loop": crafted_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [3 0 R] >> >>",
        PAGES,
        b"<< /T (a) /Kids [3 0 R] >>",
    ),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_a_crafted_pdf_that_trips_pyhanko_is_refused_as_unreadable(config, name):
    with pytest.raises(AturanError, match="bukan berkas PDF yang dapat dibaca"):
        verify_pdf_bytes(CRAFTED[name], None, Trust.load(config))


def docx_bytes(tmp_path) -> bytes:
    import docx

    path = tmp_path / "asli.docx"
    docx.Document().save(str(path))
    return path.read_bytes()


def rezipped(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, content if item.filename == name else source.read(item))
    return out.getvalue()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: rezipped(data, "docProps/core.xml", b"<bukan xml"),
        lambda data: rezipped(data, "word/document.xml", b"\xff\xfe"),
        lambda data: rezipped(data, "_rels/.rels", b"<Relationships/>"),
        lambda data: data.replace(b"word/document.xml", b"word/dokumen0.xml", 1),
    ],
    ids=["core_not_xml", "document_not_xml", "no_relationships", "document_renamed"],
)
def test_a_damaged_docx_is_refused_as_unreadable(tmp_path, damage):
    path = tmp_path / "rusak.docx"
    path.write_bytes(damage(docx_bytes(tmp_path)))
    with pytest.raises(AturanError, match="bukan berkas DOCX yang dapat dibaca"):
        verify(path, None, None)


def test_a_renamed_python_docx_attribute_surfaces(tmp_path, monkeypatch):
    from docx.document import Document

    path = tmp_path / "asli.docx"
    path.write_bytes(docx_bytes(tmp_path))
    monkeypatch.delattr(Document, "core_properties")
    with pytest.raises(AttributeError, match="core_properties"):
        verify(path, None, None)
