"""The `aturan` command line: small commands over the library, no logic of their own."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from aturan.cases import (
    clean,
    load_case,
    name_too_long,
    row_error,
)
from aturan.cli_options import (
    AS_OF,
    ASSESSMENT,
    CONFIG,
    MODEL,
    REFORM,
    REGISTRY,
    WORKERS,
    clean_lines,
    decider,
    load_participants,
    open_registry,
    parse_date,
    progress_bar,
    project_root,
    report_failures,
    rulebook,
    short,
    user_errors,
)
from aturan.decide import Decider, assign_coaching_groups
from aturan.decide import explain as explain_text
from aturan.documents import Issuer, now_iso
from aturan.documents import verify as verify_file
from aturan.drafting import check_rulebook, check_templates, golden_files, run_golden
from aturan.errors import AturanError, InputError
from aturan.files import ensure_folder, write_text
from aturan.lab import COST_BASIS, run_batch, run_compare, run_diff
from aturan.law import apply_reform, load_rulebook
from aturan.law import interpretations as list_interpretations
from aturan.vocabulary import MODELS


@click.group()
@click.version_option(package_name="aturan")
def main():
    """aturan: integrasi hasil penilaian kompetensi dengan pelatihan kepemimpinan ASN, sebagai aturan."""


@main.group()
def rules():
    """Memeriksa aturan, parameter, dan korpus regulasi."""


@rules.command("check")
@user_errors
def rules_check():
    """Periksa rules/ dan regulations/: skema, id ganda, kutipan, referensi parameter."""
    root = project_root()
    findings = check_rulebook(load_rulebook(root)) + check_templates(root / "templates" / "docx")
    for finding in findings:
        click.echo(str(finding), err=finding.level == "error")
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    click.echo(f"{errors} galat, {warnings} peringatan.")
    sys.exit(1 if errors else 0)


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path))
@AS_OF
@MODEL
@ASSESSMENT
@REFORM
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@user_errors
def decide(case_file, as_of, model, assessment, reform_path, fmt):
    """Putuskan satu kasus peserta (YAML atau JSON)."""
    runner = decider(model, assessment, reform_path)
    decision = runner.decide(load_case(case_file), as_of)
    if fmt == "json":
        click.echo(json.dumps(decision, ensure_ascii=False, indent=2))
    else:
        click.echo(explain_text(decision, runner.rulebook, "id"))


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path))
@AS_OF
@MODEL
@ASSESSMENT
@REFORM
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", help="Bahasa penjelasan.")
@user_errors
def explain(case_file, as_of, model, assessment, reform_path, lang):
    """Jelaskan keputusan langkah demi langkah, mengutip pasalnya."""
    runner = decider(model, assessment, reform_path)
    click.echo(explain_text(runner.decide(load_case(case_file), as_of), runner.rulebook, lang))


@main.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="Tampilkan juga uji yang lulus.")
@user_errors
def golden_test(paths, verbose):
    """Jalankan kasus golden (bawaan: golden/), seperti `openfisca test`."""
    runner = decider()
    files = golden_files(list(paths) or [project_root() / "golden"])
    if not files:
        raise InputError(
            "folder ini tidak berisi berkas golden (*.yaml)",
            file=", ".join(map(str, paths)) or None,
        )
    passed = failed = 0
    for path in files:
        for result in run_golden(runner, path):
            if result.passed:
                passed += 1
                if verbose:
                    click.echo(f"LULUS  {result.file}:{result.line} {result.name}")
            else:
                failed += 1
                click.echo(f"GAGAL  {result.file}:{result.line} {result.name}")
                for failure in result.failures:
                    click.echo(f"         {failure}")
    click.echo(f"{passed} lulus, {failed} gagal, dari {len(files)} berkas.")
    sys.exit(1 if failed else 0)


@main.command()
@AS_OF
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@user_errors
def interpretations(as_of, fmt):
    """Daftar semua pilihan tafsir (parameter interpretatif): pertanyaan, nilai kini, dasar, alternatif."""
    items = list_interpretations(load_rulebook(project_root()), as_of)
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2, default=str))
        return
    for number, item in enumerate(items, 1):
        click.echo(f"{number}. {item['id']}: {item['title']}")
        click.echo(f"   Pertanyaan: {item['question']}")
        click.echo(
            f"   Nilai per {as_of.isoformat()}: {short(item['value'])} (sejak {item['since']}, {item['status']})"
        )
        click.echo(f"   Dasar: {'; '.join(item['citations'])}")
        for alternative in item["alternatives"]:
            click.echo(f"   - alternatif: {alternative}")
        click.echo(f"   Berkas: {item['file']}")
        click.echo("")


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder keluaran dokumen.",
)
@click.option("--pdf", is_flag=True, help="Juga buat PDF (LibreOffice) dan bundel cetak.")
@click.option(
    "--issue-date", callback=parse_date, help="Tanggal dokumen (YYYY-MM-DD); bawaan: hari ini."
)
@AS_OF
@MODEL
@ASSESSMENT
@REFORM
@REGISTRY
@CONFIG
@user_errors
def issue(
    source,
    out_dir,
    pdf,
    issue_date,
    as_of,
    model,
    assessment,
    reform_path,
    registry_path,
    config_path,
):
    """Terbitkan dokumen untuk satu kasus atau satu kohort: bernomor, terdaftar, dapat diverifikasi.

    Dokumen yang tidak dapat bertanggal --issue-date (sebelum peristiwa yang dinyatakannya, atau sejak
    tidak berlaku lagi) ditolak tanpa nomor; dokumen lain tetap terbit, lalu keluar dengan status 2."""
    from rich.progress import Progress

    runner = decider(model, assessment, reform_path)
    cases, bad = load_participants(source)
    registry, settings = open_registry(registry_path, config_path, create=True)
    decisions = []
    for row, case in cases:  # one participant that cannot be decided never stops the others
        try:
            decision = runner.decide(case, as_of)
            too_long = name_too_long(case.data["name"], [d["type"] for d in decision["documents"]])
            if too_long:
                raise InputError(too_long, file=case.source, field="name", line=case.line(["name"]))
            decisions.append((case, decision))
        except InputError as exc:
            if row is None:
                raise
            bad.append(row_error(exc, str(source), row, case.data))
    for error in bad:
        click.echo(f"galat: {clean(error)}", err=True)
    law = runner.law_on(as_of)[1]
    assign_coaching_groups(
        [d for _, d in decisions],
        int(law["coaching.group_size_max"]),
        _citation(runner),
        str(law["coaching.same_gap_definition"]),
    )
    issuer = Issuer(
        runner.rulebook, settings, registry, project_root() / "templates" / "docx", out_dir
    )
    with Progress(transient=True) as progress:
        task = progress.add_task("Menerbitkan", total=len(decisions))
        report = issuer.issue(decisions, issue_date, pdf, progress=lambda: progress.advance(task))
    click.echo(
        f"{len(report.issued)} dokumen baru, {len(report.reissued)} sudah terdaftar (nomor yang sama), "
        f"{len(report.changed)} terdaftar dengan isi berbeda (tidak diubah), {len(bad)} baris ditolak, "
        f"{len(report.refused)} dokumen ditolak karena tanggal terbit."
    )
    for entry in report.changed:
        click.echo(
            f"perhatian: {entry['number']} ({entry['type']}, NIP {entry['nip']}) sudah terbit dengan isi lain; "
            "cabut dulu bila perlu diterbitkan ulang.",
            err=True,
        )
    for refusal in report.refused:
        click.echo(f"galat: {clean(str(refusal))}", err=True)
    if report.bundle:
        click.echo(f"Bundel cetak: {report.bundle}")
    sys.exit(2 if report.refused else 1 if bad else 0)


def _citation(runner):
    def citation(clause_id):
        clause = runner.rulebook.corpus.clause(clause_id)
        return clause.citation if clause else clause_id

    return citation


@main.group()
def registry():
    """Registri dokumen: daftar, rincian, pencabutan, audit rantai log."""


@registry.command("list")
@click.option("--type", "doc_type", help="Hanya jenis dokumen ini.")
@REGISTRY
@CONFIG
@user_errors
def registry_list(doc_type, registry_path, config_path):
    """Daftar dokumen yang sudah diterbitkan."""
    from rich.console import Console
    from rich.table import Table

    store, _ = open_registry(registry_path, config_path)
    table = Table("Nomor", "Jenis", "NIP", "Nama", "Tanggal", "Status")
    for row in store.list(
        doc_type
    ):  # text from the registry is shown without control or bidi characters
        table.add_row(
            *(clean(row[k]) for k in ("number", "doc_type", "nip", "name", "doc_date", "status"))
        )
    Console().print(table)


@registry.command("show")
@click.argument("number")
@REGISTRY
@CONFIG
@user_errors
def registry_show(number, registry_path, config_path):
    """Rincian satu dokumen."""
    store, _ = open_registry(registry_path, config_path)
    row = store.get(number)
    if row is None:
        raise AturanError(f"nomor dokumen '{clean(number)}' tidak terdaftar")
    click.echo(clean_lines(json.dumps(row, ensure_ascii=False, indent=2)))


@registry.command("revoke")
@click.argument("number")
@click.option("--reason", required=True, help="Alasan pencabutan (dicatat di log audit).")
@REGISTRY
@CONFIG
@user_errors
def registry_revoke(number, reason, registry_path, config_path):
    """Cabut dokumen, dengan alasan."""
    store, _ = open_registry(registry_path, config_path)
    store.revoke(number, reason, now_iso())
    click.echo(f"Dokumen {clean(number)} dicabut: {clean(reason)}")


@registry.command("audit")
@REGISTRY
@CONFIG
@user_errors
def registry_audit(registry_path, config_path):
    """Periksa rantai hash log audit dan kesinambungan penomoran."""
    store, _ = open_registry(registry_path, config_path)
    problems = store.audit() + store.gaps()
    for problem in problems:
        click.echo(f"GALAT: {problem}", err=True)
    click.echo(
        "Log audit utuh dan penomoran tanpa celah." if not problems else f"{len(problems)} masalah."
    )
    sys.exit(1 if problems else 0)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@REGISTRY
@CONFIG
@user_errors
def verify(file, registry_path, config_path):
    """Periksa keaslian dokumen PDF/DOCX terhadap registri."""
    store, _ = open_registry(registry_path, config_path)
    verdict = verify_file(file, store)
    click.echo(
        clean(
            f"{verdict.status.upper()}: {verdict.message}"
            + (f" (nomor {verdict.number})" if verdict.number else "")
        )
    )
    sys.exit(0 if verdict.status == "sah" else 1)


@main.command()
@click.argument("cohort", type=click.Path(path_type=Path))
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder keluaran."
)
@AS_OF
@MODEL
@ASSESSMENT
@REFORM
@WORKERS
@user_errors
def batch(cohort, out_dir, as_of, model, assessment, reform_path, workers):
    """Putuskan satu kohort (CSV, XLSX, YAML/JSON): keputusan.jsonl, keputusan.csv, kelompok-coaching.csv."""
    with progress_bar("Memutuskan") as progress:
        task = progress.add_task("", total=None)
        outcome = run_batch(
            cohort,
            out_dir,
            rulebook(reform_path),
            model,
            assessment,
            as_of,
            workers,
            lambda n: progress.advance(task, n),
        )
    report_failures(outcome.failures)
    _print_table(("Ringkasan", "Jumlah"), outcome.rows)
    click.echo("Keluaran: " + ", ".join(str(f) for f in outcome.files))
    sys.exit(1 if outcome.failures else 0)


def _print_table(header, rows, title=None, width=None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*header, title=title)
    for row in rows:
        table.add_row(*[f"{v:,}".replace(",", ".") if isinstance(v, int) else str(v) for v in row])
    Console(width=width).print(table)


@main.command()
@click.argument("cohort", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out/compare"),
    show_default=True,
)
@AS_OF
@ASSESSMENT
@REFORM
@WORKERS
@user_errors
def compare(cohort, out_dir, as_of, assessment, reform_path, workers):
    """Empat model berdampingan pada peserta yang sama: tabel, CSV, dan grafik PNG."""
    with progress_bar("Membandingkan") as progress:
        task = progress.add_task("", total=None)
        outcome = run_compare(
            cohort,
            out_dir,
            rulebook(reform_path),
            assessment,
            as_of,
            workers,
            lambda n: progress.advance(task, n),
        )
    _print_table(
        ("Ukuran", *MODELS), outcome.rows, f"Perbandingan model per {as_of.isoformat()}", 140
    )
    click.echo(COST_BASIS)
    report_failures(outcome.failures)
    click.echo("Keluaran: " + ", ".join(str(f) for f in outcome.files))
    sys.exit(1 if outcome.failures else 0)


@main.command()
@click.argument("cohort", type=click.Path(path_type=Path))
@click.option(
    "--reform",
    "reform_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Berkas reformasi (YAML).",
)
@AS_OF
@MODEL
@ASSESSMENT
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    help="Tulis juga semua perubahan sebagai JSON lines.",
)
@WORKERS
@user_errors
def diff(cohort, reform_path, as_of, model, assessment, out_file, workers):
    """Bandingkan aturan berlaku dengan reformasi: siapa berubah, apa, dan karena aturan/parameter mana."""
    book = load_rulebook(project_root())
    outcome = run_diff(
        cohort,
        book,
        apply_reform(book, reform_path),
        model,
        assessment,
        as_of,
        workers,
        out_file,
        lambda text: click.echo(clean_lines(text)),
    )
    (_, changed), *counts = outcome.rows
    click.echo(f"\n{changed} peserta berubah.")
    for label, count in counts:
        click.echo(f"  {label}: {count}")
    report_failures(outcome.failures)
    sys.exit(1 if outcome.failures else 0)


@main.command("trace-matrix")
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=Path("out"), show_default=True
)
@user_errors
def trace_matrix(out_dir):
    """Matriks ketertelusuran: setiap klausul, aturan yang mengutipnya, dan kasus golden yang menguji aturan itu."""
    from aturan.drafting import build_matrix, to_html, to_markdown

    book = load_rulebook(project_root())
    rows = build_matrix(book, Decider(book), project_root() / "golden")
    ensure_folder(out_dir)
    write_text(out_dir / "trace-matrix.md", to_markdown(rows))
    write_text(out_dir / "trace-matrix.html", to_html(rows, book.version))
    untested = sum(1 for r in rows if r["untested_rules"])
    uncited = sum(1 for r in rows if not r["rules"])
    reasoned = sum(1 for r in rows if not r["rules"] and r["reason"])
    click.echo(
        f"{len(rows)} klausul: {uncited} tanpa aturan ({reasoned} dengan alasan tertulis), "
        f"{untested} aturan tanpa kasus golden. "
        f"Keluaran: {out_dir / 'trace-matrix.md'}, {out_dir / 'trace-matrix.html'}"
    )


@main.command()
@click.option("--size", type=click.IntRange(1), default=100, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    required=True,
    help=".csv, .yaml atau .json",
)
@user_errors
def sample(size, seed, out_file):
    """Buat kohort sintetis (bukan orang sungguhan) untuk demo, uji, dan benchmark."""
    from aturan.lab import generate, write_cohort

    count = write_cohort(generate(size, seed), out_file)
    click.echo(f"{count} peserta sintetis ditulis ke {out_file}")


if __name__ == "__main__":
    main()
