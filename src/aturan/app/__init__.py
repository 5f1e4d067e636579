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
    Revocation,
    issue,
    plan_issue,
    reissue,
    revoke,
    run_plan,
)
from aturan.app.jobs import DONE, FAILED, RUNNING, Job, JobProgress, run_issue_job
from aturan.app.listing import (
    LIST_COLUMNS,
    TOTAL_HEADERS,
    Filters,
    Listing,
    listing_csv,
    listing_json,
    registry_listing,
    write_listing,
)
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
    "Revocation",
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
    "LIST_COLUMNS",
    "TOTAL_HEADERS",
    "Filters",
    "Listing",
    "listing_csv",
    "listing_json",
    "registry_listing",
    "write_listing",
    "DocumentView",
    "Replay",
    "load_record",
    "operator_name",
    "recorder",
    "redecide",
    "replay",
    "show_document",
]
