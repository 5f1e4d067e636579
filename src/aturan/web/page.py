"""The verification page: plain HTML in Bahasa Indonesia, one inline style block, no script and no
external asset, so it works on any phone that opens a QR code's address."""

from __future__ import annotations

from html import escape

from aturan.documents import indonesian_date
from aturan.web.lookup import Finding

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;
color:#1f2933;line-height:1.5}
main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem}
header{border-bottom:3px solid #1f4e79;margin-bottom:1.5rem}
header p{margin:.2rem 0 .8rem;color:#52606d;font-size:.95rem}
h1{font-size:1.4rem;margin:0;color:#1f4e79}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.hasil{background:#fff;border-radius:.5rem;padding:1rem 1.2rem;border-left:.5rem solid #9aa5b1;
box-shadow:0 1px 3px rgba(0,0,0,.1)}
.hasil.sah{border-left-color:#2f855a}.hasil.buruk{border-left-color:#c53030}
.hasil.lewat{border-left-color:#b7791f}
.status{font-size:1.6rem;font-weight:700;letter-spacing:.05em;margin:0}
.sah .status{color:#2f855a}.buruk .status{color:#c53030}.lewat .status{color:#975a16}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:.8rem 0 0}
dt{color:#52606d}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
@media (max-width:30rem){dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.5rem}}
form{background:#fff;border-radius:.5rem;padding:1rem 1.2rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
label{display:block;margin:.5rem 0 .2rem;color:#52606d}
input[type=text]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;
border:1px solid #9aa5b1;border-radius:.3rem}
button{margin-top:.8rem;padding:.55rem 1.2rem;font-size:1rem;background:#1f4e79;color:#fff;
border:0;border-radius:.3rem;cursor:pointer}
footer{margin-top:2rem;font-size:.85rem;color:#52606d}
"""


def render(
    institution: str,
    finding: Finding | None = None,
    number: str = "",
    code: str = "",
    max_megabytes: float = 10,
) -> str:
    """The whole page: the verdict (when there is one), then both ways to check a document."""
    result = _result(finding) if finding else ""
    return _layout(
        institution,
        result + _number_form(number, code) + _upload_form(max_megabytes),
    )


def message_page(institution: str, title: str, message: str) -> str:
    """A refusal (too large, too many requests) as a page."""
    body = f'<section class="hasil buruk"><p class="status">{escape(title)}</p>'
    body += f"<p>{escape(message)}</p></section>"
    body += '<p><a href="/verifikasi">Kembali ke halaman verifikasi</a></p>'
    return _layout(institution, body)


def _layout(institution: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>Verifikasi Dokumen - {escape(institution)}</title>"
        f"<style>{STYLE}</style></head><body><main>"
        f"<header><h1>Verifikasi Dokumen</h1><p>{escape(institution)}</p></header>"
        f"{body}"
        "<footer>Halaman ini hanya membaca registri dokumen; tidak ada data yang diubah atau "
        "disimpan. Nama dan NIP pemegang ditampilkan tersamar untuk melindungi data pribadi."
        "</footer></main></body></html>\n"
    )


def _result(finding: Finding) -> str:
    tone = {"sah": "sah", "kedaluwarsa": "lewat"}.get(finding.status, "buruk")
    rows = [("Nomor dokumen", finding.number or "-")]
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
                ("Dicabut pada", indonesian_date(doc["revoked_at"][:10])),
                ("Alasan pencabutan", doc.get("revoked_reason") or "-"),
            ]
    return (
        f'<section class="hasil {tone}" id="hasil" data-status="{escape(finding.status)}">'
        f'<p class="status" id="status">{escape(finding.label)}</p>'
        f'<p id="pesan">{escape(finding.message)}</p>'
        f"<dl>{''.join(f'<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>' for k, v in rows)}</dl>"
        "</section>"
    )


def _number_form(number: str, code: str) -> str:
    return (
        "<h2>Periksa dengan nomor dan kode verifikasi</h2>"
        '<form method="get" action="/verifikasi">'
        '<label for="n">Nomor dokumen</label>'
        f'<input type="text" id="n" name="n" value="{escape(number)}" required>'
        '<label for="c">Kode verifikasi (16 karakter, tercetak di bawah kode QR)</label>'
        f'<input type="text" id="c" name="c" value="{escape(code)}" maxlength="16" required>'
        "<button type=submit>Periksa</button></form>"
    )


def _upload_form(max_megabytes: float) -> str:
    return (
        "<h2>Periksa berkas PDF</h2>"
        '<form method="post" action="/verifikasi" enctype="multipart/form-data">'
        f'<label for="berkas">Unggah PDF dokumen (paling besar {max_megabytes:g} MB). '
        "Berkas yang telah diubah, walau sedikit, tidak akan dinyatakan sah.</label>"
        '<input type="file" id="berkas" name="berkas" accept="application/pdf,.pdf" required>'
        "<button type=submit>Unggah dan periksa</button></form>"
    )
