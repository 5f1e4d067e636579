"""Official documents: context from the decision, DOCX rendering, PDF, issuing, the registry,
verification."""

from aturan.documents.issuing import Issuer, decide_for_issue, verify
from aturan.documents.registry import Registry, check_number_format, now_iso
from aturan.documents.render import Settings, tanggal

__all__ = [
    "Settings",
    "tanggal",
    "Issuer",
    "decide_for_issue",
    "verify",
    "Registry",
    "check_number_format",
    "now_iso",
]
