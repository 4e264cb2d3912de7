"""The demo project: the sample interviews in ``demo_data/transcripts/``, the three-tensions
codebook in ``demo_data/codebooks/`` and demo codings located by their quoted text (all shipped
in the wheel as package data)."""

from __future__ import annotations

from pathlib import Path

import yaml

from .coding.codebook import import_codebook
from .coding.status import CODED, mark_by_name
from .coding.codes import find_code
from .coding.codings import add_coding
from .errors import ValidationError
from .corpus import ingest_folder
from .store.project import Project
from .corpus.transcripts import get_transcript

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
DEMO_TRANSCRIPTS = DEMO_DATA / "transcripts"
DEMO_CODEBOOK = DEMO_DATA / "codebooks" / "three-tensions.yaml"
DEMO_CODINGS = DEMO_TRANSCRIPTS / "demo-codings.yaml"
DEMO_MODEL = DEMO_DATA / "codebooks" / "three-tensions-model.yaml"


def apply_quote_codings(project: Project, path: Path, coder: str = "demo") -> int:
    """Apply codings given as ``{transcript: [[code path, quoted text], ...]}``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    n = 0
    for transcript_name, items in (data.get("codings") or {}).items():
        transcript = get_transcript(project, transcript_name)
        for code_path, quote in items:
            start = transcript.text.find(quote)
            if start < 0:
                raise ValidationError(f"{path.name}: quote not found in '{transcript_name}': {quote!r}")
            code = find_code(project, code_path)
            add_coding(project, transcript.id, code.id, start, start + len(quote), coder=coder)
            n += 1
    return n


def load_demo(project: Project, *, with_codings: bool = True) -> dict:
    report = ingest_folder(project, DEMO_TRANSCRIPTS)
    counts = import_codebook(project, DEMO_CODEBOOK)
    codings = apply_quote_codings(project, DEMO_CODINGS) if with_codings else 0
    if with_codings:  # the demo interviews are coded completely: mark them so
        mark_by_name(project, report.added, CODED)
    return {"transcripts": len(report.added), "codes": counts["created"], "codings": codings,
            "errors": report.errors}


def load_demo_model(project: Project, path: Path = DEMO_MODEL, coder: str = "demo") -> int:
    """The demo's axial model (``three-tensions-model.yaml``): relations between codes, each
    citing as its evidence the codings of its two codes in the interviews where both occur,
    the core category and its storyline memo. Returns the number of relations."""
    from .coding.codings import all_codings
    from .coding.paradigm import set_core_category, set_storyline
    from .coding.relations import add_relation

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    codings = all_codings(project)
    n = 0
    for rel in data.get("relations") or []:
        source, target = find_code(project, rel["source"]), find_code(project, rel["target"])
        both = ({c.transcript_id for c in codings if c.code_id == source.id}
                & {c.transcript_id for c in codings if c.code_id == target.id})
        evidence = [c.id for c in codings
                    if c.transcript_id in both and c.code_id in (source.id, target.id)]
        add_relation(project, source.id, target.id, rel["type"],
                     directed=rel.get("directed", True), memo=rel.get("memo", ""),
                     evidence=evidence, author=coder)
        n += 1
    if data.get("core"):
        set_core_category(project, find_code(project, data["core"]).id)
        if data.get("storyline"):
            set_storyline(project, data["storyline"], author=coder)
    return n


def ensure_demo(project: Project) -> bool:
    """Load the demo into an empty project, with its axial model (the app's first start);
    returns True when it did."""
    if not project.is_empty():
        return False
    load_demo(project)
    load_demo_model(project)
    return True
