"""The drafter's lab in the desk (issue 27, items 1 and 2): the drafter role, every parameter with
its clause and range, the reform form (its YAML the same as a drafter's by hand, the library's
errors at their field), and rule reforms checked with their errors at their lines."""

import re
from html.parser import HTMLParser

import pytest
import yaml
from conftest import ROOT
from desk_support import PASSWORD, post, sign_in
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

VALIDITY = {
    "nama": "Masa berlaku hasil asesmen 2 tahun",
    "jumlah": "1",
    "p0_id": "assessment.validity_years",
    "p0_dari": "2027-01-01",
    "p0_nilai": "2",
    "p0_klausul": "rancangan-perlan:pasal-12-ayat-2",
    "p0_kutipan": (
        "Rancangan Peraturan LAN tentang Pelatihan Kepemimpinan Terintegrasi, "
        "Pasal 12 ayat (2) (draf)"
    ),
    "p0_teks": (
        "Laporan hasil penilaian kompetensi dapat digunakan dalam pelatihan paling lama 2 (dua) "
        "tahun sejak tanggal penilaian."
    ),
    "p0_dibaca": "draf perumus (contoh)",
    "p0_status": "unconfirmed",
}


def hand_written(name):
    return yaml.safe_load((ROOT / "reforms" / name).read_text(encoding="utf-8"))


def field_error(page, index, where):
    """The error the form shows at one input of one change, or None."""
    change = page.split(f'id="perubahan-{index}"', 1)[1].split("</fieldset>\n<label", 1)[0]
    found = re.search(rf'data-isian="{where}">([^<]*)</p>', change)
    return found[1] if found else None


class _Form(HTMLParser):
    """The fields a browser sends from one form: inputs, checked boxes, textareas, selections."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, {}
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or tag not in ("input", "textarea", "select", "option"):
            return
        if tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                self.fields.setdefault(a["name"], []).append(a["value"])
        elif tag == "input" and a.get("type") not in ("file", "submit") and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and "selected" in a:
            self.fields[self.select] = a.get("value", "")

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(page, form_id):
    parser = _Form(form_id)
    parser.feed(page)
    parser.fields.pop("csrf", None)
    return parser.fields


def upload(client, path, name, text):
    files = {"berkas": (name, text.encode("utf-8"), "application/yaml")}
    return post(client, path, files=files)


def test_the_drafter_sees_every_parameter_with_its_value_clause_and_range(desk_client):
    drafter = desk_client("drafter", "LAN", username="rina")
    page = drafter.get("/lab")
    assert page.status_code == 200
    validity = page.text.split('id="p-assessment.validity_years"', 1)[1].split("</section>")[0]
    assert '<strong class="nilai">3</strong>' in validity
    assert "2019-01-01" in validity and "sumber sekunder" in validity
    assert "Perban BKN 26/2019" in validity  # the clause's citation ...
    assert "rentang: 1 sampai 10" in validity  # ... and the declared range
    quote = "&ldquo;" in validity
    assert quote, "the clause's text is quoted"
    cut_off = page.text.split('id="p-jpm.selection.ms_min"', 1)[1].split("</section>")[0]
    assert "batasan: jpm.selection.ms_min harus lebih besar dari jpm.selection.mms_min" in cut_off
    assert 'href="/lab/reformasi?ubah=assessment.validity_years"' in validity
    for domain in ("Inti: asesmen, JPM, SKJ", "Kurikulum", "Biaya"):
        assert f"<h2>{domain}</h2>" in page.text


def test_the_forms_yaml_for_a_2_year_validity_equals_the_hand_written_reform(
    desk_client, aturan, tmp_path
):
    drafter = desk_client("drafter", "LAN")
    opened = drafter.get("/lab/reformasi?ubah=assessment.validity_years")
    assert 'name="p0_nilai" value="3"' in opened.text  # the value in force, to change
    checked = post(drafter, "/lab/reformasi", {**VALIDITY, "aksi": "periksa"})
    assert checked.status_code == 200 and "Reformasi sah" in checked.text
    assert "parameter assessment.validity_years sejak 2027-01-01: 3 -&gt; 2" in checked.text
    download = post(drafter, "/lab/reformasi", {**VALIDITY, "aksi": "unduh"})
    assert download.status_code == 200, download.text
    assert "attachment" in download.headers["content-disposition"]
    assert yaml.safe_load(download.text) == hand_written("masa-berlaku-2-tahun.yaml")
    saved = tmp_path / "masa-berlaku-2-tahun.yaml"  # the CLI reads it as it reads the original
    saved.write_text(download.text, encoding="utf-8")
    ours = aturan("rules", "check", "--reform", saved)
    theirs = aturan("rules", "check", "--reform", ROOT / "reforms" / saved.name)
    assert ours.exit_code == theirs.exit_code == 0
    assert ours.output.replace(str(saved), "X") == theirs.output.replace(
        str(ROOT / "reforms" / saved.name), "X"
    )


@pytest.mark.parametrize("name", ["masa-berlaku-2-tahun.yaml", "batas-ms-85.yaml"])
def test_an_uploaded_reform_opens_in_the_form_and_downloads_the_same(desk_client, name):
    drafter = desk_client("drafter", "LAN")
    text = (ROOT / "reforms" / name).read_text(encoding="utf-8")
    opened = upload(drafter, "/lab/reformasi/unggah", name, text)
    assert opened.status_code == 200 and f"Berkas {name} dibuka di formulir" in opened.text
    fields = form_fields(opened.text, "formulir")
    again = post(drafter, "/lab/reformasi", {**fields, "aksi": "unduh"})
    assert again.status_code == 200, again.text
    assert yaml.safe_load(again.text) == hand_written(name)


def test_a_value_out_of_range_is_refused_at_its_field(desk_client):
    drafter = desk_client("drafter", "LAN")
    page = post(drafter, "/lab/reformasi", {**VALIDITY, "p0_nilai": "0", "aksi": "unduh"})
    assert page.status_code == 400
    error = field_error(page.text, 0, "value")
    assert error and "di luar rentang yang diizinkan (1..10)" in error
    assert field_error(page.text, 0, "clause") is None
    assert 'id="p0_nilai" name="p0_nilai" value="0" class="isian-salah"' in page.text


def test_a_broken_constraint_and_a_bad_reference_are_refused_at_their_field(desk_client):
    drafter = desk_client("drafter", "LAN")
    low = {
        **VALIDITY,
        "p0_id": "jpm.selection.ms_min",
        "p0_nilai": "60",  # under the MMS cut-off (68)
    }
    page = post(drafter, "/lab/reformasi", {**low, "aksi": "periksa"})
    assert page.status_code == 400
    assert "batas" in (field_error(page.text, 0, "value") or "")
    bad_id = post(
        drafter, "/lab/reformasi", {**VALIDITY, "p0_klausul": "pasal 12", "aksi": "periksa"}
    )
    assert bad_id.status_code == 400
    assert "harus berbentuk instrumen:klausul" in (field_error(bad_id.text, 0, "clause") or "")
    no_clause = post(drafter, "/lab/reformasi", {**VALIDITY, "p0_teks": "", "aksi": "unduh"})
    assert no_clause.status_code == 400 and field_error(no_clause.text, 0, "text")


def test_changes_are_added_and_removed_in_the_form(desk_client):
    drafter = desk_client("drafter", "LAN")
    added = post(
        drafter, "/lab/reformasi", {**VALIDITY, "baru": "jpm.selection.ms_min", "aksi": "tambah"}
    )
    assert 'data-parameter="jpm.selection.ms_min"' in added.text
    assert 'name="p1_nilai" value="80"' in added.text and 'name="jumlah" value="2"' in added.text
    removed = post(drafter, "/lab/reformasi", {**VALIDITY, "aksi": "hapus-0"})
    assert 'data-parameter="assessment.validity_years"' not in removed.text


RULE_REFORM = """name: Uji aturan
new_clauses:
  - id: rancangan:pasal-1
    citation: Rancangan Pasal 1 (draf)
    text: Contoh.
