"""Accessibility checks every generated PDF must pass (shared by the apps' PDF tests).

Two independent tools: ``pdfua`` (machine-checkable PDF/UA-1 rules) and poppler's ``pdfinfo``
(what a viewer reads from the file). Neither is mocked; both read the real bytes.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import pdfua
import pikepdf


def pdfinfo(content: bytes) -> dict[str, str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        output = subprocess.run(
            ["pdfinfo", handle.name], check=True, capture_output=True, text=True, timeout=60
        ).stdout
    info = {}
    for line in output.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


REPLACED_RULES = {"UA-14-001"}


def pdfua_errors(content: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(content)
        report = pdfua.validate(str(path))
    errors = [
        f"{finding.rule_id}: {finding.message}"
        for finding in report.findings
        if finding.severity >= pdfua.Severity.ERROR
    ]
    # A rule that could not run would hide a problem as well as a pass would. pdfua 0.1.3's
    # empty-heading rule crashes on every heading whose /K is an array (it asks a pikepdf Array
    # for an attribute, which pikepdf answers with ValueError); heading_outline() below checks
    # the same thing (and the order of the levels) on the structure tree instead.
    errors += [
        f"{outcome.rule_id} skipped: {outcome.skipped_reason}"
        for outcome in report.skipped
        if outcome.rule_id not in REPLACED_RULES
    ]
    return errors


def assert_accessible_pdf(content: bytes, *, title: str) -> None:
    """``content`` is tagged PDF/UA-1 in German, titled ``title``, with no pdfua error."""
    assert content.startswith(b"%PDF-"), content[:40]
    info = pdfinfo(content)
    assert info["Tagged"] == "yes", info
    assert info["Title"] == title, info
    errors = pdfua_errors(content)
    assert not errors, "\n".join(errors)
    outline = heading_outline(content)
    assert outline and outline[0] == 1, outline
    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root
        assert str(root.Lang).startswith("de"), root.get("/Lang")
        assert bool(root.MarkInfo.Marked) is True, root.get("/MarkInfo")
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True, root.get("/ViewerPreferences")
        xmp = pdf.open_metadata()
        assert xmp.get("dc:title") == title, str(xmp)
        assert xmp.get("pdfuaid:part") == "1", str(xmp)


def _marks_content(node) -> bool:
    """True if a structure element reaches at least one marked-content id (it shows text)."""
    if isinstance(node, int) and not isinstance(node, bool):
        return True
    if isinstance(node, pikepdf.Array):
        return any(_marks_content(item) for item in node)
    if isinstance(node, pikepdf.Dictionary):
        if node.get("/Type") == pikepdf.Name("/MCR"):
            return True
        kid = node.get("/K")
        return kid is not None and _marks_content(kid)
    return False


def _walk(node, found: list) -> None:
    if isinstance(node, pikepdf.Array):
        for item in node:
            _walk(item, found)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        found.append(node)
        kid = node.get("/K")
        if kid is not None:
            _walk(kid, found)


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element of an open ``pdf`` in document order."""
    found: list = []
    _walk(pdf.Root.StructTreeRoot.get("/K"), found)
    return found


def struct_roles(content: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return [str(element.S) for element in struct_elements(pdf)]


def heading_outline(content: bytes) -> list[int]:
    """The heading levels in document order; fails on an empty heading or a skipped level."""
    levels = []
    with pikepdf.open(io.BytesIO(content)) as pdf:
        for element in struct_elements(pdf):
            role = str(element.S)
            if len(role) == 3 and role.startswith("/H") and role[2].isdigit():
                assert _marks_content(element.get("/K")), f"empty heading {role}"
                level = int(role[2])
                previous = levels[-1] if levels else 0
                assert level <= previous + 1, f"heading {role} after H{previous}"
                levels.append(level)
    return levels
