"""Time plan extraction per document.

Usage: python bench/bench_extract.py [FILE_OR_DIR ...] [--repeat N]

Without arguments it times the shared seeds (../shared/plans/seeds), the
synthetic fixtures in tests/plans/fixtures, and a PDF and a .docx made from
one of them. Prints per-document figures (best and mean of N runs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.plans.pdfgen import write_text_pdf  # noqa: E402
from treem.plans.extraction import extract_plan  # noqa: E402


def default_files(tmp: Path) -> list[Path]:
    files = sorted((REPO.parent / "shared" / "plans" / "seeds").glob("*.txt"))
    files += sorted((REPO / "tests" / "plans" / "fixtures").glob("*.txt"))
    if files:
        lines: list[str] = []
        for para in files[0].read_text(encoding="utf-8").splitlines():
            lines.extend(textwrap.wrap(para, 85) or [""])
        pdf = tmp / f"{files[0].stem}.pdf"
        write_text_pdf(lines, pdf)
        files.append(pdf)
        import docx

        document = docx.Document()
        for para in files[0].read_text(encoding="utf-8").splitlines():
            document.add_paragraph(para)
        target = tmp / f"{files[0].stem}.docx"
        document.save(str(target))
        files.append(target)
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        files: list[Path] = []
        for p in args.paths:
            files.extend(sorted(x for x in p.iterdir() if x.is_file()) if p.is_dir() else [p])
        if not files:
            files = default_files(Path(tmpdir))
        t0 = time.perf_counter()
        extract_plan(files[0])  # warm up imports
        print(f"first call (imports included): {time.perf_counter() - t0:.3f} s")
        print(f"{'document':32s} {'KiB':>6s} {'best ms':>8s} {'mean ms':>8s} {'tasks':>5s}")
        worst = 0.0
        for path in files:
            runs = []
            plan: dict[str, object] = {}
            for _ in range(args.repeat):
                t = time.perf_counter()
                plan = extract_plan(path)
                runs.append(time.perf_counter() - t)
            worst = max(worst, max(runs))
            tasks = plan.get("tasks")
            n_tasks = len(tasks) if isinstance(tasks, list) else 0
            print(
                f"{path.name:32s} {path.stat().st_size / 1024:6.1f} {min(runs) * 1000:8.1f} "
                f"{statistics.mean(runs) * 1000:8.1f} {n_tasks:5d}"
            )
        print(f"slowest single run: {worst * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
