"""`aturan rules reference`: what a rule writer may use (facts, values, operators, parameters),
generated from schemas/facts.schema.json, rules/formulas.yaml and rules/parameters/. The
committed docs/rules-reference.md is this text; a test keeps the two equal."""

from __future__ import annotations

from aturan.law import FACT_KINDS, Fact, Rulebook, append_lists, facts, value_schema

KINDS = {
    "participant": "Fakta peserta (`participant`)",
    "competency": "Fakta kompetensi (`competency`, satu per kompetensi)",
    "subject": "Fakta mata pelatihan (`subject`, satu per mata pelatihan program)",
}
OPERATORS = [
    ("(nilai saja)", "sama dengan", "`category: MS`", "semua"),
    ("`eq`", "sama dengan", "`role: {eq: successor}`", "semua"),
    ("`ne`", "tidak sama dengan", "`design_status: {ne: tidak_perlu_mengulang}`", "semua"),
    ("`in`", "salah satu dari", "`category: {in: [MS, Optimal]}`", "semua"),
    ("`not_in`", "bukan salah satu dari", "`program: {not_in: [pkp]}`", "semua"),
    ("`lt`", "kurang dari", "`measured_jpm: {lt: {param: jpm.selection.mms_min}}`", "berurutan"),
    ("`lte`", "kurang dari atau sama dengan", "`as_of: {lte: {fact: window_closes}}`", "berurutan"),
    ("`gt`", "lebih dari", "`max_gap: {gt: 0}`", "berurutan"),
    ("`gte`", "lebih dari atau sama dengan", "`measured_jpm: {gte: 85}`", "berurutan"),
    ("`present`", "ada (true) atau tidak ada (false)", "`final_result: {present: false}`", "semua"),
    ("`contains`", "daftar memuat satu butir", "`competencies: {contains: integritas}`", "daftar"),
]
TYPES = {
    "integer": "bilangan bulat",
    "number": "bilangan",
    "boolean": "true/false",
    "string": "teks",
    "date": "tanggal",
    "array": "daftar",
    "object": "tabel",
}
MANY = 12  # choices beyond this many are named by their source, not listed


def rules_reference(book: Rulebook) -> str:
    """The reference as Markdown."""
    parts = [HEADER, _operators()]
    givers = _givers(book)
    for kind in FACT_KINDS:
        parts.append(_facts_table(kind, book, givers))
    parts += [_append_lists(), _params(book), CONFLICTS]
    return "\n".join(parts)


HEADER = """# Referensi penulis aturan: fakta, nilai, dan operator

Dibuat oleh `aturan rules reference` dari `src/aturan/schemas/facts.schema.json`,
`rules/formulas.yaml` dan `rules/parameters/`; jangan disunting langsung (sebuah uji memeriksa
bahwa berkas ini sama dengan keluaran perintahnya). `aturan rules check` dan
`aturan rules check --reform` memeriksa setiap aturan terhadap daftar ini, dengan berkas:baris
dan saran ejaan; `decide`, `diff` dan `compare` menolak reformasi yang sama.

Bentuk sebuah aturan (di `rules/*.yaml`, atau di `rules:` sebuah reformasi):

```yaml
- id: klaster.a                      # unik; id aturan yang sudah ada berarti menggantinya
  title: Judul dalam bahasa Indonesia
  cites: [paper-lan-2023:iv-a-2-b-klaster-abc]   # klausul regulations/ atau new_clauses reformasi
  priority: 10                       # lebih tinggi menang bila dua aturan menyimpulkan fakta sama
  from: 2027-01-01                   # opsional: berlaku sejak (until: sampai sebelum)
  when:                              # semua syarat harus terpenuhi
    params: {integration.model: cluster}          # parameter yang berlaku harus bernilai ini
    participant: {category: {in: [MS, Optimal]}}  # syarat atas fakta
  then: {cluster: A}                 # kesimpulan: fakta peserta yang ditetapkan aturan
```

Nilai pembanding dalam syarat dan kesimpulan: sebuah nilai (`85`, `MS`, `true`), nilai parameter
yang berlaku (`{param: jpm.selection.ms_min}`), atau fakta lain (`{fact: training_end}`; dalam
kesimpulan juga `{fact: subject.id}`). Fakta tanggal hanya dibandingkan dengan fakta tanggal lain;
aturan yang berlaku sejak suatu tanggal memakai `from:`.
"""


