#!/usr/bin/env python3
"""Smoke test for the docxtpl templates in templates/docx/.

Renders every template (and each conditional branch) with a sample context full
of hostile text, writes the results to /tmp/tpl_out/, re-opens each result with
python-docx and checks that:
  * the hostile strings appear literally (escaped correctly, never re-rendered);
  * no template tag is left unrendered;
  * the OOXML stays structurally sane (every table cell keeps a paragraph, the
    body does not end in a table).

Usage:  .venv/bin/python templates/smoke_render.py
Exit status 0 when everything passes.
"""

from __future__ import annotations

import copy
import io
import re
import sys
from pathlib import Path

import segno
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

HERE = Path(__file__).resolve().parent
TPL_DIR = HERE / "docx"
OUT_DIR = Path("/tmp/tpl_out")

HOSTILE_BITS = [
    "Ñoño 李 Đặng",
    "A & B",
    "<b>tebal</b>",
    "a > b < c",
    '"kutip ganda"',
    "'kutip tunggal'",
    "{{ x }}",
    "{% if %}",
    "{%p if x %}",
    "{%tr endfor %}",
]
_base = " ".join(HOSTILE_BITS) + " "
LONG_NAME = (_base * 10)[:300]
assert len(LONG_NAME) == 300
SHORT_HOSTILE = 'Dr. Ñoño 李 Đặng & <Rekan> "Ko" {{ x }} {% if %}'


def base_context():
    return {
        "org": {
            "name": "Lembaga Administrasi Negara & <Mitra>",
            "unit": "Pusat Pembinaan Program & Kebijakan Pengembangan Kompetensi",
            "address": "Jalan Veteran Nomor 10, Jakarta Pusat 10110",
            "phone": "(021) 3868201",
            "email": "info@lan.go.id",
            "website": "www.lan.go.id",
            "city": "Jakarta",
        },
        "signatory": {
            "name": SHORT_HOSTILE,
            "nip": "197001011990031001",
            "position": 'Kepala Pusat "Pembinaan" {% if %}',
        },
        "doc": {
            "number": "123/PKN.II/XI/2026 <&>",
            "date_text": "27 November 2026",
            "nature": "Biasa",
            "attachment": "-",
            "subject": "Hal dengan {{ x }} & <tanda>",
            "title": "",
        },
        "recipient": {
            "name": SHORT_HOSTILE,
            "position": "Kepala Badan Kepegawaian Daerah",
            "agency": 'Pemerintah Provinsi "Ñ" & <X>',
            "address": "Jakarta {{ x }}",
        },
        "participant": {
            "name": LONG_NAME,
            "nip": "198501012010011001",
            "position_title": "Kepala Bagian <Umum> & Keuangan",
            "agency": "Kementerian Ñoño 李 Đặng",
            "program_name": "Pelatihan Kepemimpinan Administrator",
            "batch": "IV {{ x }}",
        },
        "legal_basis": [
            {
                "citation": "Peraturan LAN Nomor 15 Tahun 2019",
                "text": "tentang Pelatihan Kepemimpinan Nasional & <Tingkat II> "
                + "teks panjang " * 20,
            },
            {
                "citation": "Peraturan ANRI Nomor 5 Tahun 2021",
                "text": "tentang Pedoman Umum Tata Naskah Dinas {% if %}",
            },
        ],
        "copies": ["Kepala LAN", "Peserta yang bersangkutan <&> {{ x }}"],
        "qr": None,
        "verification": {
            "hash_short": "sha256:3f2a9c1d <&>",
            "note": "Pindai kode QR atau jalankan `aturan verify` untuk memeriksa keaslian",
        },
        "training": {
            "program_name": "Pelatihan Kepemimpinan Administrator & <PKA>",
            "batch": "IV",
            "start_text": "1 Juni 2026",
            "end_text": "30 Oktober 2026",
            "institution": 'Pusat Pengembangan Kompetensi "Ñoño"',
            "jp_total": 643,
        },
    }


def qr_image(tpl):
    buf = io.BytesIO()
    segno.make("https://verify.example/abc <&>", error="m").save(buf, kind="png", scale=4)
    buf.seek(0)
    return InlineImage(tpl, buf, width=Mm(25))


