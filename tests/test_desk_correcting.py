"""Re-issuing one document with corrected data (issue 26, item 4, the desk's re-issue) on the
library side: the recorded case offered for correction, only the replacement issued, nothing
revoked when the correction cannot be issued."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_app import _request

from aturan import app
from aturan.errors import AturanError


@pytest.fixture
def issued(tmp_path):
    """The sample cohort's designs issued (DOCX only); the first one's number."""
    result = app.issue(_request(tmp_path))
    first = result.report.issued[0]
    return {"registry": tmp_path / "registri.sqlite", "number": first["number"], "entry": first}


def test_the_correction_starts_from_the_recorded_case(issued):
    start = app.correction(issued["number"], issued["registry"], None)
    assert start.in_force and start.replaced_by is None
    assert start.fields["name"] == issued["entry"]["name"]
    assert start.as_of == dt.date(2026, 2, 1)
    assert set(start.fields) == {"name", "position.title", "position.agency"}


def test_a_corrected_name_replaces_only_that_document(issued, tmp_path):
    number, registry = issued["number"], issued["registry"]
    before = app.browse_registry(registry, None, app.Browse(), None, dt.date(2026, 3, 1)).total
    name = issued["entry"]["name"] + " Putra"

    revocation, result = app.reissue_corrected(
        number, {"name": name}, "salah ketik nama", dt.date(2026, 2, 2), tmp_path / "baru",
        registry, operator="ani",
    )  # fmt: skip

    assert revocation is not None and revocation.operator == "ani"
    assert [(e["replaces"], e["name"]) for e in result.report.issued] == [(number, name)]
    old = app.show_document(number, registry).row
    new = app.show_document(old["replaced_by"], registry).row
    assert (old["status"], new["name"], new["operator"]) == ("revoked", name, "ani")
    after = app.browse_registry(registry, None, app.Browse(), None, dt.date(2026, 3, 1)).total
    assert after == before + 1


def test_a_revoked_document_is_replaced_without_a_second_revocation(issued, tmp_path):
    number, registry = issued["number"], issued["registry"]
    app.revoke(number, "salah ketik nama", registry, operator="ani")

    revocation, result = app.reissue_corrected(
        number, {}, "", dt.date(2026, 2, 2), tmp_path / "baru", registry, operator="ani"
    )

    assert revocation is None
    assert [e["replaces"] for e in result.report.issued] == [number]
    with pytest.raises(AturanError, match="sudah diganti dengan dokumen nomor"):
        app.reissue_corrected(
            number, {}, "", dt.date(2026, 2, 2), tmp_path / "baru", registry, operator="ani"
        )


def test_a_correction_that_cannot_be_read_revokes_nothing(issued, tmp_path):
    number, registry = issued["number"], issued["registry"]
    with pytest.raises(AturanError):
        app.reissue_corrected(
            number, {"name": ""}, "salah", dt.date(2026, 2, 2), tmp_path / "baru", registry
        )
    with pytest.raises(AturanError, match="tidak dapat diperbaiki"):
        app.reissue_corrected(
            number, {"nip": "1"}, "salah", dt.date(2026, 2, 2), tmp_path / "baru", registry
        )
    assert app.show_document(number, registry).row["status"] == "issued"


def test_reissue_from_a_source_that_cannot_be_read_revokes_nothing(issued, tmp_path):
    request = _request(tmp_path, source=Path(tmp_path / "tidak-ada.yaml"))
    with pytest.raises(AturanError):
        app.reissue(issued["number"], "salah", request)
    assert app.show_document(issued["number"], issued["registry"]).row["status"] == "issued"
