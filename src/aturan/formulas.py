"""Formulas: the measurements rules decide on (gaps, JPM, dates).

Each formula is declared in `rules/formulas.yaml` (title, citations, the facts it
gives, the parameters it reads) and implemented here under the same id. They run
before the rules, on the case and the parameters in force; the rules then decide.
Dates are given to the rules as integers YYYYMMDD so they compare in order.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .cases import Case
from .params import ParamSet
from .vocabulary import COMPETENCIES

IMPLEMENTATIONS = {}


def formula(formula_id: str):
    def register(func):
        IMPLEMENTATIONS[formula_id] = func
        return func
    return register


DATE_FACTS = {"as_of", "assessment_date", "assessment_expires_on", "training_start", "training_end", "final_date",
              "remedial_date", "remedial_deadline", "window_opens", "window_closes", "post_date", "prev_post_date",
              "retest_earliest", "next_retest_from", "cert_expires_on", "next_from", "next_until",
              "certificate_expires_on"}


@dataclass
class Context:
    case: Case
    as_of: dt.date
    params: ParamSet
    annexes: dict = field(default_factory=dict)  # regulations/lampiran: the curriculum, the KSA matrix
    facts: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)   # non-fact results (the assessment used, per-competency tables)


def ymd(date: dt.date | None) -> int | None:
    return date.year * 10000 + date.month * 100 + date.day if date else None


def from_ymd(value: int | None) -> dt.date | None:
    return dt.date(value // 10000, value // 100 % 100, value % 100) if value else None


def add_years(date: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February falls on 1 March (a full term has then elapsed)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return dt.date(date.year + years, 3, 1)


def add_months(date: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in (date.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@formula("fakta.tanggal-keputusan")
def decision_date(ctx: Context) -> dict:
    return {"as_of": ymd(ctx.as_of), "role": ctx.case.data["role"], "program": ctx.case.data["program"],
            "position_tier": ctx.case.data["position"]["tier"],
            "projected_tier": (ctx.case.data.get("projected_position") or {}).get("tier")}


@formula("profil.jabatan-target")
def target_tier(ctx: Context) -> dict:
    if ctx.facts["role"] != "successor":
        return {"target_tier": ctx.facts["position_tier"]}
    if ctx.params["scope.successor_target"] == "program_tier":
        return {"target_tier": ctx.params["program.target_tier"][ctx.facts["program"]]}
    return {"target_tier": ctx.facts["projected_tier"]}


@formula("profil.standar-kompetensi")
def standard_level(ctx: Context) -> dict:
    return {"standard_level": ctx.params["skj.standard_level"].get(ctx.facts["target_tier"])}


@formula("profil.jabatan-sasaran-program")
def program_tier(ctx: Context) -> dict:
    return {"program_tier": ctx.params["program.target_tier"][ctx.facts["program"]]}


@formula("asesmen.terakhir")
def latest_assessment(ctx: Context) -> dict:
    assessments = [a for a in ctx.case.data.get("assessments") or [] if dt.date.fromisoformat(a["date"]) <= ctx.as_of]
    if not assessments:
        ctx.extra["assessment"] = None
        return {"has_assessment": False}
    latest = max(assessments, key=lambda a: a["date"])
    ctx.extra["assessment"] = latest
    return {"has_assessment": True, "assessment_date": ymd(dt.date.fromisoformat(latest["date"])),
            "assessment_purpose": latest["purpose"]}


@formula("asesmen.masa-berlaku")
def assessment_expiry(ctx: Context) -> dict:
    if not ctx.facts.get("has_assessment"):
        return {}
    expires = add_years(from_ymd(ctx.facts["assessment_date"]), int(ctx.params["assessment.validity_years"]))
    return {"assessment_expires_on": ymd(expires)}


@formula("kompetensi.kesenjangan")
def competency_gaps(ctx: Context) -> dict:
    assessment, standard = ctx.extra.get("assessment"), ctx.facts.get("standard_level")
    if not assessment or standard is None:
        ctx.extra["competencies"] = []
        return {}
    rows = []
    for key in COMPETENCIES:
        level = assessment["levels"][key]
        rows.append({"key": key, "level": level, "standard": standard, "gap": max(0, standard - level),
                     "met": level >= standard})
    ctx.extra["competencies"] = rows
    return {"unmet_count": sum(not r["met"] for r in rows), "max_gap": max(r["gap"] for r in rows),
            "gap_total": sum(r["gap"] for r in rows)}


@formula("kompetensi.jpm")
def job_person_match(ctx: Context) -> dict:
    assessment, rows = ctx.extra.get("assessment"), ctx.extra.get("competencies")
    if not assessment or not rows:
        return {}
    if assessment.get("jpm") is not None:
        ctx.extra["jpm_source"] = "laporan"
        return {"measured_jpm": round(float(assessment["jpm"]), 2)}
    capped = bool(ctx.params["jpm.cap_per_competency"])
    achieved = sum(min(r["level"], r["standard"]) if capped else r["level"] for r in rows)
    ctx.extra["jpm_source"] = "dihitung"
    return {"measured_jpm": round(100.0 * achieved / sum(r["standard"] for r in rows), 2)}


@formula("profil.bukti-kompetensi")
def competency_evidence(ctx: Context) -> dict:
    """A competency certificate at or above the target tier's standard, still within its validity; under
    scope.competence_evidence = certificate_or_assessment, also a still-valid assessment report in which
    every competency meets the target's standard."""
    years = int(ctx.params["certificate.validity_years"])
    target = ctx.facts.get("target_tier")
    ranks = ctx.params["skj.standard_level"]
    for item in ctx.case.data.get("evidence") or []:
        if item["type"] != "sertifikat_kompetensi_manajerial" or not item.get("tier"):
            continue
        issued = dt.date.fromisoformat(item["date"])
        if issued <= ctx.as_of < add_years(issued, years) and ranks.get(item["tier"], 0) >= ranks.get(target, 99):
            return {"holds_evidence": True}
    if ctx.params["scope.competence_evidence"] == "certificate_or_assessment":
        rows, expires = ctx.extra.get("competencies") or [], ctx.facts.get("assessment_expires_on")
        if rows and expires and ymd(ctx.as_of) < expires and all(r["met"] for r in rows):
            return {"holds_evidence": True}
    return {"holds_evidence": False}


