"""Fill untranslated msgstr entries of a .po file from a JSON glossary {msgid: msgstr}.

Usage: python scripts/po_fill.py treem/locale/en/LC_MESSAGES/django.po scripts/en_glossary.json
Reports the msgids still untranslated, so a translator knows what is left. An entry with a
msgctxt is looked up as "msgctxt\u0004msgid" (the key gettext itself uses).

Entries are parsed whole: a msgid or msgstr may span several quoted lines. An entry
counts as untranslated when its msgstr is empty or it is marked fuzzy (a guess by
msgmerge, which compilemessages ignores); filling it writes the msgstr on one line
and drops the fuzzy flag and the "#|" previous-msgid lines. Plural entries are
reported, not filled.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

KEYWORD = re.compile(r'^(?P<key>msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(?P<val>.*)"$')
CONTINUATION = re.compile(r'^"(?P<val>.*)"$')
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), s)


def escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # keyword -> unescaped text
    lines: list[str] = field(default_factory=list)  # original keyword lines, verbatim

    @property
    def fuzzy(self) -> bool:
        return any(c.startswith("#,") and "fuzzy" in c for c in self.comments)


def parse(block: str) -> Entry | None:
    entry, key = Entry(), ""
    for line in block.splitlines():
        if line.startswith("#"):
            entry.comments.append(line)
        elif m := KEYWORD.match(line):
            key = m.group("key")
            entry.fields[key] = unescape(m.group("val"))
            entry.lines.append(line)
        elif (m := CONTINUATION.match(line)) and key:
            entry.fields[key] += unescape(m.group("val"))
            entry.lines.append(line)
        else:
            return None  # not an entry we understand: leave the block alone
    return entry if "msgid" in entry.fields else None


def fill(entry: Entry, translated: str) -> str:
    comments = []
    for c in entry.comments:
        if c.startswith("#|"):
            continue
        if c.startswith("#,"):
            flags = [f.strip() for f in c[2:].split(",") if f.strip() != "fuzzy"]
            if not flags:
                continue
            c = "#, " + ", ".join(flags)
        comments.append(c)
    keep = []
    for line in entry.lines:
        if line.startswith("msgstr"):
            break
        keep.append(line)
    return "\n".join([*comments, *keep, f'msgstr "{escape(translated)}"'])


def main() -> int:
    po_path, glossary_path = Path(sys.argv[1]), Path(sys.argv[2])
    glossary: dict[str, str] = json.loads(glossary_path.read_text("utf-8"))
    blocks = po_path.read_text("utf-8").rstrip("\n").split("\n\n")
    missing: list[str] = []
    plurals: list[str] = []
    for i, block in enumerate(blocks):
        entry = parse(block)
        if entry is None or not entry.fields["msgid"]:
            continue  # header, obsolete or unparsable block
        msgid = entry.fields["msgid"]
        if "msgid_plural" in entry.fields:
            if entry.fuzzy or not all(v for k, v in entry.fields.items() if k.startswith("msgstr")):
                plurals.append(msgid)
            continue
        if entry.fields.get("msgstr") and not entry.fuzzy:
            continue
        # an entry with a context is looked up as "context\u0004msgid" (gettext's own key)
        key = f"{entry.fields['msgctxt']}\x04{msgid}" if "msgctxt" in entry.fields else msgid
        translated = glossary.get(key)
        if translated is None:
            missing.append(msgid)
            continue
        blocks[i] = fill(entry, translated)
    po_path.write_text("\n\n".join(blocks) + "\n", "utf-8")
    for msgid in missing:
        print(f"untranslated: {json.dumps(msgid, ensure_ascii=False)}")
    for msgid in plurals:
        print(f"plural (fill by hand): {json.dumps(msgid, ensure_ascii=False)}")
    print(f"{len(missing)} untranslated, {len(plurals)} plural")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