def variants():
    """(output name, template file, context updates, qr?, expected literal strings)"""
    gap = {
        "competency": "Integritas & <Etika>",
        "level": 2,
        "standard": 3,
        "gap": 1,
        "knowledge": ["Kode etik ASN {{ x }}", "Nilai dasar BerAKHLAK"],
        "skill_personal": ["Refleksi diri"],
        "skill_interpersonal": [],
        "attitude": ['Konsisten "jujur"'],
        "learning_models": ["Coaching", "Mentoring <M>"],
    }
    yield ("sttp", "sttp.docx", {}, True, [])
    yield (
        "sertifikat_kompetensi",
        "sertifikat_kompetensi.docx",
        {
            "competence": {
                "tier_name": "Jabatan Administrator",
                "level": 3,
                "valid_until_text": "27 November 2029",
                "assessment_date_text": "20 November 2026",
            },
            "competencies": [
                {"name": n, "level": 3, "standard": 3}
                for n in [
                    "Integritas",
                    "Kerja Sama",
                    "Komunikasi",
                    "Orientasi pada Hasil",
                    "Pelayanan Publik",
                    "Pengembangan Diri dan Orang Lain",
                    "Mengelola Perubahan",
                    "Pengambilan Keputusan & <X>",
                ]
            ],
        },
        False,
        ["Pengambilan Keputusan & <X>", "27 November 2029"],
    )
    yield (
        "sertifikat_keikutsertaan",
        "sertifikat_keikutsertaan.docx",
        {"participation": {"statement": "Bukti keikutsertaan & <bukan> {{ kelulusan }}"}},
        True,
        ["Bukti keikutsertaan & <bukan> {{ kelulusan }}"],
    )
    yield (
        "desain_pelatihan_lengkap",
        "desain_pelatihan.docx",
        {
            "design": {
                "model_name": "Model Klasikal & <Blended>",
                "model_description": "Deskripsi {{ x }}",
            },
            "required_subjects": [
                {
                    "agenda": "Agenda Kepemimpinan",
                    "name": "Kepemimpinan Pancasila <1>",
                    "stages": ["Klasikal", "Aktualisasi"],
                    "reason": "Wajib & inti",
                },
                {
                    "agenda": "Agenda Aktualisasi",
                    "name": "Proyek Perubahan",
                    "stages": "Tahap 3",
                    "reason": "Wajib",
                },
            ],
            "waived_subjects": [
                {
                    "name": 'Wawasan Kebangsaan "WK"',
                    "stages": ["Klasikal"],
                    "reason": "Sudah lulus PKA",
                }
            ],
            "cluster": {"name": "Klaster 2 & <B>", "description": "Instansi daerah"},
            "coaching": {
                "group": "Kelompok A-7",
                "focus": ["Integritas & <I>", "Kerja Sama"],
                "size": 8,
            },
        },
        False,
        [
            "Kepemimpinan Pancasila <1>",
            "Klasikal, Aktualisasi",
            "Klaster 2 & <B>",
            "Integritas & <I>",
            "(jumlah anggota 8 orang)",
        ],
    )
    yield (
        "desain_pelatihan_minimal",
        "desain_pelatihan.docx",
        {
            "design": {"model_name": "Model Mandiri", "model_description": ""},
            "required_subjects": [],
            "waived_subjects": [],
            "cluster": None,
            "coaching": None,
        },
        False,
        ["Model Mandiri"],
    )
    yield (
        "rekomendasi_pengembangan_gap",
        "rekomendasi_pengembangan.docx",
        {
            "next_level": False,
            "development": {
                "period_days": 60,
                "counting_text": "hari kalender",
                "start_text": "1 Desember 2026",
                "end_text": "29 Januari 2027",
                "retest_earliest_text": "30 Januari 2027",
            },
            "gaps": [gap, dict(gap, competency="Kerja Sama", knowledge=[])],
        },
        False,
        [
            "Integritas & <Etika>",
            "Kode etik ASN {{ x }}",
            'Konsisten "jujur"',
            "Mentoring <M>",
            "60 hari kalender",
            "30 Januari 2027",
        ],
    )
    yield (
        "rekomendasi_pengembangan_next",
        "rekomendasi_pengembangan.docx",
        {
            "next_level": True,
            "development": {
                "period_days": 60,
                "counting_text": "hari kalender",
                "start_text": "",
                "end_text": "",
                "retest_earliest_text": "",
            },
            "gaps": [],
        },
        False,
        ["Competency Development Next Level"],
    )
    yield (
        "rekomendasi_pengembangan_next_gaps",
        "rekomendasi_pengembangan.docx",
        {
            "next_level": True,
            "development": {
                "period_days": 60,
                "counting_text": "hari kalender",
                "start_text": "",
                "end_text": "",
                "retest_earliest_text": "",
            },
            "gaps": [dict(gap, level=3, standard=4, gap=1)],
        },
        False,
        [
            "Integritas & <Etika> (level saat ini 3, sasaran level 4)",
            "; model pembelajaran: Coaching, Mentoring <M>",
        ],
    )
    yield (
        "penundaan_kelulusan",
        "penundaan_kelulusan.docx",
        {
            "remedial": {"reason": 'Nilai proyek perubahan < 70 & belum "memadai"', "note": None},
        },
        False,
        ['Nilai proyek perubahan < 70 & belum "memadai"'],
    )
    yield (
        "undangan_uji_jendela",
        "undangan_uji.docx",
        {
            "retest": False,
            "window": {"start_text": "2 November 2026", "end_text": "30 November 2026"},
            "retest_earliest_text": "",
        },
        False,
        ["2 November 2026", "30 November 2026"],
    )
    yield (
        "undangan_uji_mulai",
        "undangan_uji.docx",
        {
            "retest": False,
            "window": {"start_text": "1 Juli 2025", "end_text": ""},
            "retest_earliest_text": "",
        },
        False,
        ["dapat dilaksanakan mulai tanggal 1 Juli 2025"],
    )
    yield (
        "undangan_uji_ulang",
        "undangan_uji.docx",
        {
            "retest": True,
            "window": {"start_text": "", "end_text": ""},
            "retest_earliest_text": "30 Januari 2027",
        },
        False,
        ["uji kompetensi ulang", "30 Januari 2027"],
    )
    yield (
        "permintaan_asesmen_awal",
        "permintaan_asesmen_awal.docx",
        {
            "reason_text": (
                "Hasil asesmen terakhir (2021) telah melewati masa berlaku 3 tahun & <kedaluwarsa>."
            ),
            "methods": [
                "Situational Judgement Test (SJT)",
                "Asesmen cepat (rapid assessment)",
                "Asesmen daring (online)",
            ],
        },
        False,
        ["Situational Judgement Test (SJT)", "Asesmen daring (online)", "<kedaluwarsa>"],
    )


