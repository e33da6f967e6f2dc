"""Fill empty msgstr entries of a .po file from a JSON glossary {msgid: msgstr}.

Usage: python scripts/po_fill.py treem/locale/en/LC_MESSAGES/django.po scripts/en_glossary.json
Reports the msgids still untranslated, so a translator knows what is left.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(r'(msgid "(?P<id>(?:[^"\\]|\\.)*)"\nmsgstr ")(?P<str>(?:[^"\\]|\\.)*)(")', re.M)


def main() -> int:
    po_path, glossary_path = Path(sys.argv[1]), Path(sys.argv[2])
    glossary: dict[str, str] = json.loads(glossary_path.read_text("utf-8"))
    text = po_path.read_text("utf-8")
    missing: list[str] = []

    def fill(m: re.Match[str]) -> str:
        msgid = m.group("id")
        if not msgid or m.group("str"):
            return m.group(0)
        translated = glossary.get(msgid.replace('\\"', '"'))
        if translated is None:
            missing.append(msgid)
            return m.group(0)
        escaped = translated.replace("\\", "\\\\").replace('"', '\\"')
        return f"{m.group(1)}{escaped}{m.group(4)}"

    po_path.write_text(ENTRY.sub(fill, text), "utf-8")
    for msgid in missing:
        print(f"untranslated: {msgid}")
    print(f"{len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