@formula("kurikulum.mata-pelatihan")
def curriculum_subjects(ctx: Context) -> dict:
    """The program's subjects, each with whether every competency it serves is already met."""
    program = ctx.annexes["kurikulum"]["programs"][ctx.facts["program"]]
    catalogue = ctx.params["curriculum.subjects"]
    never = set(ctx.params["curriculum.never_waivable_subjects"])
    met = {row["key"]: row["met"] for row in ctx.extra.get("competencies") or []}
    subjects = []
    for agenda in program["agendas"]:
        for subject in agenda["subjects"]:
            info = catalogue[subject["id"]]
            subjects.append({
                "id": subject["id"], "name": subject["name"], "agenda": agenda["name"],
                "stages": list(info["stages"]), "jp": dict(info["jp"]), "competencies": list(info["competencies"]),
                "never_waivable": subject["id"] in never, "in_mandiri": "mandiri" in info["stages"],
                "all_met": bool(met) and all(met.get(c, False) for c in info["competencies"]),
            })
    ctx.extra["subjects"] = subjects
    return {"subject_count": len(subjects), "jp_total": sum(sum(s["jp"].values()) for s in subjects)}


@formula("kompetensi.rumpun-terlemah")
def weakest_group(ctx: Context) -> dict:
    rows = ctx.extra.get("competencies") or []
    if not rows:
        return {}
    gap = {row["key"]: row["gap"] for row in rows}
    mean = ctx.params["cluster.group_gap_measure"] == "mean"
    totals = {gid: sum(gap.get(c, 0) for c in group["competencies"]) / (len(group["competencies"]) if mean else 1)
              for gid, group in ctx.params["curriculum.competency_groups"].items()}
    best = max(totals, key=lambda gid: totals[gid])      # a tie goes to the first group in the parameter
    return {"weakest_group": best if totals[best] > 0 else str(ctx.params["cluster.no_gap_group"])}


