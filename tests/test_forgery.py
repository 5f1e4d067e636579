"""Forgeries, tried as a forger would (issue 11): none is SAH; every genuine document is.

One certificate is issued, signed, through the real CLI; each test forges a copy of it and asks
`aturan verify`. SAH needs one intact signature covering the whole file by a trusted key, and a
registry row that is issued and matches the file, so a forgery fails on one of these."""

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import DESIGN_RUN, ROOT, copy_registry, numbered, started_cases
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from aturan.documents import Registry, Settings

# Its module fixture issues the sample cohort as signed PDFs: every test needs LibreOffice, and
# `make test` runs the module on one worker (xdist_group) so the cohort is issued once.
pytestmark = [pytest.mark.libreoffice, pytest.mark.xdist_group("forgery")]

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
ISSUE = ["--as-of", "2027-01-10", "--issue-date", "2027-01-11"]


def issue(out, *extra, config=None, designs_first=False):
    """The cohort with PDFs; with `designs_first`, its designs before, as DOCX dated before their
    trainings start (they are refused once a training has started)."""
    runs = [(COHORT, ["--pdf", *ISSUE, *extra])]
    if designs_first:
        Path(out).mkdir(parents=True, exist_ok=True)
        runs.insert(0, (started_cases(COHORT, out), DESIGN_RUN))
    for source, options in runs:
        command = [
            sys.executable,
            "-m",
            "aturan.cli",
            "issue",
            "--registri-baru",
            source,
            "--out",
            out,
        ]
        command += ["--registry", out / "reg.sqlite", *options]
        if config:
            command += ["--config", config]
        result = subprocess.run(
            command, capture_output=True, text=True, env=dict(os.environ, ATURAN_ROOT=str(ROOT))
        )
        if result.returncode:
            return result
    return result


def rows(registry):
    db = sqlite3.connect(registry)
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute("SELECT * FROM documents ORDER BY number")]


def pdf_of(folder, row):
    return numbered(folder, row["number"], ".pdf")


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """The sample cohort issued once with signed PDFs."""
    out = tmp_path_factory.mktemp("asli")
    result = issue(out, designs_first=True)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def certificate(issued):
    """The competency certificate (a holder's name, a QR), and another certificate's PDF."""
    by_type = {r["doc_type"]: r for r in rows(issued / "reg.sqlite")}
    return by_type["sertifikat_kompetensi"], pdf_of(issued, by_type["sttp"])


def verdict(aturan, issued, path):
    result = aturan("verify", path, "--registry", issued / "reg.sqlite")
    assert "Traceback" not in result.stderr, result.stderr
    return result


def refused(aturan, issued, path, status=None):
    """verify does not answer SAH (exit 1), and answers `status` when given."""
    result = verdict(aturan, issued, path)
    assert result.exit_code == 1, (result.exit_code, result.output, result.stderr)
    assert not result.output.startswith("SAH")
    if status:
        assert result.output.startswith(status), result.output
    return result


# --- what a forger would do to the PDF ---------------------------------------------------------


def text_position(pdf, needle):
    positions = []

    def visit(text, cm, tm, font, size):
        if needle in text:
            positions.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    PdfReader(str(pdf)).pages[0].extract_text(visitor_text=visit)
    return positions[0]


def image_boxes(reader, page=0):
    """{XObject name: (x, y, width, height)} of the images drawn on the page."""
    from pypdf.generic import ContentStream

    boxes, matrix = {}, None
    for operands, operator in ContentStream(reader.pages[page].get_contents(), reader).operations:
        if operator == b"cm":
            matrix = [float(v) for v in operands]
        elif operator == b"Do" and matrix:
            boxes[str(operands[0])] = (matrix[4], matrix[5], matrix[0], matrix[3])
    return boxes


def white_box_with_text(x, y, width, height, text):
    """Content that paints a white box and types `text` in it (Times-Bold, like the name)."""
    return (
        f"q 1 g {x} {y} {width} {height} re f Q "
        f"BT /FForged 16 Tf 0 g {x + 2} {y + 4} Td ({text}) Tj ET"
    ).encode()


