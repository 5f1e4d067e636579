"""The values only some document types print, each from the decision alone. A type names its
builder in its entry (`context:` in rules/documents.yaml); a type without one gets the common
context (document, participant, training, legal basis) only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from aturan.decide import Decision, Subject
from aturan.documents.wording import POSITION_NAMES, STAGES, date_text, number_text
from aturan.errors import AturanError
from aturan.vocabulary import COMPETENCIES, TIERS, label


def indonesian_date(value: object) -> str:
    """A date as Indonesian write it: 27 November 2026 (Babel, `id` locale)."""
    return date_text(value)


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


def _competence(decision: Decision) -> dict[str, object]:
    """The certificate prints the latest valid result: its date, its levels against its standard,
    and the decision's expiry (the certificate holds until the day before
    `certificate_expires_on`)."""
    life = decision.lifecycle
    result = life.result
    assert result is not None, "a competency certificate is only called for with a result"
    return {
        "competence": {
            "tier_name": POSITION_NAMES.get(
                decision.target.tier or "", label(TIERS, decision.target.tier)
            ),
            "level": result.standard_level,
            "valid_until_text": indonesian_date(_day_before(life.certificate_expires_on)),
            "assessment_date_text": indonesian_date(result.date),
        },
        "competencies": [
            {
                "name": label(COMPETENCIES, key),
                "level": result.levels.get(key, "-"),
                "standard": result.standard_level,
            }
            for key in COMPETENCIES
        ],
    }


def _design(decision: Decision) -> dict[str, object]:
    design = decision.design
    name, description = MODEL_NAMES[design.model]
    coaching = design.coaching
    return {
        "design": {"model_name": name, "model_description": description},
        "required_subjects": [_subject(e) for e in design.required],
        "waived_subjects": [_subject(e) for e in design.waived],
        "cluster": {"name": design.cluster.name, "description": ""} if design.cluster else None,
        "coaching": {
            # the group's id names the program by its key (KC-PKN_2-01): printed without "_"
            "group": (coaching.group or "").replace("_", "")
            or "ditetapkan saat penetapan kelompok angkatan",
            "focus": [label(COMPETENCIES, k) for k in coaching.focus],
            "size": number_text(coaching.group_size) if coaching.group_size else "",
        }
        if coaching
        else None,
    }


def _subject(entry: Subject) -> dict[str, object]:
    return {
        "agenda": entry.agenda,
        "name": entry.name,
        "stages": ", ".join(STAGES.get(stage, stage) for stage in entry.stages),
        "reason": REASONS.get(entry.reason, entry.reason),
    }


COUNTING = {"calendar_days": "hari kalender", "working_days": "hari kerja"}


def _recommendation(decision: Decision) -> dict[str, object]:
    """Workplace development (a not-met result) or next-level feedback (a met one), as the decision
    gives them: the period, its counting, the re-test date, the KSA rows and, for next-level
    feedback, each competency's own target above the level it reached; the competencies already
    at the top level are named apart, with no target."""
    development, next_level = decision.lifecycle.development, decision.lifecycle.next_level
    if development:
        return {
            "next_level": False,
            "gaps": [_gap(row, row["level"]) for row in development.ksa],
            "development": {
                "period_days": number_text(development.days),
                "counting_text": COUNTING.get(development.counting, development.counting),
                "start_text": indonesian_date(development.start),
                "end_text": indonesian_date(development.until),
                "retest_earliest_text": indonesian_date(development.retest_from),
            },
        }
    rows = next_level.ksa if next_level else ()
    return {
        "next_level": True,
        "gaps": [_gap(row, row["level"]) for row in rows if not row.get("top")],
        "top_level": next_level.top_level if next_level else None,
        "at_top": [label(COMPETENCIES, row["competency"]) for row in rows if row.get("top")],
        "development": {},
    }


def _gap(row: Mapping[str, Any], target: object) -> dict[str, object]:
    achieved = row.get("achieved")
    return {
        "competency": label(COMPETENCIES, row["competency"]),
        "level": "-" if achieved is None else achieved,
        "standard": target,
        "gap": row.get("gap", "-"),
        **{field: _printed_items(row, field) for field in KSA_LISTS},
    }


KSA_LISTS = ("knowledge", "skill_personal", "skill_interpersonal", "attitude", "learning_models")


def _printed_items(row: Mapping[str, Any], field: str) -> list[str]:
    """A KSA list as printed: its whole items, then, when the paper leaves some of them unreadable,
    one line with the competency's description and the damaged lines of Lampiran I in their place
    (the fragment itself is never printed)."""
    lines = sorted(
        {d["read_at"].removeprefix("paper:") for d in row.get("damaged", []) if d["field"] == field}
    )
    if not lines:
        return list(row[field])
    where = f"butir pada Lampiran I baris {', '.join(lines)} tidak terbaca utuh"
    stand_in = row.get("stand_in")
    return [
        *row[field],
        f"Mengacu pada uraian kompetensi: {stand_in} ({where})"
        if stand_in
        else f"{where[0].upper()}{where[1:]}.",
    ]


def _deferral(decision: Decision) -> dict[str, object]:
    deadline = decision.lifecycle.final_evaluation.remedial_deadline
    return {
        "remedial": {
            "reason": "Hasil evaluasi akhir pelatihan belum memenuhi syarat kelulusan.",
            "note": f"Remedial paling lambat {indonesian_date(deadline)}." if deadline else "",
        }
    }


def _invitation(decision: Decision) -> dict[str, object]:
    """A re-test after workplace development (from the development's re-test date), else the test in
    the period the decision's next step gives (open-ended when it gives no end, e.g. a
    participation-certificate holder invited straight to the test)."""
    development, step = decision.lifecycle.development, decision.lifecycle.next_step
    return {
        "retest": development is not None,
        "window": {
            "start_text": indonesian_date(step.start),
            "end_text": indonesian_date(step.until) if step.until else "",
        },
        "retest_earliest_text": indonesian_date(development.retest_from) if development else "-",
    }


def _initial(decision: Decision) -> dict[str, object]:
    prior = decision.prior_assessment
    reason = {
        "tidak_ada": "Belum terdapat laporan hasil penilaian kompetensi.",
        "kedaluwarsa": (
            "Laporan hasil penilaian kompetensi tanggal "
            f"{indonesian_date(prior.date)} sudah tidak berlaku."
        ),
    }
    return {
        "reason_text": reason.get(prior.reason or "", ""),
        "methods": [
            "Situational Judgement Test (SJT)",
            "Asesmen cepat (rapid assessment)",
            "Asesmen daring (online)",
        ],
    }


def _participation(decision: Decision) -> dict[str, object]:
    """Why this is a participation certificate and not a competency certificate, from the decision:
    the rules call for it when the training was passed and the post-training assessment did not
    meet the standard (Makalah Kebijakan LAN 2023, Bab IV.A.1.d.2)); a holder who did not pass is
    told it is not a pass statement."""
    life = decision.lifecycle
    first = next((a for a in life.attempts if a.valid), None)
    if life.training_passed:
        when = f" tanggal {indonesian_date(first.date)}" if first else ""
        statement = (
            "Sertifikat ini merupakan pengakuan telah mengikuti pelatihan dan bukan sertifikat "
            f"kompetensi manajerial, karena hasil uji kompetensi pasca pelatihan{when} belum "
            "memenuhi standar kompetensi jabatan manajerial sesuai level pelatihan."
        )
    else:
        statement = (
            "Sertifikat ini merupakan bukti keikutsertaan dan bukan merupakan pernyataan "
            "kelulusan, karena peserta belum dinyatakan lulus evaluasi akhir pelatihan."
        )
    return {"participation": {"statement": statement}}


def _day_before(day: dt.date | None) -> dt.date | None:
    """The last day something holds, from the first day it no longer does (as the decision dates
    it)."""
    return day - dt.timedelta(days=1) if day else None


CONTEXTS: dict[str, Callable[[Decision], dict[str, object]]] = {
    "competence": _competence,
    "design": _design,
    "recommendation": _recommendation,
    "deferral": _deferral,
    "invitation": _invitation,
    "initial_assessment": _initial,
    "participation": _participation,
}


def specific_context(name: str | None, decision: Decision) -> dict[str, object]:
    """The values the named builder adds; none for a type without one."""
    if name is None:
        return {}
    if name not in CONTEXTS:
        raise AturanError(
            f"pembangun konteks dokumen '{name}' tidak dikenal; yang dikenal: {sorted(CONTEXTS)}"
        )
    return CONTEXTS[name](decision)
