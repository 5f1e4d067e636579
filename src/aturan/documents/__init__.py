"""Official documents: context from the decision, DOCX rendering, PDF, issuing, the registry,
verification."""

from aturan.documents.context import CONTEXTS, indonesian_date
from aturan.documents.issuing import Issuer, decide_for_issue, verify
from aturan.documents.registry import Registry, check_number_format, now_iso
from aturan.documents.render import Settings
from aturan.documents.types import numbering_codes

__all__ = [
    "CONTEXTS",
    "Settings",
    "indonesian_date",
    "Issuer",
    "decide_for_issue",
    "verify",
    "Registry",
    "check_number_format",
    "now_iso",
    "numbering_codes",
]