def pypdf_annotation(writer, x, y, width, height, text):
    appearance = DecodedStreamObject()
    appearance.set_data(white_box_with_text(0, 0, width, height, text))
    appearance.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0)])
            + [FloatObject(width), FloatObject(height)],
            NameObject("/Resources"): DictionaryObject(
                {NameObject("/Font"): DictionaryObject({NameObject("/FForged"): times(writer)})}
            ),
        }
    )
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FreeText"),
            NameObject("/Rect"): ArrayObject(
                [FloatObject(v) for v in (x, y, x + width, y + height)]
            ),
            NameObject("/Contents"): TextStringObject(text),
            NameObject("/DA"): TextStringObject("/Helv 16 Tf 0 g"),
            NameObject("/F"): NumberObject(4),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
        }
    )


def times(writer):
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Times-Bold"),
            }
        )
    )


def open_writer(pdf, incremental=False):
    """pypdf: an incremental update after the signed revision, or a full rewrite."""
    return PdfWriter(str(pdf), incremental=True) if incremental else PdfWriter(clone_from=str(pdf))


def write(writer, target):
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def add_annotation(writer, annotation):
    page = writer.pages[0]
    annots = page.get("/Annots")
    annots = annots.get_object() if annots is not None else ArrayObject()
    annots.append(writer._add_object(annotation))
    page[NameObject("/Annots")] = annots


def name_over(row, pdf):
    x, y = text_position(pdf, row["name"])
    return x - 4, y - 5, 200, 22


def test_every_genuine_document_of_the_sample_cohort_is_sah(aturan, issued):
    for row in rows(issued / "reg.sqlite"):
        result = verdict(aturan, issued, pdf_of(issued, row))
        assert result.exit_code == 0 and result.output.startswith("SAH"), result.output


def test_the_visible_signature_sits_in_the_signature_block(issued):
    """Between the signatory's position ("Kepala Pusat,") and name, on the page that prints them."""
    for row in rows(issued / "reg.sqlite"):
        reader = PdfReader(str(pdf_of(issued, row)))
        widgets = [
            (index, [float(v) for v in a.get_object()["/Rect"]])
            for index, page in enumerate(reader.pages)
            for a in page.get("/Annots") or []
        ]
        assert len(widgets) == 1, row["number"]
        index, (left, bottom, right, top) = widgets[0]
        lines = {}

        def visit(text, cm, tm, font, size, lines=lines):
            for needle in ("Kepala Pusat,", "Nama Pejabat Penandatangan"):
                if text.strip().startswith(needle):
                    lines[needle] = (tm[4], tm[5])

        reader.pages[index].extract_text(visitor_text=visit)
        (x, position), (_, name) = lines["Kepala Pusat,"], lines["Nama Pejabat Penandatangan"]
        assert name < bottom < top <= position and left == pytest.approx(x, abs=1), row["number"]


def test_a_white_annotation_with_another_name_added_by_pyhanko_incrementally(
    aturan, issued, certificate, tmp_path
):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    row, _ = certificate
    pdf = pdf_of(issued, row)
    x, y, width, height = name_over(row, pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()))
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Times-Bold"),
            }
        )
    )
    appearance = generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
            generic.pdf_name("/BBox"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (0, 0, width, height)]
            ),
            generic.pdf_name("/Resources"): generic.DictionaryObject(
                {
                    generic.pdf_name("/Font"): generic.DictionaryObject(
                        {generic.pdf_name("/FForged"): font}
                    )
                }
            ),
        },
        stream_data=white_box_with_text(0, 0, width, height, "Andi Pemalsu"),
    )
    annotation = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
                generic.pdf_name("/Rect"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (x, y, x + width, y + height)]
                ),
                generic.pdf_name("/Contents"): generic.TextStringObject("Andi Pemalsu"),
                generic.pdf_name("/DA"): generic.TextStringObject("/Helv 16 Tf 0 g"),
                generic.pdf_name("/AP"): generic.DictionaryObject(
                    {generic.pdf_name("/N"): writer.add_object(appearance)}
                ),
            }
        )
    )
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    annots = page["/Annots"]
    if isinstance(annots, generic.IndirectObject):
        annots.get_object().append(annotation)
        writer.mark_update(annots)
    else:
        annots.append(annotation)
        writer.mark_update(page_ref)
    forged = tmp_path / "nama-anotasi.pdf"
    with open(forged, "wb") as handle:
        writer.write(handle)
    assert "Andi Pemalsu" in str(PdfReader(str(forged)).pages[0]["/Annots"][-1].get_object())
    refused(aturan, issued, forged, "DIUBAH")


