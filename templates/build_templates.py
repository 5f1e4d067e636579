#!/usr/bin/env python3
"""Build the docxtpl (Jinja-in-DOCX) templates used by `aturan` for its
official documents.

Usage:  .venv/bin/python templates/build_templates.py [--out DIR]

Everything is generated with python-docx; no hand-edited .docx is involved.
The output is byte-for-byte deterministic for a given python-docx version:
core properties carry a fixed date/author and the zip container is rewritten
with fixed member timestamps.

The context contract (the names the templates expect) is documented in
templates/CONTEXT.md.

docxtpl rules honoured here (see CONTEXT.md, "Pitfalls"):
  * every `{{ ... }}` / `{% ... %}` tag is written inside ONE run;
  * `{%p ... %}` / `{%tr ... %}` tags sit alone in their own paragraph / row
    (docxtpl deletes that whole paragraph / row and keeps only the tag);
  * no `}` or `%` inside `{%p` / `{%tr` tags, no `&`, `<`, `>` in any tag;
  * a table cell filled by a `{%p for %}` loop always keeps one fallback
    paragraph, so an empty list never leaves a cell without <w:p>;
  * the body never ends with a table or a tag paragraph.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

# "Times New Roman" is what Word has everywhere; LibreOffice/fontconfig
# substitute the metric-compatible "Liberation Serif" for it automatically.
# (Naming "Liberation Serif" directly would make Word on Windows fall back to
# an arbitrary font, because a .docx cannot carry a fallback list.)
FONT = "Times New Roman"
LANG = "id-ID"
FIXED_DATE = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
TEXT_WIDTH = Cm(16.0)  # A4 21 cm - 2 x 2.5 cm
SIGN_INDENT = Cm(9.0)
BODY_INDENT = Cm(1.25)  # first-line indent of body text, left indent of identity blocks
DARK = RGBColor(0x1F, 0x38, 0x64)

LEFT = WD_ALIGN_PARAGRAPH.LEFT
CENTER = WD_ALIGN_PARAGRAPH.CENTER
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


# --------------------------------------------------------------------------
# low-level helpers
# --------------------------------------------------------------------------
class R:
    """A run specification: text (may hold exactly whole Jinja tags) + format."""

    def __init__(self, text, b=False, i=False, u=False, size=None, caps=False, color=None):
        self.text, self.b, self.i, self.u = text, b, i, u
        self.size, self.caps, self.color = size, caps, color


def _rfonts(rpr):
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)


def P(
    container,
    *runs,
    align=None,
    size=None,
    bold=False,
    before=0,
    after=0,
    left=None,
    first=None,
    keep_next=False,
    line=None,
):
    """Add a paragraph to a Document or a table cell.

    A fresh table cell already holds one bare paragraph; it is reused for the
    first P() call on that cell."""
    paras = container.paragraphs if hasattr(container, "_tc") else None
    if paras is not None and len(paras) == 1 and not paras[0].runs and paras[0]._p.pPr is None:
        para = paras[0]
    else:
        para = container.add_paragraph()
    pf = para.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if align is not None:
        para.alignment = align
    if left is not None:
        pf.left_indent = left
    if first is not None:
        pf.first_line_indent = first
    if keep_next:
        pf.keep_with_next = True
    if line is not None:
        pf.line_spacing = line
    for spec in runs:
        if isinstance(spec, str):
            spec = R(spec)
        run = para.add_run(spec.text)
        f = run.font
        f.bold = spec.b or bold or None
        f.italic = spec.i or None
        f.underline = spec.u or None
        f.all_caps = spec.caps or None
        sz = spec.size or size
        if sz:
            f.size = Pt(sz)
        if spec.color is not None:
            f.color.rgb = spec.color
    return para


def TAG(container, tag):
    """A paragraph holding only a docxtpl paragraph-level tag ({%p ... %})."""
    assert tag.startswith("{%p ") and tag.endswith(" %}"), tag
    inner = tag[3:-2]
    assert "}" not in inner and "%" not in inner, tag
    return P(container, R(tag))


def bottom_border(para, val="thickThinSmallGap", sz=18, space=1):
    ppr = para._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    b = OxmlElement("w:bottom")
    b.set(qn("w:val"), val)
    b.set(qn("w:sz"), str(sz))
    b.set(qn("w:space"), str(space))
    b.set(qn("w:color"), "auto")
    pbdr.append(b)
    # pBdr must precede spacing/ind/jc in CT_PPr order
    anchor = None
    for tagname in (
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:kinsoku",
        "w:wordWrap",
        "w:overflowPunct",
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
    ):
        anchor = ppr.find(qn(tagname))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(pbdr)
    else:
        ppr.append(pbdr)


def table(container, cols, widths, grid=False, align=WD_TABLE_ALIGNMENT.LEFT):
    t = container.add_table(rows=0, cols=cols)
    if grid:
        t.style = "Table Grid"
    t.alignment = align
    t.autofit = False
    for i, w in enumerate(widths):
        t.columns[i].width = w
    t._aturan_widths = widths
    return t


def row(t, header=False):
    r = t.add_row()
    for i, c in enumerate(r.cells):
        c.width = t._aturan_widths[i]
    if header:
        trpr = r._tr.get_or_add_trPr()
        h = OxmlElement("w:tblHeader")
        trpr.append(h)
    return r


def cant_split(r):
    trpr = r._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def shade(cell, fill="D9E2F3"):
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def loop_rows(t, loop_tag, cells, size=None, align=None):
    """Emit the three rows of a docxtpl row loop:
    `{%tr for ... %}` / data row / `{%tr endfor %}`."""
    r = row(t)
    P(r.cells[0], R("{%tr " + loop_tag + " %}"))
    r = row(t)
    cant_split(r)
    for i, spec in enumerate(cells):
        a = align[i] if align else None
        P(r.cells[i], *(spec if isinstance(spec, (list, tuple)) else [spec]), size=size, align=a)
    r = row(t)
    P(r.cells[0], R("{%tr endfor %}"))


def header_row(t, labels, size=None):
    r = row(t, header=True)
    for i, label in enumerate(labels):
        shade(r.cells[i])
        P(r.cells[i], R(label, b=True), size=size, align=CENTER)


# --------------------------------------------------------------------------
# document skeleton
# --------------------------------------------------------------------------
def new_document(title: str, body_size: int = 12, page_border: bool = False) -> Document:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin = Cm(2.0 if page_border else 2.5)
    sec.bottom_margin = Cm(2.0 if page_border else 2.5)
    sec.header_distance = sec.footer_distance = Cm(1.25)

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(body_size)
    rpr = normal.element.get_or_add_rPr()
    _rfonts(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANG)
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    # doc defaults too (tables use them in some renderers)
    styles_el = doc.styles.element
    rpr_default = styles_el.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr_default is not None:
        _rfonts(rpr_default)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rf = rpr_default.find(qn("w:rFonts"))
            if rf is not None and rf.get(qn(attr)) is not None:
                del rf.attrib[qn(attr)]

    if page_border:
        sectpr = sec._sectPr
        bd = OxmlElement("w:pgBorders")
        bd.set(qn("w:offsetFrom"), "page")
        for side in ("top", "left", "bottom", "right"):
            e = OxmlElement(f"w:{side}")
            e.set(qn("w:val"), "thinThickThinMediumGap")
            e.set(qn("w:sz"), "18")
            e.set(qn("w:space"), "24")
            e.set(qn("w:color"), "1F3864")
            bd.append(e)
        sectpr.find(qn("w:pgMar")).addnext(bd)

    cp = doc.core_properties
    cp.author = "aturan"
    cp.last_modified_by = "aturan"
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE
    cp.revision = 1
    cp.title = title
    cp.subject = "Templat docxtpl aturan"
    cp.language = LANG
    cp.keywords = "aturan; templat; naskah dinas"
    cp.comments = "Dibangun oleh templates/build_templates.py"
    cp.category = "templat"
    return doc


def save_deterministic(doc: Document, path: Path) -> None:
    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 3
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


def tiny_mark(para, half_points=2):
    """Shrink the paragraph mark so an empty paragraph is ~1 pt high."""
    ppr = para._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")
    for tagname in ("w:sz", "w:szCs"):
        e = OxmlElement(tagname)
        e.set(qn("w:val"), str(half_points))
        rpr.append(e)
    ppr.append(rpr)
    return para


def end_paragraph(doc):
    """Final plain paragraph so the body never ends with a table/tag."""
    tiny_mark(P(doc, R("", size=1)))


# --------------------------------------------------------------------------
# reusable blocks: letters
# --------------------------------------------------------------------------
def kop(doc):
    P(doc, R("{{ org.name|upper }}", b=True, size=14), align=CENTER)
    P(doc, R("{{ org.unit|upper }}", b=True, size=13), align=CENTER)
    P(doc, R("{{ org.address }}", size=10), align=CENTER)
    P(
        doc,
        R("Telepon {{ org.phone }}; Pos-el {{ org.email }}; Laman {{ org.website }}", size=10),
        align=CENTER,
    )
    hr = P(doc, R("", size=4), after=4)
    bottom_border(hr)


def meta_block(doc):
    t = table(doc, 4, [Cm(2.2), Cm(0.4), Cm(7.0), Cm(6.4)])
    rows = [
        ("Nomor", "{{ doc.number }}"),
        ("Sifat", "{{ doc.nature }}"),
        ("Lampiran", "{{ doc.attachment }}"),
        ("Hal", "{{ doc.subject }}"),
    ]
    for idx, (label, expr) in enumerate(rows):
        r = row(t)
        P(r.cells[0], label)
        P(r.cells[1], ":")
        P(r.cells[2], R(expr))
        if idx == 0:  # a replacement names the revoked document it replaces
            TAG(r.cells[2], "{%p if doc.replaces %}")
            P(r.cells[2], R("Menggantikan dokumen nomor {{ doc.replaces }}", size=8))
            TAG(r.cells[2], "{%p endif %}")
        if idx == 0:
            P(r.cells[3], R("{{ org.city }}, {{ doc.date_text }}"), align=RIGHT)
        else:
            P(r.cells[3], "")


def addressee(doc):
    P(doc, R("Yth. {{ recipient.name if recipient.name else recipient.position }}"), before=6)
    TAG(doc, "{%p if recipient.name and recipient.position %}")
    P(doc, R("{{ recipient.position }}"), left=Cm(0.85))
    TAG(doc, "{%p endif %}")
    TAG(doc, "{%p if recipient.agency %}")
    P(doc, R("{{ recipient.agency }}"), left=Cm(0.85))
    TAG(doc, "{%p endif %}")
    P(doc, "di", left=Cm(0.85))
    P(doc, R("{{ recipient.address if recipient.address else 'Tempat' }}"), left=Cm(0.85), after=6)


def body(doc, *runs, before=0, after=4, left=None, first=BODY_INDENT, **kw):
    return P(doc, *runs, align=JUSTIFY, before=before, after=after, left=left, first=first, **kw)


def identity(container, rows, left=BODY_INDENT, value_bold_first=True, size=None):
    """Borderless label : value block."""
    label_w = Cm(3.0)
    widths = [label_w, Cm(0.4), Cm(16.0 - 0.4) - label_w - left]
    t = table(container, 3, widths)
    # indent the whole table (w:tblInd must come after w:jc in CT_TblPr)
    tblpr = t._tbl.tblPr
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(left.twips))
    ind.set(qn("w:type"), "dxa")
    jc = tblpr.find(qn("w:jc"))
    if jc is not None:
        jc.addnext(ind)
    else:
        tblpr.append(ind)
    for idx, (label, expr) in enumerate(rows):
        r = row(t)
        P(r.cells[0], label, size=size)
        P(r.cells[1], ":", size=size)
        P(r.cells[2], R(expr, b=(value_bold_first and idx == 0)), size=size)
    return t


PARTICIPANT_ROWS = [
    ("Nama", "{{ participant.name }}"),
    ("NIP", "{{ participant.nip }}"),
    ("Jabatan", "{{ participant.position_title }}"),
    ("Instansi", "{{ participant.agency }}"),
]


def participant_block(doc, with_program=True, program_expr=None):
    rows = list(PARTICIPANT_ROWS)
    if with_program:
        rows.append(
            ("Pelatihan", program_expr or "{{ participant.program_name }}, {{ participant.batch }}")
        )
    identity(doc, rows)
    P(doc, R("", size=4), after=6)


def legal_basis_letter(doc):
    TAG(doc, "{%p if legal_basis %}")
    P(doc, R("Dasar hukum:", b=True), before=4, after=2, size=10, keep_next=True)
    numbered_clauses(doc, "lb", "legal_basis")
    TAG(doc, "{%p endif %}")
    policy_references_letter(doc)


def numbered_clauses(doc, item: str, items: str):
    """A numbered list of quoted clauses (citation — text), one paragraph each."""
    TAG(doc, f"{{%p for {item} in {items} %}}")
    P(
        doc,
        R("{{ loop.index }}."),
        R("\t"),
        R(f"{{{{ {item}.citation }}}}{{% if {item}.text %}} — {{{{ {item}.text }}}}{{% endif %}}"),
        size=9,
        align=JUSTIFY,
        left=Cm(0.75),
        first=Cm(-0.75),
        after=1,
    )
    TAG(doc, "{%p endfor %}")


PROPOSAL_NOTE = (
    "Makalah Kebijakan LAN 2023 adalah usulan kebijakan yang belum mengikat; dikutip sebagai "
    "rujukan, bukan sebagai dasar hukum."
)


def policy_references_letter(doc):
    """The 2023 paper's clauses, under their own heading and labelled a proposal: never law."""
    TAG(doc, "{%p if policy_references %}")
    P(doc, R("Rujukan kebijakan (usulan):", b=True), before=4, after=0, size=10, keep_next=True)
    P(doc, R(PROPOSAL_NOTE, i=True), size=8, after=1, keep_next=True)
    numbered_clauses(doc, "pr", "policy_references")
    TAG(doc, "{%p endif %}")


