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


@dataclass
class Context:
    case: Case
    as_of: dt.date
    params: ParamSet
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
    if ctx.facts["role"] == "successor":
        return {"target_tier": ctx.facts["projected_tier"]}
    return {"target_tier": ctx.facts["position_tier"]}


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
    """A competency certificate at or above the target tier's standard, still within its validity."""
    years = int(ctx.params["certificate.validity_years"])
    target = ctx.facts.get("target_tier")
    ranks = ctx.params["skj.standard_level"]
    for item in ctx.case.data.get("evidence") or []:
        if item["type"] != "sertifikat_kompetensi_manajerial" or not item.get("tier"):
            continue
        issued = dt.date.fromisoformat(item["date"])
        if issued <= ctx.as_of < add_years(issued, years) and ranks.get(item["tier"], 0) >= ranks.get(target, 99):
            return {"holds_evidence": True}
    return {"holds_evidence": False}
