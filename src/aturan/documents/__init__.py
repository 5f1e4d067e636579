"""Official documents: context from the decision, DOCX rendering, PDF, signing, issuing, the
registry, verification."""

from aturan.documents.context import CONTEXTS, indonesian_date
from aturan.documents.institution import open_registry, signing_config
from aturan.documents.issuing import Issuer, decide_for_issue
from aturan.documents.registry import Registry, check_number_format, load_head, now_iso
from aturan.documents.registry_key import load_registry_key
from aturan.documents.render import Settings, verification_url
from aturan.documents.signing import SigningConfig, Trust, init_keys, load_signer, sign_pdf
from aturan.documents.types import document_titles, numbering_codes
from aturan.documents.verifying import Verdict, status_of, today, verify, verify_pdf_bytes

__all__ = [
    "CONTEXTS",
    "Settings",
    "indonesian_date",
    "Issuer",
    "open_registry",
    "signing_config",
    "decide_for_issue",
    "verify",
    "verify_pdf_bytes",
    "status_of",
    "today",
    "Verdict",
    "verification_url",
    "Registry",
    "check_number_format",
    "now_iso",
    "numbering_codes",
    "document_titles",
    "load_head",
    "load_registry_key",
    "SigningConfig",
    "Trust",
    "init_keys",
    "load_signer",
    "sign_pdf",
]
