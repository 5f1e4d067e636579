"""The verification page: plain HTML in Bahasa Indonesia, one inline style block, no script and no
external asset, so it works on any phone that opens a QR code's address. The HTML is in
templates/ (Jinja2, autoescaped: every value from the registry or the request is escaped)."""

from __future__ import annotations

from aturan.documents import indonesian_date
from aturan.files import page_templates
from aturan.formatting import day_in_wib
from aturan.web.lookup import Finding, Issuer

PAGES = page_templates("aturan.web")


def render(
    institution: str,
    finding: Finding | None = None,
    number: str = "",
    code: str = "",
    max_megabytes: float = 10,
) -> str:
    """The whole page: the verdict (when there is one), then both ways to check a document."""
    issuer = finding.issuer if finding else None
    return PAGES.get_template("verify.html").render(
        institution=issuer.words() if issuer else institution,
        finding=finding,
        tone=_tone(finding),
        rows=_rows(finding) if finding else [],
        number=number,
        code=code,
        max_megabytes=f"{max_megabytes:g}",
    )


def message_page(institution: str, title: str, message: str) -> str:
    """A refusal (too large, too many requests) as a page."""
    return PAGES.get_template("message.html").render(
        institution=institution, title=title, message=message
    )


def _tone(finding: Finding | None) -> str:
    tones = {"sah": "sah", "kedaluwarsa": "lewat", "tanpa_tanda_tangan": "lewat"}
    return tones.get(finding.status if finding else "", "buruk")


def _rows(finding: Finding) -> list[tuple[str, str]]:
    """What the verdict shows of the document: number (when known), issuer, type, holder
    (masked), dates, what it replaces or what replaced it."""
    rows = [("Nomor dokumen", finding.number)] if finding.number else []
    if finding.issuer:
        rows.append(("Institusi penerbit", _issuer_text(finding.issuer)))
    if finding.document:
        doc = finding.document
        rows += [
            ("Jenis dokumen", doc["title"]),
            ("Pemegang", doc["holder"]),
            ("NIP", doc["nip"]),
            ("Tanggal dokumen", doc["date_text"]),
        ]
        if doc.get("valid_until_text"):
            rows.append(("Berlaku sampai dengan", doc["valid_until_text"]))
        if finding.status == "dicabut" and doc.get("revoked_at"):
            rows += [
                ("Dicabut pada", indonesian_date(day_in_wib(doc["revoked_at"]))),
                ("Alasan pencabutan", doc.get("revoked_reason") or "-"),
            ]
        if doc.get("replaces"):
            rows.append(("Menggantikan dokumen nomor", doc["replaces"]))
        if doc.get("replaced_by"):
            rows.append(("Diganti dengan dokumen nomor", doc["replaced_by"]))
    return [(key, str(value)) for key, value in rows]


def _issuer_text(issuer: Issuer) -> str:
    if issuer.name:
        return f"{issuer.name} ({issuer.code})"
    return f"kode institusi {issuer.code}"
