"""Codebooks as YAML files (the demo's is ``qualcode/demo_data/codebooks/three-tensions.yaml``):
validate, import into a project, export.

Format::

    codebook: Three tensions of co-sourcing
    languages: [en, nl]
    codes:
      - name: Authenticity            # unique among its siblings, no '/'
        labels: {nl: Authenticiteit}  # translations
        color: "#e57373"
        description: ...
        inclusion: ...                # when to apply
        exclusion: ...                # when not to
        examples: ["a quote", ...]
        codes: [...]                  # sub-codes, same shape

Importing is all-or-nothing: the file is checked whole before anything is written, codes are
matched by path, existing codes are updated and missing ones created; nothing is deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import func, select

from .codes import PALETTE, code_tree
from ..errors import ValidationError
from ..store.models import Code
from ..store.project import Project

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_TEXT_FIELDS = ("description", "inclusion", "exclusion")
_KNOWN = {"name", "labels", "color", "examples", "codes", *_TEXT_FIELDS}


@dataclass
class CodeSpec:
    name: str
    labels: dict = field(default_factory=dict)
    color: str | None = None
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: list = field(default_factory=list)
    children: list["CodeSpec"] = field(default_factory=list)
    guid: str | None = None  # REFI-QDA identity: a re-import updates the code with this GUID


@dataclass
class Codebook:
    title: str
    languages: list
    codes: list[CodeSpec]
    source: str = ""
    warnings: list = field(default_factory=list)  # deviations tolerated while reading

    def walk(self):
        def rec(specs, prefix):
            for spec in specs:
                path = f"{prefix}{spec.name}"
                yield path, spec
                yield from rec(spec.children, path + " / ")
        yield from rec(self.codes, "")


def parse_codebook(text: str, origin: str = "codebook") -> Codebook:
    from ..ingest.limits import LimitError, safe_yaml_load

    try:
        data = safe_yaml_load(text)
    except LimitError as exc:
        raise ValidationError(f"{origin}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ValidationError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise ValidationError(f"{origin}: expected a mapping with a 'codes:' list")
    codes = _specs(data["codes"], origin, "")
    return Codebook(str(data.get("codebook") or "Codebook"), list(data.get("languages") or []),
                    codes, str(data.get("source") or ""))


def _specs(items, origin: str, prefix: str) -> list[CodeSpec]:
    specs, seen = [], set()
    for i, item in enumerate(items, 1):
        where = f"{origin}: code {prefix}#{i}"
        if not isinstance(item, dict):
            raise ValidationError(f"{where}: each code must be a mapping with at least 'name'")
        unknown = set(item) - _KNOWN
        if unknown:
            raise ValidationError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        name = str(item.get("name") or "").strip()
        if not name or "/" in name:
            raise ValidationError(f"{where}: a code needs a name without '/'")
        if name in seen:
            raise ValidationError(f"{origin}: code '{prefix}{name}' appears twice")
        seen.add(name)
        color = item.get("color")
        if color is not None and not _COLOR.match(str(color)):
            raise ValidationError(f"{origin}: code '{prefix}{name}': colour must look like #a1b2c3")
        labels = item.get("labels") or {}
        examples = item.get("examples") or []
        if not isinstance(labels, dict) or not isinstance(examples, list):
            raise ValidationError(f"{origin}: code '{prefix}{name}': 'labels' must be a mapping "
                                  "and 'examples' a list")
        children = item.get("codes") or []
        if not isinstance(children, list):
            raise ValidationError(f"{origin}: code '{prefix}{name}': 'codes' must be a list")
        specs.append(CodeSpec(
            name=name, labels={str(k): str(v) for k, v in labels.items()},
            color=str(color).lower() if color else None,
            examples=[str(e) for e in examples],
            children=_specs(children, origin, f"{prefix}{name} / "),
            **{f: str(item.get(f) or "").strip() for f in _TEXT_FIELDS}))
    return specs


def read_codebook(path: str | Path) -> Codebook:
    """A qualcode YAML codebook file (other formats: ``qualcode.exchange.codebook_files``)."""
    path = Path(path)
    if path.suffix.lower() in (".qdc", ".qdpx", ".qde"):
        raise ValidationError(f"{path.name}: not a YAML codebook; read REFI-QDA codebooks "
                              "with qualcode.exchange.codebook_files.load_codebook")
    return yaml_codebook(codebook_bytes(path), path.name)


def codebook_bytes(path: Path) -> bytes:
    """The bytes of a codebook file, or a clear error naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read the codebook ({exc.strerror or exc})") from exc


