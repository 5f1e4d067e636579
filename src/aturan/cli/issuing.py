"""Commands that issue, register, revoke and verify official documents."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import click

from aturan import app
from aturan.cases import (
    clean,
    write_template,
)
from aturan.cli.app import main
from aturan.cli.options import (
    AS_OF,
    ASSESSMENT,
    CONFIG,
    MODEL,
    REFORM,
    REGISTRY,
    check_day,
    clean_lines,
    open_registry,
    parse_date,
    signing_config,
    user_errors,
)
from aturan.cli.records import OPERATOR
from aturan.documents import MAC_LINES, Trust, load_head, now_iso
from aturan.documents import verify as verify_file
from aturan.errors import AturanError
from aturan.files import atomic_path


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
@OPERATOR
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
    operator,
):
    """Terbitkan dokumen untuk satu kasus atau satu kohort: bernomor, terdaftar, dapat diverifikasi.

    Dokumen yang tidak dapat bertanggal --issue-date (sebelum peristiwa yang dinyatakannya, atau
    sejak tidak berlaku lagi) ditolak tanpa nomor; dokumen lain tetap terbit, lalu keluar dengan
    status 2."""
    request = app.IssueRequest(
        source=source,
        out_dir=out_dir,
        as_of=as_of,
        issue_date=issue_date,
        registry=registry_path,
        pdf=pdf,
        model=model,
        assessment=assessment,
        reform=reform_path,
        config=config_path,
        operator=operator,
    )
    plan = app.plan_issue(request)
    for error in plan.bad_rows:
        click.echo(f"galat: {clean(error)}", err=True)
    with StageProgress() as progress:
        result = app.run_plan(plan, progress)
    report, bad = result.report, result.bad_rows
    click.echo(
        f"{len(report.issued)} dokumen baru, {len(report.reissued)} sudah terdaftar "
        f"(nomor yang sama), {len(report.changed)} terdaftar dengan isi berbeda (tidak diubah), "
        f"{len(bad)} baris ditolak, "
        f"{len(report.refused)} dokumen ditolak karena tanggal terbit."
    )
    for entry in report.issued:
        if entry["replaces"]:
            click.echo(f"{entry['number']}: Menggantikan dokumen nomor {entry['replaces']}")
    for entry in report.changed:
        click.echo(
            f"perhatian: {entry['number']} ({entry['type']}, NIP {entry['nip']}) "
            "sudah terbit dengan isi lain; "
            "cabut dulu bila perlu diterbitkan ulang.",
            err=True,
        )
    for entry in report.pdf_replaced:
        click.echo(
            f"perhatian: PDF {entry['number']} tidak sama dengan PDF yang tercatat sebelumnya "
            "(LibreOffice, huruf, atau pyHanko berubah?); PDF baru yang tercatat, salinan lama "
            "kini DIUBAH.",
            err=True,
        )
    for refusal in report.refused:
        click.echo(f"galat: {clean(str(refusal))}", err=True)
    if report.bundle:
        click.echo(f"Bundel cetak: {report.bundle}")
    if report.manifest:
        click.echo(f"Manifes: {report.manifest}")
    sys.exit(0 if result.complete else 2)


STAGES = {
    "docx": "Membuat DOCX (peserta)",
    "pdf": "Mengonversi ke PDF (LibreOffice)",
    "sign": "Menandatangani PDF",
}


class StageProgress:
    """Progress over the whole issue run, one stage after another (DOCX, PDF conversion,
    signing): a bar per stage on a terminal; on anything else (a log, a pipe) one plain line when a
    stage starts and one when it ends, on stderr."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.bar = None
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> StageProgress:
        if self.tty:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
            self.bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int) -> None:
        label = STAGES.get(stage, stage)
        if self.bar is not None:
            if stage not in self.tasks:
                self.tasks[stage] = self.bar.add_task(label, total=total)
            self.bar.update(self.tasks[stage], completed=done, total=total)
        elif done == 0:
            click.echo(f"{label}: mulai, {total}", err=True)
        elif done == total:
            click.echo(f"{label}: selesai, {done}/{total}", err=True)


@main.command("kohort-template")
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Berkas XLSX yang ditulis, mis. kohort.xlsx.",
)
@user_errors
def cohort_template(out_path):
    """Tulis templat kohort XLSX untuk operator: judul kolom berbahasa Indonesia, daftar pilihan
    (validasi data) untuk kolom berpilihan, NIP sebagai teks, dan lembar Petunjuk."""
    if out_path.suffix.lower() != ".xlsx":
        raise AturanError("templat kohort harus berakhiran .xlsx", file=str(out_path))
    try:
        with atomic_path(out_path) as tmp:
            write_template(tmp)
    except OSError as exc:
        raise AturanError(
            f"templat tidak dapat ditulis ({exc.strerror or exc})", file=str(out_path)
        ) from None
    click.echo(f"Templat kohort ditulis ke {clean(str(out_path))}")


