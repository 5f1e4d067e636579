"""An honest legal basis (issue 21, item 8): law is law, the paper is a proposal, a clause filed
under a regulation carries that regulation's words, and every source can be opened by an auditor."""

import re

import docx
import yaml
from conftest import DESIGN_RUN, ROOT

COHORT = ROOT / "samples" / "kohort-dokumen.yaml"
BUDI_NIP = "198503152010011001"  # passes, gets the STTP and meets SKJ in the window
DEWI_NIP = "198807172012122004"  # graduation deferred: a deferral letter
PAPER_SENTENCES = (
    "STTP adalah sebagai bukti seseorang sudah mengikuti pelatihan",
    "evaluasi akademik, evaluasi pembelajaran lapangan",
)


def _case(tmp_path, nip):
    case = next(c for c in yaml.safe_load(COHORT.read_text())["cases"] if c["nip"] == nip)
    path = tmp_path / f"{nip}.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    return path


def _quoted_blocks(explanation: str) -> list[tuple[str, str]]:
    """(citation, quoted text) for each clause `explain` cites: a "   - " line, then its quote."""
    blocks: list[tuple[str, str]] = []
    for line in explanation.splitlines():
        if line.startswith("   - "):
            blocks.append((line[5:], ""))
        elif blocks and line.startswith("     "):
            blocks[-1] = (blocks[-1][0], f"{blocks[-1][1]} {line.strip()}")
        else:
            blocks.append(("", ""))
    return [(citation, quote) for citation, quote in blocks if citation]


def test_explain_never_prints_the_papers_sentences_as_perlan_text(aturan, tmp_path):
    """The paper describes "kebijakan saat ini" in its own words; those words are quoted under the
    paper's citation, and the PerLAN clause it is attributed to stands by its citation alone."""
    case = _case(tmp_path, BUDI_NIP)
    for assessment in ("separate", "integrated"):
        result = aturan(
            "explain", case, "--as-of", "2027-01-10", "--assessment", assessment, "--rinci"
        )
        assert result.exit_code == 0, result.stderr
        blocks = _quoted_blocks(result.output)
        perlan = [(c, q) for c, q in blocks if c.startswith("PerLAN 5/2022")]
        assert perlan, result.output
        for citation, quote in blocks:
            for sentence in PAPER_SENTENCES:
                if sentence in " ".join(quote.split()):
                    assert citation.startswith("Makalah Kebijakan LAN 2023"), (citation, quote)


def test_trace_matrix_uses_the_status_words_of_the_domain(aturan, tmp_path):
    """Confirmed only when read in the regulation itself; the paper's clauses are stated in the
    paper (a proposal); practice with a written source is practice, without one an assumption."""
    assert aturan("trace-matrix", "--out", tmp_path).exit_code == 0
    rows = {
        match.group(1): line
        for line in (tmp_path / "trace-matrix.md").read_text(encoding="utf-8").splitlines()
        if (match := re.match(r"\| `([^`]+)` \|", line))
    }

    def status(clause):
        return rows[clause].split(" | ")[2]

    assert status("paper-lan-2023:iv-a-1-c-2-jendela") == "dinyatakan dalam makalah (usulan)"
    assert status("perban-bkn-26-2019:masa-berlaku-hasil") == (
        "sumber sekunder (teks peraturan belum dibaca)"
    )
    assert status("perlan-5-2022:sttp") == "pasal belum dikonfirmasi"
    assert status("praktik-asesmen:jpm-seleksi") == "praktik"
    assert status("praktik-asesmen:jpm-pemetaan") == "asumsi"
    assert status("asumsi-aturan:tanggal-desain") == "asumsi"
    assert not any("terkonfirmasi" in status(c) for c in rows if c.startswith("paper-lan-2023:"))


def test_every_read_at_names_a_source_an_auditor_can_open(rulebook):
    """A clause was read in the paper (its line numbers), at a public address, or in a drafter's
    reform: never in a file on the machine that wrote it."""
    for clause in rulebook.corpus.clauses.values():
        where = clause.read_at
        assert re.fullmatch(r"paper:\d+(-\d+)?", where) or re.match(r"https?://", where), (
            clause.id,
            where,
        )


def test_rules_check_refuses_a_read_at_naming_a_local_file(aturan, project_copy):
    path = project_copy / "regulations" / "praktik-asesmen.yaml"
    text = path.read_text(encoding="utf-8")
    old = 'read_at: "https://123dok.com/article/kelulusan-uji-kompetensi-tahun-tentang.z3j1vvmy"'
    path.write_text(text.replace(old, 'read_at: "/home/drafter/catatan.md"', 1), encoding="utf-8")
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code == 1
    assert "praktik-asesmen:jpm-seleksi" in result.stderr
    assert "/home/drafter/catatan.md" in result.stderr and "praktik-asesmen.yaml:" in result.stderr


