"""Official documents: context from the decision, DOCX rendering, PDF, signing, issuing, the
registry, verification."""

import warnings

from cryptography.utils import CryptographyDeprecationWarning

from aturan.documents.context import CONTEXTS, indonesian_date
from aturan.documents.institution import (
    InstitutionCard,
    InstitutionRole,
    base_url_problem,
    check_base_url,
    init_institution,
    institution_card,
    open_registry,
    registry_location,
    registry_opener,
    signing_config,
)
from aturan.documents.issuing import (
    Forecast,
    Issuer,
    IssueReport,
    Recorded,
    ToIssue,
    decide_for_issue,
    document_file_stem,
    forecast,
    registry_groups,
)
from aturan.documents.record import (
    PART_SHOWN,
    VERSION_PARTS,
    causes,
    details,
    fired_rules,
    full_version,
    json_differences,
    make_record,
    parse_record,
    record_text,
    reform_entry,
    shown_value,
    summary,
    version_differences,
    version_parts,
)
from aturan.documents.registry import (
    MAC_LINES,
    OtherInstitutionsDocument,
    Registry,
    Search,
    check_institution,
    check_number_format,
    load_head,
    now_iso,
)
from aturan.documents.registry_key import (
    load_registry_key,
    load_signing_key,
    public_key_id,
    public_key_of,
    public_pem,
)
from aturan.documents.registry_storage import NeedsMigration
from aturan.documents.render import Settings, render_memo, verification_url
from aturan.documents.signing import (
    SigningConfig,
    Trust,
    init_keys,
    load_signer,
    sign_pdf,
    signer_warnings,
)
from aturan.documents.storage import Backend, open_database, registry_target
from aturan.documents.types import document_titles, numbering_codes
from aturan.documents.verifying import (
    Verdict,
    replacement_note,
    status_of,
    today,
    verify,
    verify_pdf_bytes,
)

# pyHanko imports cryptography's DSA key type (pdf_cms.py) only to recognise such keys; aturan
# never signs with DSA. Silence that one warning where it is raised, nothing else.
warnings.filterwarnings(
    "ignore",
    category=CryptographyDeprecationWarning,
    module=r"pyhanko\.sign\.signers\.pdf_cms",
)


__all__ = [
    "InstitutionRole",
    "init_institution",
    "CONTEXTS",
    "Settings",
    "render_memo",
    "indonesian_date",
    "Issuer",
    "open_registry",
    "registry_opener",
    "InstitutionCard",
    "institution_card",
    "base_url_problem",
    "check_base_url",
    "registry_location",
    "signing_config",
    "decide_for_issue",
    "document_file_stem",
    "verify",
    "verify_pdf_bytes",
    "status_of",
    "today",
    "Verdict",
    "verification_url",
    "NeedsMigration",
    "Registry",
    "Search",
    "OtherInstitutionsDocument",
    "check_institution",
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
    "signer_warnings",
    "sign_pdf",
    "IssueReport",
    "Recorded",
    "ToIssue",
    "registry_groups",
    "Forecast",
    "forecast",
    "PART_SHOWN",
    "VERSION_PARTS",
    "causes",
    "details",
    "fired_rules",
    "full_version",
    "json_differences",
    "make_record",
    "parse_record",
    "record_text",
    "reform_entry",
    "shown_value",
    "summary",
    "version_differences",
    "version_parts",
    "MAC_LINES",
    "load_signing_key",
    "public_key_id",
    "public_key_of",
    "public_pem",
    "registry_target",
    "Backend",
    "open_database",
    "replacement_note",
]