@main.group()
def registry():
    """Registri dokumen: daftar, rincian, pencabutan, audit rantai log."""


@registry.command("list")
@click.option(
    "--type",
    "doc_type",
    help="Hanya jenis dokumen ini: kodenya seperti pada nomor (STTP, SKM, ...) atau namanya.",
)
@click.option("--nip", help="Hanya NIP ini.")
@click.option("--name", help="Nama memuat teks ini (huruf besar/kecil sama).")
@click.option(
    "--from", "date_from", help="Tanggal dokumen sejak: YYYY-MM-DD, bulan YYYY-MM atau tahun YYYY."
)
@click.option(
    "--to",
    "date_to",
    help="Tanggal dokumen sampai: YYYY-MM-DD, atau seluruh bulan YYYY-MM atau tahun YYYY.",
)
@click.option(
    "--status", type=click.Choice(["terbit", "dicabut"]), help="Hanya dokumen berstatus ini."
)
@click.option("--institution", help="Hanya dokumen institusi ini (kode).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["tabel", "csv", "json"]),
    default="tabel",
    show_default=True,
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    help="Tulis ke berkas ini: .xlsx buku kerja Excel (dengan lembar Rekap), .csv CSV, "
    ".json JSON; lainnya menurut --format.",
)
@REGISTRY
@CONFIG
@user_errors
def registry_list(
    doc_type,
    nip,
    name,
    date_from,
    date_to,
    status,
    institution,
    fmt,
    out_path,
    registry_path,
    config_path,
):
    """Daftar dokumen yang sudah diterbitkan, dengan saringan, pencabutan, dan jumlah per jenis
    dan status; ekspor Excel, CSV atau JSON."""
    filters = app.Filters(doc_type, nip, name, date_from, date_to, status, institution)
    listing = app.registry_listing(registry_path, config_path, filters)
    if out_path is not None:
        fmt = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}.get(out_path.suffix.lower(), fmt)
        text = None if fmt == "xlsx" else listing_text(listing, fmt)
        app.write_listing(listing, out_path, text)
        issued, revoked = listing.totals[-1][1:3]
        click.echo(
            f"{len(listing.rows)} dokumen ({issued} terbit, {revoked} dicabut) ditulis ke "
            f"{clean(str(out_path))}"
        )
        return
    click.echo(listing_text(listing, fmt), nl=False)


def _write_or_echo(text: str, out_path: Path | None, what: str) -> bool:
    """The text to stdout, or atomically to `out_path` (True when written to the file)."""
    if out_path is None:
        click.echo(text, nl=False)
        return False
    try:
        with atomic_path(out_path) as tmp:
            tmp.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AturanError(
            f"{what} tidak dapat ditulis ({exc.strerror or exc})", file=str(out_path)
        ) from None
    return True


def listing_text(listing: app.Listing, fmt: str) -> str:
    """The listing as CSV, JSON, or a table whose numbers are never cut and its totals."""
    if fmt == "json":
        return app.listing_json(listing)
    if fmt == "csv":
        return app.listing_csv(listing)
    from rich.console import Console
    from rich.table import Table

    table = Table(*app.LIST_COLUMNS.values())
    for column in table.columns:
        column.overflow = "fold"
    table.columns[0].no_wrap = True
    for row in listing.rows:
        table.add_row(*listing.shown(row))
    totals = Table(*app.TOTAL_HEADERS, title="Jumlah per jenis dan status")
    for line in listing.totals:
        totals.add_row(*(str(cell) for cell in line))
    console = Console(file=io.StringIO(), width=max(200, Console().width))
    console.print(table)
    console.print(totals)
    return console.file.getvalue()


@registry.command("show")
@click.argument("number")
@click.option(
    "--rinci",
    "detailed",
    is_flag=True,
    help="Juga kasus yang tercatat, aturan yang berlaku dalam keputusannya dan pasal dasarnya.",
)
@REGISTRY
@CONFIG
@user_errors
def registry_show(number, detailed, registry_path, config_path):
    """Rincian satu dokumen. Baris yang tidak sama dengan entri log audit terakhirnya ditandai
    PERINGATAN."""
    shown = app.show_document(number, registry_path, config_path, detailed)
    if shown.problem:
        click.echo(clean(f"PERINGATAN: baris ini tidak dapat dipercaya: {shown.problem}"))
    click.echo(clean_lines(json.dumps(shown.row, ensure_ascii=False, indent=2)))
    if shown.record_lines is None:
        click.echo("Catatan keputusan: tidak ada (diterbitkan sebelum catatan keputusan ada).")
        return
    click.echo("Catatan keputusan:")
    for line in shown.record_lines:
        click.echo(clean(f"  {line}"))


