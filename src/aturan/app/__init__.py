"""The application layer: everything a user can do, once. Issue, revoke and issue again, decision
records and replay, and jobs for the desk. Plain values in (paths, dates, strings, options),
typed results out; it never knows click or HTTP and never prints. The command line, the
verification server and the coming desk only translate arguments and show the results."""

from aturan.app.deciding import decider, load_participants, reformed, rulebook
from aturan.app.issuing import (
    IssuePlan,
    IssueRequest,
    IssueResult,
    Progress,
    Rejection,
    Revocation,
    ToRevoke,
    issue,
    plan_issue,
    reissue,
    revocation_targets,
    revoke,
    revoke_all,
    run_plan,
)
from aturan.app.jobs import DONE, FAILED, RUNNING, Job, JobProgress, run_issue_job
from aturan.app.records import (
    DocumentView,
    Replay,
    load_record,
    operator_name,
    recorder,
    redecide,
    replay,
    show_document,
)

__all__ = [
    "decider",
    "load_participants",
    "reformed",
    "rulebook",
    "IssuePlan",
    "IssueRequest",
    "IssueResult",
    "Progress",
    "Rejection",
    "Revocation",
    "ToRevoke",
    "revocation_targets",
    "revoke_all",
    "issue",
    "plan_issue",
    "run_plan",
    "reissue",
    "revoke",
    "DONE",
    "FAILED",
    "RUNNING",
    "Job",
    "JobProgress",
    "run_issue_job",
    "DocumentView",
    "Replay",
    "load_record",
    "operator_name",
    "recorder",
    "redecide",
    "replay",
    "show_document",
]
