"""Official documents: the context each template receives, rendered to DOCX by docxtpl.

Documents never re-decide: every value comes from the decision (and the case it was
made from); the legal basis printed is exactly the clauses the deciding rules cite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import segno
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from aturan.cases import Case
from aturan.errors import AturanError
from aturan.files import load_yaml
from aturan.law import Rulebook
from aturan.vocabulary import COMPETENCIES, PROGRAMS, TIERS, label

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
TITLES = {
    "sttp": "Surat Tanda Tamat Pelatihan",
    "sertifikat_kompetensi": "Sertifikat Kompetensi Manajerial",
    "sertifikat_keikutsertaan": "Sertifikat Keikutsertaan Pelatihan",
    "desain_pelatihan": "Penetapan Desain Pelatihan Peserta",
    "rekomendasi_pengembangan": "Rekomendasi Pengembangan Kompetensi",
    "penundaan_kelulusan": "Pemberitahuan Penundaan Kelulusan",
    "undangan_uji": "Undangan Uji Kompetensi",
    "permintaan_asesmen_awal": "Permintaan Asesmen Awal",
}
CERTIFICATES = {"sttp", "sertifikat_kompetensi", "sertifikat_keikutsertaan"}
MODEL_NAMES = {
    "flexible": (
        "Alternatif I: desain pelatihan fleksibel",
        "Peserta hanya mengikuti mata pelatihan yang dibutuhkan untuk menutup kesenjangan "
        "kompetensinya, pada semua tahap.",
    ),
    "cluster": (
        "Alternatif II: desain pelatihan variatif (klasterisasi)",
        "Peserta mengikuti satu desain pelatihan klaster secara penuh.",
    ),
    "a-la-carte": (
        "Alternatif III: desain pelatihan semi fleksibel (à la carte)",
        "Pembebasan hanya pada tahap pembelajaran mandiri; e-learning dan klasikal diikuti penuh.",
    ),
    "generic": (
        "Alternatif IV: desain pelatihan generik plus treatment variatif",
        "Semua mata pelatihan diikuti; coaching dan mentoring berfokus pada kesenjangan tinggi.",
    ),
}
REASONS = {
    "kompetensi_sudah_terpenuhi": "kompetensi yang dilayani sudah terpenuhi",
    "melayani_kompetensi_belum_terpenuhi": "melayani kompetensi yang belum terpenuhi",
    "tidak_dapat_dibebaskan": "mata pelatihan wajib bagi semua peserta",
    "elearning_dan_klasikal_wajib": "tahap e-learning dan klasikal wajib diikuti",
    "tidak_ada_tahap_mandiri": "tidak memiliki tahap pembelajaran mandiri",
    "desain_klaster": "bagian dari desain klaster",
    "desain_generik": "kurikulum generik",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DOS_EPOCH = bytes([0, 0, 0x21, 0])  # 00:00:00, 1 January 1980 as DOS time and date


@dataclass
class Settings:
    org: dict
    signatory: dict
    copies: list
    number_format: str
    codes: dict
    verification_note: str
    verification_base_url: str = ""

    @classmethod
    def load(cls, path: Path) -> Settings:
        data = load_yaml(path, AturanError)
        url = base_url(data, path)
        try:
            return cls(
                dict(data["org"]),
                dict(data["signatory"]),
                list(data.get("copies") or []),
                data["numbering"]["format"],
                dict(data["numbering"]["codes"]),
                str(data.get("verification_note", "")).replace("{base_url}", url),
                url,
            )
        except (KeyError, TypeError) as exc:
            raise AturanError(f"konfigurasi institusi tanpa isian {exc}", file=str(path)) from None


def base_url(data: dict, path: Path) -> str:
    """The institution's public verification address (`verification.base_url`), without a trailing
    slash: the QR of every certificate points to a page under it."""
    section = data.get("verification") if isinstance(data, dict) else None
    value = section.get("base_url") if isinstance(section, dict) else None
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise AturanError(
            f"alamat verifikasi {value!r} tidak valid; isi dengan alamat http(s) tanpa query, "
            "mis. https://verifikasi.contoh.go.id",
            file=str(path),
            field="verification.base_url",
        )
    return value.rstrip("/")


def verification_url(base: str, number: str, content_hash: str) -> str:
    """The address a certificate's QR holds: the verification page for its number, with the short
    code printed on the document (the first 16 hex digits of its content hash)."""
    return f"{base}/verifikasi?{urlencode({'n': number, 'c': content_hash[:16]})}"


def tanggal(value) -> str:
    """A date as Indonesian write it: 27 November 2026."""
    if not value:
        return "-"
    date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def event_key(doc_type: str, decision: dict) -> str:
    """What one document of this type is about, so the same event never gets two numbers: the event
    the decision says it attests (`attests`). A request for an initial assessment attests the
    decision date itself, so it is keyed by the training start it must precede (its `until`)
    instead, and a design also by the model it sets; a recommendation also by what it recommends."""
    intent = _intent(doc_type, decision)
    parts = {
        "desain_pelatihan": [intent["attests"], decision["design"]["model"]],
        "permintaan_asesmen_awal": [intent["until"]],
        "rekomendasi_pengembangan": [
            intent["attests"],
            ",".join(decision["lifecycle"]["recommendations"]),
        ],
    }.get(doc_type, [intent["attests"]])
    return ":".join([decision["program"] or "-"] + [str(p) for p in parts])


def _intent(doc_type: str, decision: dict) -> dict:
    return next(d for d in decision["documents"] if d["type"] == doc_type)


def build_context(
    doc_type: str,
    decision: dict,
    case: Case,
    book: Rulebook,
    settings: Settings,
    number: str,
    issue_date: dt.date,
) -> dict:
    intent = _intent(doc_type, decision)
    context = {
        "org": settings.org,
        "signatory": settings.signatory,
        "copies": settings.copies,
        "doc": {
            "number": number,
            "date_text": tanggal(issue_date),
            "nature": "Biasa",
            "attachment": "-",
            "subject": TITLES[doc_type],
            "title": TITLES[doc_type],
        },
        "recipient": _recipient(case),
        "participant": _participant(decision, case),
        "legal_basis": _legal_basis(intent["cites"], book),
        "training": _training(decision, case),
    }
    context.update(SPECIFIC[doc_type](decision, case, book))
    return _clean(context)


def _recipient(case: Case) -> dict:
    agency = (case.data.get("position") or {}).get("agency") or "Instansi Pengirim"
    return {
        "name": "",
        "position": f"Pejabat Pembina Kepegawaian {agency}",
        "agency": "",
        "address": "",
    }


def _participant(decision: dict, case: Case) -> dict:
    position = case.data.get("position") or {}
    return {
        "name": decision["name"],
        "nip": decision["nip"],
        "position_title": position.get("title") or label(TIERS, position.get("tier")),
        "agency": position.get("agency") or "-",
        "program_name": label(PROGRAMS, decision["program"]),
        "batch": (case.data.get("training") or {}).get("batch") or "-",
    }


def _training(decision: dict, case: Case) -> dict:
    training = case.data.get("training") or {}
    return {
        "program_name": label(PROGRAMS, decision["program"]),
        "batch": training.get("batch") or "-",
        "start_text": tanggal(training.get("start")),
        "end_text": tanggal(training.get("end")),
        "institution": training.get("institution") or "-",
        "jp_total": decision["design"]["jp"]["total"] or "-",
    }


def _legal_basis(clause_ids: list[str], book: Rulebook) -> list[dict]:
    out = []
    for cid in clause_ids:
        clause = book.corpus.clause(cid)
        if clause:
            text = (
                clause.text
                if len(clause.text) <= 300
                else clause.text[:300].rsplit(" ", 1)[0] + " ..."
            )
            out.append({"citation": clause.citation, "text": text})
    return out


def _sttp(decision, case, book) -> dict:
    return {}


def _competence(decision, case, book) -> dict:
    """The certificate prints the latest valid result: its date, its levels against its standard,
    and the decision's expiry (the certificate holds until the day before
    `certificate_expires_on`)."""
    life = decision["lifecycle"]
    result = life["result"]
    levels = result["levels"]
    return {
        "competence": {
            "tier_name": label(TIERS, decision["target"]["tier"]),
            "level": result["standard_level"],
            "valid_until_text": tanggal(_day_before(life["certificate_expires_on"])),
            "assessment_date_text": tanggal(result["date"]),
        },
        "competencies": [
            {
                "name": label(COMPETENCIES, key),
                "level": levels.get(key, "-"),
                "standard": result["standard_level"],
            }
            for key in COMPETENCIES
        ],
    }


def _design(decision, case, book) -> dict:
    design = decision["design"]
    name, description = MODEL_NAMES[design["model"]]
    coaching = design.get("coaching")
    return {
        "design": {"model_name": name, "model_description": description},
        "required_subjects": [_subject(e) for e in design["required"]],
        "waived_subjects": [dict(_subject(e), rule=e["rule"]) for e in design["waived"]],
        "cluster": {"name": design["cluster"]["name"], "description": ""}
        if design.get("cluster")
        else None,
        "coaching": {
            "group": coaching.get("group") or "ditetapkan saat penetapan kelompok angkatan",
            "focus": [label(COMPETENCIES, k) for k in coaching["focus"]],
            "size": coaching.get("group_size") or "",
        }
        if coaching
        else None,
    }


def _subject(entry: dict) -> dict:
    return {
        "agenda": entry["agenda"],
        "name": entry["name"],
        "stages": ", ".join(entry["stages"]),
        "reason": REASONS.get(entry["reason"], entry["reason"]),
    }


COUNTING = {"calendar_days": "hari kalender", "working_days": "hari kerja"}


def _recommendation(decision, case, book) -> dict:
    """Workplace development (a not-met result) or next-level feedback (a met one), as the decision
    gives them: the period, its counting, the re-test date, the target level and the KSA rows."""
    life = decision["lifecycle"]
    development, next_level = life["development"], life["next_level"]
    if development:
        return {
            "next_level": False,
            "gaps": [_gap(row, row["level"]) for row in development["ksa"]],
            "development": {
                "period_days": development["days"],
                "counting_text": COUNTING.get(development["counting"], development["counting"]),
                "start_text": tanggal(development["from"]),
                "end_text": tanggal(development["until"]),
                "retest_earliest_text": tanggal(development["retest_from"]),
            },
        }
    rows = next_level["ksa"] if next_level else []
    return {
        "next_level": True,
        "gaps": [_gap(row, next_level["level"]) for row in rows],
        "development": {},
    }


def _gap(row: dict, target) -> dict:
    achieved = row.get("achieved")
    return {
        "competency": label(COMPETENCIES, row["competency"]),
        "level": "-" if achieved is None else achieved,
        "standard": target,
        "gap": row.get("gap", "-"),
        "knowledge": row["knowledge"],
        "skill_personal": row["skill_personal"],
        "skill_interpersonal": row["skill_interpersonal"],
        "attitude": row["attitude"],
        "learning_models": row["learning_models"],
    }


def _deferral(decision, case, book) -> dict:
    deadline = decision["lifecycle"]["final_evaluation"]["remedial_deadline"]
    return {
        "remedial": {
            "reason": "Hasil evaluasi akhir pelatihan belum memenuhi syarat kelulusan.",
            "note": f"Remedial paling lambat {tanggal(deadline)}." if deadline else "",
        }
    }


def _invitation(decision, case, book) -> dict:
    """A re-test after workplace development (from the development's re-test date), else the test in
    the period the decision's next step gives (open-ended when it gives no end, e.g. a
    participation-certificate holder invited straight to the test)."""
    life = decision["lifecycle"]
    development, step = life["development"], life["next_step"]
    return {
        "retest": development is not None,
        "window": {
            "start_text": tanggal(step["from"]),
            "end_text": tanggal(step["until"]) if step["until"] else "",
        },
        "retest_earliest_text": tanggal(development["retest_from"]) if development else "-",
    }


def _initial(decision, case, book) -> dict:
    reason = {
        "tidak_ada": "Belum terdapat laporan hasil penilaian kompetensi.",
        "kedaluwarsa": (
            "Laporan hasil penilaian kompetensi tanggal "
            f"{tanggal(decision['prior_assessment']['date'])} sudah tidak berlaku."
        ),
    }
    return {
        "reason_text": reason.get(decision["prior_assessment"]["reason"], ""),
        "methods": [
            "Situational Judgement Test (SJT)",
            "Asesmen cepat (rapid assessment)",
            "Asesmen daring (online)",
        ],
    }


SPECIFIC = {
    "sttp": _sttp,
    "sertifikat_keikutsertaan": _sttp,
    "sertifikat_kompetensi": _competence,
    "desain_pelatihan": _design,
    "rekomendasi_pengembangan": _recommendation,
    "penundaan_kelulusan": _deferral,
    "undangan_uji": _invitation,
    "permintaan_asesmen_awal": _initial,
}


def _day_before(iso):
    """The last day something holds, from the first day it no longer does (as the decision dates
    it)."""
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat() if iso else None


def _clean(value):
    """Strip XML-invalid control characters: docxtpl would drop them and damage neighbouring
    text."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def content_hash(doc_type: str, context: dict) -> str:
    payload = json.dumps([doc_type, context], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def render_docx(
    template: Path, context: dict, out: Path, qr_payload: str | None, issue_date: dt.date
) -> str:
    """Render deterministically (the same context and date give byte-identical files); returns the
    body hash."""
    tpl = DocxTemplate(io.BytesIO(_template_bytes(template)))
    values = dict(context)
    values["qr"] = (
        InlineImage(tpl, io.BytesIO(_qr_png(qr_payload)), width=Mm(25)) if qr_payload else None
    )
    tpl.render(values, autoescape=True)
    stamp = dt.datetime(issue_date.year, issue_date.month, issue_date.day)
    props = tpl.docx.core_properties
    props.created = props.modified = stamp
    props.title = context["doc"]["title"]
    props.identifier = context["doc"]["number"]
    buffer = io.BytesIO()
    tpl.save(buffer)
    data = _normalised_zip(buffer.getvalue())
    out.write_bytes(data)
    return body_hash(data)


@cache
def _template_bytes(template: Path) -> bytes:
    return Path(template).read_bytes()


def _qr_png(payload: str) -> bytes:
    buffer = io.BytesIO()
    # a fixed mask: any mask is valid, and searching for the best one was most of the QR's cost
    segno.make(payload, error="m", mask=0, micro=False, boost_error=False).save(
        buffer, kind="png", scale=4, border=2
    )
    return buffer.getvalue()


def _normalised_zip(data: bytes) -> bytes:
    """Zero the modification time of every zip entry, in place (local headers and central
    directory).

    python-docx stamps entries with the current time; its entry order and zlib output are
    already deterministic, so patching the time fields avoids decompressing and recompressing."""
    blob = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 10), (b"PK\x01\x02", 12)):
        start = blob.find(signature)
        while start != -1:
            blob[start + offset : start + offset + 4] = _DOS_EPOCH
            start = blob.find(signature, start + 4)
    zipfile.ZipFile(io.BytesIO(bytes(blob))).testzip()
    return bytes(blob)


def body_hash(docx_bytes: bytes) -> str:
    """Fingerprint of a DOCX's main body XML: any change of its text changes it."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return hashlib.sha256(archive.read("word/document.xml")).hexdigest()