def test_a_white_annotation_with_another_name_in_a_full_pypdf_rewrite(
    aturan, issued, certificate, tmp_path
):
    row, _ = certificate
    pdf = pdf_of(issued, row)
    writer = PdfWriter(clone_from=str(pdf))
    add_annotation(writer, pypdf_annotation(writer, *name_over(row, pdf), "Andi Pemalsu"))
    refused(aturan, issued, write(writer, tmp_path / "nama-pypdf.pdf"), "DIUBAH")


def paint_over(writer, content: bytes, page=0):
    """Append `content` to the page's content (drawn on top of everything)."""
    stream = DecodedStreamObject()
    stream.set_data(content)
    target = writer.pages[page]
    existing = target["/Contents"]
    existing = existing.get_object() if not isinstance(existing, ArrayObject) else existing
    parts = list(existing) if isinstance(existing, ArrayObject) else [target.raw_get("/Contents")]
    target[NameObject("/Contents")] = ArrayObject(parts + [writer._add_object(stream)])


def qr_box(pdf):
    boxes = image_boxes(PdfReader(str(pdf)))
    assert len(boxes) == 1, boxes
    return next(iter(boxes.items()))


def test_another_documents_qr_pasted_over_the_qr(aturan, issued, certificate, tmp_path):
    row, other = certificate
    pdf = pdf_of(issued, row)
    _, (x, y, width, height) = qr_box(pdf)
    other_name, _ = qr_box(other)
    writer = PdfWriter(clone_from=str(pdf))
    image = PdfReader(str(other)).pages[0]["/Resources"]["/XObject"][other_name].get_object()
    xobjects = writer.pages[0]["/Resources"]["/XObject"]
    xobjects[NameObject("/QRLain")] = writer._add_object(image.clone(writer))
    paint_over(writer, f"q {width} 0 0 {height} {x} {y} cm /QRLain Do Q".encode())
    refused(aturan, issued, write(writer, tmp_path / "qr-lain.pdf"), "DIUBAH")


@pytest.mark.parametrize("incremental", [True, False], ids=["incremental", "rewrite"])
def test_the_qr_blanked_by_a_white_rectangle(aturan, issued, certificate, tmp_path, incremental):
    row, _ = certificate
    pdf = pdf_of(issued, row)
    _, (x, y, width, height) = qr_box(pdf)
    writer = open_writer(pdf, incremental)
    paint_over(writer, f"q 1 g {x - 1} {y - 1} {width + 2} {height + 2} re f Q".encode())
    forged = write(writer, tmp_path / "qr-kosong.pdf")
    if incremental:
        assert forged.read_bytes().startswith(pdf.read_bytes())
    refused(aturan, issued, forged, "DIUBAH")


@pytest.mark.parametrize("incremental", [True, False], ids=["incremental", "rewrite"])
@pytest.mark.parametrize("change", ["cropbox", "rotate", "blank_page"])
def test_the_page_cropped_rotated_or_a_blank_page_added(
    aturan, issued, certificate, tmp_path, change, incremental
):
    row, _ = certificate
    pdf = pdf_of(issued, row)
    writer = open_writer(pdf, incremental)
    page = writer.pages[0]
    if change == "cropbox":
        box = page.mediabox
        page.cropbox = type(box)([box.left, box.bottom + box.height / 2, box.right, box.top])
    elif change == "rotate":
        page.rotate(90)
    else:
        writer.add_blank_page()
    refused(aturan, issued, write(writer, tmp_path / f"{change}.pdf"), "DIUBAH")


def test_metadata_copied_onto_a_blank_pdf(aturan, issued, certificate, tmp_path):
    row, _ = certificate
    genuine = PdfReader(str(pdf_of(issued, row))).metadata
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({key: genuine[key] for key in genuine})
    assert PdfReader(str(write(writer, tmp_path / "kosong.pdf"))).metadata == genuine
    result = refused(aturan, issued, tmp_path / "kosong.pdf", "TIDAK_SAH")
    assert "tidak bertanda tangan" in result.output


def test_an_incremental_update_after_signing_that_changes_nothing_visible(
    aturan, issued, certificate, tmp_path
):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    row, _ = certificate
    pdf = pdf_of(issued, row)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()))
    writer.update_root()  # the catalog written again, unchanged
    forged = tmp_path / "pembaruan.pdf"
    with open(forged, "wb") as handle:
        writer.write(handle)
    assert len(forged.read_bytes()) > len(pdf.read_bytes())
    assert forged.read_bytes().startswith(pdf.read_bytes())
    result = refused(aturan, issued, forged, "DIUBAH")
    assert "setelah ditandatangani" in result.output