def _operators() -> str:
    rows = "\n".join(
        f"| {op} | {meaning} | {example} | {kinds} |" for op, meaning, example, kinds in OPERATORS
    )
    return (
        "## Operator\n\n"
        '"berurutan": fakta bilangan dan tanggal.\n\n'
        "| Operator | Arti | Contoh | Untuk fakta |\n|---|---|---|---|\n" + rows + "\n"
    )


def _givers(book: Rulebook) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for formula in book.formulas:
        for name in formula.gives:
            out.setdefault(name, []).append(formula.id)
    return out


def _facts_table(kind: str, book: Rulebook, givers: dict[str, list[str]]) -> str:
    rows = []
    for name, fact in facts()[kind].items():
        if kind == "participant":
            source = "aturan (kesimpulan)" if fact.concluded else ", ".join(givers.get(name, ["-"]))
        else:
            source = "formula"
        rows.append(
            f"| `{name}` | {TYPES[fact.type]} | {_values(fact, book)} | {source} | "
            f"{_cell(fact.description)} |"
        )
    head = (
        "| Fakta | Jenis | Nilai yang dikenal | Diberikan oleh | Keterangan |\n"
        "|---|---|---|---|---|\n"
    )
    note = (
        'Fakta bertanda "aturan (kesimpulan)" boleh ditulis di `then:`; yang lain diberikan '
        "formula dan hanya dibaca.\n\n"
        if kind == "participant"
        else ""
    )
    return f"## {KINDS[kind]}\n\n{note}{head}" + "\n".join(rows) + "\n"


def _values(fact: Fact, book: Rulebook) -> str:
    choices = fact.choices(book.parameters) or list(fact.items_enum)
    if not choices:
        return "-"
    if len(choices) > MANY:
        return f"kunci parameter `{fact.enum_keys_of}` ({len(choices)})"
    shown = ", ".join(f"`{c}`" for c in choices)
    source = f" (termasuk kunci `{fact.enum_keys_of}`)" if fact.enum_keys_of else ""
    return _cell(shown + source)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _append_lists() -> str:
    rows = "\n".join(f"| `{name}` | {_cell(text)} |" for name, text in append_lists().items())
    return (
        "## Daftar yang dapat ditambah (`then: {append: {...}}`)\n\n"
        "| Daftar | Isi butir |\n|---|---|\n" + rows + "\n"
    )


def _params(book: Rulebook) -> str:
    rows = []
    for pid in sorted(book.parameters):
        param = book.parameters[pid]
        choices = value_schema(param).get("enum")
        if choices:
            rows.append(
                f"| `{pid}` | {', '.join(f'`{c}`' for c in choices)} | {_cell(param.title)} |"
            )
    return (
        "## Syarat parameter (`when: {params: {...}}`)\n\n"
        "Sebuah aturan dapat dibatasi pada pilihan sebuah parameter (misalnya model integrasi,\n"
        "yang dipilih dengan `--model`). Parameter dengan pilihan tertutup:\n\n"
        "| Parameter | Pilihan | Judul |\n|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "Parameter lain dapat dipakai sebagai pembanding `{param: id}`; daftar lengkapnya di\n"
        "`rules/parameters/` dan `aturan interpretations`.\n"
    )


CONFLICTS = """## Prioritas dan aturan yang bertentangan

Bila dua aturan menyimpulkan fakta yang sama, yang berprioritas lebih tinggi menang. Dua aturan
berprioritas sama yang dapat berlaku bersamaan (fase sama, masa berlaku beririsan) dan
menyimpulkan nilai berbeda untuk fakta yang sama ditolak. Ketepatan pemeriksaan:

- dibandingkan hanya pasangan yang salah satunya tidak menguji fakta atau parameter apa pun yang
  tidak diuji yang lain (syarat sama, atau yang satu lebih khusus);
- syarat dianggap saling meniadakan bila satu fakta atau parameter yang diuji keduanya tidak dapat
  memenuhi keduanya: nilai berbeda, daftar `in` yang tidak beririsan, `ne`/`not_in` yang menyebut
  nilainya, `present: true` lawan `present: false`, atau rentang yang tidak bertemu (`lt X` lawan
  `gte X` untuk bilangan, parameter atau fakta yang sama; parameter dibandingkan dengan nilainya
  pada setiap tanggal nilainya berubah; `training_start` tidak pernah sesudah `training_end`, dan
  `window_opens` tidak pernah sesudah `window_closes`);
- selain itu pasangan itu dianggap dapat berlaku bersamaan dan ditolak: beri salah satu prioritas
  lebih tinggi, atau buat syaratnya saling meniadakan dengan salah satu cara di atas.
"""
