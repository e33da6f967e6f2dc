"""Round trip: extracting the exported Word file gives back the same plan."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import World
from treem.plans import services
from treem.plans.export import plan_docx_bytes
from treem.plans.extraction import extract_plan
from treem.plans.models import Plan


def _names(links: object) -> list[str]:
    return [link.agency.name for link in links.all()]  # type: ignore[attr-defined]


def test_exported_docx_extracts_back_to_the_same_plan(
    world: World, plan: Plan, tmp_path: Path
) -> None:
    # A correction made in TreEm must survive the round trip too.
    task = plan.tasks.get(number="1.b")
    services.task_update(
        actor=world.officer, task=task, version=task.version, lead_units=["Công an xã"]
    )
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(plan_docx_bytes(plan))
    data = extract_plan(path)

    assert data["title"] == plan.title
    assert data["doc_number"] == plan.number
    assert data["issued_date"] == plan.issued_date.isoformat()
    assert data["issuer"] == {"level": "xã", "name": "Nghĩa Hưng"}
    assert data["signer"] == {"name": plan.signer_name, "title": plan.signer_title}
    assert {r["number"] for r in data["references"]} == {r.number for r in plan.references.all()}
    assert sorted((t["value"], t["text"]) for t in data["targets"]) == sorted(
        {(float(t.value), t.text) for t in plan.targets.all()}
    )
    extracted = {t["number"]: t for t in data["tasks"]}
    for t in plan.tasks.prefetch_related("lead_links__agency", "coord_links__agency"):
        got = extracted[t.number]
        assert got["title"] == t.title
        assert got["lead_units"] == _names(t.lead_links), t.number
        assert (got["timeframe"] or "") == t.timeframe_text, t.number
    assert extracted["1.b"]["lead_units"] == ["Công an xã"]
    assert [u["name"] for u in data["units"]] == [u.name for u in plan.units.all()]
    assert sorted((d["period"], d["due"]) for d in data["report_deadlines"]) == sorted(
        (d.period, d.due_date.isoformat()) for d in plan.report_deadlines.all()
    )


def test_blank_number_and_date_stay_blank(world: World, plan: Plan, tmp_path: Path) -> None:
    Plan.objects.filter(pk=plan.pk).update(number="", issued_date=None)
    plan.refresh_from_db()
    path = tmp_path / "du-thao.docx"
    path.write_bytes(plan_docx_bytes(plan))
    data = extract_plan(path)
    assert data["doc_number"] is None and data["issued_date"] is None
    assert data["year"] == plan.year
