"""One Decider shared by several threads decides exactly as it decides alone (issue 23, item 3:
the web app decides without a global lock)."""

import datetime as dt
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ROOT

from aturan.cases import case_from_data, read_cohort
from aturan.decide import Decider, Memory
from aturan.lab import generate
from aturan.vocabulary import MODELS

pytestmark = pytest.mark.slow  # 8 threads, a few hundred participants, four models: minutes

THREADS = 8
AS_OF = dt.date(2028, 12, 31)


@pytest.fixture(scope="module")
def cohort():
    """The bundled sample cohort's valid rows and a few hundred generated participants, as
    `aturan sample` writes them."""
    bundled = [row.case for row in read_cohort(ROOT / "samples" / "cohort-contoh.csv") if row.case]
    generated = [case_from_data(raw) for raw in generate(240, seed=23, years=(2026, 2028))]
    return bundled + generated


def _json(decision) -> str:
    return json.dumps(decision.to_json(), sort_keys=True, ensure_ascii=False)


def _serial(rulebook, cohort) -> dict[tuple[str, int], str]:
    """Each model's decisions, one fresh Decider per model, in one thread."""
    serial = {}
    for model in MODELS:
        alone = Decider(rulebook, model=model)
        for index, case in enumerate(cohort):
            serial[(model, index)] = _json(alone.decide(case, AS_OF))
    return serial


@pytest.mark.parametrize(
    "remember", ["no", "own", "shared"], ids=["deciding", "remembering", "sharing-one-memory"]
)
def test_one_decider_per_model_shared_by_8_threads_decides_as_it_does_alone(
    rulebook, cohort, remember
):
    """As `aturan serve` uses its Deciders (nothing remembered), and as the lab's would be if its
    workers were threads (each model's Decider remembering, or the four sharing one Memory)."""
    serial = _serial(rulebook, cohort)
    memory = Memory() if remember == "shared" else remember == "own"
    shared = {model: Decider(rulebook, model=model, remember=memory) for model in MODELS}
    work = [(model, index) for index in range(len(cohort)) for model in MODELS]

    def decide_all(thread: int) -> dict[tuple[str, int], str]:
        # every thread decides the whole cohort under the four models, each from its own point
        # in the list, so the threads meet on the same Deciders, engines and cases
        start = thread * len(work) // THREADS
        return {
            (model, index): _json(shared[model].decide(cohort[index], AS_OF))
            for model, index in work[start:] + work[:start]
        }

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads hand over as often as the interpreter allows
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(decide_all, range(THREADS)))
    finally:
        sys.setswitchinterval(interval)
    for thread, decided in enumerate(results):
        differing = [key for key in serial if decided.get(key) != serial[key]]
        assert not differing, f"thread {thread}: {len(differing)} decisions differ, {differing[:5]}"
