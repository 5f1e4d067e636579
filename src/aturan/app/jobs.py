"""Jobs: an action run on its own, telling its progress as it goes, ending in a typed result,
as the coming browser desk runs them.

Jobs are not persisted: a job lives as long as the call that runs it. The desk that keeps a
queue will store `Job` values; nothing here assumes it does."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from aturan.app.issuing import IssueRequest, IssueResult, issue
from aturan.errors import AturanError

# job states
RUNNING, DONE, FAILED = "running", "done", "failed"


@dataclass(frozen=True)
class JobProgress:
    job_id: str
    stage: str  # "docx", "pdf", "sign"
    done: int
    total: int


@dataclass
class Job:
    """One run of an action: its id, state, the last progress heard, and how it ended: a result,
    or the user's error (Indonesian, as the command line would print it)."""

    kind: str
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    state: str = RUNNING
    progress: JobProgress | None = None
    result: IssueResult | None = None
    error: str | None = None


def run_issue_job(
    request: IssueRequest, on_progress: Callable[[JobProgress], None] | None = None
) -> Job:
    """Issue as a job: each stage's progress goes to `on_progress`; a user's error (bad input,
    a missing key, ...) ends the job `failed` with its message instead of raising. Any other
    exception is a bug and is raised."""
    job = Job(kind="issue")

    def heard(stage: str, done: int, total: int) -> None:
        job.progress = JobProgress(job.job_id, stage, done, total)
        if on_progress is not None:
            on_progress(job.progress)

    try:
        job.result = issue(request, heard)
    except AturanError as exc:
        job.state, job.error = FAILED, str(exc)
        return job
    job.state = DONE
    return job
