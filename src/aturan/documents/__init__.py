"""Official documents: context from the decision, DOCX rendering, PDF, issuing, the registry,
verification."""

from aturan.documents.context import CONTEXTS, indonesian_date
from aturan.documents.issuing import Issuer, Verdict, decide_for_issue, verify
from aturan.documents.registry import Registry, check_number_format, load_head, now_iso
from aturan.documents.registry_key import load_registry_key
from aturan.documents.render import Settings, verification_url
from aturan.documents.types import document_titles, numbering_codes

__all__ = [
    "CONTEXTS",
    "Settings",
    "indonesian_date",
    "Issuer",
    "decide_for_issue",
    "verify",
    "Verdict",
    "verification_url",
    "Registry",
    "check_number_format",
    "now_iso",
    "numbering_codes",
    "document_titles",
    "load_head",
    "load_registry_key",
]
