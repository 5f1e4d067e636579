"""Commands that issue, register, revoke and verify official documents."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

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
from aturan.documents import MAC_LINES, Trust, load_head
from aturan.documents import verify as verify_file
from aturan.errors import AturanError
from aturan.files import atomic_path

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


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
@click.option(
    "--registri-baru",
    "new_registry",
    is_flag=True,
    help="Buat registri baru bila belum ada di tempat yang disebut (tanpa ini, registri yang "
    "tidak ada adalah galat).",
)
@click.option(
    "--bundel-lengkap",
    "full_bundle",
    is_flag=True,
    help="Bundel cetak memuat semua dokumen kohort ini, bukan hanya dokumen yang baru dibuat.",
)
@CONFIG
@OPERATOR
@user_errors
def issue(
    source: Path,
    out_dir: Path,
    pdf: bool,
    issue_date: dt.date,
    as_of: dt.date,
    model: str | None,
    assessment: str | None,
    reform_path: Path | None,
    registry_path: Path | str,
    new_registry: bool,
    full_bundle: bool,
    config_path: Path | None,
    operator: str | None,
) -> None:
    """Terbitkan dokumen untuk satu kasus atau satu kohort: bernomor, terdaftar, dapat diverifikasi.

    Dokumen yang tidak dapat bertanggal --issue-date (sebelum peristiwa yang dinyatakannya, atau
    sejak tidak berlaku lagi), atau yang sudah diterbitkan institusi lain, ditolak tanpa nomor;
    dokumen lain tetap terbit, semua penolakan ditulis ke ditolak.csv, lalu keluar dengan status 2.
    Dokumen yang sudah terbit dan berkasnya masih sama di folder keluaran tidak dibuat ulang."""
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
        new_registry=new_registry,
        full_bundle=full_bundle,
    )
    plan = app.plan_issue(request)
    for warning in plan.warnings:
        click.echo(f"perhatian: {clean(warning)}", err=True)
    if plan.registry_created:
        click.echo(f"Registri baru dibuat: {clean(plan.registry_created)}")
    for warning in plan.warnings:
        click.echo(clean(warning), err=True)
    for error in plan.bad_rows:
        click.echo(f"galat: {clean(error)}", err=True)
    with StageProgress() as progress:
        result = app.run_plan(plan, progress)
    report, bad = result.report, result.bad_rows
    click.echo(
        f"{len(report.issued)} dokumen baru, {len(report.reissued)} sudah terdaftar "
        f"(nomor yang sama, dibuat ulang), {len(report.unchanged)} sudah terdaftar dan tidak "
        f"berubah (tidak dibuat ulang), {len(report.changed)} terdaftar dengan isi berbeda "
        f"(tidak diubah), {len(bad)} baris ditolak, "
        f"{len(report.refused)} dokumen ditolak karena tanggal terbit, "
        f"{len(report.foreign)} dokumen sudah diterbitkan institusi lain."
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
            "(LibreOffice, huruf, atau pyHanko berubah?); PDF baru dicatat di samping yang lama, "
            "dan salinan lama tetap SAH.",
            err=True,
        )
    for refusal in report.refused:
        click.echo(f"galat: {clean(str(refusal))}", err=True)
    for rejection in result.rejected:
        if not rejection.column and rejection.nip:  # another institution's document
            click.echo(
                clean(f"ditolak: baris {rejection.row or '-'}, NIP {rejection.nip} "
                      f"({rejection.name}): {rejection.message}"),
                err=True,
            )  # fmt: skip
    if report.bundle:
        click.echo(f"Bundel cetak: {report.bundle}")
    if report.manifest:
        click.echo(f"Manifes: {report.manifest}")
    if result.rejected:
        click.echo(
            f"{len(result.rejected)} baris/dokumen ditolak, menurut urutan baris: "
            f"{clean(str(result.rejected_file))}"
        )
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
        self.bar: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> StageProgress:
        if self.tty:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
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
def cohort_template(out_path: Path) -> None:
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
def registry() -> None:
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
    doc_type: str | None,
    nip: str | None,
    name: str | None,
    date_from: str | None,
    date_to: str | None,
    status: str | None,
    institution: str | None,
    fmt: str,
    out_path: Path | None,
    registry_path: Path | str,
    config_path: Path | None,
) -> None:
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
    return cast(io.StringIO, console.file).getvalue()


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
def registry_show(
    number: str, detailed: bool, registry_path: Path | str, config_path: Path | None
) -> None:
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
@click.argument("number", required=False)
@click.option("--nip", help="Cabut semua dokumen berlaku NIP ini untuk satu acara (pelatihan).")
@click.option(
    "--acara",
    "event",
    help="Acara (kode program pelatihan, mis. PKA: awal event_key pada `registry show`); "
    "wajib bila NIP memiliki dokumen lebih dari satu acara.",
)
@click.option("--reason", required=True, help="Alasan pencabutan (dicatat di log audit).")
@click.option("--ya", "yes", is_flag=True, help="Cabut tanpa konfirmasi (untuk skrip).")
@REGISTRY
@CONFIG
@OPERATOR
@user_errors
def registry_revoke(
    number: str | None,
    nip: str | None,
    event: str | None,
    reason: str,
    yes: bool,
    registry_path: Path | str | None,
    config_path: Path | None,
    operator: str | None,
) -> None:
    """Cabut dokumen, dengan alasan: satu NOMOR, atau semua dokumen satu orang untuk satu acara
    (--nip, --acara). Dokumen ditampilkan dan dikonfirmasi dulu (--ya untuk skrip); pencabutan
    tidak dapat dibatalkan. Menerbitkan lagi (`aturan issue`) setelahnya memberi dokumen
    pengganti bernomor baru yang merujuk nomor ini."""
    targets = app.revocation_targets(
        registry_path, config_path, number=number, nip=nip, event=event
    )
    click.echo(f"Dokumen yang akan dicabut ({len(targets)}):")
    for t in targets:
        click.echo(
            clean(f"  {t.number}: {t.title}, {t.name} (NIP {t.nip}), tanggal {t.doc_date}, "
                  f"institusi {t.institution}, acara {t.event}")
        )  # fmt: skip
    if not yes:
        _confirm_revocation(len(targets))
    for revocation in app.revoke_all(targets, reason, registry_path, config_path, operator):
        click.echo(f"Dokumen {clean(revocation.number)} dicabut: {clean(reason)}")
    click.echo(
        "Langkah berikutnya: perbaiki data peserta di berkas kohortnya, lalu terbitkan ulang "
        "dengan registri yang sama, mis.\n"
        f"  aturan issue KOHORT-YANG-DIPERBAIKI --out FOLDER-SEMULA --registry "
        f"{clean(str(registry_path or '<registri>'))} --pdf --as-of TANGGAL --issue-date TANGGAL\n"
        "Hanya dokumen pengganti (bernomor baru, merujuk nomor yang dicabut) yang dibuat dan "
        "ditandatangani; bundel-cetak.pdf hanya memuatnya (--bundel-lengkap untuk semua)."
    )


def _confirm_revocation(count: int) -> None:
    """Ask on the terminal; without one (a script, a pipe) refuse: --ya says it was meant."""
    if not sys.stdin.isatty():
        raise AturanError(
            "pencabutan tidak dapat dibatalkan dan perlu konfirmasi, tetapi tidak ada terminal; "
            "tambahkan --ya bila memang dimaksudkan",
            field="--ya",
        )
    if not click.confirm(f"Cabut {count} dokumen ini? Pencabutan tidak dapat dibatalkan"):
        raise AturanError("tidak ada yang dicabut (dibatalkan)")


@registry.command("init-institution")
@click.argument("code", metavar="KODE")
@click.option(
    "--password-file",
    "password_file",
    type=click.Path(path_type=Path),
    help="Berkas yang baris pertamanya sandi peran; bawaan: sandi acak dibuat dan ditampilkan "
    "sekali.",
)
@click.option(
    "--tampilkan-sandi",
    "show_password",
    is_flag=True,
    help="Tampilkan sandi dari --password-file dalam URL (bawaan: disamarkan ***).",
)
@REGISTRY
@CONFIG
@user_errors
def registry_init_institution(
    code: str,
    password_file: Path | None,
    show_password: bool,
    registry_path: Path | str,
    config_path: Path | None,
) -> None:
    """Buat peran basis data PostgreSQL untuk institusi KODE (oleh admin basis data): peran itu
    membaca semua dokumen, tetapi hanya menerbitkan, mencabut dan mencatat dokumen institusinya
    sendiri, dan tidak dapat menghapus apa pun. Menjalankannya lagi mengganti sandinya. Cetak URL
    sambungan institusi itu (untuk --registry atau $ATURAN_REGISTRY-nya)."""
    made = app.init_institution(code, registry_path, config_path, password_file)
    click.echo(
        f"Peran {made.role} untuk institusi {made.institution} siap: membaca semua dokumen, "
        "menerbitkan, mencabut dan mencatat hanya dokumen institusinya sendiri."
    )
    click.echo(f"URL: {made.url if made.generated or show_password else made.masked_url}")
    if made.generated:
        click.echo(
            "Sandi dibuat acak dan hanya ditampilkan sekali ini: serahkan URL ini kepada "
            f"institusi {made.institution} melalui saluran aman."
        )


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
def registry_audit(
    head_path: Path | None,
    public_key: Path | None,
    out_path: Path | None,
    registry_path: Path | str,
    config_path: Path | None,
) -> None:
    """Periksa log audit (tanda tangan Ed25519 atau MAC lama, rantai), setiap baris dokumen
    terhadap entri log terakhirnya, penomoran dan penghitung. Keluar 0 hanya bila semuanya
    terbukti utuh; 1 bila ada masalah atau ada yang tidak dapat diperiksa."""
    head = load_head(head_path) if head_path else None
    limit = None if out_path else MAC_LINES
    status = app.audit_registry(registry_path, config_path, head, public_key, limit)
    if out_path is None:
        click.echo(status.text(), nl=False)
    else:
        _write_or_echo(status.text(), out_path, "laporan audit")
        click.echo(clean(status.verdict))
        click.echo(f"Laporan lengkap ditulis ke {clean(str(out_path))}")
    sys.exit(0 if status.intact else 1)


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
def registry_head(
    out_path: Path | None, registry_path: Path | str, config_path: Path | None
) -> None:
    """Ekspor kepala rantai bertanda tangan (Ed25519), untuk disimpan di luar registri; auditor
    memeriksanya dengan kunci publik."""
    text = json.dumps(app.export_head(registry_path, config_path), indent=2) + "\n"
    if _write_or_echo(text, out_path, "kepala rantai"):
        click.echo(f"Kepala rantai ditulis ke {clean(str(out_path))}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@REGISTRY
@CONFIG
@user_errors
def verify(file: Path, registry_path: Path | str, config_path: Path | None) -> None:
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