@registry.command("revoke")
@click.argument("number")
@click.option("--reason", required=True, help="Alasan pencabutan (dicatat di log audit).")
@REGISTRY
@CONFIG
@OPERATOR
@user_errors
def registry_revoke(number, reason, registry_path, config_path, operator):
    """Cabut dokumen, dengan alasan. Menerbitkan lagi (`aturan issue`) setelahnya memberi dokumen
    pengganti bernomor baru yang merujuk nomor ini."""
    app.revoke(number, reason, registry_path, config_path, operator)
    click.echo(f"Dokumen {clean(number)} dicabut: {clean(reason)}")


@registry.command("audit")
@click.option(
    "--head",
    "head_path",
    type=click.Path(path_type=Path),
    help="Kepala rantai yang diekspor sebelumnya (`aturan registry head`): "
    "entri terakhir yang dihapus juga terdeteksi.",
)
@click.option(
    "--public-key",
    "public_key",
    type=click.Path(path_type=Path),
    help="Audit dengan kunci publik registri saja (`aturan keys export-public`), tanpa kunci "
    "rahasia: untuk auditor dari luar institusi, yang tidak dapat menulis apa pun.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    help="Tulis laporan lengkap (setiap masalah) ke berkas ini; layar hanya memuat ringkasannya.",
)
@REGISTRY
@CONFIG
@user_errors
def registry_audit(head_path, public_key, out_path, registry_path, config_path):
    """Periksa log audit (tanda tangan Ed25519 atau MAC lama, rantai), setiap baris dokumen
    terhadap entri log terakhirnya, penomoran dan penghitung. Keluar 0 hanya bila semuanya
    terbukti utuh; 1 bila ada masalah atau ada yang tidak dapat diperiksa."""
    head = load_head(head_path) if head_path else None
    store, _ = open_registry(registry_path, config_path, public_key=public_key)
    report = store.audit_report(head, limit=None if out_path else MAC_LINES)
    verdict = _audit_verdict(report)
    text = _audit_text(store.label, report, verdict)
    if out_path is None:
        click.echo(text, nl=False)
    else:
        _write_or_echo(text, out_path, "laporan audit")
        click.echo(clean(verdict))
        click.echo(f"Laporan lengkap ditulis ke {clean(str(out_path))}")
    sys.exit(0 if report.intact else 1)


def _audit_verdict(report) -> str:
    if report.problems:
        return f"{len(report.problems)} masalah." + (
            f" {len(report.unchecked)} hal lain tidak dapat diperiksa dengan kunci ini."
            if report.unchecked
            else ""
        )
    if report.unchecked:
        return (
            "BELUM TERVERIFIKASI: tidak ada masalah pada yang dapat diperiksa, tetapi "
            f"{len(report.unchecked)} hal tidak dapat diperiksa dengan kunci publik (perlu "
            "pemegang kunci registri)."
        )
    return "Log audit utuh dan penomoran tanpa celah."


def _audit_text(label: str, report, verdict: str) -> str:
    """The audit report: what was audited and how, every problem, what could not be checked."""
    lines = [f"Audit registri {label} ({now_iso()})", report.mode]
    lines += [f"GALAT: {problem}" for problem in report.problems]
    lines += [f"PERLU PEMEGANG KUNCI: {line}" for line in report.unchecked]
    return clean_lines("\n".join([*lines, verdict])) + "\n"


@registry.command("head")
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    help="Tulis ke berkas ini (bawaan: cetak ke layar).",
)
@REGISTRY
@CONFIG
@user_errors
def registry_head(out_path, registry_path, config_path):
    """Ekspor kepala rantai bertanda tangan (Ed25519), untuk disimpan di luar registri; auditor
    memeriksanya dengan kunci publik."""
    store, _ = open_registry(registry_path, config_path)
    text = json.dumps(store.head(now_iso()), indent=2) + "\n"
    if _write_or_echo(text, out_path, "kepala rantai"):
        click.echo(f"Kepala rantai ditulis ke {clean(str(out_path))}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@REGISTRY
@CONFIG
@user_errors
def verify(file, registry_path, config_path):
    """Periksa keaslian PDF bertanda tangan terhadap registri (SAH hanya bila semuanya terbukti
    dan dokumen masih berlaku hari ini; KEDALUWARSA bila asli tetapi masa berlakunya telah
    berakhir; DOCX adalah salinan yang dapat disunting dan tidak pernah SAH)."""
    on = check_day()
    store, _ = open_registry(registry_path, config_path)
    verdict = verify_file(file, store, Trust.load(signing_config(config_path)), on)
    click.echo(
        clean(
            f"{verdict.status.upper()}: {verdict.message}"
            + (f" (nomor {verdict.number})" if verdict.number else "")
        )
    )
    sys.exit(0 if verdict.status == "sah" else 1)
