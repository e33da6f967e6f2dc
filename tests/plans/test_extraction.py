"""The plan-document extractor on the shared seeds, synthetic variants, Word and PDF files."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.plans.pdfgen import write_image_pdf, write_text_pdf
from treem.plans.extraction import (
    ScannedDocumentError,
    UnsupportedFormatError,
    extract_plan,
    extract_text,
    parse_timeframe,
)

REPO = Path(__file__).resolve().parents[2]
SHARED_PLANS = REPO.parent / "shared" / "plans"
FIXTURES = Path(__file__).parent / "fixtures"
SYNTHETIC = sorted(p.stem for p in FIXTURES.glob("*.json"))


def _load_evaluate() -> ModuleType:
    path = SHARED_PLANS / "evaluate.py"
    if not path.is_file():
        pytest.skip(f"shared plan seeds not found at {SHARED_PLANS} (evaluate.py is absent)")
    spec = importlib.util.spec_from_file_location("plans_evaluate", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _scores(gold_path: Path, pred: dict[str, Any]) -> dict[str, float]:
    evaluate = _load_evaluate()
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    return {name: fn(gold, pred) for name, fn in evaluate.GROUPS.items()}


def _assert_good(scores: dict[str, float]) -> None:
    overall = sum(scores.values()) / len(scores)
    assert overall >= 0.9, scores
    assert min(scores.values()) >= 0.9, scores


def _seed_names() -> list[str]:
    return sorted(p.stem for p in (SHARED_PLANS / "gold").glob("*.json")) or ["<none>"]


@pytest.mark.parametrize("name", _seed_names())
def test_shared_seed_scores_at_least_0_9(name: str) -> None:
    _load_evaluate()
    pred = extract_plan(SHARED_PLANS / "seeds" / f"{name}.txt")
    _assert_good(_scores(SHARED_PLANS / "gold" / f"{name}.json", pred))


@pytest.mark.parametrize("name", SYNTHETIC)
def test_synthetic_variant_scores_at_least_0_9(name: str) -> None:
    pred = extract_plan(FIXTURES / f"{name}.txt")
    _assert_good(_scores(FIXTURES / f"{name}.json", pred))


def _pdf_style(text: str, width: int = 72) -> str:
    """Re-wrap a plan as PDF extraction leaves it: broken lines, page numbers, stamps."""
    out: list[str] = []
    for para in text.splitlines():
        out.extend(textwrap.wrap(para, width) or [""])
    broken: list[str] = []
    for i, line in enumerate(out, start=1):
        broken.append(line)
        if i % 25 == 0:
            broken += ["", str(i // 25 + 1), ""]
    broken += [
        "",
        "\tCỤC CHỨNG THỰC SỐ VÀ BẢO MẬT THÔNG TIN",
        "\t2025-08-12T09:15:00+0700",
        "\tỦY BAN NHÂN DÂN XÃ KHÁC<x@example.vn> đã ký lên văn bản này!",
    ]
    return "\n".join(broken)


@pytest.mark.parametrize("name", [*SYNTHETIC, "van-lang-2023", "luong-dien-2023"])
def test_pdf_style_broken_lines_extract_like_the_clean_text(name: str) -> None:
    folder = FIXTURES if name in SYNTHETIC else SHARED_PLANS / "seeds"
    gold_dir = FIXTURES if name in SYNTHETIC else SHARED_PLANS / "gold"
    if not (folder / f"{name}.txt").is_file():
        pytest.skip(f"{name}.txt not found in {folder}")
    text = (folder / f"{name}.txt").read_text(encoding="utf-8")
    pred = extract_text(_pdf_style(text))
    _assert_good(_scores(gold_dir / f"{name}.json", pred))
    assert "Khác" not in (pred["issuer"]["name"] or "")


def test_commune_issuer_after_the_2025_reform() -> None:
    plan = extract_plan(FIXTURES / "nghia-hung-2025.txt")
    assert plan["issuer"] == {"level": "xã", "name": "Nghĩa Hưng"}
    assert plan["doc_number"] == "45/KH-UBND"
    assert plan["issued_date"] == "2025-08-12"
    assert plan["signer"] == {"name": "Trần Văn Nam", "title": "CHỦ TỊCH"}
    tasks = {t["number"]: t for t in plan["tasks"]}
    assert tasks["1.a"]["coordinating_units"] == ["Đoàn Thanh niên xã", "Hội Liên hiệp Phụ nữ xã"]
    assert tasks["2.a"]["timeframe"] == "từ ngày 01/5/2025 đến ngày 31/8/2025"


def test_blank_number_and_date_give_null() -> None:
    plan = extract_plan(FIXTURES / "phuong-an-binh-2025.txt")
    assert plan["doc_number"] is None
    assert plan["issued_date"] is None
    assert plan["issuer"] == {"level": "phường", "name": "An Bình"}
    text = "Số: /KH-UBND\nMỹ Hào, ngày tháng năm 2025\nKẾ HOẠCH\nCông tác trẻ em năm 2025\n"
    plan = extract_text(text)
    assert plan["doc_number"] is None
    assert plan["issued_date"] is None
    assert plan["year"] == 2025


def test_references_are_unique_without_spaces_and_typed() -> None:
    plan = extract_plan(FIXTURES / "nghia-hung-2025.txt")
    refs = {r["number"]: r for r in plan["references"]}
    assert refs["1234/QĐ-UBND"] == {
        "number": "1234/QĐ-UBND",
        "kind": "Quyết định",
        "date": "2025-07-15",
    }
    assert "45/KH-UBND" not in refs  # the plan's own number is not a reference
    plan = extract_text(
        "KẾ HOẠCH\nX năm 2023\nThực hiện Kế hoạch số 63/KH- SLĐTBOXH ngày "
        "03/4/2023 và Kế hoạch số 63/KH-SLĐTBOXH; Chỉ thị số 28 CT/TW.\n"
    )
    assert [r["number"] for r in plan["references"]] == ["63/KH-SLĐTBOXH", "28-CT/TW"]


# ------------------------------------------------------------------ Word


def _write_docx(text: str, path: Path) -> None:
    import docx

    document = docx.Document()
    lines = text.splitlines()
    header_end = next(i for i, line in enumerate(lines) if line.startswith("KẾ HOẠCH"))
    table = document.add_table(rows=1, cols=2)
    left = [x for x in lines[:header_end] if x.strip()][:2]
    right = [x for x in lines[:header_end] if x.strip()][2:]
    table.cell(0, 0).text = "\n".join(left)
    table.cell(0, 1).text = "\n".join(right)
    in_tasks = False
    for line in lines[header_end:]:
        if re.match(r"^[IVX]+\. ", line):
            in_tasks = "NHIỆM VỤ" in line
        top = re.match(r"^\d+\. (.*)$", line)
        if in_tasks and top:
            # Word's own list numbering: the number is not in the text.
            document.add_paragraph(top.group(1), style="List Number")
        else:
            document.add_paragraph(line)
    document.save(str(path))


def test_docx_extracts_like_its_text(tmp_path: Path) -> None:
    source = FIXTURES / "nghia-hung-2025.txt"
    target = tmp_path / "plan.docx"
    _write_docx(source.read_text(encoding="utf-8"), target)
    from_docx = extract_plan(target)
    from_text = extract_plan(source)
    assert from_docx == from_text
    assert [t["number"] for t in from_docx["tasks"]][:2] == ["1", "1.a"]


# ------------------------------------------------------------------ PDF


def _wrapped_lines(text: str, width: int = 85) -> list[str]:
    out: list[str] = []
    for para in text.splitlines():
        out.extend(textwrap.wrap(para, width) or [""])
    return out


@pytest.mark.parametrize("name", SYNTHETIC)
def test_text_pdf_extracts_like_its_text(tmp_path: Path, name: str) -> None:
    source = FIXTURES / f"{name}.txt"
    target = tmp_path / f"{name}.pdf"
    write_text_pdf(_wrapped_lines(source.read_text(encoding="utf-8")), target)
    from_pdf = extract_plan(target)
    from_text = extract_plan(source)
    for key in ("title", "year", "doc_number", "issued_date", "issuer", "signer", "references"):
        assert from_pdf[key] == from_text[key], key
    assert [(t["value"], t["section"]) for t in from_pdf["targets"]] == [
        (t["value"], t["section"]) for t in from_text["targets"]
    ]
    strip = ("number", "lead_units", "coordinating_units", "timeframe")
    assert [{k: t[k] for k in strip} for t in from_pdf["tasks"]] == [
        {k: t[k] for k in strip} for t in from_text["tasks"]
    ]
    assert [u["name"] for u in from_pdf["units"]] == [u["name"] for u in from_text["units"]]
    assert from_pdf["report_deadlines"] == from_text["report_deadlines"]
    _assert_good(_scores(FIXTURES / f"{name}.json", from_pdf))


def test_scanned_pdf_asks_for_ocr(tmp_path: Path) -> None:
    target = tmp_path / "scan.pdf"
    write_image_pdf(target)
    with pytest.raises(ScannedDocumentError) as exc:
        extract_plan(target)
    assert "scan" in str(exc.value)
    assert "OCR" in str(exc.value)


def test_unsupported_format_has_a_vietnamese_message(tmp_path: Path) -> None:
    target = tmp_path / "plan.doc"
    target.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnsupportedFormatError, match=r"\.docx"):
        extract_plan(target)


def test_command_line_exits_1_with_message_on_stderr(tmp_path: Path) -> None:
    target = tmp_path / "scan.pdf"
    write_image_pdf(target)
    done = subprocess.run(
        [sys.executable, "-m", "treem.plans.extraction", str(target)],
        capture_output=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 1
    assert "OCR" in done.stderr.decode("utf-8")
    assert done.stdout == b""


# ------------------------------------------------------------------ timeframes


@pytest.mark.parametrize(
    ("text", "start", "end", "recurrence"),
    [
        ("Thường xuyên trong năm", date(2025, 1, 1), date(2025, 12, 31), "continuous"),
        ("Quý IV", date(2025, 10, 1), date(2025, 12, 31), None),
        ("Quý III/2024", date(2024, 7, 1), date(2024, 9, 30), None),
        ("Tháng 6/2025", date(2025, 6, 1), date(2025, 6, 30), None),
        ("từ ngày 03/10/2025 đến ngày 06/10/2025", date(2025, 10, 3), date(2025, 10, 6), None),
        ("từ ngày 01/6 đến ngày 30/6", date(2025, 6, 1), date(2025, 6, 30), None),
        ("6 tháng đầu năm", date(2025, 1, 1), date(2025, 6, 30), None),
        ("Trước ngày 30/9/2025", None, date(2025, 9, 30), None),
        ("Theo các vụ việc, vấn đề", None, None, "on_demand"),
    ],
)
def test_parse_timeframe(
    text: str, start: date | None, end: date | None, recurrence: str | None
) -> None:
    tf = parse_timeframe(text, 2025)
    assert (tf.start, tf.end, tf.recurrence) == (start, end, recurrence)


def test_parse_timeframe_peak_months() -> None:
    tf = parse_timeframe("Thường xuyên trong năm, cao điểm vào tháng 5, tháng 6", 2025)
    assert tf.recurrence == "continuous"
    assert tf.peaks == [(date(2025, 5, 1), date(2025, 6, 30))]
    assert tf.as_dict()["peaks"] == [{"start": "2025-05-01", "end": "2025-06-30"}]
