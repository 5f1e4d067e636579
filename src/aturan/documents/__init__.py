"""Official documents: context from the decision, DOCX rendering, PDF, signing, issuing, the
registry, verification."""

from aturan.documents.issuing import Issuer, decide_for_issue
from aturan.documents.registry import Registry, check_number_format, load_head, now_iso
from aturan.documents.registry_key import load_registry_key
from aturan.documents.render import TITLES, Settings, tanggal, verification_url
from aturan.documents.signing import SigningConfig, Trust, init_keys, load_signer, sign_pdf
from aturan.documents.verifying import Verdict, status_of, verify, verify_pdf_bytes

__all__ = [
    "Settings",
    "tanggal",
    "Issuer",
    "decide_for_issue",
    "verify",
    "verify_pdf_bytes",
    "status_of",
    "Verdict",
    "TITLES",
    "verification_url",
    "Registry",
    "check_number_format",
    "now_iso",
    "load_head",
    "load_registry_key",
    "SigningConfig",
    "Trust",
    "init_keys",
    "load_signer",
    "sign_pdf",
]