CLOSING = (
    "Demikian disampaikan. Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih."
)


def closing(doc, text=CLOSING):
    """The closing sentence, kept on the page of the signature (keep-with-next, unsplit)."""
    para = body(doc, text, before=4, keep_next=True)
    para.paragraph_format.keep_together = True


def signature(doc, with_date=False, size=None, gap=60, keep_with_copies=False, left=SIGN_INDENT):
    """The signature block: its lines keep together (keep-with-next), and with the Tembusan that
    follows in a letter, so it never stands alone on a page."""
    if with_date:
        P(
            doc,
            R("{{ org.city }}, {{ doc.date_text }}"),
            left=left,
            before=12,
            keep_next=True,
            size=size,
        )
    P(
        doc,
        R("{{ signatory.position }},"),
        left=left,
        before=0 if with_date else 12,
        keep_next=True,
        size=size,
    )
    P(
        doc,
        R("{{ signatory.name }}", b=True),
        left=left,
        before=gap,
        keep_next=True,
        size=size,
    )
    P(
        doc,
        R("{% if signatory.nip %}NIP {{ signatory.nip }}{% endif %}"),
        left=left,
        size=size,
        keep_next=keep_with_copies,
    )


def copies(doc):
    TAG(doc, "{%p if copies %}")
    P(doc, "Tembusan:", before=6, size=10, keep_next=True)
    TAG(doc, "{%p for c in copies %}")
    P(
        doc,
        R("{{ loop.index }}."),
        R("\t"),
        R("{{ c }}"),
        size=10,
        left=Cm(0.6),
        first=Cm(-0.6),
        keep_next=True,
    )
    TAG(doc, "{%p endfor %}")
    TAG(doc, "{%p endif %}")


