"""``python -m treem.plans.extraction FILE``: print the plan-extraction JSON."""

from __future__ import annotations

import json
import sys

from . import ExtractionError, extract_plan


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("Cách dùng: python -m treem.plans.extraction TỆP\n")
        return 2
    try:
        plan = extract_plan(args[0])
    except ExtractionError as exc:
        sys.stderr.buffer.write(f"Lỗi: {exc}\n".encode())
        return 1
    sys.stdout.buffer.write(json.dumps(plan, ensure_ascii=False, indent=1).encode("utf-8"))
    sys.stdout.buffer.write(b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