@pytest.fixture(scope="module")
def other_key(tmp_path_factory):
    """A second key and certificate, made the same way as the institution's demo key."""
    from aturan.documents import SigningConfig, init_keys, load_signer

    folder = tmp_path_factory.mktemp("kunci-lain")
    config = folder / "institution.yaml"
    config.write_text(
        "signing:\n  pkcs12: lain.p12\n  trust_roots: [lain.pem]\n  demo: true\n"
        "registry:\n  key_file: lain.key\n",
        encoding="utf-8",
    )
    signing = SigningConfig.load(config)
    init_keys(signing)
    return load_signer(signing)


def unsigned_copy(pdf, target):
    """The signed PDF with its signature field and widget removed: the page as issued."""
    writer = PdfWriter(clone_from=str(pdf))
    del writer._root_object["/AcroForm"]
    del writer.pages[0]["/Annots"]
    return write(writer, target)


def test_resigned_with_another_key_in_place_of_the_signature(
    aturan, issued, certificate, other_key, tmp_path
):
    import datetime as dt

    from aturan.documents import sign_pdf

    row, _ = certificate
    forged = unsigned_copy(pdf_of(issued, row), tmp_path / "tanda-tangan-lain.pdf")
    sign_pdf(forged, other_key, dt.date(2027, 1, 11), {"name": "Nama Pejabat Penandatangan"})
    assert len(PdfReader(str(forged)).trailer["/Root"]["/AcroForm"]["/Fields"]) == 1
    result = refused(aturan, issued, forged, "TIDAK_SAH")
    assert "dipercaya" in result.output


def test_a_signer_signs_byte_for_byte_as_pyhanko_alone(issued, certificate, tmp_path, monkeypatch):
    """A signer builds the signed attributes once and gives each document its own digest in them
    (documents/signing.py): the signatures are the same bytes as when pyHanko builds everything
    for every document, after the signer has signed other documents and on other dates."""
    import datetime as dt

    from pyhanko.sign.signers import SimpleSigner

    from aturan.documents import SigningConfig, load_signer
    from aturan.documents.signing import signed

    row, other = certificate
    page = unsigned_copy(pdf_of(issued, row), tmp_path / "a.pdf").read_bytes()
    other_page = unsigned_copy(other, tmp_path / "b.pdf").read_bytes()
    config = SigningConfig.load(ROOT / "config" / "institution.yaml")
    signatory = {"name": "Nama Pejabat Penandatangan (contoh)", "position": "Kepala Pusat"}
    days = [dt.date(2027, 1, 11), dt.date(2027, 3, 1)]
    remembering = load_signer(config)
    for day in days:
        signed(other_page, remembering, day, signatory)
    kept = [signed(page, remembering, day, signatory) for day in days]
    # for each date, the signature's attributes and those of pyHanko's dry run that sizes it
    assert len(remembering._aturan_attributes) == 2 * len(days)
    monkeypatch.setattr(type(remembering), "signed_attrs", SimpleSigner.signed_attrs)
    built = [signed(page, load_signer(config), day, signatory) for day in days]
    assert kept == built
    assert kept[0] != kept[1]


def test_a_second_signature_by_another_key_added(aturan, issued, certificate, other_key, tmp_path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    row, _ = certificate
    pdf = pdf_of(issued, row)
    meta = signers.PdfSignatureMetadata(
        field_name="TandaTanganKedua", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = signers.PdfSigner(meta, signer=other_key).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf.read_bytes()))
    )
    forged = tmp_path / "dua-tanda-tangan.pdf"
    forged.write_bytes(out.getvalue())
    refused(aturan, issued, forged, "DIUBAH")


def test_an_unsigned_copy_is_not_sah(aturan, issued, certificate, tmp_path):
    row, _ = certificate
    forged = unsigned_copy(pdf_of(issued, row), tmp_path / "tanpa-tanda-tangan.pdf")
    refused(aturan, issued, forged, "TIDAK_SAH")


# --- DOCX: an editable copy, never SAH ----------------------------------------------------------


def rezip(source, target, change):
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as out:
        for name in archive.namelist():
            out.writestr(name, change(name, archive.read(name)))
    return target


def docx_of(issued, row):
    return pdf_of(issued, row).with_suffix(".docx")


