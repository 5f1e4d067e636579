"""The registry as the desk browses it (issue 26, item 4), on the library side: search by number,
NIP or name, filters by type, state and dates, pages cut in SQL, an institution's scope, and the
monthly listing's counts written as a workbook. On SQLite and on PostgreSQL."""

import datetime as dt

import openpyxl
import pytest
from test_registry_institutions import SHARED, institution_config

from aturan import app
from aturan.documents import Registry
from aturan.errors import InputError

CODES = {"sttp": "STTP", "undangan_uji": "UND", "sertifikat_kompetensi": "SKM"}
ON = dt.date(2027, 3, 1)


def registry_of(target, keys, institution):
    return Registry(target, SHARED, CODES, **keys, institution=institution)


def issue(store, index, doc_type="sttp", name=None, doc_date="2027-01-15", valid_until=None):
    return store.issue(
        doc_type=doc_type,
        nip=f"1985031520100{index:05d}",
        name=name or f"Peserta Nomor {index}",
        event_key=f"pka:{index}",
        decision_id=f"d{index}",
        rules_version="v1",
        content_hash=f"{index:064x}",
        year=int(doc_date[:4]),
        doc_date=doc_date,
        now=f"{doc_date}T08:00:{index % 60:02d}+00:00",
        valid_until=valid_until,
    ).number


@pytest.fixture
def shared(registry_url, registry_keys, tmp_path):
    """A registry shared by LAN (five documents, one of them revoked, one past its validity) and
    BPSDM-JATIM (two), with each institution's configuration."""
    lan = registry_of(registry_url, registry_keys, "LAN")
    numbers = {
        "budi": issue(lan, 1, name="Budi Santoso"),
        "sari": issue(lan, 2, name="Sari Wulandari", doc_date="2027-02-03"),
        "skm": issue(lan, 3, "sertifikat_kompetensi", "Rudi Hartono", valid_until="2027-12-31"),
        "old": issue(lan, 4, "sertifikat_kompetensi", "Dewi Lestari", valid_until="2027-02-27"),
        "joko": issue(lan, 5, "undangan_uji", "Joko Prasetyo"),
    }
    lan.revoke(numbers["joko"], "salah nama", "2027-01-20T08:00:00+00:00")
    jatim = registry_of(registry_url, registry_keys, "BPSDM-JATIM")
    numbers["jatim"] = issue(jatim, 6, name="Budi Hartono")
    numbers["jatim2"] = issue(jatim, 7, name="Ani Jatim")
    return {
        "registry": registry_url,
        "lan": institution_config(tmp_path, "LAN"),
        "jatim": institution_config(tmp_path, "BPSDM-JATIM"),
        "numbers": numbers,
    }


def found(shared, institution="LAN", **asked):
    page = app.browse_registry(
        shared["registry"], shared["lan"], app.Browse(**asked), institution, ON
    )
    return [row.number for row in page.rows]


def test_search_by_name_nip_or_number_within_the_institution(shared):
    numbers = shared["numbers"]
    assert found(shared, text="budi") == [numbers["budi"]]  # BPSDM-JATIM's Budi is not shown
    assert found(shared, text="BUDI", institution=None) == [numbers["jatim"], numbers["budi"]]
    assert found(shared, text="198503152010000002") == [numbers["sari"]]
    assert found(shared, text=" 0001 / skm / lan / 2027 ") == [numbers["skm"]]
    assert found(shared, text=numbers["jatim"]) == []


def test_search_text_is_literal_not_a_pattern(shared):
    assert found(shared, text="%") == []
    assert found(shared, text="_") == []


def test_filters_by_type_state_and_month(shared):
    numbers = shared["numbers"]
    assert found(shared, doc_type="SKM") == [numbers["old"], numbers["skm"]]
    assert found(shared, status="dicabut") == [numbers["joko"]]
    assert found(shared, status="kedaluwarsa") == [numbers["old"]]
    assert set(found(shared, status="berlaku")) == {numbers[k] for k in ("budi", "sari", "skm")}
    assert found(shared, month="2027-02") == [numbers["sari"]]
    assert found(shared, date_from="2027-02-01", date_to="2027-02") == [numbers["sari"]]


def test_rows_carry_their_state_on_the_day(shared):
    page = app.browse_registry(shared["registry"], shared["lan"], app.Browse(), "LAN", ON)
    states = {row.name: row.state for row in page.rows}
    assert states == {
        "Budi Santoso": "berlaku",
        "Sari Wulandari": "berlaku",
        "Rudi Hartono": "berlaku",
        "Dewi Lestari": "kedaluwarsa",
        "Joko Prasetyo": "dicabut",
    }
    assert page.total == 5 and page.pages == 1


def test_pages_are_cut_and_counted(shared):
    first = app.browse_registry(
        shared["registry"], shared["lan"], app.Browse(), "LAN", ON, per_page=2
    )
    last = app.browse_registry(
        shared["registry"], shared["lan"], app.Browse(page=3), "LAN", ON, per_page=2
    )
    beyond = app.browse_registry(
        shared["registry"], shared["lan"], app.Browse(page=40), "LAN", ON, per_page=2
    )
    assert (first.total, first.pages, len(first.rows)) == (5, 3, 2)
    assert (last.page, len(last.rows)) == (3, 1)
    assert beyond.page == 3 and beyond.rows == last.rows


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        ({"status": "hilang"}, "status"),
        ({"month": "2027-13"}, "bulan"),
        ({"doc_type": "X"}, "--type"),
    ],
)
def test_a_filter_the_registry_cannot_mean_is_refused_naming_its_field(shared, asked, field):
    with pytest.raises(InputError) as refused:
        found(shared, **asked)
    assert refused.value.field == field


def test_the_monthly_workbook_counts_each_type_and_status(shared, tmp_path):
    listing = app.monthly_listing(shared["registry"], shared["lan"], "2027-01", "LAN")
    path = tmp_path / "laporan.xlsx"
    app.write_listing(listing, path)

    sheet = openpyxl.load_workbook(path)["Rekap"]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows == [
        ("Jenis", "Terbit", "Dicabut", "Jumlah"),
        ("Surat Tanda Tamat Pelatihan", 1, 0, 1),
        ("Sertifikat Kompetensi Manajerial", 2, 0, 2),
        ("Undangan Uji Kompetensi", 0, 1, 1),
        ("Jumlah", 3, 1, 4),
    ]