rules:
  - id: uji.jpm
    title: Contoh
    cites: [rancangan:pasal-1]
    priority: 10
    when:
      participant: {jpm: {gte: 85}}
    then: {category: MS}
"""


def test_a_rule_reform_error_shows_at_its_line(desk_client):
    drafter = desk_client("drafter", "LAN")
    page = upload(drafter, "/lab/aturan", "aturan-baru.yaml", RULE_REFORM)
    assert page.status_code == 400 and "reformasi ini ditolak" in page.text
    at_line = re.findall(r'data-baris="(\d+)"><td class="no"></td><td[^>]*>([^<]*)<', page.text)
    assert [line for line, _ in at_line] == ["12"]
    assert "fakta &#39;jpm&#39; tidak dikenal" in at_line[0][1]
    assert "measured_jpm" in at_line[0][1]
    assert 'href="/lab/referensi"' in page.text
    fixed = RULE_REFORM.replace("{jpm:", "{measured_jpm:")
    conflict = upload(drafter, "/lab/aturan", "aturan-baru.yaml", fixed)
    at_line = re.findall(r'data-baris="(\d+)"><td class="no"></td><td[^>]*>([^<]*)<', conflict.text)
    assert conflict.status_code == 400 and [line for line, _ in at_line] == ["7"]
    assert "berprioritas sama (10)" in at_line[0][1]  # against kategori.pemetaan.optimal
    clean = upload(drafter, "/lab/aturan", "aturan-baru.yaml", fixed.replace("10", "95"))
    assert clean.status_code == 200 and "Tidak ada galat" in clean.text
    assert "aturan baru uji.jpm" in clean.text


def test_the_rules_reference_is_one_click_away(desk_client, aturan):
    drafter = desk_client("drafter", "LAN")
    page = drafter.get("/lab/referensi")
    assert page.status_code == 200
    assert "measured_jpm" in page.text and "Referensi penulis aturan" in page.text


def test_operators_auditors_and_admins_do_not_see_the_lab(desk_client):
    for roles in ("operator", "auditor", "admin"):
        client = desk_client(roles, "LAN")
        assert 'href="/lab"' not in client.get("/").text
        for path in ("/lab", "/lab/reformasi", "/lab/aturan", "/lab/referensi"):
            page = client.get(path)
            assert page.status_code == 403 and "berperan drafter" in page.text
        assert post(client, "/lab/reformasi", {**VALIDITY, "aksi": "unduh"}).status_code == 403
    both = desk_client("operator,drafter", "LAN")
    assert 'href="/lab"' in both.get("/").text and both.get("/lab").status_code == 200


LAB_AND_SIGN_IN = ("/", "/masuk", "/keluar")


def _every_route(routes, prefix=""):
    """(path, methods) of every route, through included routers (FastAPI keeps them nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route.methods
        elif hasattr(route, "original_router"):
            inner = prefix + getattr(route.include_context, "prefix", "")
            yield from _every_route(route.original_router.routes, inner)


def _filled(path):
    return re.sub(r"\{[^}]+\}", "0001-LAN-2026", path)


def test_a_drafter_cannot_issue_or_revoke_through_any_url(desk_client):
    """Every route of the desk walked as a drafter: every page and form outside the lab and
    signing in/out is refused (whichever areas the desk has)."""
    drafter = desk_client("drafter", "LAN", username="rina")
    walked = 0
    for route_path, methods in _every_route(drafter.app.routes):
        if route_path in LAB_AND_SIGN_IN or route_path.startswith("/lab"):
            continue
        for method in methods - {"HEAD"}:
            path = _filled(route_path)
            response = (
                drafter.get(path, follow_redirects=False)
                if method == "GET"
                else post(drafter, path, {"alasan": "uji", "konfirmasi": "ya"})
            )
            assert response.status_code == 403, (method, route_path, response.status_code)
            walked += 1
    assert walked >= 4  # at least the admin's account pages
    assert drafter.get("/", follow_redirects=False).status_code == 200  # still signed in


def test_an_admin_gives_the_drafter_role(desk_client):
    admin = desk_client("admin", "LAN", username="kepala")
    form = {"nama_pengguna": "rina", "nama_lengkap": "Rina Perumus", "kata_sandi": PASSWORD}
    assert "drafter (perumus)" in admin.get("/akun").text
    added = post(admin, "/akun/tambah", {**form, "peran": "drafter"})
    assert added.status_code == 200 and "Akun rina ditambahkan" in added.text
    rina = TestClient(admin.app)
    assert sign_in(rina, "rina").status_code == 303
    assert rina.get("/lab").status_code == 200


def test_an_uploaded_reform_keeps_its_rules_through_the_form(desk_client):
    drafter = desk_client("drafter", "LAN")
    rules = RULE_REFORM.replace("{jpm:", "{measured_jpm:").replace("priority: 10", "priority: 95")
    text = rules + (
        "parameters:\n"
        "  - id: assessment.validity_years\n"
        "    from: 2027-01-01\n"
        "    value: 2\n"
        "    reference: [rancangan:pasal-1]\n"
    )
    opened = upload(drafter, "/lab/reformasi/unggah", "campuran.yaml", text)
    assert opened.status_code == 200, opened.text
    assert "aturan baru uji.jpm" in opened.text  # the changes the check lists
    again = post(
        drafter, "/lab/reformasi", {**form_fields(opened.text, "formulir"), "aksi": "unduh"}
    )
    assert yaml.safe_load(again.text) == yaml.safe_load(text)
    only_rules = upload(drafter, "/lab/reformasi/unggah", "aturan.yaml", rules)
    assert only_rules.status_code == 400 and "Reformasi aturan" in only_rules.text


def test_an_uploaded_reform_with_an_unknown_parameter_says_so_at_it(desk_client):
    drafter = desk_client("drafter", "LAN")
    text = (
        "name: Uji\n"
        "new_clauses:\n"
        "  - {id: 'rancangan:pasal-1', citation: Rancangan Pasal 1, text: Contoh.}\n"
        "parameters:\n"
        "  - {id: masa.berlaku, from: 2027-01-01, value: 2, reference: ['rancangan:pasal-1']}\n"
    )
    opened = upload(drafter, "/lab/reformasi/unggah", "salah.yaml", text)
    assert opened.status_code == 400
    assert "parameter &#39;masa.berlaku&#39; tidak dikenal" in (
        field_error(opened.text, 0, "id") or ""
    )
    broken = upload(drafter, "/lab/reformasi/unggah", "rusak.yaml", "name: [tidak ditutup\n")
    assert (
        broken.status_code == 400 and "rusak.yaml" in broken.text and "Traceback" not in broken.text
    )