def yaml_codebook(data: bytes, name: str) -> Codebook:
    """A YAML codebook from the bytes of file ``name``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{name}: a YAML codebook must be UTF-8 text") from exc
    return parse_codebook(text, name)


def import_codebook(project: Project, codebook: Codebook | str | Path) -> dict:
    """Create or update the codebook's codes in one transaction (document managers and
    admins: the manage-codebook permission). Returns counts."""
    from ..store.permissions import MANAGE_CODEBOOK, require

    require(project, MANAGE_CODEBOOK)
    if not isinstance(codebook, Codebook):
        codebook = read_codebook(codebook)
    created = updated = 0
    with project.transaction() as s:
        count = s.query(Code).count()

        def by_guid(spec, parent_key: int) -> Code | None:
            """The code with the spec's GUID, moved and renamed to where the spec puts it."""
            if not spec.guid:
                return None
            code = s.scalar(select(Code).where(func.lower(Code.guid) == spec.guid.lower()))
            if code is None or (code.parent_key, code.name) == (parent_key, spec.name):
                return code
            clash = s.scalar(select(Code.id).where(Code.parent_key == parent_key,
                                                   Code.name == spec.name))
            ancestor = s.get(Code, parent_key) if parent_key else None
            while ancestor is not None and ancestor.id != code.id:
                ancestor = s.get(Code, ancestor.parent_id) if ancestor.parent_id else None
            if clash is None and ancestor is None:
                code.name, code.parent_id, code.parent_key = spec.name, parent_key or None, parent_key
                s.flush()
            return code

        def rec(specs, parent: Code | None):
            nonlocal created, updated, count
            for position, spec in enumerate(specs):
                parent_key = parent.id if parent else 0
                code = by_guid(spec, parent_key) or s.scalar(select(Code).where(
                    Code.parent_key == parent_key, Code.name == spec.name))
                if code is None:
                    guid_free = spec.guid and s.scalar(select(Code.id).where(
                        func.lower(Code.guid) == spec.guid.lower())) is None
                    code = Code(name=spec.name, parent_id=parent.id if parent else None,
                                parent_key=parent_key, position=position,
                                color=spec.color or PALETTE[count % len(PALETTE)],
                                **({"guid": spec.guid} if guid_free else {}))
                    s.add(code)
                    created += 1
                    count += 1
                else:
                    updated += 1
                    if spec.color:
                        code.color = spec.color
                code.labels = {**(code.labels or {}), **spec.labels}
                for f in _TEXT_FIELDS:
                    if getattr(spec, f):
                        setattr(code, f, getattr(spec, f))
                code.examples = list(dict.fromkeys([*(code.examples or []), *spec.examples]))
                s.flush()
                rec(spec.children, code)

        rec(codebook.codes, None)
    return {"created": created, "updated": updated}


def export_codebook(project: Project, title: str = "Codebook") -> str:
    """The project's codebook as YAML text, in the format above."""
    nodes = code_tree(project)
    by_parent: dict[int | None, list[Code]] = {}
    for node in nodes:
        by_parent.setdefault(node.code.parent_id, []).append(node.code)

    def rec(parent):
        out = []
        for code in by_parent.get(parent, []):
            item: dict = {"name": code.name}
            if code.labels:
                item["labels"] = dict(code.labels)
            item["color"] = code.color
            for f in _TEXT_FIELDS:
                if getattr(code, f):
                    item[f] = getattr(code, f)
            if code.examples:
                item["examples"] = list(code.examples)
            children = rec(code.id)
            if children:
                item["codes"] = children
            out.append(item)
        return out

    languages = sorted({"en", *(k for n in nodes for k in (n.code.labels or {}))})
    doc = {"codebook": title, "languages": languages, "codes": rec(None)}
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
