"""The audit page in words: every action the services audit has a Vietnamese name, and the
page shows names (the code stays in a tooltip), object kinds and readable changes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.conftest import World
from treem.core.audit import action_label, action_labels

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2] / "treem"
# The codes in an audit call's action= (a literal, or "a.b" if … else "a.c"), and in the
# calls of the helpers that pass one on: _audit_case(actor, "case.x"), and
# _status_change(actor, child, version, "child.x", …) in the registry
AUDITED = re.compile(
    r'action="[a-z_.]+"(?:\s+if\s+[^,\n]+?\s+else\s+"[a-z_.]+")?'
    r"|(?:_audit_case|_status_change)\((?:[^()]|\([^()]*\))*\)"
)
CODE = re.compile(r'"([a-z_]+\.[a-z_.]+)"')


def test_every_audited_action_has_a_vietnamese_name() -> None:
    from treem.cases.models import StepKind

    codes = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for call in AUDITED.finditer(path.read_text(encoding="utf-8")):
            codes |= set(CODE.findall(call.group(0)))
    codes |= {f"case.step.{kind.value}" for kind in StepKind}  # _audit_case(f"case.step.{step}")
    assert len(codes) > 60  # the scan found the services' actions
    missing = sorted(code for code in codes if code not in action_labels())
    assert not missing, missing
    assert action_label("case.step.emergency") == "Vụ việc: Can thiệp khẩn cấp, tạm thời cách ly"


def test_the_audit_page_names_actions_and_filters_by_their_words(
    world: World, client_for, child_maker
) -> None:
    from treem.core.services import village_create

    village_create(actor=world.officer, commune=world.commune, name="Trung Thành")
    child = child_maker("Nguyễn Văn An", birth_date=dt.date(2019, 3, 5))
    client = client_for(world.leader)
    body = client.get("/he-thong/nhat-ky/").content.decode()
    assert '<td title="area.create">Thêm thôn, tổ dân phố</td>' in body
    # the child's row leads to the child's page
    assert f'<a href="/tre-em/{child.pk}/">Trẻ em #{child.pk}</a> Nguyễn Văn An' in body
    assert "Trung Thành" in body and "&quot;name&quot;: &quot;Trung Thành&quot;" in body
    # what an officer types: the words of the name, any case and accents
    found = client.get("/he-thong/nhat-ky/", {"action": "them thon"}).content.decode()
    assert "Trung Thành" in found
    other = client.get("/he-thong/nhat-ky/", {"action": "Gửi báo cáo"}).content.decode()
    assert "Trung Thành" not in other and "Không có bản ghi." in other
    # the names are offered as the officer types
    assert '<option value="Thêm thôn, tổ dân phố">' in body
