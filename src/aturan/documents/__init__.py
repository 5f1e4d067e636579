"""Official documents: context from the decision, DOCX rendering, PDF, signing, issuing, the
registry, verification."""

from aturan.documents.issuing import Issuer, decide_for_issue
from aturan.documents.registry import Registry, check_number_format, now_iso
from aturan.documents.render import Settings, tanggal
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
    "Registry",
    "check_number_format",
    "now_iso",
    "SigningConfig",
    "Trust",
    "init_keys",
    "load_signer",
    "sign_pdf",
]
