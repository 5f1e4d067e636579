"""Deciding one participant: formulas measure, the engine's rules decide, the trace explains.

A decision is a plain dict (its JSON shape is `schemas/decision.schema.json`),
computed once and then rendered, explained, issued, compared or diffed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from .cases import Case, check_against_date
from .engine import Engine, Firing
from .errors import RulebookError
from .formulas import DATE_FACTS, IMPLEMENTATIONS, Context, from_ymd
from .params import ParamSet
from .reform import override_parameters
from .vocabulary import COMPETENCIES
from .rulebook import Rulebook

class Decider:
    """Decides cases under one rulebook; compiles the rules in force on each date once."""

    def __init__(self, rulebook: Rulebook, model: str | None = None, assessment: str | None = None):
        if rulebook.problems:
            raise rulebook.problems[0]
        choices = {"integration.model": model, "integration.assessment_option": assessment}
        choices = {pid: value for pid, value in choices.items() if value}
        self.rulebook = override_parameters(rulebook, choices, label="pilihan") if choices else rulebook
        self._engines: dict = {}
        self._by_date: dict = {}
        missing = [f.id for f in rulebook.formulas if f.id not in IMPLEMENTATIONS]
        if missing:
            raise RulebookError(f"formula tanpa implementasi di formulas.py: {', '.join(missing)}")

    def law_on(self, as_of: dt.date) -> tuple[Engine, ParamSet]:
        """The compiled rules and parameters in force on a date (dates with the same law share one engine)."""
        if as_of not in self._by_date:
            params = ParamSet(self.rulebook.parameters, as_of)
            rules = [r for r in self.rulebook.rules if r.in_force(as_of)]
            key = (params.key(), tuple(r.id for r in rules))
            if key not in self._engines:
                self._engines[key] = (Engine(rules, params, name=f"aturan{len(self._engines)}"), params)
            engine, shared = self._engines[key]
            self._by_date[as_of] = (engine, params if shared.date == as_of else ParamSet(self.rulebook.parameters, as_of))
        return self._by_date[as_of]

    def decide(self, case: Case, as_of: dt.date, trace: bool = True) -> dict:
        """The decision for one case; `trace=False` leaves the trace empty (for cohort statistics)."""
        check_against_date(case, as_of)
        engine, params = self.law_on(as_of)
        ctx = Context(case, as_of, params, self.rulebook.annexes)
        steps = [self._measure(formula, ctx, trace) for formula in self.rulebook.formulas]
        firings = engine.evaluate(ctx.facts, {"competency": ctx.extra.get("competencies", []),
                                              "subject": ctx.extra.get("subjects", [])})
        conclusions = dict(ctx.facts)
        for firing in sorted(firings, key=lambda f: (f.stage, f.rule.priority)):
            conclusions.update(firing.conclusions)
            conclusions.update({f"{prop}_rule": firing.rule.id for prop in firing.conclusions})
            for name, items in firing.appended.items():
                conclusions[name] = conclusions.get(name, []) + [(i, firing) for i in (items if isinstance(items, list) else [items])]
        steps = steps + [self._rule_step(f, params) for f in firings] if trace else []
        return self._decision(case, as_of, ctx, conclusions, steps)

    def _measure(self, formula, ctx: Context, trace: bool) -> dict | None:
        given = IMPLEMENTATIONS[formula.id](ctx) or {}
        ctx.facts.update(given)
        if not trace:
            return None
        return {"kind": "formula", "rule": formula.id, "title": formula.title, "cites": self._cites(formula.cites),
                "facts": {k: _show(k, v) for k, v in given.items()},
                "params": {pid: _param_use(ctx.params, pid) for pid in formula.params}}

    def _rule_step(self, firing: Firing, params: ParamSet) -> dict:
        facts = {}
        for alias, values in firing.matched.items():
            for k, v in values.items():
                facts[k if alias == "participant" else f"{alias}.{k}"] = _show(k, v)
        step = {"kind": "rule", "rule": firing.rule.id, "title": firing.rule.title, "stage": firing.stage,
                "priority": firing.rule.priority, "cites": self._cites(firing.rule.cites), "facts": facts,
                "concludes": {k: _show(k, v) for k, v in firing.conclusions.items()},
                "params": {pid: _param_use(params, pid) for pid in firing.params}}
        if firing.appended:
            step["appends"] = firing.appended
        if firing.overridden:
            step["overridden"] = sorted(set(firing.overridden))
        return step

    def _cites(self, clause_ids: list[str]) -> list[dict]:
        out = []
        for cid in clause_ids:
            clause = self.rulebook.corpus.clause(cid)
            out.append({"id": cid, "citation": clause.citation if clause else cid})
        return out

    def _decision(self, case: Case, as_of: dt.date, ctx: Context, c: dict, trace: list) -> dict:
        valid = c.get("prior_assessment_valid")
        rows = ctx.extra.get("competencies") or []
        measured = bool(valid) and bool(rows)
        decision = {
            "nip": case.nip,
            "name": case.data["name"],
            "as_of": as_of.isoformat(),
            "rules_version": self.rulebook.version,
            "program": c.get("program"),
            "role": c.get("role"),
            "in_scope": c.get("in_scope"),
            "scope_basis": c.get("scope_basis"),
            "target": {"tier": c.get("target_tier"), "standard_level": c.get("standard_level")},
            "program_matches": c.get("program_matches"),
            "prior_assessment": {
                "valid": bool(valid),
                "reason": c.get("prior_assessment_reason"),
                "date": _iso(c.get("assessment_date")),
                "expires_on": _iso(c.get("assessment_expires_on")),
                "purpose": c.get("assessment_purpose"),
            },
            "initial_assessment_required": c.get("initial_assessment_required"),
            "standard": {r["key"]: r["standard"] for r in rows} or None,
            "levels": {r["key"]: r["level"] for r in rows} if measured else None,
            "gaps": {r["key"]: r["gap"] for r in rows} if measured else None,
            "jpm": c.get("measured_jpm") if measured else None,
            "jpm_source": ctx.extra.get("jpm_source") if measured else None,
            "category": c.get("category"),
            "meets_skj": c.get("meets_skj"),
            "design": self._design(ctx, c),
            "lifecycle": _lifecycle(ctx, c),
            "documents": self._documents(c),
            "trace": trace,
        }
        decision["decision_id"] = decision_id(case, as_of, self.rulebook.version)
        return decision

    def _design(self, ctx: Context, c: dict) -> dict:
        subjects = {s["id"]: s for s in ctx.extra.get("subjects") or []}
        order = list(subjects)
        required = sorted((_subject_entry(item, firing, subjects) for item, firing in c.get("required_subjects", [])),
                          key=lambda e: order.index(e["subject"]))
        if c.get("all_subjects_required"):
            rule_id = c["all_subjects_required_rule"]
            required = [_subject_entry({"subject": sid, "scope": "semua", "reason": c["all_subjects_required"]}, rule_id, subjects)
                        for sid in order]
        waived = sorted((_subject_entry(item, firing, subjects) for item, firing in c.get("waived_subjects", [])),
                        key=lambda e: order.index(e["subject"]))
        return {
            "model": ctx.params["integration.model"],
            "status": c.get("design_status") or ("bukan_sasaran" if c.get("in_scope") is False else None),
            "full_participant": c.get("full_participant", bool(c.get("design_status") == "ditetapkan")),
            "cluster": self._cluster(ctx, c),
            "required": required,
            "waived": waived,
            "jp": {"total": c.get("jp_total"), "required": sum(e["jp"] for e in required),
                   "waived": sum(e["jp"] for e in waived)},
            "coaching": self._coaching(ctx, c),
        }

    def _cluster(self, ctx: Context, c: dict) -> dict | None:
        cluster = c.get("cluster")
        if not cluster:
            return None
        groups = ctx.params["curriculum.competency_groups"]
        basis = ctx.params["cluster.basis"]
        name = groups[cluster]["name"] if cluster in groups else f"Klaster {cluster}"
        return {"id": cluster, "basis": basis, "name": name}

    def _coaching(self, ctx: Context, c: dict) -> dict | None:
        if not c.get("coaching"):
            return None
        order = list(COMPETENCIES)
        focus = sorted((item["competency"] for item, _ in c.get("coaching_focus", [])), key=order.index)
        level = c.get("standard_level")
        ksa = self.rulebook.annexes.get("ksa-matrix", {}).get("competencies", {})
        return {
            "focus": focus,
            "signature": f"{c.get('program')}:{'+'.join(focus)}",
            "group": None,
            "ksa": [_ksa_row(ksa, key, level) for key in focus],
        }

    def _documents(self, c: dict) -> list[dict]:
        documents: dict[str, dict] = {}
        for item, firing in c.get("documents", []):
            entry = documents.setdefault(item["type"], {"type": item["type"], "rules": [], "cites": []})
            entry["rules"].append(firing.rule.id)
            entry["cites"] += [cite for cite in firing.rule.cites if cite not in entry["cites"]]
        return list(documents.values())


def _subject_entry(item: dict, firing: Firing | str, subjects: dict) -> dict:
    subject = subjects[item["subject"]]
    stages = {"semua": subject["stages"], "mandiri": ["mandiri"],
              "selain_mandiri": [s for s in subject["stages"] if s != "mandiri"]}[item["scope"]]
    return {"subject": subject["id"], "name": subject["name"], "agenda": subject["agenda"], "stages": stages,
            "jp": sum(subject["jp"].get(stage, 0) for stage in stages), "competencies": subject["competencies"],
            "reason": item["reason"], "rule": firing if isinstance(firing, str) else firing.rule.id}


def _ksa_row(ksa: dict, key: str, level) -> dict:
    entry = (ksa.get(key) or {}).get("levels", {}).get(level) or {}
    skill = entry.get("skill") or {}
    return {"competency": key, "level": level, "description": entry.get("description"),
            "knowledge": entry.get("knowledge", []), "skill_personal": skill.get("personal", []),
            "skill_interpersonal": skill.get("interpersonal", []), "attitude": entry.get("attitude", []),
            "learning_models": entry.get("learning_models", [])}


def _lifecycle(ctx: Context, c: dict) -> dict:
    return {
        "assessment_option": ctx.params["integration.assessment_option"],
        "state": c.get("state"),
        "training_passed": c.get("training_passed"),
        "attempt": {"count": c.get("post_attempts", 0), "date": _iso(c.get("post_date")),
                    "valid": c.get("attempt_valid"), "reason": c.get("attempt_reason")},
        "post_meets_skj": c.get("post_meets_skj"),
        "certificate_expires_on": _iso(c.get("certificate_expires_on")),
        "talent_pool": bool(c.get("talent_pool")),
        "window": {"opens": _iso(c.get("window_opens")), "closes": _iso(c.get("window_closes"))},
        "recommendations": [item["kind"] for item, _ in c.get("recommendations", [])],
        "next_step": {"action": c.get("next_action"), "from": _iso(c.get("next_from")), "until": _iso(c.get("next_until"))},
    }


def decision_id(case: Case, as_of: dt.date, version: str) -> str:
    payload = json.dumps([case.data, as_of.isoformat(), version], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _iso(value):
    return from_ymd(value).isoformat() if value else None


def _show(key: str, value):
    return _iso(value) if key in DATE_FACTS and isinstance(value, int) else value


def _param_use(params: ParamSet, pid: str) -> dict:
    resolved = params.resolved(pid)
    return {"value": resolved.value, "from": resolved.start.isoformat(), "reference": list(resolved.reference),
            "status": resolved.status}
