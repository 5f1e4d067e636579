"""Formulas: the measurements rules decide on (gaps, JPM, dates).

Each formula is declared in `rules/formulas.yaml` (title, citations, the facts it
gives, the parameters it reads) and implemented here under the same id. They run
before the rules, on the case and the parameters in force; the rules then decide.
Dates are given to the rules as integers YYYYMMDD so they compare in order.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from cachetools import LRUCache

from aturan.cases import Case
from aturan.errors import RulebookError
from aturan.law import ParamSet
from aturan.vocabulary import COMPETENCIES

# Facts, events and annex data are JSON-like values (from the case and the YAML rulebook).
JSON = dict[str, Any]
FormulaFunc: TypeAlias = "Callable[[Context], JSON]"

IMPLEMENTATIONS: dict[str, FormulaFunc] = {}


def formula(formula_id: str) -> Callable[[FormulaFunc], FormulaFunc]:
    def register(func: FormulaFunc) -> FormulaFunc:
        IMPLEMENTATIONS[formula_id] = func
        return func

    return register


DATE_FACTS = {
    "as_of",
    "assessment_date",
    "assessment_expires_on",
    "training_start",
    "training_end",
    "final_date",
    "remedial_date",
    "remedial_deadline",
    "window_opens",
    "window_closes",
    "post_date",
    "first_post_date",
    "retest_earliest",
    "cert_expires_on",
    "next_from",
    "next_until",
    "certificate_expires_on",
    "candidate_date",
    "candidate_cert_expires_on",
    "candidate_retest_from",
    "candidate_development_until",
    "rejected_date",
    "training_passed_on",
    "final_attests_on",
    "remedial_attests_on",
    "first_post_attests_on",
    "participation_cert_date",
    "development_until",
}


@dataclass(frozen=True)
class JudgedAttempt:
    """A post-training assessment as it was judged on its own date (see decision.py)."""

    date: dt.date
    kind: str  # evaluasi_akhir | remedial (integrated option) | uji
    levels: dict[str, int]
    valid: bool
    reason: str | None  # why it was rejected
    meets_skj: bool | None
    jpm: float | None
    # when it meets SKJ: the certificate's expiry under the law of that date
    cert_expires_on: dt.date | None
    development: JSON | None  # when it does not: {days, counting, from, until, retest_from}


@dataclass
class Context:
    case: Case
    as_of: dt.date  # the date this step is judged on
    params: ParamSet  # the law in force on that date
    # regulations/lampiran: the curriculum, the KSA matrix
    annexes: JSON = field(default_factory=dict)
    facts: JSON = field(default_factory=dict)
    # non-fact results (the assessment used, per-competency tables)
    extra: JSON = field(default_factory=dict)
    # what is known: events and reports up to this date (default: as_of)
    cutoff: dt.date | None = None
    history: tuple[JudgedAttempt, ...] = ()  # JudgedAttempt before this step
    candidate: JSON | None = None  # the post-training assessment judged in this step, if any
    # date -> ParamSet: the law in force on another date
    params_on: Callable[[dt.date], ParamSet] | None = None
    # what formulas build once for everyone (the Decider's, shared by its decisions)
    tables: SubjectTables = field(default_factory=lambda: SubjectTables())

    @property
    def known_until(self) -> dt.date:
        return self.cutoff or self.as_of

    def param_on(self, pid: str, date: dt.date) -> Any:
        """A parameter as in force on the date of the event it applies to."""
        params = self.params_on(date) if self.params_on and date != self.as_of else self.params
        try:
            return params[pid]
        except KeyError:
            raise RulebookError(
                f"parameter '{pid}' tidak punya nilai yang berlaku pada {date.isoformat()}"
            ) from None


def ymd(date: dt.date | None) -> int | None:
    return date.year * 10000 + date.month * 100 + date.day if date else None


def from_ymd(value: int | None) -> dt.date | None:
    return dt.date(value // 10000, value // 100 % 100, value % 100) if value else None


def add_years(date: dt.date, years: int, leap_day: str = "1_maret") -> dt.date:
    """The same day `years` later; 29 February falls on 1 March (a full term has then elapsed), or
    on 28 February under `validity.leap_day` = 28_februari (the month's last day)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        if leap_day == "28_februari":
            return dt.date(date.year + years, 2, 28)
        return dt.date(date.year + years, 3, 1)


def validity_end(ctx: Context, start: dt.date, years_param: str, start_param: str) -> dt.date:
    """The first day a term of years no longer holds: from the event's date, or the day after it
    (`assessment.validity_start`), by the leap-day rule in force (`validity.leap_day`)."""
    rule = ctx.params[start_param]
    if rule == "as_report":  # certificate.validity_start: as an assessment report
        rule = ctx.params["assessment.validity_start"]
    first = start + dt.timedelta(days=1) if rule == "day_after_assessment" else start
    return add_years(first, int(ctx.params[years_param]), str(ctx.params["validity.leap_day"]))


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
def decision_date(ctx: Context) -> JSON:
    return {
        "as_of": ymd(ctx.as_of),
        "role": ctx.case.data["role"],
        "program": ctx.case.data["program"],
        "position_tier": ctx.case.data["position"]["tier"],
        "projected_tier": (ctx.case.data.get("projected_position") or {}).get("tier"),
    }


@formula("profil.jabatan-target")
def target_tier(ctx: Context) -> JSON:
    if ctx.facts["role"] != "successor":
        return {"target_tier": ctx.facts["position_tier"]}
    if ctx.params["scope.successor_target"] == "program_tier":
        return {"target_tier": ctx.params["program.target_tier"][ctx.facts["program"]]}
    return {"target_tier": ctx.facts["projected_tier"]}


@formula("profil.standar-kompetensi")
def standard_level(ctx: Context) -> JSON:
    return {"standard_level": ctx.params["skj.standard_level"].get(ctx.facts["target_tier"])}


@formula("profil.jabatan-sasaran-program")
def program_tier(ctx: Context) -> JSON:
    return {"program_tier": ctx.params["program.target_tier"][ctx.facts["program"]]}


@formula("asesmen.terakhir")
def latest_assessment(ctx: Context) -> JSON:
    assessments = [
        a
        for a in ctx.case.data.get("assessments") or []
        if dt.date.fromisoformat(a["date"]) <= ctx.known_until
    ]
    if not assessments:
        ctx.extra["assessment"] = None
        return {"has_assessment": False}
    latest = max(assessments, key=lambda a: a["date"])
    ctx.extra["assessment"] = latest
    return {
        "has_assessment": True,
        "assessment_date": ymd(dt.date.fromisoformat(latest["date"])),
        "assessment_purpose": latest["purpose"],
    }


@formula("asesmen.masa-berlaku")
def assessment_expiry(ctx: Context) -> JSON:
    if not ctx.facts.get("has_assessment"):
        return {}
    assessed = from_ymd(ctx.facts["assessment_date"])
    assert assessed is not None  # asesmen.terakhir gives assessment_date with has_assessment
    expires = validity_end(ctx, assessed, "assessment.validity_years", "assessment.validity_start")
    return {"assessment_expires_on": ymd(expires)}


@formula("kompetensi.kesenjangan")
def competency_gaps(ctx: Context) -> JSON:
    assessment, standard = ctx.extra.get("assessment"), ctx.facts.get("standard_level")
    if not assessment or standard is None:
        ctx.extra["competencies"] = []
        return {}
    rows = []
    for key in COMPETENCIES:
        level = assessment["levels"][key]
        rows.append(
            {
                "key": key,
                "level": level,
                "standard": standard,
                "gap": max(0, standard - level),
                "met": level >= standard,
            }
        )
    ctx.extra["competencies"] = rows
    return {
        "unmet_count": sum(not r["met"] for r in rows),
        "max_gap": max(r["gap"] for r in rows),
        "gap_total": sum(r["gap"] for r in rows),
    }


@formula("kompetensi.jpm")
def job_person_match(ctx: Context) -> JSON:
    assessment, rows = ctx.extra.get("assessment"), ctx.extra.get("competencies")
    if not assessment or not rows:
        return {}
    jpm, source = measure_jpm(ctx, assessment, report_tier(ctx, assessment))
    ctx.extra["jpm_source"] = source
    ctx.extra["jpm_shown"] = shown_jpm(jpm, source)
    return {"measured_jpm": jpm}


def shown_jpm(jpm: float | None, source: str) -> float | None:
    """The JPM a decision shows: a reported one as reported, a computed one to two decimals. The
    rules always compare the exact value (`measured_jpm`, `candidate_jpm`): 79.996 is below 80."""
    if jpm is None or source == "laporan":
        return jpm
    return round(jpm, 2)


def report_tier(ctx: Context, assessment: JSON) -> str | None:
    """The position tier whose standard a report's JPM was computed against."""
    if assessment.get("standard_tier"):
        stated: str = assessment["standard_tier"]
        return stated
    if ctx.params["jpm.report_standard_unstated"] == "position_tier":
        return ctx.facts.get("position_tier")
    return ctx.facts.get("target_tier")


def measure_jpm(
    ctx: Context, assessment: JSON, standard_tier: str | None
) -> tuple[float | None, str]:
    """A reported JPM counts only when computed against the target's standard; otherwise it is
    computed from the levels against the target standard (Perban BKN 26/2019, per BKN's FAQ:
    a report serves targets of the same level)."""
    standard = ctx.facts.get("standard_level")
    if assessment.get("jpm") is not None and standard_tier == ctx.facts.get("target_tier"):
        return float(assessment["jpm"]), "laporan"
    if standard is None:
        return None, "tidak_ada_standar"
    levels = assessment.get("levels") or {}
    capped = bool(ctx.params["jpm.cap_per_competency"])
    achieved = sum(min(levels[k], standard) if capped else levels[k] for k in COMPETENCIES)
    source = "dihitung" if assessment.get("jpm") is None else "dihitung_standar_berbeda"
    return 100.0 * achieved / (standard * len(COMPETENCIES)), source


@formula("kompetensi.fokus-coaching")
def coaching_focus(ctx: Context) -> JSON:
    """The competencies coaching focuses on: those with a gap of at least `gap.high_min`; when no
    gap is that high, the highest gaps, or none (`coaching.without_high_gap`)."""
    rows = ctx.extra.get("competencies") or []
    top = max((r["gap"] for r in rows), default=0)
    high = int(ctx.params["gap.high_min"])
    fallback = ctx.params["coaching.without_high_gap"] == "kesenjangan_tertinggi"
    threshold = high if top >= high else (top if fallback and top > 0 else None)
    for row in rows:
        row["focus"] = threshold is not None and row["gap"] >= threshold
    if threshold is None:
        return {"has_coaching_focus": False} if rows else {}
    return {"focus_min_gap": threshold, "has_coaching_focus": True}


@formula("profil.bukti-kompetensi")
def competency_evidence(ctx: Context) -> JSON:
    """A competency certificate at or above the target tier's standard, still within its validity;
    under scope.competence_evidence = certificate_or_assessment, also a still-valid assessment
    report in which every competency meets the target's standard."""
    years = int(ctx.params["certificate.validity_years"])
    target = ctx.facts.get("target_tier")
    ranks = ctx.params["skj.standard_level"]
    for item in ctx.case.data.get("evidence") or []:
        if item["type"] != "sertifikat_kompetensi_manajerial" or not item.get("tier"):
            continue
        issued = dt.date.fromisoformat(item["date"])
        ends = add_years(issued, years, str(ctx.params["validity.leap_day"]))
        if issued <= ctx.as_of < ends and ranks.get(item["tier"], 0) >= ranks.get(target, 99):
            return {"holds_evidence": True}
    if ctx.params["scope.competence_evidence"] == "certificate_or_assessment":
        rows, expires = ctx.extra.get("competencies") or [], ctx.facts.get("assessment_expires_on")
        if rows and expires and ymd(ctx.as_of) < expires and all(r["met"] for r in rows):
            return {"holds_evidence": True}
    return {"holds_evidence": False}


@formula("kurikulum.mata-pelatihan")
def curriculum_subjects(ctx: Context) -> JSON:
    """The program's subjects, each with whether every competency it serves is already met."""
    program = ctx.annexes["kurikulum"]["programs"][ctx.facts["program"]]
    catalogue = ctx.params["curriculum.subjects"]
    never = ctx.params["curriculum.never_waivable_subjects"]
    met = {row["key"]: row["met"] for row in ctx.extra.get("competencies") or []}
    subjects = [
        dict(subject, all_met=bool(met) and all(met.get(c, False) for c in subject["competencies"]))
        for subject in ctx.tables.program_subjects(program, catalogue, never)
    ]
    ctx.extra["subjects"] = subjects
    return {
        "subject_count": len(subjects),
        "jp_total": sum(sum(s["jp"].values()) for s in subjects),
    }


class SubjectTables:
    """The subjects of a program under one catalogue, without what depends on the participant:
    the same for everyone in a cohort, so built once per Decider. Keyed by the objects' identities
    (the rulebook's annex and parameter values, never changed), each entry holding the objects
    themselves, so no identity is reused while the entry lives; a few entries, shared by threads
    behind a lock."""

    def __init__(self, size: int = 64):
        self._entries: LRUCache[tuple[int, int, int], tuple[object, object, object, list[JSON]]]
        self._entries = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def program_subjects(self, program: JSON, catalogue: JSON, never: list[str]) -> list[JSON]:
        key = (id(program), id(catalogue), id(never))
        with self._lock:
            found = self._entries.get(key)
        if found is None:
            built = _program_subjects(program, catalogue, never)
            with self._lock:
                found = self._entries.setdefault(key, (program, catalogue, never, built))
        return found[3]


def _program_subjects(program: JSON, catalogue: JSON, never: list[str]) -> list[JSON]:
    return [
        {
            "id": subject["id"],
            "name": subject["name"],
            "agenda": agenda["name"],
            "stages": list(catalogue[subject["id"]]["stages"]),
            "jp": dict(catalogue[subject["id"]]["jp"]),
            "competencies": list(catalogue[subject["id"]]["competencies"]),
            "never_waivable": subject["id"] in never,
            "in_mandiri": "mandiri" in catalogue[subject["id"]]["stages"],
        }
        for agenda in program["agendas"]
        for subject in agenda["subjects"]
    ]


@formula("kompetensi.rumpun-terlemah")
def weakest_group(ctx: Context) -> JSON:
    rows = ctx.extra.get("competencies") or []
    if not rows:
        return {}
    gap = {row["key"]: row["gap"] for row in rows}
    mean = ctx.params["cluster.group_gap_measure"] == "mean"
    totals = {
        gid: sum(gap.get(c, 0) for c in group["competencies"])
        / (len(group["competencies"]) if mean else 1)
        for gid, group in ctx.params["curriculum.competency_groups"].items()
    }
    # a tie goes to the first group in the parameter
    best = max(totals, key=lambda gid: totals[gid])
    return {"weakest_group": best if totals[best] > 0 else str(ctx.params["cluster.no_gap_group"])}


@formula("peserta.sertifikat-keikutsertaan")
def participation_certificate(ctx: Context) -> JSON:
    held = [
        e["date"]
        for e in ctx.case.data.get("evidence") or []
        if e["type"] == "sertifikat_keikutsertaan"
        and e.get("program") == ctx.facts["program"]
        and dt.date.fromisoformat(e["date"]) <= ctx.known_until
    ]
    if not held:
        return {"holds_participation_cert": False}
    return {
        "holds_participation_cert": True,
        "participation_cert_date": ymd(dt.date.fromisoformat(max(held))),
    }


@formula("pelatihan.jadwal")
def training_schedule(ctx: Context) -> JSON:
    return {
        "training_start": ymd(ctx.case.date("training", "start")),
        "training_end": ymd(ctx.case.date("training", "end")),
    }


@formula("evaluasi.akhir")
def final_evaluation(ctx: Context) -> JSON:
    """The final evaluation and the remedial, with the remedial deadline under the law in force on
    the day of the final evaluation. A certificate attests them no earlier than the training's
    end."""
    final, remedial = _latest_event(ctx, "final_evaluation"), _latest_event(ctx, "remedial")
    end = ctx.case.date("training", "end")
    facts: JSON = {}
    if final:
        day = dt.date.fromisoformat(final["date"])
        deadline = day + dt.timedelta(days=int(ctx.param_on("remedial.deadline_days", day)))
        facts |= {
            "final_result": final["result"],
            "final_date": ymd(day),
            "remedial_deadline": ymd(deadline),
            "final_attests_on": ymd(max(day, end or day)),
        }
    if remedial:
        day = dt.date.fromisoformat(remedial["date"])
        facts |= {
            "remedial_result": remedial["result"],
            "remedial_date": ymd(day),
            "remedial_attests_on": ymd(max(day, end or day)),
        }
    return facts


@formula("asesmen-pasca.jendela")
def assessment_window(ctx: Context) -> JSON:
    """The 3-12 month window, under the law in force when the training ended, from the scheduled
    end, or from the day the training was passed when later (`post_assessment.window_from`)."""
    end = ctx.case.date("training", "end")
    if not end:
        return {}
    if ctx.param_on("post_assessment.window_from", end) == "passed_on":
        end = max([end, *_passed_days(ctx)])
    return {
        "window_opens": ymd(
            add_months(end, int(ctx.param_on("post_assessment.window_min_months", end)))
        ),
        "window_closes": ymd(
            add_months(end, int(ctx.param_on("post_assessment.window_max_months", end)))
        ),
    }


def _passed_days(ctx: Context) -> list[dt.date]:
    """The day of a passed final evaluation or remedial, as known on this step's date."""
    return [
        dt.date.fromisoformat(e["date"])
        for kind in ("final_evaluation", "remedial")
        for e in _events(ctx, kind)
        if e.get("result") == "lulus"
    ]


@formula("asesmen-pasca.riwayat")
def post_assessment_history(ctx: Context) -> JSON:
    """What the valid post-training assessments established, each judged on its own date.
    A rejected attempt changes nothing; it is reported only when it is the latest."""
    judged = [a for a in ctx.history if a.date <= ctx.known_until]
    valid = [a for a in judged if a.valid]
    facts: JSON = {"post_attempts": len(valid)}
    if valid:
        first, last = valid[0], valid[-1]
        end = ctx.case.date("training", "end") or first.date
        facts |= {
            "first_post_result": _result(first),
            "first_post_date": ymd(first.date),
            "first_post_attests_on": ymd(max(first.date, end)),
            "post_date": ymd(last.date),
            "post_result": _result(last),
        }
        if last.meets_skj:
            facts["cert_expires_on"] = ymd(last.cert_expires_on)
        elif last.development:
            facts |= {
                "retest_earliest": ymd(last.development["retest_from"]),
                "development_until": ymd(last.development["until"]),
            }
    latest = judged[-1] if judged else None
    if latest and not latest.valid and (not valid or latest.date > valid[-1].date):
        facts |= {"rejected_reason": latest.reason, "rejected_date": ymd(latest.date)}
    return facts


def _result(attempt: JudgedAttempt) -> str:
    return "memenuhi" if attempt.meets_skj else "belum_memenuhi"


@formula("asesmen-pasca.kandidat")
def post_assessment_candidate(ctx: Context) -> JSON:
    """The assessment judged in this step: its unmet competencies and JPM against the target, and
    what would follow from it under the law in force on its date."""
    candidate = ctx.candidate
    if not candidate:
        return {}
    day = dt.date.fromisoformat(candidate["date"])
    standard = ctx.facts.get("standard_level")
    levels = candidate.get("levels") or {}
    facts: JSON = {
        "candidate_date": ymd(day),
        "candidate_kind": candidate["kind"],
        "candidate_purpose": candidate.get("purpose")
        or ctx.params["post_assessment.default_purpose"],
    }
    if standard is not None and levels:
        jpm, source = measure_jpm(
            ctx, candidate, candidate.get("standard_tier") or ctx.facts.get("target_tier")
        )
        ctx.extra["candidate_jpm_source"] = source
        ctx.extra["candidate_jpm_shown"] = shown_jpm(jpm, source)
        facts |= {
            "candidate_unmet_count": sum(1 for k in COMPETENCIES if levels[k] < standard),
            "candidate_jpm": jpm,
        }
    development = development_period(ctx, day)
    facts |= {
        "candidate_cert_expires_on": ymd(
            validity_end(ctx, day, "certificate.validity_years", "certificate.validity_start")
        ),
        "candidate_retest_from": ymd(development["retest_from"]),
        "candidate_development_until": ymd(development["until"]),
    }
    ctx.extra["candidate_development"] = development
    return facts


def development_period(ctx: Context, result_day: dt.date) -> JSON:
    """The workplace development after a not-met result: its first and last day and the first day
    of a re-test, by `development.starts` and `development.counting` (both interpretive)."""
    days = int(ctx.params["development.days"])
    counting = ctx.params["development.counting"]
    first = (
        result_day
        if ctx.params["development.starts"] == "result_date"
        else result_day + dt.timedelta(days=1)
    )
    last = (
        add_working_days(first, days - 1)
        if counting == "working_days"
        else first + dt.timedelta(days=days - 1)
    )
    return {
        "days": days,
        "counting": counting,
        "from": first,
        "until": last,
        "retest_from": add_working_days(last, 1)
        if counting == "working_days"
        else last + dt.timedelta(days=1),
    }


def add_working_days(day: dt.date, count: int) -> dt.date:
    """`count` working days (Monday to Friday) after `day`; national holidays are not known here."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    while count > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def post_training_candidates(
    case: Case, until: dt.date, option_on: Callable[[dt.date], object]
) -> list[JSON]:
    """Every post-training assessment up to a date, oldest first: stand-alone assessments, and in
    the integrated option (as in force on the event's date) a passed final evaluation or remedial
    that carries levels (IV.A.1.c.1: the assessment is done with the final evaluation)."""
    out = []
    for event in sorted(case.data.get("events") or [], key=lambda e: e["date"]):
        day = dt.date.fromisoformat(event["date"])
        if day > until:
            continue
        if event["type"] == "post_assessment":
            out.append(dict(event, kind="uji"))
        elif (
            event["type"] in ("final_evaluation", "remedial")
            and event.get("levels")
            and event.get("result") == "lulus"
            and option_on(day) == "integrated"
        ):
            out.append(
                dict(
                    event,
                    kind="evaluasi_akhir" if event["type"] == "final_evaluation" else "remedial",
                )
            )
    return out


def _events(ctx: Context, kind: str) -> list[JSON]:
    known = ctx.known_until.isoformat()  # ISO dates (the schema's format) sort as the days do
    return [
        e for e in ctx.case.data.get("events") or [] if e["type"] == kind and e["date"] <= known
    ]


def _latest_event(ctx: Context, kind: str) -> JSON | None:
    events = _events(ctx, kind)
    return max(events, key=lambda e: e["date"]) if events else None