def test_a_genuine_docx_is_not_sah_and_says_only_the_signed_pdf_is_verifiable(
    aturan, issued, certificate
):
    row, _ = certificate
    result = refused(aturan, issued, docx_of(issued, row), "TIDAK_SAH")
    assert "hanya PDF bertanda tangan" in result.output and row["number"] in result.output


def _swap_qr(other_docx):
    with zipfile.ZipFile(other_docx) as archive:
        images = [n for n in archive.namelist() if n.startswith("word/media/")]
        other_image = archive.read(images[0])
    return lambda name, data: other_image if name.startswith("word/media/") else data


def _hide_all_text(name, data):
    if name != "word/styles.xml":
        return data
    return data.replace(b"<w:rPrDefault><w:rPr>", b"<w:rPrDefault><w:rPr><w:vanish/>", 1)


def _one_point_fonts(name, data):
    import re

    if name not in ("word/document.xml", "word/styles.xml"):
        return data
    return re.sub(rb'<w:sz(Cs)? w:val="\d+"/>', rb'<w:sz\1 w:val="2"/>', data)


@pytest.mark.parametrize("forgery", ["qr_swapped", "text_hidden", "one_point_fonts"])
def test_docx_forgeries_are_not_sah(aturan, issued, certificate, tmp_path, forgery):
    row, other_pdf = certificate
    change = {
        "qr_swapped": _swap_qr(other_pdf.with_suffix(".docx")),
        "text_hidden": _hide_all_text,
        "one_point_fonts": _one_point_fonts,
    }[forgery]
    genuine = docx_of(issued, row)
    forged = rezip(genuine, tmp_path / f"{forgery}.docx", change)
    changed = [
        name
        for name in zipfile.ZipFile(genuine).namelist()
        if zipfile.ZipFile(genuine).read(name) != zipfile.ZipFile(forged).read(name)
    ]
    assert changed, forgery
    refused(aturan, issued, forged, "TIDAK_SAH")


# --- reruns, revocation ------------------------------------------------------------------------


def test_a_rerun_gives_the_same_bytes_and_earlier_copies_stay_sah(aturan, issued, tmp_path):
    earlier = tmp_path / "salinan"
    shutil.copytree(issued, earlier, ignore=shutil.ignore_patterns("*.sqlite*", "bundel*"))
    rerun = tmp_path / "ulang"  # the module's other tests keep the first run's folder as it was
    shutil.copytree(issued, rerun, ignore=shutil.ignore_patterns("*.sqlite*"))
    copy_registry(issued / "reg.sqlite", rerun / "reg.sqlite")
    result = issue(rerun)
    assert result.returncode == 0, result.stderr
    assert "0 dokumen baru" in result.stdout
    for row in rows(rerun / "reg.sqlite"):
        assert pdf_of(earlier, row).read_bytes() == pdf_of(rerun, row).read_bytes(), row["number"]
        assert verdict(aturan, rerun, pdf_of(earlier, row)).output.startswith("SAH")