def paragraphs_text(docx_path):
    d = Document(str(docx_path))
    body = d.element.body
    texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]
    return d, body, texts


def check(name, path, ctx, expected):
    errors = []
    d, body, texts = paragraphs_text(path)
    full = "\n".join(texts)
    must = [
        ctx["participant"]["name"],
        ctx["doc"]["number"],
        ctx["verification"]["hash_short"]
        if name.startswith(("sttp", "sertifikat"))
        else ctx["doc"]["subject"],
    ]
    certificate = name.startswith(("sttp", "sertifikat"))  # certificates print citations only
    must += [
        lb["citation"] if certificate else f"{lb['citation']} — {lb['text']}"
        for lb in ctx["legal_basis"]
    ]
    must.append(ctx["signatory"]["name"])
    if not name.startswith(("sttp", "sertifikat")):
        must += ["Yth. " + ctx["recipient"]["name"], ctx["recipient"]["agency"]]
        must += ctx["copies"]
    must += expected
    for s in must:
        if s not in full:
            errors.append(f"missing literal text: {s[:80]!r}")
    for bit in HOSTILE_BITS:
        if bit not in full:
            errors.append(f"missing hostile bit {bit!r}")
    # no leftover template syntax once known hostile data is removed
    scrub = full
    for s in sorted(set(must + HOSTILE_BITS + [SHORT_HOSTILE, LONG_NAME]), key=len, reverse=True):
        scrub = scrub.replace(s, "")
    for s in ("{{ x }}", "{% if %}"):
        scrub = scrub.replace(s, "")
    left = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", scrub)
    if left:
        errors.append(f"unrendered tags: {left[:5]}")
    # structural sanity
    for tc in body.iter(qn("w:tc")):
        if tc.find(qn("w:p")) is None:
            errors.append("table cell without paragraph")
            break
    blocks = [c for c in body if c.tag != qn("w:sectPr")]
    if blocks and blocks[-1].tag != qn("w:p"):
        errors.append("body ends with a non-paragraph")
    return errors, full


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name, tpl_file, updates, with_qr, expected in variants():
        ctx = base_context()
        ctx.update(copy.deepcopy(updates))
        tpl = DocxTemplate(str(TPL_DIR / tpl_file))
        if with_qr:
            ctx["qr"] = qr_image(tpl)
        tpl.render(ctx, autoescape=True)
        out = OUT_DIR / f"{name}.docx"
        tpl.save(str(out))
        errors, full = check(name, out, ctx, expected)
        if with_qr:
            d = Document(str(out))
            if not d.inline_shapes:
                errors.append("QR image missing")
        # negative checks for the conditional branches
        if name == "desain_pelatihan_minimal":
            for s in ("Mata pelatihan yang wajib", "dibebaskan", "Klaster", "coaching"):
                if s in full:
                    errors.append(f"section should be hidden: {s}")
        if name.startswith("rekomendasi_pengembangan_next") and "hari kalender" in full:
            errors.append("workplace-development text shown in next-level branch")
        if name == "rekomendasi_pengembangan_gap" and "Next Level" in full:
            errors.append("next-level text shown in gap branch")
        if name == "undangan_uji_ulang" and "rentang waktu" in full:
            errors.append("window text shown for re-test")
        if name == "undangan_uji_mulai" and (
            "rentang waktu" in full or "uji kompetensi ulang" in full
        ):
            errors.append("window or re-test text shown for an open-ended invitation")
        if name == "undangan_uji_jendela" and "uji kompetensi ulang" in full:
            errors.append("re-test text shown for window")
        if name == "penundaan_kelulusan" and "Catatan:" in full:
            errors.append("empty remedial note shown")
        status = "OK " if not errors else "FAIL"
        print(f"{status} {name:34s} -> {out}")
        for e in errors:
            print(f"     - {e}")
        failures += bool(errors)
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
