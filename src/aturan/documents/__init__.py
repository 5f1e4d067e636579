"""Official documents: context from the decision, DOCX rendering, PDF, issuing, the registry,
verification."""

from aturan.documents.issuing import Issuer, Verdict, decide_for_issue, verify
from aturan.documents.registry import Registry, check_number_format, load_head, now_iso
from aturan.documents.registry_key import load_registry_key
from aturan.documents.render import TITLES, Settings, tanggal, verification_url

__all__ = [
    "Settings",
    "tanggal",
    "Issuer",
    "decide_for_issue",
    "verify",
    "Verdict",
    "TITLES",
    "verification_url",
    "Registry",
    "check_number_format",
    "now_iso",
    "load_head",
    "load_registry_key",
]