def test_a_rerun_that_writes_a_different_pdf_says_earlier_copies_stay_sah(tmp_path, registry_keys):
    """Simulated by a registry whose recorded fingerprint is not the file's (as after a LibreOffice
    or font change between runs), recorded by the key holder (a change made without the key is
    refused, never laundered: tests/test_registry_tamper.py): the rerun records the new file
    beside the earlier one and says the earlier copies stay SAH (issue 25; verified by
    tests/test_genuine_stays_genuine.py)."""
    out = tmp_path / "out"
    sari = yaml.safe_load(COHORT.read_text(encoding="utf-8"))["cases"][2]
    case = tmp_path / "sari.yaml"
    case.write_text(yaml.safe_dump(sari, allow_unicode=True), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "aturan.cli",
        "issue",
        "--registri-baru",
        case,
        "--out",
        out,
        "--pdf",
        *ISSUE,
    ]
    command += ["--registry", out / "reg.sqlite"]
    env = dict(os.environ, ATURAN_ROOT=str(ROOT))
    design = [
        sys.executable,
        "-m",
        "aturan.cli",
        "issue",
        "--registri-baru",
        case,
        "--out",
        out,
        *DESIGN_RUN,
    ]
    design += ["--registry", out / "reg.sqlite"]  # before the training starts
    assert subprocess.run(design, env=env, capture_output=True).returncode == 0
    assert subprocess.run(command, env=env, capture_output=True).returncode == 0
    settings = Settings.load(ROOT / "config" / "institution.yaml")
    store = Registry(
        out / "reg.sqlite", settings.number_format, settings.codes, **registry_keys,
        create=False, institution=settings.institution,
    )  # fmt: skip
    for row in rows(out / "reg.sqlite"):
        if row["pdf_fingerprint"]:
            store.record_fingerprints(row["number"], None, "lama")
    store.close()
    rerun = subprocess.run(command, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    warned = [line for line in rerun.stderr.splitlines() if "salinan lama tetap SAH" in line]
    assert len(warned) == len(rows(out / "reg.sqlite")) > 0
    assert all(r["pdf_fingerprint"] != "lama" for r in rows(out / "reg.sqlite"))


def test_a_revoked_genuine_document_is_dicabut(aturan, issued, certificate, tmp_path):
    row, _ = certificate
    registry = tmp_path / "reg.sqlite"
    copy_registry(issued / "reg.sqlite", registry)
    revoked = aturan(
        "registry",
        "revoke",
        "--ya",
        row["number"],
        "--reason",
        "salah nama",
        "--registry",
        registry,
    )
    assert revoked.exit_code == 0, revoked.stderr
    result = aturan("verify", pdf_of(issued, row), "--registry", registry)
    assert result.exit_code == 1 and result.output.startswith("DICABUT")
    assert "salah nama" in result.output


def test_a_registry_row_without_a_pdf_fingerprint_is_never_sah(
    aturan, issued, certificate, tmp_path
):
    row, _ = certificate
    registry = tmp_path / "reg.sqlite"
    copy_registry(issued / "reg.sqlite", registry)
    db = sqlite3.connect(registry)
    db.execute("UPDATE documents SET pdf_fingerprint = NULL")
    db.commit()
    db.close()
    result = aturan("verify", pdf_of(issued, row), "--registry", registry)
    # the row no longer matches what the registry key authenticated: altered, and never SAH
    assert result.exit_code == 1 and result.output.startswith("DIUBAH")


def test_a_document_issued_without_a_signed_pdf_is_never_sah_by_number(aturan, tmp_path):
    from aturan.documents import open_registry, status_of

    registry = tmp_path / "reg.sqlite"
    designs = started_cases(COHORT, tmp_path)
    aturan(
        "issue", "--registri-baru", designs, "--out", tmp_path, "--registry", registry, *DESIGN_RUN
    )
    issue = aturan(
        "issue", "--registri-baru", COHORT, "--out", tmp_path, "--registry", registry, *ISSUE
    )
    assert issue.exit_code == 0, issue.stderr
    store, _ = open_registry(registry)
    for row in store.list():
        assert status_of(row["number"], store).status == "tidak_sah"


# --- the key: configuration errors are one message, before any number is taken -----------------


def config_with(tmp_path, **signing):
    data = yaml.safe_load((ROOT / "config" / "institution.yaml").read_text(encoding="utf-8"))
    data["signing"].update(signing)
    for key in ("pkcs12",):
        data["signing"][key] = str((ROOT / "config" / data["signing"][key]).resolve())
    data["signing"]["trust_roots"] = [
        str((ROOT / "config" / p).resolve()) for p in data["signing"]["trust_roots"]
    ]
    path = tmp_path / "institution.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_an_official_key_without_its_passphrase_fails_before_any_number(tmp_path):
    config = config_with(tmp_path, demo=False, passphrase_env="ATURAN_UJI_TIDAK_ADA")
    result = issue(tmp_path / "out", config=config)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "ATURAN_UJI_TIDAK_ADA" in result.stderr
    assert not (tmp_path / "out" / "reg.sqlite").exists() or not rows(tmp_path / "out/reg.sqlite")


def test_a_missing_key_file_fails_before_any_number_and_says_how_to_make_the_demo_key(tmp_path):
    config = config_with(tmp_path)
    text = config.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["signing"]["pkcs12"] = str(tmp_path / "tidak-ada.p12")
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = issue(tmp_path / "out", config=config)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "aturan keys init" in result.stderr and "tidak-ada.p12" in result.stderr
    assert not (tmp_path / "out" / "reg.sqlite").exists() or not rows(tmp_path / "out/reg.sqlite")


def test_a_wrong_passphrase_is_one_message(tmp_path, monkeypatch):
    config = config_with(tmp_path, passphrase_env="ATURAN_UJI_SANDI")
    monkeypatch.setenv("ATURAN_UJI_SANDI", "salah")
    result = issue(tmp_path / "out", config=config)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "ATURAN_UJI_SANDI" in result.stderr


def test_keys_init_keeps_existing_keys_unless_forced(aturan, tmp_path):
    config = tmp_path / "config" / "institution.yaml"
    config.parent.mkdir()
    config.write_text(
        "signing:\n  pkcs12: ../keys/p.p12\n  trust_roots: [../keys/akar.pem]\n  demo: true\n"
        "registry:\n  key_file: ../keys/registry.key\n",
        encoding="utf-8",
    )
    first = aturan("keys", "init", "--config", config)
    assert first.exit_code == 0, first.stderr
    files = [tmp_path / "keys" / n for n in ("p.p12", "akar.pem", "registry.key")]
    before = [f.read_bytes() for f in files]
    assert (files[2].stat().st_mode & 0o777) == 0o600 and (files[0].stat().st_mode & 0o777) == 0o600
    assert len(bytes.fromhex(before[2].decode().strip())) == 32
    assert b"BUKAN UNTUK PENGGUNAAN RESMI" in _subject(files[1])
    again = aturan("keys", "init", "--config", config)
    assert again.exit_code == 0 and [f.read_bytes() for f in files] == before
    forced = aturan("keys", "init", "--config", config, "--force")
    assert forced.exit_code == 0 and all(f.read_bytes() != b for f, b in zip(files, before))


def test_keys_init_refuses_to_replace_half_a_key_pair_and_never_writes_an_official_key(
    aturan, tmp_path
):
    config = tmp_path / "institution.yaml"
    config.write_text(
        "signing:\n  pkcs12: p.p12\n  trust_roots: [akar.pem]\n  demo: true\n"
        "registry:\n  key_file: registry.key\n",
        encoding="utf-8",
    )
    (tmp_path / "p.p12").write_bytes(b"kunci yang ada")
    half = aturan("keys", "init", "--config", config)
    assert half.exit_code == 2 and "--force" in half.stderr and "Traceback" not in half.stderr
    assert (tmp_path / "p.p12").read_bytes() == b"kunci yang ada"
    config.write_text(config.read_text().replace("demo: true", "demo: false"), encoding="utf-8")
    (tmp_path / "p.p12").unlink()
    official = aturan("keys", "init", "--config", config)
    assert official.exit_code == 0, official.stderr
    assert not (tmp_path / "p.p12").exists() and not (tmp_path / "akar.pem").exists()
    assert (tmp_path / "registry.key").exists()


def _subject(pem):
    from cryptography import x509

    return x509.load_pem_x509_certificate(pem.read_bytes()).subject.rfc4514_string().encode()


def test_the_library_calls_the_web_page_uses(issued, certificate, tmp_path):
    """verify_pdf_bytes (an upload) and status_of (a number from the QR, without a file)."""
    from aturan.documents import SigningConfig, Trust, open_registry, status_of, verify_pdf_bytes
    from aturan.errors import AturanError

    row, _ = certificate
    registry_file = tmp_path / "reg.sqlite"
    copy_registry(issued / "reg.sqlite", registry_file)
    registry, _ = open_registry(registry_file)
    trust = Trust.load(SigningConfig.load(ROOT / "config" / "institution.yaml"))
    genuine = pdf_of(issued, row).read_bytes()
    assert verify_pdf_bytes(genuine, registry, trust).status == "sah"
    assert verify_pdf_bytes(genuine + b"\n", registry, trust).status == "diubah"
    with pytest.raises(AturanError):
        verify_pdf_bytes(b"%PDF-1.7\n", registry, trust)
    found = status_of(row["number"], registry)
    assert found.status == "sah" and found.row["name"] == row["name"]
    assert status_of("9999/SKM/PKASN/2027", registry).status == "tidak_terdaftar"
    registry.revoke(row["number"], "salah nama", "2027-02-01T00:00:00+00:00")
    assert status_of(row["number"], registry).status == "dicabut"
    assert verify_pdf_bytes(genuine, registry, trust).status == "dicabut"


def test_the_print_bundle_is_not_verifiable_and_says_so(aturan, issued):
    bundle = issued / "bundel-cetak.pdf"
    assert len(PdfReader(str(bundle)).pages) >= len(rows(issued / "reg.sqlite"))
    result = refused(aturan, issued, bundle, "TIDAK_SAH")
    assert "Bundel cetak" in result.output
