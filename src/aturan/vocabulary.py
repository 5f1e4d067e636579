"""The fixed vocabulary of the case format, documented once.

Competency keys follow PermenPANRB 38/2017 (the 8 managerial competencies);
tiers and programs follow PerLAN 5/2022 jo 6/2022.
"""

from collections.abc import Mapping

COMPETENCIES = {
    "integritas": ("Integritas", "Integrity"),
    "kerja_sama": ("Kerja Sama", "Cooperation"),
    "komunikasi": ("Komunikasi", "Communication"),
    "orientasi_hasil": ("Orientasi pada Hasil", "Results orientation"),
    "pelayanan_publik": ("Pelayanan Publik", "Public service"),
    "pengembangan_diri": ("Pengembangan Diri dan Orang Lain", "Developing self and others"),
    "mengelola_perubahan": ("Mengelola Perubahan", "Managing change"),
    "pengambilan_keputusan": ("Pengambilan Keputusan", "Decision making"),
}

TIERS = {
    "jpt_utama": ("JPT Utama", "Senior executive (utama)"),
    "jpt_madya": ("JPT Madya", "Senior executive (madya)"),
    "jpt_pratama": ("JPT Pratama", "Senior executive (pratama)"),
    "administrator": ("Administrator", "Administrator"),
    "pengawas": ("Pengawas", "Supervisor"),
    "non_manajerial": ("Jabatan non-manajerial", "Non-managerial position"),
}

PROGRAMS = {
    "pkn_1": ("Pelatihan Kepemimpinan Nasional Tingkat I", "National Leadership Training I"),
    "pkn_2": ("Pelatihan Kepemimpinan Nasional Tingkat II", "National Leadership Training II"),
    "pka": ("Pelatihan Kepemimpinan Administrator", "Administrator Leadership Training"),
    "pkp": ("Pelatihan Kepemimpinan Pengawas", "Supervisor Leadership Training"),
}

# The programs as tables and charts name them (documents spell them out: PROGRAMS above).
PROGRAM_SHORT = {"pkn_1": "PKN I", "pkn_2": "PKN II", "pka": "PKA", "pkp": "PKP"}

PURPOSES = {
    "seleksi": ("seleksi (pengisian jabatan)", "selection"),
    "pemetaan": ("pemetaan", "mapping"),
}

ROLES = {
    "incumbent": ("petahana (pejabat yang menduduki jabatan)", "incumbent"),
    "successor": ("suksesor (dipersiapkan untuk jabatan)", "successor"),
}


def label(table: Mapping[str, tuple[str, str]], key: str | None, lang: str = "id") -> str:
    names = table.get(key) if key is not None else None
    if not names:
        return str(key)
    return names[0] if lang == "id" else names[1]


# The paper's four models (Alternatif I-IV) and the two options of the post-training assessment;
# rules select them with `params: {integration.model: ...}`, documents name them in render.py.
MODELS = ("flexible", "cluster", "a-la-carte", "generic")
# The short names tables and charts show (documents use the long ones, documents/context.py).
MODEL_SHORT = {
    "flexible": "Alternatif I Fleksibel",
    "cluster": "Alternatif II Klaster",
    "a-la-carte": "Alternatif III À la carte",
    "generic": "Alternatif IV Generik",
}
ASSESSMENT_OPTIONS = ("integrated", "separate")

# The models as readers name them (Indonesian, English).
MODEL_LABELS = {
    "flexible": ("Alternatif I Fleksibel", "Alternative I Flexible"),
    "cluster": ("Alternatif II Klasterisasi", "Alternative II Cluster"),
    "a-la-carte": ("Alternatif III Semi Fleksibel (à la carte)", "Alternative III A-la-carte"),
    "generic": ("Alternatif IV Generik plus treatment variatif", "Alternative IV Generic"),
}

# A parameter value's status (law/params.py VALUE_STATUSES, DOMAIN.md) as readers name it.
VALUE_STATUS_WORDS = {
    "confirmed": "terkonfirmasi",
    "secondary": "sumber sekunder",
    "unconfirmed": "belum dikonfirmasi",
    "proposal": "usulan makalah",
    "practice": "praktik",
    "assumption": "asumsi",
    "data": "data",
    "reform": "reformasi (rancangan)",
}

# Training stages as readers name them.
STAGES = {"mandiri": "pembelajaran mandiri", "elearning": "e-learning", "klasikal": "klasikal"}