@formula("peserta.sertifikat-keikutsertaan")
def participation_certificate(ctx: Context) -> dict:
    held = any(e["type"] == "sertifikat_keikutsertaan" and e.get("program") == ctx.facts["program"]
               and dt.date.fromisoformat(e["date"]) <= ctx.as_of for e in ctx.case.data.get("evidence") or [])
    return {"holds_participation_cert": held}


@formula("pelatihan.jadwal")
def training_schedule(ctx: Context) -> dict:
    return {"training_start": ymd(ctx.case.date("training", "start")), "training_end": ymd(ctx.case.date("training", "end"))}


@formula("evaluasi.akhir")
def final_evaluation(ctx: Context) -> dict:
    final = _latest_event(ctx, "final_evaluation")
    remedial = _latest_event(ctx, "remedial")
    facts = {}
    if final:
        facts |= {"final_result": final.get("result"), "final_date": ymd(dt.date.fromisoformat(final["date"]))}
        deadline = dt.date.fromisoformat(final["date"]) + dt.timedelta(days=int(ctx.params["remedial.deadline_days"]))
        facts["remedial_deadline"] = ymd(deadline)
    if remedial:
        facts |= {"remedial_result": remedial.get("result"), "remedial_date": ymd(dt.date.fromisoformat(remedial["date"]))}
    return facts


@formula("asesmen-pasca.jendela")
def assessment_window(ctx: Context) -> dict:
    end = ctx.case.date("training", "end")
    if not end:
        return {}
    return {"window_opens": ymd(add_months(end, int(ctx.params["post_assessment.window_min_months"]))),
            "window_closes": ymd(add_months(end, int(ctx.params["post_assessment.window_max_months"])))}


@formula("asesmen-pasca.percobaan")
def post_assessment_attempts(ctx: Context) -> dict:
    """The competency assessments after training, oldest first; in the integrated option the
    final evaluation (when it carries levels) is the first of them."""
    attempts = []
    if ctx.params["integration.assessment_option"] == "integrated":
        final = _latest_event(ctx, "final_evaluation")
        if final and final.get("levels"):
            attempts.append(final)
    attempts += sorted(_events(ctx, "post_assessment"), key=lambda e: e["date"])
    standard = ctx.facts.get("standard_level")
    days = int(ctx.params["development.days"])
    facts = {"post_attempts": len(attempts)}
    if not attempts or standard is None:
        return facts
    latest = attempts[-1]
    latest_date = dt.date.fromisoformat(latest["date"])
    levels = latest.get("levels") or {}
    ctx.extra["post_levels"] = levels
    facts |= {"post_date": ymd(latest_date),
              "post_unmet_count": sum(1 for key in COMPETENCIES if levels.get(key, 0) < standard),
              "next_retest_from": ymd(latest_date + dt.timedelta(days=days)),
              "cert_expires_on": ymd(add_years(latest_date, int(ctx.params["certificate.validity_years"])))}
    if len(attempts) > 1:
        previous = dt.date.fromisoformat(attempts[-2]["date"])
        facts |= {"prev_post_date": ymd(previous), "retest_earliest": ymd(previous + dt.timedelta(days=days))}
    return facts


def _events(ctx: Context, kind: str) -> list[dict]:
    return [e for e in ctx.case.data.get("events") or [] if e["type"] == kind and dt.date.fromisoformat(e["date"]) <= ctx.as_of]


def _latest_event(ctx: Context, kind: str) -> dict | None:
    events = _events(ctx, kind)
    return max(events, key=lambda e: e["date"]) if events else None
