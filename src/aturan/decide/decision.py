"""Deciding one participant: formulas measure, the engine's rules decide, the trace explains.

A history is judged step by step, each step on its own date under the law in force then:
1. the design: scope, the prior report's validity, category and training design, on the date
   the design is set (`design.profile_date`: the training start by default);
2. every post-training assessment, oldest first, on its own date: the rules say whether it
   counts and whether it meets SKJ; a rejected one changes nothing;
3. the lifecycle on the decision date (`--as-of`), from the design and the valid assessments.

A decision is a typed value (`value.py`; its JSON is `schemas/decision.schema.json`), computed
once and then rendered, explained, issued, compared or diffed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from cachetools import LRUCache

from aturan.cases import Case, check_against_date
from aturan.decide.engine import Engine, Firing
from aturan.decide.formulas import (
    DATE_FACTS,
    IMPLEMENTATIONS,
    Context,
    JudgedAttempt,
    SubjectTables,
    from_ymd,
    post_training_candidates,
)
from aturan.decide.memory import Memory, case_json
from aturan.decide.passes import Facts, NotingFacts, Pass, Step
from aturan.decide.value import (
    Attempt,
    Cluster,
    Coaching,
    Decision,
    Design,
    Development,
    DocumentIntent,
    FinalEvaluation,
    Hours,
    LatestAttempt,
    Lifecycle,
    NextLevel,
    NextStep,
    PriorAssessment,
    Result,
    Subject,
    Target,
    Window,
)
from aturan.errors import RulebookError
from aturan.law import (
    Formula,
    ParamSet,
    Rule,
    Rulebook,
    bounding_facts,
    document_calls,
    noting_reads,
    override_parameters,
)
from aturan.vocabulary import COMPETENCIES

# The highest level of a managerial competency (levels 1 to 5, PermenPANRB 38/2017 as the paper's
# Bab II.E states it): a competency there has no next level.
TOP_LEVEL = 5
CANDIDATE_CONCLUSIONS = ("attempt_valid", "attempt_reason", "candidate_meets_skj")
CANDIDATE_FORMULA = "asesmen-pasca.kandidat"

# A decision, its trace steps and the facts and conclusions behind them are JSON-like mappings
# (the decision's shape is schemas/decision.schema.json).
JSON = dict[str, Any]
# How much of the trace a decision carries: every step with its clauses, facts and parameters;
# only which formula and rule acted (and what each rule concluded), for cohort files; or none.
TraceDetail = Literal["full", "compact", "none"]
# What makes two dates share one compiled engine: phase, the law in force, the rules in force.
EngineKey = tuple[str, tuple[tuple[str, dt.date], ...], tuple[str, ...]]
# How many dates a Decider keeps the law of (its parameters; per phase, its engine and trace
# pieces): a cohort over three years of trainings and assessments decides on about a thousand
# dates (2,000 generated participants: 431), each about 10 kB.
DATES_KEPT = 2048
VARIANTS_KEPT = 64  # Deciders made from this one's rulebook (`variant`): golden/ uses about 30
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """A least-recently-used cache that threads may share: made outside the lock (the same key
    made twice gives equal values; the first one kept wins)."""

    def __init__(self, size: int):
        self._entries: LRUCache[K, V] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            found = self._entries.get(key)
        if found is None:
            made = make()
            with self._lock:
                found = self._entries.setdefault(key, made)
        return found

    def __len__(self) -> int:
        return len(self._entries)


@dataclass
class Law:
    """One phase's law on one date: its compiled rules, its parameters, and the pieces of trace
    every decision under it shares (a trace is read and serialised, never changed), bounded by
    the rulebook: one head per formula, one set of parameter uses per rule or formula."""

    engine: Engine
    params: ParamSet
    heads: dict[str, JSON] = field(default_factory=dict)
    uses: dict[tuple[str, ...], JSON] = field(default_factory=dict)


@dataclass
class Evaluation:
    """One step: the facts measured and the rules fired on one date."""

    ctx: Context
    conclusions: JSON
    steps: list[JSON]


class Decider:
    """Decides cases under one rulebook; compiles the rules in force on each date once.

    `remember` is for runs that decide each participant under several laws in a row (the lab's
    `compare` and `diff`): what a stage of rules fired and what a step's formulas gave are
    remembered (`memory.Memory`) and reused by the next law where they cannot differ; `True`
    gives this Decider a Memory of its own, a Memory shares one between Deciders. Deciding under
    one law, remembering costs more than it saves (bench_decide.py).

    A Decider may be shared by threads (`aturan serve` has one per model and assessment option,
    used by every request at once). What it keeps is its own, never the module's, each kept
    thing bounded and keyed by value, or by an object the entry itself holds:
    - the parameters per date and the law per (phase, date) (`Bounded`: an LRU behind a lock);
    - the engines per law: a dict, bounded by the rulebook (the laws it dates), compiled under a
      lock, each evaluating one participant at a time (engine.py says why);
    - the trace pieces per law (`Law`) and the citations: plain dicts bounded by the rulebook,
      whose every operation is atomic; two threads building the same piece build equal values;
    - the subjects per program (`formulas.SubjectTables`), the variants (`variant`);
    - a Memory (above): shared LRU of stage firings, per-thread formula passes."""

    def __init__(
        self,
        rulebook: Rulebook,
        model: str | None = None,
        assessment: str | None = None,
        remember: bool | Memory = False,
    ):
        if rulebook.problems:
            raise rulebook.problems[0]
        choices = {"integration.model": model, "integration.assessment_option": assessment}
        choices = {pid: value for pid, value in choices.items() if value}
        self.rulebook = (
            override_parameters(rulebook, choices, label="pilihan") if choices else rulebook
        )
        self.memory = remember if isinstance(remember, Memory) else Memory() if remember else None
        self._engines: dict[EngineKey, Engine] = {}
        self._compiling = threading.Lock()
        self._citations: dict[tuple[str, ...], list[dict[str, str]]] = {}
        self._laws: Bounded[tuple[str, dt.date], Law] = Bounded(DATES_KEPT)
        self._params: Bounded[dt.date, ParamSet] = Bounded(DATES_KEPT)
        self._tables = SubjectTables()
        self._variants: Bounded[Hashable, Decider] = Bounded(VARIANTS_KEPT)
        self._token = object()  # this Decider, in keys of memos that outlive it (Firing.memo)
        missing = [f.id for f in rulebook.formulas if f.id not in IMPLEMENTATIONS]
        if missing:
            raise RulebookError(f"formula tanpa implementasi di formulas.py: {', '.join(missing)}")

    def params_on(self, date: dt.date) -> ParamSet:
        """The parameters in force on a date, without compiling any rules."""
        return self._params.get(date, lambda: ParamSet(self.rulebook.parameters, date))

    def law_on(self, as_of: dt.date, phase: str = "design") -> tuple[Engine, ParamSet]:
        """The compiled rules of one phase and the parameters in force on a date (dates with the
        same law share one engine)."""
        law = self._law(as_of, phase)
        return law.engine, law.params

    def variant(self, key: Hashable, make: Callable[[Rulebook], Rulebook]) -> Decider:
        """A Decider over the rulebook `make` gives from this one's (a reform, a drafter's
        parameters), made once per `key` (a value naming what `make` does) and kept with this
        Decider, the most recently used first."""
        return self._variants.get(key, lambda: Decider(make(self.rulebook)))

    def _law(self, as_of: dt.date, phase: str) -> Law:
        def make() -> Law:
            params = self.params_on(as_of)
            rules = [r for r in self.rulebook.rules if r.in_force(as_of) and r.phase == phase]
            return Law(self._engine(phase, rules, params), params)

        return self._laws.get((phase, as_of), make)

    def _engine(self, phase: str, rules: list[Rule], params: ParamSet) -> Engine:
        """The engine of a law; dates with the same law share one."""
        key = (phase, params.key(), tuple(r.id for r in rules))
        with self._compiling:
            if key not in self._engines:
                cache = self.memory.firings if self.memory else None
                name = f"aturan{len(self._engines)}"
                self._engines[key] = Engine(rules, params, name=name, cache=cache)
            return self._engines[key]

    def design_date(self, case: Case, as_of: dt.date) -> dt.date:
        start = case.date("training", "start")
        if start and self.params_on(as_of).get("design.profile_date") == "training_start":
            return start
        return as_of

    def step_dates(self, case: Case, as_of: dt.date) -> dict[str, set[dt.date]]:
        """The dates a decision judges each phase's steps on: the design on its date, the
        lifecycle on each post-training assessment's date and on `as_of` (what `decide`
        evaluates, found without evaluating it)."""

        def option_on(day: dt.date) -> object:
            return self.params_on(day).get("integration.assessment_option")

        candidates = post_training_candidates(case, as_of, option_on)
        lifecycle = {dt.date.fromisoformat(c["date"]) for c in candidates} | {as_of}
        return {"design": {self.design_date(case, as_of)}, "lifecycle": lifecycle}

    def decide(self, case: Case, as_of: dt.date, trace: bool | TraceDetail = True) -> Decision:
        """The decision for one case; `trace=False` leaves the trace empty (for cohort
        statistics), `trace="compact"` names the steps without their clauses, facts and
        parameters (for cohort files)."""
        detail = _detail(trace)
        check_against_date(case, as_of)
        design_on = self.design_date(case, as_of)
        design = self._evaluate("design", case, design_on, min(as_of, design_on), detail=detail)
        inputs = {k: v for k, v in design.conclusions.items() if not isinstance(v, (list, dict))}
        attempts, attempt_steps = self._judge_attempts(case, as_of, inputs, detail)
        history = tuple(attempts)
        life = self._evaluate("lifecycle", case, as_of, as_of, inputs, history, detail=detail)
        conclusions = dict(design.conclusions)
        for name, value in life.conclusions.items():
            both = isinstance(value, list) and isinstance(conclusions.get(name), list)
            conclusions[name] = conclusions[name] + value if both else value
        steps = design.steps
        if design_on != as_of:
            on = design_on.isoformat()
            steps = [dict(s, on=on) for s in steps]
        return self._decision(
            case, as_of, design.ctx, conclusions, attempts, steps + attempt_steps + life.steps
        )

    def _evaluate(
        self,
        phase: str,
        case: Case,
        on: dt.date,
        cutoff: dt.date,
        inputs: JSON | None = None,
        history: tuple[JudgedAttempt, ...] = (),
        candidate: JSON | None = None,
        detail: TraceDetail = "full",
    ) -> Evaluation:
        law = self._law(on, phase)
        ctx = Context(
            case,
            on,
            law.params,
            self.rulebook.annexes,
            cutoff=cutoff,
            history=history,
            candidate=candidate,
            params_on=self.params_on,
            tables=self._tables,
        )
        step = Step(
            phase,
            on,
            cutoff,
            inputs or {},
            history,
            candidate,
            self.rulebook.formulas,
            self.rulebook.annexes,
        )
        measured = self._formula_pass(ctx, step)
        items = (
            {
                "competency": ctx.extra.get("competencies", []),
                "subject": ctx.extra.get("subjects", []),
            }
            if phase == "design"
            else {}
        )
        firings = law.engine.evaluate(ctx.facts, items)
        conclusions = dict(ctx.facts)
        own: set[str] = set()
        for firing in sorted(firings, key=lambda f: (f.stage, f.rule.priority)):
            conclusions.update(firing.conclusions)
            conclusions.update({f"{prop}_rule": firing.rule.id for prop in firing.conclusions})
            for name, items_ in firing.appended.items():
                listed = items_ if isinstance(items_, list) else [items_]
                if name not in own:  # a list of this step's own, never one of the facts'
                    own.add(name)
                    conclusions[name] = list(conclusions.get(name) or [])
                conclusions[name].extend((i, firing) for i in listed)
        if candidate is not None:  # an attempt's trace keeps only what judged the attempt
            measured = [(f, given) for f, given in measured if f.id == CANDIDATE_FORMULA]
            firings = [f for f in firings if any(k in CANDIDATE_CONCLUSIONS for k in f.conclusions)]
        steps = [] if detail == "none" else self._steps(measured, firings, law, detail)
        return Evaluation(ctx, conclusions, steps)

    def _judge_attempts(
        self, case: Case, as_of: dt.date, inputs: JSON, trace: TraceDetail
    ) -> tuple[list[JudgedAttempt], list[JSON]]:
        """Each post-training assessment judged on its own date, given those judged before it."""

        def option_on(day: dt.date) -> object:
            return self.params_on(day).get("integration.assessment_option")

        judged: list[JudgedAttempt] = []
        steps: list[JSON] = []
        for candidate in post_training_candidates(case, as_of, option_on):
            day = dt.date.fromisoformat(candidate["date"])
            step = self._evaluate(
                "lifecycle", case, day, day, inputs, tuple(judged), candidate, trace
            )
            judged.append(_judged(candidate, step))
            steps += [dict(s, on=day.isoformat(), attempt=day.isoformat()) for s in step.steps]
        return judged, steps

    def _formula_pass(self, ctx: Context, step: Step) -> list[tuple[Formula, JSON]]:
        """The step's formulas in order, each on the facts the ones before it gave; remembering,
        a pass already measured for this case with the same facts and law is reused."""
        if self.memory is None:
            facts = ctx.facts = Facts(step.inputs)
            return [(f, self._measure(f, ctx, facts)) for f in step.formulas if step.runs(f)]
        passes = self.memory.passes  # this thread's
        found = passes.find(ctx.case, step, self.params_on)
        if found is None:
            facts = ctx.facts = NotingFacts(step.inputs)
            with noting_reads() as params:
                measured = [
                    (f, self._measure(f, ctx, facts)) for f in step.formulas if step.runs(f)
                ]
            found = Pass(measured, dict(ctx.extra))
            passes.keep(ctx.case, step, facts.reads, params, found)
        ctx.facts, ctx.extra = found.facts(step.inputs), dict(found.extra)
        return found.measured

    def _measure(self, formula: Formula, ctx: Context, facts: Facts) -> JSON:
        given: JSON = IMPLEMENTATIONS[formula.id](ctx) or {}
        facts.gave(given)
        return given

    def _steps(
        self,
        measured: list[tuple[Formula, JSON]],
        firings: list[Firing],
        law: Law,
        detail: TraceDetail,
    ) -> list[JSON]:
        return [self._formula_step(f, given, law, detail) for f, given in measured] + [
            self._rule_step(f, law, detail) for f in firings
        ]

    def _formula_step(self, formula: Formula, given: JSON, law: Law, trace: TraceDetail) -> JSON:
        if trace == "compact":
            return {"kind": "formula", "rule": formula.id}
        head = law.heads.get(formula.id)
        if head is None:
            head = law.heads[formula.id] = {
                "kind": "formula",
                "rule": formula.id,
                "title": formula.title,
                "cites": self._cites(formula.cites),
                "facts": None,
                "params": self._param_uses(law, formula.params),
            }
        step = dict(head)
        step["facts"] = {k: _show(k, v) for k, v in given.items()}
        return step

    def _rule_step(self, firing: Firing, law: Law, trace: TraceDetail) -> JSON:
        """A remembered firing reused by many decisions gets its step built once (`Firing.memo`,
        keyed by what else the step depends on; the key holds the ParamSet and this Decider's
        token, so neither identity can be reused while the entry lives)."""
        if firing.overridden:
            return self._new_rule_step(firing, law, trace)
        key = (self._token, law.params, trace)
        step: JSON | None = firing.memo.get(key)
        if step is None:
            step = firing.memo[key] = self._new_rule_step(firing, law, trace)
        return step

    def _new_rule_step(self, firing: Firing, law: Law, trace: TraceDetail) -> JSON:
        concludes = {k: _show(k, v) for k, v in firing.conclusions.items()}
        if trace == "compact":
            return {"kind": "rule", "rule": firing.rule.id, "concludes": concludes}
        facts: JSON = {}
        for alias, values in firing.matched.items():
            for k, v in values.items():
                facts[k if alias == "participant" else f"{alias}.{k}"] = _show(k, v)
        step: JSON = {
            "kind": "rule",
            "rule": firing.rule.id,
            "title": firing.rule.title,
            "stage": firing.stage,
            "priority": firing.rule.priority,
            "cites": self._cites(firing.rule.cites),
            "facts": facts,
            "concludes": concludes,
            "params": self._param_uses(law, firing.params),
        }
        if firing.appended:
            step["appends"] = firing.appended
        if firing.overridden:
            step["overridden"] = sorted(set(firing.overridden))
        return step

    # A trace's citations and parameter uses are the same for every decision under the same law:
    # built once and shared (a trace is read and serialised, never changed).
    def _cites(self, clause_ids: list[str]) -> list[dict[str, str]]:
        key = tuple(clause_ids)
        cites = self._citations.get(key)
        if cites is None:
            cites = self._citations[key] = [
                {"id": cid, "citation": self.rulebook.citation(cid)} for cid in clause_ids
            ]
        return cites

    def _param_uses(self, law: Law, pids: Iterable[str]) -> JSON:
        key = tuple(pids)
        uses = law.uses.get(key)
        if uses is None:
            uses = law.uses[key] = {pid: _param_use(law.params, pid) for pid in key}
        return uses

    def _decision(
        self,
        case: Case,
        as_of: dt.date,
        ctx: Context,
        c: JSON,
        attempts: list[JudgedAttempt],
        trace: list[JSON],
    ) -> Decision:
        valid = c.get("prior_assessment_valid")
        rows = ctx.extra.get("competencies") or []
        measured = bool(valid) and bool(rows)
        return Decision(
            nip=case.nip,
            name=case.data["name"],
            as_of=as_of,
            rules_version=self.rulebook.version,
            program=c.get("program"),
            role=c.get("role"),
            in_scope=c.get("in_scope"),
            scope_basis=c.get("scope_basis"),
            target=Target(c.get("target_tier"), c.get("standard_level")),
            program_matches=c.get("program_matches"),
            prior_assessment=PriorAssessment(
                valid=bool(valid),
                reason=c.get("prior_assessment_reason"),
                date=from_ymd(c.get("assessment_date")),
                expires_on=from_ymd(c.get("assessment_expires_on")),
                purpose=c.get("assessment_purpose"),
            ),
            initial_assessment_required=c.get("initial_assessment_required"),
            standard={r["key"]: r["standard"] for r in rows} or None,
            levels={r["key"]: r["level"] for r in rows} if measured else None,
            gaps={r["key"]: r["gap"] for r in rows} if measured else None,
            jpm=ctx.extra.get("jpm_shown") if measured else None,
            jpm_source=ctx.extra.get("jpm_source") if measured else None,
            category=c.get("category"),
            meets_skj=c.get("meets_skj"),
            design=self._design(ctx, c),
            lifecycle=self._lifecycle(ctx, c, attempts),
            documents=self._documents(c, ctx.params),
            trace=tuple(trace),
            decision_id=decision_id(case, as_of, self.rulebook.version, self.memory),
        )

    def _design(self, ctx: Context, c: JSON) -> Design:
        subjects = {s["id"]: s for s in ctx.extra.get("subjects") or []}
        order = list(subjects)
        position = {sid: index for index, sid in enumerate(order)}
        required = sorted(
            (
                _subject_entry(item, firing, subjects)
                for item, firing in c.get("required_subjects", [])
            ),
            key=lambda e: position[e.subject],
        )
        if c.get("all_subjects_required"):
            rule_id = c["all_subjects_required_rule"]
            required = [
                _subject_entry(
                    {"subject": sid, "scope": "semua", "reason": c["all_subjects_required"]},
                    rule_id,
                    subjects,
                )
                for sid in order
            ]
        waived = sorted(
            (
                _subject_entry(item, firing, subjects)
                for item, firing in c.get("waived_subjects", [])
            ),
            key=lambda e: position[e.subject],
        )
        return Design(
            model=ctx.params["integration.model"],
            status=c.get("design_status")
            or ("bukan_sasaran" if c.get("in_scope") is False else None),
            full_participant=c.get(
                "full_participant", bool(c.get("design_status") == "ditetapkan")
            ),
            cluster=self._cluster(ctx, c),
            required=tuple(required),
            waived=tuple(waived),
            jp=Hours(
                total=c.get("jp_total"),
                required=sum(e.jp for e in required),
                waived=sum(e.jp for e in waived),
            ),
            coaching=self._coaching(ctx, c),
        )

    def _cluster(self, ctx: Context, c: JSON) -> Cluster | None:
        cluster = c.get("cluster")
        if not cluster:
            return None
        groups = ctx.params["curriculum.competency_groups"]
        basis = ctx.params["cluster.basis"]
        name = groups[cluster]["name"] if cluster in groups else f"Klaster {cluster}"
        return Cluster(cluster, basis, name)

    def _coaching(self, ctx: Context, c: JSON) -> Coaching | None:
        if not c.get("coaching"):
            return None
        order = list(COMPETENCIES)
        focus = sorted(
            (item["competency"] for item, _ in c.get("coaching_focus", [])), key=order.index
        )
        level = c.get("standard_level")
        return Coaching(
            focus=tuple(focus),
            signature=f"{c.get('program')}:{'+'.join(focus)}",
            group=None,
            ksa=tuple(_ksa_row(self._ksa(), key, level) for key in focus),
        )

    def _documents(self, c: JSON, params: ParamSet) -> tuple[DocumentIntent, ...]:
        """The documents called for, each with the date of the event it attests (`attests`) and the
        date from which it no longer holds (`until`), as the rules calling for it give them. A
        document cites the clauses of the rules that called for it that speak under the decision's
        parameters (a clause on the other post-training option does not decide it)."""
        documents: dict[str, DocumentIntent] = {}
        for item, firing in c.get("documents", []):
            kind = item["type"]
            entry = documents.get(kind) or DocumentIntent(kind, (), (), None, None)
            attests, until = from_ymd(item.get("attests")), from_ymd(item.get("until"))
            cites = [cid for cid in firing.rule.cites if self._speaks(cid, params)]
            bounds = [(entry.dated_before, entry.dated_before_basis)] + _bounds(item, firing)
            bound, basis = min(
                ((day, fact) for day, fact in bounds if day),
                key=lambda b: b[0],
                default=(None, None),
            )
            documents[kind] = DocumentIntent(
                kind,
                entry.rules + (firing.rule.id,),
                entry.cites + tuple(cite for cite in cites if cite not in entry.cites),
                max(filter(None, [entry.attests, attests]), default=None),
                min(filter(None, [entry.until, until]), default=None),
                bound,
                basis,
            )
        order = list(self.rulebook.document_types)
        return tuple(sorted(documents.values(), key=lambda d: order.index(d.type)))

    def _speaks(self, clause_id: str, params: ParamSet) -> bool:
        clause = self.rulebook.corpus.clause(clause_id)
        return clause is None or clause.applies(params.get)

    def _lifecycle(self, ctx: Context, c: JSON, attempts: list[JudgedAttempt]) -> Lifecycle:
        latest = attempts[-1] if attempts else None
        valid = [a for a in attempts if a.valid]
        result = valid[-1] if valid else None
        return Lifecycle(
            assessment_option=ctx.params["integration.assessment_option"],
            state=c.get("state"),
            training_passed=c.get("training_passed"),
            training_passed_on=from_ymd(c.get("training_passed_on")),
            final_evaluation=FinalEvaluation(
                date=from_ymd(c.get("final_date")),
                result=c.get("final_result"),
                remedial_date=from_ymd(c.get("remedial_date")),
                remedial_result=c.get("remedial_result"),
                remedial_deadline=from_ymd(c.get("remedial_deadline")),
            ),
            attempt=LatestAttempt(
                count=len(valid),
                date=latest.date if latest else None,
                valid=latest.valid if latest else None,
                reason=latest.reason if latest else None,
            ),
            attempts=tuple(
                Attempt(a.date, a.kind, a.valid, a.reason, a.meets_skj) for a in attempts
            ),
            result=self._result(result, c),
            post_meets_skj=c.get("post_meets_skj"),
            certificate_expires_on=from_ymd(c.get("certificate_expires_on")),
            talent_pool=bool(c.get("talent_pool")),
            window=Window(from_ymd(c.get("window_opens")), from_ymd(c.get("window_closes"))),
            development=self._development(result, c),
            next_level=self._next_level(result, c),
            recommendations=tuple(item["kind"] for item, _ in c.get("recommendations", [])),
            next_step=NextStep(
                action=c.get("next_action"),
                start=from_ymd(c.get("next_from")),
                until=from_ymd(c.get("next_until")),
            ),
        )

    def _result(self, result: JudgedAttempt | None, c: JSON) -> Result | None:
        if result is None:
            return None
        standard = c.get("standard_level")
        return Result(
            date=result.date,
            kind=result.kind,
            levels=dict(result.levels),
            standard_level=standard,
            jpm=result.jpm,
            meets_skj=result.meets_skj,
            unmet=tuple(
                k
                for k in COMPETENCIES
                if standard is not None and result.levels.get(k, 0) < standard
            ),
        )

    def _development(self, result: JudgedAttempt | None, c: JSON) -> Development | None:
        """The workplace development a not-met result calls for, with the KSA rows for each unmet
        competency."""
        if result is None or result.meets_skj or not result.development:
            return None
        period, standard = result.development, c.get("standard_level")
        rows = tuple(
            dict(
                _ksa_row(self._ksa(), key, standard),
                achieved=result.levels.get(key),
                gap=max(0, standard - result.levels.get(key, 0)),
            )
            for key in COMPETENCIES
            if standard is not None and result.levels.get(key, 0) < standard
        )
        return Development(
            days=period["days"],
            counting=period["counting"],
            start=period["from"],
            until=period["until"],
            retest_from=period["retest_from"],
            ksa=rows,
        )

    def _next_level(self, result: JudgedAttempt | None, c: JSON) -> NextLevel | None:
        """The level above the one each competency reached ("ke level diatasnya", paper:520), with
        its KSA rows; a competency at the top level has no level above it: no target, no KSA."""
        if result is None or not result.meets_skj or c.get("standard_level") is None:
            return None
        rows = []
        for key in COMPETENCIES:
            achieved = result.levels.get(key)
            top = achieved is not None and achieved >= TOP_LEVEL
            target = None if top or achieved is None else achieved + 1
            rows.append(dict(_ksa_row(self._ksa(), key, target), achieved=achieved, top=top))
        return NextLevel(top_level=TOP_LEVEL, ksa=tuple(rows))

    def _ksa(self) -> JSON:
        ksa: JSON = self.rulebook.annexes.get("ksa-matrix", {}).get("competencies", {})
        return ksa


def _detail(trace: bool | TraceDetail) -> TraceDetail:
    if trace is True:
        return "full"
    if trace is False:
        return "none"
    return trace


def _bounds(item: JSON, firing: Firing) -> list[tuple[dt.date | None, str | None]]:
    """The days a document call bounds its issue date by (`until`, `dated_before`), each with the
    fact the rule named for it."""
    calls = [c for c in document_calls(firing.rule) if c.get("type") == item["type"]]
    facts = bounding_facts(calls[0]) if calls else {}
    return [(from_ymd(item.get(key)), fact) for key, fact in facts.items()]


def _judged(candidate: JSON, step: Evaluation) -> JudgedAttempt:
    """What the rules concluded on the assessment's date; an assessment no rule accepts does not
    count."""
    c, extra = step.conclusions, step.ctx.extra
    valid = c.get("attempt_valid") is True and c.get("candidate_meets_skj") is not None
    meets = bool(c.get("candidate_meets_skj")) if valid else None
    reason = None if valid else (c.get("attempt_reason") or "tidak_dapat_dinilai")
    return JudgedAttempt(
        dt.date.fromisoformat(candidate["date"]),
        candidate["kind"],
        dict(candidate.get("levels") or {}),
        valid,
        reason,
        meets,
        extra.get("candidate_jpm_shown", c.get("candidate_jpm")),
        from_ymd(c.get("candidate_cert_expires_on")) if meets else None,
        extra.get("candidate_development") if valid and not meets else None,
    )


def _subject_entry(item: JSON, firing: Firing | str, subjects: dict[str, JSON]) -> Subject:
    subject = subjects[item["subject"]]
    scope = item["scope"]
    if scope == "semua":
        stages = subject["stages"]
    elif scope == "mandiri":
        stages = ["mandiri"]
    elif scope == "selain_mandiri":
        stages = [s for s in subject["stages"] if s != "mandiri"]
    else:
        raise KeyError(scope)
    return Subject(
        subject=subject["id"],
        name=subject["name"],
        agenda=subject["agenda"],
        stages=tuple(stages),
        jp=sum(subject["jp"].get(stage, 0) for stage in stages),
        competencies=subject["competencies"],
        reason=item["reason"],
        rule=firing if isinstance(firing, str) else firing.rule.id,
    )


def _ksa_row(ksa: JSON, key: str, level: int | None) -> JSON:
    """A competency's Lampiran I entry at `level`: its whole items, the items the paper leaves
    unreadable (`damaged`, by row field and paper line) and the text documents print in their
    place (`stand_in`: the level's description, or the competency's definition when that is
    damaged too)."""
    competency = ksa.get(key) or {}
    entry = competency.get("levels", {}).get(level) or {}
    skill = entry.get("skill") or {}
    damaged = [
        {"field": d["field"].replace(".", "_"), "read_at": d["read_at"], "visible": d["visible"]}
        for d in entry.get("damaged", [])
    ]
    return {
        "competency": key,
        "level": level,
        "description": entry.get("description"),
        "knowledge": entry.get("knowledge", []),
        "skill_personal": skill.get("personal", []),
        "skill_interpersonal": skill.get("interpersonal", []),
        "attitude": entry.get("attitude", []),
        "learning_models": entry.get("learning_models", []),
        "damaged": damaged,
        "stand_in": (entry.get("description") or competency.get("definition") or None)
        if damaged
        else None,
    }


def decision_id(case: Case, as_of: dt.date, version: str, memory: Memory | None = None) -> str:
    # the text json.dumps gives the list [case.data, as_of, version]; remembering, the case is
    # written once even when it is decided under several models in a row
    text = memory.case_json(case) if memory else case_json(case)
    payload = f"[{text}, {json.dumps(as_of.isoformat())}, {json.dumps(version)}]"
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=4096)
def _iso(value: int | None) -> str | None:
    day = from_ymd(value)
    return day.isoformat() if day else None


def _show(key: str, value: object) -> object:
    return _iso(value) if key in DATE_FACTS and isinstance(value, int) else value


def _param_use(params: ParamSet, pid: str) -> JSON:
    resolved = params.resolved(pid)
    return {
        "value": resolved.value,
        "from": resolved.start.isoformat(),
        "reference": list(resolved.reference),
        "status": resolved.status,
    }