def _issue_one(aturan, root, case, out, as_of):
    args = ["issue", "--registri-baru", case, "--out", out, "--registry", out / "reg.sqlite"]
    args += ["--config", ROOT / "config" / "institution.yaml"]
    assert aturan(*args, *DESIGN_RUN, root=root).exit_code == 0  # the design, before the training
    result = aturan(*args, "--as-of", as_of, "--issue-date", as_of, root=root)
    assert result.exit_code == 0, result.stderr
    return {p.name.split("-")[1]: p for p in out.glob("*.docx")}


def _text(path):
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_a_binding_clause_is_dasar_hukum_and_the_paper_a_policy_reference(
    aturan, project_copy, tmp_path
):
    """Where a deciding rule cites law read in its regulation, the letter quotes it under "Dasar
    hukum"; the paper's clauses follow under their own heading, labelled a proposal."""
    rules = project_copy / "rules" / "50-siklus.yaml"
    text = rules.read_text(encoding="utf-8")
    old = (
        "cites: [paper-lan-2023:iv-a-1-b-evaluasi-akhir, paper-lan-2023:iv-a-1-c-2-terpisah-sttp, "
        "asumsi-aturan:remedial-tenggat]"
    )
    assert old in text
    rules.write_text(text.replace(old, old[:-1] + ", perlan-5-2022:tujuan]", 1), encoding="utf-8")
    case = _case(tmp_path, DEWI_NIP)
    files = _issue_one(aturan, project_copy, case, tmp_path / "o", "2027-01-10")
    letter = _text(files["PNT"])
    law = letter[letter.index("Dasar hukum:") : letter.index("Rujukan kebijakan (usulan):")]
    assert "PerLAN 5/2022 jo. PerLAN 6/2022 Pasal 3" in law and "Makalah" not in law
    policy = letter[letter.index("Rujukan kebijakan (usulan):") :]  # the closing is in a table
    assert "usulan kebijakan" in policy and "belum mengikat" in policy
    assert "Makalah Kebijakan LAN 2023, Bab IV.A.1.b" in policy


def test_without_binding_law_the_dasar_hukum_heading_is_left_out(aturan, tmp_path):
    files = _issue_one(aturan, ROOT, _case(tmp_path, DEWI_NIP), tmp_path / "o", "2027-01-10")
    letter = _text(files["PNT"])
    assert "Dasar hukum" not in letter
    assert "Rujukan kebijakan (usulan):" in letter


def test_a_document_cites_the_papers_clauses_for_its_own_assessment_option(aturan, tmp_path):
    """The paper gives the outputs of each post-training option in its own clause (IV.A.1.c.1) for
    the integrated option, IV.A.1.c.2) for the separate one): a participant's documents cite the
    option that decided them, never the other."""
    separate = _case(tmp_path, BUDI_NIP)
    integrated = tmp_path / "terpadu.yaml"  # the final evaluation is the assessment, and meets SKJ
    budi = yaml.safe_load(separate.read_text(encoding="utf-8"))
    budi["events"] = [{**budi["events"][0], "levels": budi["events"][1]["levels"]}]
    integrated.write_text(yaml.safe_dump(budi, allow_unicode=True), encoding="utf-8")
    other = {"separate": "Bab IV.A.1.c.1)", "integrated": "Bab IV.A.1.c.2)"}
    for option, foreign in other.items():
        out, case = tmp_path / option, separate if option == "separate" else integrated
        args = ["issue", "--registri-baru", case, "--out", out, "--registry", out / "reg.sqlite"]
        args += ["--assessment", option]
        assert aturan(*args, *DESIGN_RUN).exit_code == 0  # the design, before the training
        result = aturan(*args, "--as-of", "2027-01-10", "--issue-date", "2027-01-11")
        assert result.exit_code == 0, result.stderr
        files = {p.name.split("-")[1]: p for p in out.glob("*.docx")}
        assert "SKM" in files and "REK" in files, sorted(files)
        for kind in ("SKM", "REK"):
            text = _text(files[kind])
            assert "Bab IV.A.1.d.1)" in text, (option, kind)
            assert foreign not in text, (option, kind, text[text.index("Rujukan") :])


def test_rules_check_refuses_a_clause_condition_on_an_unknown_option(aturan, project_copy):
    path = project_copy / "regulations" / "paper-lan-2023.yaml"
    text = path.read_text(encoding="utf-8")
    good = "applies_when: {integration.assessment_option: separate}"
    path.write_text(text.replace(good, good.replace("separate", "terpisah"), 1), encoding="utf-8")
    result = aturan("rules", "check", root=project_copy)
    assert result.exit_code == 1
    assert "paper-lan-2023:iv-a-1-c-2-terpisah-sttp" in result.stderr
    assert "'terpisah'" in result.stderr and "integrated, separate" in result.stderr