def page_numbers(doc):
    """Page numbers in the footer from the second page on (a one-page letter shows none): the
    first page has its own, empty footer (w:titlePg), the others a centred PAGE field."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    para = section.footer.paragraphs[0]
    para.alignment = CENTER
    run = para.add_run()
    run.font.size = Pt(10)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "2"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, shown, end):
        run._r.append(element)


def letter(title, build_body, closing_text=CLOSING):
    """A letter (Peraturan ANRI 5/2021): letterhead, Nomor/Sifat/Lampiran/Hal, addressee, body,
    legal basis, the closing sentence kept with the signature, the signature kept with Tembusan,
    page numbers from page two."""
    doc = new_document(title, body_size=LETTER_SIZE)
    letter_margins(doc)
    page_numbers(doc)
    kop(doc)
    meta_block(doc)
    addressee(doc)
    build_body(doc)
    legal_basis_letter(doc)
    closing_block(doc, closing_text)
    end_paragraph(doc)
    return doc


# Letters fit one page where they can (issue 24): 11 pt body text and 2 cm top and bottom
# margins, within what Tata Naskah Dinas letters use; left and right stay 2.5 cm.
LETTER_SIZE = 11
LETTER_MARGIN = Cm(2.0)


def letter_margins(doc):
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = LETTER_MARGIN


def closing_block(doc, closing_text):
    """The closing sentence, the signature and Tembusan in one borderless row that cannot split
    (w:cantSplit): they move to the next page together, never leaving the signature or Tembusan
    alone. LibreOffice ignores a keep-with-next chain at a page end; it honours an unsplittable
    row. The paragraphs also carry keep-with-next, for editors that honour it."""
    block = table(doc, 1, [TEXT_WIDTH])
    r = row(block)
    cant_split(r)
    cell = r.cells[0]
    closing(cell, closing_text)
    signed_beside_verification(cell)
    copies(cell)


def signed_beside_verification(cell):
    """A letter checked from paper: its QR code, number and verification code in the empty space
    left of the signature (a letter's layout has room there), so the letter grows no longer."""
    t = table(cell, 2, [SIGN_INDENT - Cm(0.2), TEXT_WIDTH - SIGN_INDENT])
    r = row(t)
    cant_split(r)
    left, right = r.cells
    P(left, R("{% if qr %}{{ qr }}{% endif %}"), align=LEFT, keep_next=True)
    P(
        left,
        R("Nomor: {{ doc.number }}   Kode verifikasi: {{ verification.hash_short }}", size=8),
        keep_next=True,
    )
    P(left, R("{{ verification.note }}", size=7, i=True), keep_next=True)
    signature(right, keep_with_copies=True, left=Cm(0), gap=48)  # room for the signature stamp
    P(cell, R("", size=1), keep_next=True)  # a cell ends with a paragraph


# --------------------------------------------------------------------------
# reusable blocks: certificates
# --------------------------------------------------------------------------
def cert_head(doc, default_title):
    P(doc, R("{{ org.name|upper }}", b=True, size=14, color=DARK), align=CENTER)
    P(doc, R("{{ org.unit|upper }}", b=True, size=12, color=DARK), align=CENTER, after=12)
    P(
        doc,
        R(
            "{{ (doc.title if doc.title else '" + default_title + "')|upper }}",
            b=True,
            size=22,
            color=DARK,
        ),
        align=CENTER,
        after=4,
    )
    P(doc, R("Nomor: {{ doc.number }}", size=12), align=CENTER, after=12)
    TAG(doc, "{%p if doc.replaces %}")
    P(doc, R("Menggantikan dokumen nomor {{ doc.replaces }}", size=8), align=CENTER, after=6)
    TAG(doc, "{%p endif %}")
    P(doc, R("diberikan kepada:", i=True), align=CENTER, after=8)
    cert_name(doc)
    identity(
        doc,
        [
            ("NIP", "{{ participant.nip }}"),
            ("Jabatan", "{{ participant.position_title }}"),
            ("Instansi", "{{ participant.agency }}"),
        ],
        left=Cm(2.0),
        value_bold_first=False,
    )
    P(doc, "", after=8)


# The certificate's name line: 18 pt for a name that fits one line, smaller for a longer one, so
# that any name the case schema accepts (120 characters) is printed in full and the certificate
# stays on one page (measured with LibreOffice on names in capitals, the widest real names).
CERT_NAME_SIZES = ((40, 18), (50, 14), (80, 11), (None, 10))


def cert_name(doc):
    for index, (longest, size) in enumerate(CERT_NAME_SIZES):
        if longest is None:
            TAG(doc, "{%p else %}")
        else:
            keyword = "if" if index == 0 else "elif"
            TAG(doc, f"{{%p {keyword} participant.name|length <= {longest} %}}")
        P(doc, R("{{ participant.name }}", b=True, size=size), align=CENTER, after=6)
    TAG(doc, "{%p endif %}")


def cert_text(doc, *runs):
    return P(doc, *runs, align=JUSTIFY, after=6, size=12, line=1.15)


def cert_footer(doc):
    signature(doc, with_date=True, gap=36)
    TAG(doc, "{%p if legal_basis %}")
    P(doc, R("Dasar hukum:", b=True), size=8, before=12, after=1, keep_next=True)
    # certificates print citations only, to stay on one page; letters quote the text too
    cited_clauses(doc, "lb", "legal_basis")
    TAG(doc, "{%p endif %}")
    policy_references_certificate(doc)
    # QR placeholder, bottom left, verification hash under it
    P(doc, R("{% if qr %}{{ qr }}{% endif %}"), align=LEFT, before=10)
    P(doc, R("Kode verifikasi: {{ verification.hash_short }}", size=9), align=LEFT)
    P(doc, R("{{ verification.note }}", size=8, i=True), align=LEFT)


def cited_clauses(doc, item: str, items: str):
    """A certificate's numbered list of clauses, by citation alone (small, to stay on one page)."""
    TAG(doc, f"{{%p for {item} in {items} %}}")
    P(
        doc,
        R("{{ loop.index }}."),
        R("\t"),
        R(f"{{{{ {item}.citation }}}}"),
        size=8,
        align=JUSTIFY,
        left=Cm(0.5),
        first=Cm(-0.5),
    )
    TAG(doc, "{%p endfor %}")


def policy_references_certificate(doc):
    """The 2023 paper's clauses by citation, under their own heading: a proposal, not law."""
    TAG(doc, "{%p if policy_references %}")
    P(doc, R("Rujukan kebijakan (usulan):", b=True), size=8, before=4, after=1, keep_next=True)
    cited_clauses(doc, "pr", "policy_references")
    TAG(doc, "{%p endif %}")


TRAINING_NAME = "{{ training.program_name }}, {{ training.batch }}"
# JP only where sourced (the context gives jp_text only then); otherwise no hours are stated
JP_CLAUSE = (
    "{% if training.jp_text %} dengan beban belajar {{ training.jp_text }} jam pelajaran (JP)"
    "{% elif training.waived_any %} sesuai desain pelatihan yang ditetapkan baginya{% endif %}"
)
TRAINING_SENTENCE = (
    "{{ training.program_name }}, {{ training.batch }} yang "
    "diselenggarakan oleh {{ training.institution }} pada tanggal "
    "{{ training.start_text }} sampai dengan {{ training.end_text }}"
)


# --------------------------------------------------------------------------
# the eight templates
# --------------------------------------------------------------------------
def build_sttp():
    doc = new_document("Surat Tanda Tamat Pelatihan", body_size=12, page_border=True)
    cert_head(doc, "Surat Tanda Tamat Pelatihan")
    cert_text(
        doc,
        "telah mengikuti ",
        R(TRAINING_SENTENCE),
        R(JP_CLAUSE),
        ", dan dinyatakan ",
        R("LULUS", b=True),
        ".",
    )
    cert_footer(doc)
    end_paragraph(doc)
    return doc


def build_sertifikat_kompetensi():
    doc = new_document("Sertifikat Kompetensi Manajerial", body_size=12, page_border=True)
    cert_head(doc, "Sertifikat Kompetensi Manajerial")
    cert_text(
        doc,
        "telah mengikuti uji kompetensi manajerial pada tanggal ",
        R("{{ competence.assessment_date_text }}"),
        " dan dinyatakan ",
        R("KOMPETEN", b=True),
        " untuk jabatan ",
        R("{{ competence.tier_name }}", b=True),
        " pada ",
        R("Level {{ competence.level }}", b=True),
        ", dengan capaian kompetensi manajerial sebagai berikut:",
    )
    t = table(
        doc, 4, [Cm(1.0), Cm(9.0), Cm(3.0), Cm(3.0)], grid=True, align=WD_TABLE_ALIGNMENT.CENTER
    )
    header_row(t, ["No.", "Kompetensi Manajerial", "Level Capaian", "Standar Level"], size=11)
    loop_rows(
        t,
        "for c in competencies",
        [R("{{ loop.index }}"), R("{{ c.name }}"), R("{{ c.level }}"), R("{{ c.standard }}")],
        size=11,
        align=[CENTER, LEFT, CENTER, CENTER],
    )
    P(doc, "", after=6)
    cert_text(
        doc,
        "Sertifikat ini berlaku sampai dengan ",
        R("{{ competence.valid_until_text }}", b=True),
        ".",
    )
    cert_footer(doc)
    end_paragraph(doc)
    return doc


def build_sertifikat_keikutsertaan():
    doc = new_document("Sertifikat Keikutsertaan Pelatihan", body_size=12, page_border=True)
    cert_head(doc, "Sertifikat Keikutsertaan Pelatihan")
    cert_text(
        doc,
        "atas keikutsertaannya dalam ",
        R(TRAINING_SENTENCE),
        R(JP_CLAUSE),
        ".",
    )
    cert_text(doc, R("{{ participation.statement }}", i=True, size=11))
    cert_footer(doc)
    end_paragraph(doc)
    return doc


def build_desain_pelatihan():
    def content(doc):
        body(
            doc,
            "Berdasarkan hasil analisis profil kompetensi, riwayat pelatihan, dan ketentuan "
            "yang berlaku, dengan ini ditetapkan desain pelatihan bagi peserta berikut:",
        )
        participant_block(doc)
        body(doc, "Model pelatihan: ", R("{{ design.model_name }}", b=True), first=None, after=2)
        TAG(doc, "{%p if design.model_description %}")
        body(doc, R("{{ design.model_description }}"), first=None, after=6)
        TAG(doc, "{%p endif %}")

        small = 9
        TAG(doc, "{%p if required_subjects %}")
        P(doc, R("Mata pelatihan yang wajib diikuti", b=True), before=4, after=2, keep_next=True)
        t = table(doc, 5, [Cm(0.8), Cm(3.8), Cm(4.6), Cm(3.2), Cm(3.6)], grid=True)
        header_row(t, ["No.", "Agenda", "Mata Pelatihan", "Tahap", "Alasan"], size=small)
        loop_rows(
            t,
            "for s in required_subjects",
            [
                R("{{ loop.index }}"),
                R("{{ s.agenda }}"),
                R("{{ s.name }}"),
                R("{{ s.stages if s.stages is string else s.stages|join(', ') }}"),
                R("{{ s.reason }}"),
            ],
            size=small,
            align=[CENTER, LEFT, LEFT, CENTER, LEFT],
        )
        P(doc, R("", size=4))
        TAG(doc, "{%p endif %}")

        TAG(doc, "{%p if waived_subjects %}")
        P(doc, R("Mata pelatihan yang dibebaskan", b=True), before=4, after=2, keep_next=True)
        t = table(doc, 4, [Cm(0.8), Cm(6.2), Cm(4.4), Cm(4.6)], grid=True)
        header_row(t, ["No.", "Mata Pelatihan", "Tahap", "Alasan"], size=small)
        loop_rows(
            t,
            "for s in waived_subjects",
            [
                R("{{ loop.index }}"),
                R("{{ s.name }}"),
                R("{{ s.stages if s.stages is string else s.stages|join(', ') }}"),
                R("{{ s.reason }}"),
            ],
            size=small,
            align=[CENTER, LEFT, CENTER, LEFT],
        )
        P(doc, R("", size=4))
        TAG(doc, "{%p endif %}")

        TAG(doc, "{%p if cluster %}")
        body(
            doc, "Klaster peserta: ", R("{{ cluster.name }}", b=True), first=None, before=6, after=2
        )
        TAG(doc, "{%p if cluster.description %}")
        body(doc, R("{{ cluster.description }}"), first=None)
        TAG(doc, "{%p endif %}")
        TAG(doc, "{%p endif %}")

        TAG(doc, "{%p if coaching %}")
        body(
            doc,
            "Kelompok coaching: ",
            R("{{ coaching.group }}", b=True),
            R("{% if coaching.size %} (jumlah anggota {{ coaching.size }} orang){% endif %}"),
            first=None,
            before=6,
            after=2,
        )
        TAG(doc, "{%p if coaching.focus %}")
        P(doc, "Kompetensi yang menjadi fokus coaching:", after=2, keep_next=True)
        TAG(doc, "{%p for f in coaching.focus %}")
        P(doc, R("{{ loop.index }}."), R("\t"), R("{{ f }}"), left=Cm(1.25), first=Cm(-0.6))
        TAG(doc, "{%p endfor %}")
        TAG(doc, "{%p endif %}")
        TAG(doc, "{%p endif %}")

    return letter(
        "Surat Penetapan Desain Pelatihan Peserta",
        content,
        "Desain pelatihan ini menjadi acuan penyelenggaraan pembelajaran bagi peserta "
        "yang bersangkutan. Demikian untuk dilaksanakan sebagaimana mestinya.",
    )


def _cell_list(cell, var, size):
    """Cell content = one bullet paragraph per item of `var`, or "-" when the
    list is empty (so the cell never loses its last <w:p>)."""
    P(cell, R("{%p if " + var + " %}"), size=size)
    P(cell, R("{%p for k in " + var + " %}"), size=size)
    P(cell, R("•"), R("\t"), R("{{ k }}"), size=size, left=Cm(0.4), first=Cm(-0.4))
    P(cell, R("{%p endfor %}"), size=size)
    P(cell, R("{%p else %}"), size=size)
    P(cell, R("-"), size=size)
    P(cell, R("{%p endif %}"), size=size)


def _top_level_paragraph(doc):
    """Competencies already at the top level: named, with no target above them (issue 21)."""
    TAG(doc, "{%p if at_top %}")
    body(
        doc,
        "Kompetensi berikut telah mencapai level tertinggi (level {{ top_level }}), sehingga "
        "tidak ada level sasaran di atasnya; pengembangannya diarahkan pada tantangan dan "
        "penugasan baru: ",
        R("{{ at_top|join(', ') }}"),
        ".",
        before=4,
    )
    TAG(doc, "{%p endif %}")


def build_rekomendasi_pengembangan():
    def content(doc):
        body(
            doc,
            "Berdasarkan hasil uji kompetensi manajerial yang telah dilaksanakan, bersama ini "
            "kami sampaikan rekomendasi pengembangan kompetensi bagi peserta berikut:",
        )
        participant_block(doc)

        TAG(doc, "{%p if next_level %}")
        body(
            doc,
            "Peserta telah memenuhi standar kompetensi manajerial yang dipersyaratkan. "
            "Sebagai umpan balik, kami merekomendasikan pengembangan kompetensi ke level "
            "berikutnya (",
            R("Competency Development Next Level", i=True),
            ") agar capaian kompetensi peserta terus meningkat sesuai kebutuhan jabatan.",
        )
        TAG(doc, "{%p if gaps %}")
        P(
            doc,
            "Kompetensi yang disarankan untuk dikembangkan ke level di atas capaiannya:",
            after=2,
            keep_next=True,
        )
        TAG(doc, "{%p for g in gaps %}")
        P(
            doc,
            R("{{ loop.index }}."),
            R("\t"),
            R("{{ g.competency }} (level saat ini {{ g.level }}, sasaran level {{ g.standard }})"),
            R(
                "{% if g.learning_models %}; model pembelajaran: "
                "{{ g.learning_models|join(', ') }}{% endif %}"
            ),
            left=Cm(1.25),
            first=Cm(-0.6),
            align=JUSTIFY,
            after=2,
        )
        TAG(doc, "{%p endfor %}")
        TAG(doc, "{%p endif %}")
        _top_level_paragraph(doc)
        body(
            doc,
            "Pengembangan tersebut dapat dilaksanakan melalui penugasan, pembelajaran "
            "mandiri, maupun pelatihan lanjutan sesuai ketersediaan program.",
            before=4,
        )

        TAG(doc, "{%p else %}")
        body(
            doc,
            "Hasil uji kompetensi menunjukkan bahwa peserta belum memenuhi standar pada "
            "kompetensi di bawah ini. Peserta direkomendasikan mengikuti pengembangan "
            "kompetensi di tempat kerja selama ",
            R("{{ development.period_days }} {{ development.counting_text }}", b=True),
            R(
                ", terhitung mulai tanggal {{ development.start_text }} sampai dengan "
                "{{ development.end_text }}"
            ),
            ", dengan rincian sebagai berikut:",
        )
        small = 10
        TAG(doc, "{%p for g in gaps %}")
        P(doc, R("{{ loop.index }}. {{ g.competency }}", b=True), before=6, after=2, keep_next=True)
        P(
            doc,
            R(
                "Level capaian {{ g.level }}; standar level {{ g.standard }}; "
                "kesenjangan {{ g.gap }}"
            ),
            size=11,
            left=Cm(0.5),
            after=4,
            keep_next=True,
        )
        t = table(doc, 2, [Cm(4.5), Cm(11.5)], grid=True)
        header_row(t, ["Aspek", "Rencana Pengembangan"], size=small)
        for label, var in (
            ("Pengetahuan", "g.knowledge"),
            ("Keterampilan personal", "g.skill_personal"),
            ("Keterampilan interpersonal", "g.skill_interpersonal"),
            ("Sikap", "g.attitude"),
            ("Model pembelajaran", "g.learning_models"),
        ):
            r = row(t)
            cant_split(r)
            P(r.cells[0], R(label, b=True), size=small)
            _cell_list(r.cells[1], var, small)
        P(doc, "", after=4)
        TAG(doc, "{%p endfor %}")
        body(
            doc,
            "Setelah masa pengembangan berakhir, peserta dapat mengikuti uji kompetensi "
            "ulang paling cepat pada tanggal ",
            R("{{ development.retest_earliest_text }}", b=True),
            ".",
            before=6,
        )
        TAG(doc, "{%p endif %}")

    return letter("Surat Rekomendasi Pengembangan Kompetensi", content)


def build_penundaan_kelulusan():
    def content(doc):
        body(
            doc,
            "Dengan hormat, bersama ini kami beritahukan bahwa kelulusan peserta ",
            R(TRAINING_SENTENCE),
            " berikut ini ",
            R("ditunda", b=True),
            ":",
        )
        participant_block(doc, program_expr=TRAINING_NAME)
        body(doc, "Alasan penundaan: ", R("{{ remedial.reason }}"), first=None)
        TAG(doc, "{%p if remedial.note %}")
        body(doc, "Catatan: ", R("{{ remedial.note }}"), first=None)
        TAG(doc, "{%p endif %}")
        body(
            doc,
            "Peserta diberikan kesempatan untuk melakukan perbaikan (remedial) sesuai "
            "ketentuan yang berlaku. Kelulusan akan ditetapkan setelah hasil perbaikan "
            "dinyatakan memenuhi syarat.",
            before=4,
        )

    return letter("Surat Pemberitahuan Penundaan Kelulusan", content)


def build_undangan_uji():
    def content(doc):
        body(
            doc,
            "Dalam rangka pelaksanaan uji kompetensi manajerial bagi alumni ",
            R(TRAINING_NAME),
            ", dengan hormat kami mengundang peserta berikut:",
        )
        participant_block(doc, program_expr=TRAINING_NAME)
        TAG(doc, "{%p if retest %}")
        body(
            doc,
            "untuk mengikuti ",
            R("uji kompetensi ulang", b=True),
            " yang dapat dilaksanakan paling cepat pada tanggal ",
            R("{{ retest_earliest_text }}", b=True),
            ", setelah masa pengembangan kompetensi di tempat kerja berakhir.",
            first=None,
        )
        TAG(doc, "{%p elif window.end_text %}")
        body(
            doc,
            "untuk mengikuti ",
            R("uji kompetensi", b=True),
            " yang dilaksanakan setelah pelatihan dalam rentang waktu tanggal ",
            R("{{ window.start_text }}", b=True),
            " sampai dengan ",
            R("{{ window.end_text }}", b=True),
            ".",
            first=None,
        )
        TAG(doc, "{%p else %}")
        body(
            doc,
            "untuk mengikuti ",
            R("uji kompetensi", b=True),
            " yang dapat dilaksanakan mulai tanggal ",
            R("{{ window.start_text }}", b=True),
            ".",
            first=None,
        )
        TAG(doc, "{%p endif %}")
        body(
            doc,
            "Jadwal, tempat, dan tata cara pelaksanaan secara rinci akan disampaikan "
            "kemudian. Mohon Bapak/Ibu dapat memfasilitasi kehadiran peserta yang "
            "bersangkutan.",
            before=4,
        )

    return letter("Undangan Uji Kompetensi", content)


def build_permintaan_asesmen_awal():
    def content(doc):
        body(
            doc,
            "Berdasarkan penelusuran data, peserta berikut yang akan mengikuti ",
            R(TRAINING_SENTENCE),
            " belum memiliki hasil asesmen kompetensi manajerial yang masih berlaku:",
        )
        participant_block(doc, program_expr=TRAINING_NAME)
        TAG(doc, "{%p if reason_text %}")
        body(doc, R("{{ reason_text }}"))
        TAG(doc, "{%p endif %}")
        body(
            doc,
            "Sehubungan dengan hal tersebut, kami mohon agar dapat dilaksanakan asesmen "
            "awal terhadap peserta dimaksud dengan salah satu metode berikut:",
        )
        TAG(doc, "{%p for m in methods %}")
        P(
            doc,
            R("{{ loop.index }}."),
            R("\t"),
            R("{{ m }}"),
            left=Cm(1.85),
            first=Cm(-0.6),
            after=2,
        )
        TAG(doc, "{%p endfor %}")
        body(
            doc,
            "Hasil asesmen awal diperlukan sebagai dasar penyusunan desain pelatihan "
            "peserta dan kami harapkan telah kami terima sebelum pelatihan dimulai pada "
            "tanggal ",
            R("{{ training.start_text }}"),
            ".",
            before=6,
        )

    return letter("Surat Permintaan Asesmen Awal", content)


# --------------------------------------------------------------------------
# the drafters' policy memo (issue 27): a working paper, not a signed document
# --------------------------------------------------------------------------
MEMO_SIZE = 10


def memo_heading(doc, text):
    P(doc, R(text, b=True, size=12, color=DARK), before=10, after=3, keep_next=True)


def memo_lines(doc, items, item="line"):
    """One paragraph per text of the list `items` (the cell keeps its fallback rule)."""
    TAG(doc, f"{{%p for {item} in {items} %}}")
    P(doc, R(f"{{{{ {item} }}}}"), size=9, align=JUSTIFY, after=2)
    TAG(doc, "{%p endfor %}")


def memo_clauses(doc, items="clauses"):
    TAG(doc, f"{{%p for c in {items} %}}")
    P(
        doc,
        R("{{ loop.index }}. {{ c.title }} ({{ c.parameter }})", b=True),
        size=MEMO_SIZE,
        before=4,
        after=1,
        keep_next=True,
    )
    P(
        doc,
        R("Sejak {{ c.start_text }}: {{ c.old_value }} \u2192 {{ c.new_value }}"),
        size=MEMO_SIZE,
        left=Cm(0.6),
        after=1,
    )
    TAG(doc, "{%p for k in c.clauses %}")
    P(
        doc,
        R("Rancangan: "),
        R("{{ k.citation }}", b=True),
        R(" ({{ k.status }})"),
        size=MEMO_SIZE,
        left=Cm(0.6),
        after=0,
    )
    P(
        doc,
        R("\u201c{{ k.text }}\u201d", i=True),
        size=MEMO_SIZE,
        left=Cm(1.2),
        after=1,
        align=JUSTIFY,
    )
    TAG(doc, "{%p endfor %}")
    P(
        doc,
        R("Nilai yang diganti bersandar pada: {{ c.old_basis }}"),
        size=9,
        left=Cm(0.6),
        after=2,
        align=JUSTIFY,
    )
    TAG(doc, "{%p endfor %}")
    TAG(doc, f"{{%p if not {items} %}}")
    P(doc, R("Reformasi ini tidak mengubah nilai parameter (hanya aturan)."), size=MEMO_SIZE)
    TAG(doc, "{%p endif %}")


def memo_summary(doc, items="summary"):
    t = table(doc, 2, [Cm(13.0), Cm(3.0)], grid=True)
    header_row(t, ["Ringkasan per sebab", "Peserta"], size=9)
    loop_rows(
        t,
        f"for row in {items}",
        ["{{ row.label }}", "{{ row.count }}"],
        size=9,
        align=[LEFT, RIGHT],
    )
    P(doc, R(""), size=4)


def memo_compare(doc):
    TAG(doc, "{%p for m in compare %}")
    P(doc, R("{{ m.model }}", b=True), size=MEMO_SIZE, before=4, after=1, keep_next=True)
    t = table(doc, 4, [Cm(8.5), Cm(2.6), Cm(2.6), Cm(2.3)], grid=True)
    header_row(t, ["Ukuran", "Aturan berlaku", "Reformasi", "Selisih"], size=8)
    loop_rows(
        t,
        "for r in m.rows",
        [f"{{{{ r[{i}] }}}}" for i in range(4)],
        size=8,
        align=[LEFT, RIGHT, RIGHT, RIGHT],
    )
    P(doc, R(""), size=4)
    TAG(doc, "{%p endfor %}")


def build_memo_kebijakan():
    doc = new_document("Memo Kebijakan", body_size=MEMO_SIZE)
    page_numbers(doc)
    P(doc, R("MEMO KEBIJAKAN", b=True, size=16, color=DARK), align=CENTER, after=2)
    P(doc, R("{{ not_official }}", i=True), size=9, align=CENTER, after=8)
    identity(
        doc,
        [
            ("Pertanyaan", "{{ question.name }}"),
            ("Uraian", "{{ question.description }}"),
            ("Penyusun", "{{ question.author }}"),
            ("Tanggal", "{{ question.date_text }}"),
            ("Reformasi", "{{ reform_name }}"),
        ],
        left=Cm(0),
        size=MEMO_SIZE,
    )
    memo_heading(doc, "1. Rancangan klausul")
    memo_clauses(doc)
    memo_heading(doc, "2. Angka: siapa yang berubah")
    TAG(doc, "{%p if summary %}")
    memo_summary(doc)
    TAG(doc, "{%p endif %}")
    memo_heading(doc, "3. Angka: perbandingan per model (aturan berlaku dan reformasi)")
    memo_compare(doc)
    P(doc, R("Biaya dan dasarnya", b=True), size=MEMO_SIZE, before=4, after=1, keep_next=True)
    memo_lines(doc, "costs")
    memo_heading(doc, "4. Dasar angka")
    identity(
        doc,
        [
            ("Kohort", "{{ basis.cohort }}"),
            ("Tanggal keputusan", "{{ basis.as_of_text }}"),
            ("Model dibandingkan", "{{ basis.models }}"),
            ("Model diff", "{{ basis.diff_model }}"),
            ("Versi aturan", "{{ basis.rules_version }}"),
        ],
        left=Cm(0),
        size=MEMO_SIZE,
    )
    memo_lines(doc, "footing")
    end_paragraph(doc)
    return doc


def build_memo_kebijakan_banding():
    """Two saved questions in one memo: each with its draft clauses, summary and footing, then
    the compare per model (law in force and each reform, B minus A) and each one's costs."""
    doc = new_document("Memo Kebijakan: banding dua pertanyaan", body_size=MEMO_SIZE)
    page_numbers(doc)
    P(doc, R("MEMO KEBIJAKAN", b=True, size=16, color=DARK), align=CENTER, after=0)
    P(doc, R("Banding dua pertanyaan", b=True, size=12, color=DARK), align=CENTER, after=2)
    P(doc, R("{{ not_official }}", i=True), size=9, align=CENTER, after=8)
    identity(
        doc,
        [("Disusun oleh", "{{ author }}"), ("Tanggal", "{{ date_text }}")],
        left=Cm(0),
        size=MEMO_SIZE,
    )
    TAG(doc, "{%p for s in sides %}")
    memo_heading(doc, "Pertanyaan {{ s.label }}: {{ s.question.name }}")
    identity(
        doc,
        [
            ("Uraian", "{{ s.question.description }}"),
            ("Penyusun", "{{ s.question.author }}, {{ s.question.date_text }}"),
            ("Reformasi", "{{ s.reform_name }}"),
            ("Kohort", "{{ s.basis.cohort }}"),
            ("Tanggal keputusan", "{{ s.basis.as_of_text }}"),
            ("Model", "{{ s.basis.models }}"),
            ("Versi aturan", "{{ s.basis.rules_version }}"),
        ],
        left=Cm(0),
        size=MEMO_SIZE,
    )
    P(doc, R("Rancangan klausul", b=True), size=MEMO_SIZE, before=4, keep_next=True)
    memo_clauses(doc, "s.clauses")
    P(doc, R("Siapa yang berubah", b=True), size=MEMO_SIZE, before=4, after=1, keep_next=True)
    memo_summary(doc, "s.summary")
    TAG(doc, "{%p endfor %}")
    memo_heading(doc, "Perbandingan per model: aturan berlaku, reformasi A dan reformasi B")
    P(doc, R("{{ differ_note }}", i=True), size=9, after=2, align=JUSTIFY)
    TAG(doc, "{%p for m in tables %}")
    P(doc, R("{{ m.model }}", b=True), size=MEMO_SIZE, before=4, after=1, keep_next=True)
    t = table(doc, 6, [Cm(5.5), Cm(2.1), Cm(2.1), Cm(2.1), Cm(2.1), Cm(2.1)], grid=True)
    labels = ["Ukuran", "A: berlaku", "A: reformasi", "B: berlaku", "B: reformasi", "B\u2212A"]
    header_row(t, labels, size=8)
    loop_rows(
        t,
        "for r in m.rows",
        [f"{{{{ r[{i}] }}}}" for i in range(6)],
        size=8,
        align=[LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT],
    )
    P(doc, R(""), size=4)
    TAG(doc, "{%p endfor %}")
    memo_heading(doc, "Biaya dan dasarnya")
    TAG(doc, "{%p for s in sides %}")
    P(doc, R("Pertanyaan {{ s.label }}", b=True), size=MEMO_SIZE, before=2, keep_next=True)
    memo_lines(doc, "s.costs")
    TAG(doc, "{%p endfor %}")
    end_paragraph(doc)
    return doc


BUILDERS = {
    "sttp.docx": build_sttp,
    "sertifikat_kompetensi.docx": build_sertifikat_kompetensi,
    "sertifikat_keikutsertaan.docx": build_sertifikat_keikutsertaan,
    "desain_pelatihan.docx": build_desain_pelatihan,
    "rekomendasi_pengembangan.docx": build_rekomendasi_pengembangan,
    "penundaan_kelulusan.docx": build_penundaan_kelulusan,
    "undangan_uji.docx": build_undangan_uji,
    "permintaan_asesmen_awal.docx": build_permintaan_asesmen_awal,
    "memo_kebijakan.docx": build_memo_kebijakan,
    "memo_kebijakan_banding.docx": build_memo_kebijakan_banding,
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "docx"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, fn in BUILDERS.items():
        save_deterministic(fn(), out / name)
        print(f"wrote {out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
