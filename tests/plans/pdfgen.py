"""Write small text PDFs by hand (no PDF library is installed for writing).

Text is set in Courier with a one-byte encoding built per document and a
ToUnicode map, so Vietnamese letters extract back exactly.
"""

from __future__ import annotations

from pathlib import Path

LINES_PER_PAGE = 60


def _cmap(mapping: dict[int, str]) -> bytes:
    entries = sorted(mapping.items())
    chunks = []
    for i in range(0, len(entries), 100):
        block = entries[i : i + 100]
        body = "\n".join(f"<{code:02X}> <{ord(ch):04X}>" for code, ch in block)
        chunks.append(f"{len(block)} beginbfchar\n{body}\nendbfchar")
    text = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
        + "\n".join(chunks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    return text.encode("ascii")


def _write(objects: list[bytes], path: Path) -> None:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))


def _stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"


def write_text_pdf(lines: list[str], path: Path) -> None:
    """A PDF whose pages show ``lines`` (already wrapped), 60 per page."""
    mapping: dict[int, str] = {}
    reverse: dict[str, int] = {}
    free = [c for c in range(1, 256) if not 32 <= c <= 126]
    for ch in sorted({c for line in lines for c in line}):
        if 32 <= ord(ch) <= 126:
            code = ord(ch)
        else:
            if not free:
                raise ValueError("too many distinct characters for one font")
            code = free.pop(0)
        mapping[code] = ch
        reverse[ch] = code
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    n_pages = len(pages)
    # objects: 1 catalog, 2 pages, 3 font, 4 cmap, then (page, content) pairs
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(n_pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode(),
        (
            "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /FirstChar 0 /LastChar 255 "
            f"/Widths [{' '.join(['600'] * 256)}] /ToUnicode 4 0 R >>"
        ).encode(),
        _stream(_cmap(mapping)),
    ]
    for i, page in enumerate(pages):
        ops = ["BT", "/F1 10 Tf", "12 TL", "50 800 Td"]
        for line in page:
            hexed = "".join(f"{reverse[c]:02X}" for c in line)
            ops.append(f"<{hexed}> Tj T*")
        ops.append("ET")
        content = "\n".join(ops).encode("ascii")
        objects.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                f"/Resources << /Font << /F1 3 0 R >> >> /Contents {6 + 2 * i} 0 R >>"
            ).encode()
        )
        objects.append(_stream(content))
    _write(objects, path)


def write_image_pdf(path: Path, pages: int = 2) -> None:
    """A 'scanned' PDF: each page only paints a grey image, no text layer."""
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    for i in range(pages):
        content = b"q 495 0 0 742 50 50 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x80\x90\xa0\xb0 EI Q"
        objects.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                f"/Resources << >> /Contents {4 + 2 * i} 0 R >>"
            ).encode()
        )
        objects.append(_stream(content))
    _write(objects, path)
