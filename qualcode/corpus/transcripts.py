"""Storing and querying transcripts: canonical text, speaker turns and transcript attributes
(facts of one interview; the people who speak are cases, qualcode.corpus.cases)."""

from __future__ import annotations

from bisect import bisect_right

import math
import time

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from .cases import CaseIndex, case_ids_for
from ..errors import BusyError, ConflictError, DuplicateError, NotFound, ValidationError
from ..ingest.document import IngestedDocument
from ..store.models import Coding, Transcript, Turn
from ..store.concurrency import check_version
from ..store.clean import BAD_CHARS, clean, clean_line
from ..store.project import Project, get_row


def add_transcript(
    project: Project,
    doc: IngestedDocument,
    name: str,
    source_filename: str | None = None,
    attributes: dict | None = None,
    on_stored=None,
) -> Transcript:
    """Store an ingested document. Raises DuplicateError if the same text is already stored
    (also when another upload of it commits at the same moment). ``on_stored(session,
    transcript)`` runs in the same transaction (e.g. to add codings from Word comments)."""
    name = clean_line(name or "")
    if not name:
        raise ValidationError("a transcript needs a name")
    attrs = {**doc.attributes, **(attributes or {})}
    order = attrs.pop("interview_order", attrs.pop("order", None))
    if order is not None:
        order = _as_order(order)
    for attempt in range(3):
        try:
            return _store(project, doc, name, source_filename, attrs, order, on_stored)
        except (OperationalError, BusyError) as exc:  # SQLite: another writer held the lock
            if isinstance(exc, OperationalError) and "locked" not in str(exc):
                raise
            if attempt == 2:
                raise ValidationError(f"'{source_filename or name}' could not be stored: the "
                                      "project is busy; try again") from None
            time.sleep(0.2 * (attempt + 1))
        except (IntegrityError, ConflictError):  # e.g. the same upload committed meanwhile
            with project.reading() as s:
                existing = s.scalar(select(Transcript.name)
                                    .where(Transcript.content_hash == doc.content_hash))
            if existing is not None:
                raise DuplicateError(
                    f"'{source_filename or name}' has the same text as transcript "
                    f"'{existing}', which is already in the project") from None
            if attempt == 2:
                raise ValidationError(f"'{source_filename or name}' could not be stored: "
                                      "another upload took its name at the same moment") from None
    raise AssertionError("unreachable")


def _store(project, doc, name, source_filename, attrs, order, on_stored) -> Transcript:
    if BAD_CHARS.search(doc.text):  # the readers' canonical text never holds them
        raise ValidationError(f"'{source_filename or name}': the text holds control characters; "
                              "read files through qualcode.ingest")
    with project.transaction() as s:
        existing = s.scalar(select(Transcript).where(Transcript.content_hash == doc.content_hash))
        if existing is not None:
            raise DuplicateError(
                f"'{source_filename or name}' has the same text as transcript "
                f"'{existing.name}', which is already in the project"
            )
        name = _free_name(s, name)
        # no order given: left empty, and derived from a date attribute or the name
        # (analysis/interview_order.py), never from the order in which files happened to arrive
        transcript = Transcript(
            name=name,
            text=doc.text,
            content_hash=doc.content_hash,
            source_filename=source_filename,
            source_format=doc.source_format,
            encoding=doc.encoding,
            language=doc.language,
            interview_order=order,
            attributes=attrs,
        )
        s.add(transcript)
        s.flush()
        if doc.turns:  # one multi-row INSERT: 200k turns stay fast
            s.execute(insert(Turn), _turn_rows(transcript, doc.turns, CaseIndex(s)))
        if on_stored is not None:
            on_stored(s, transcript)
    return transcript


def add_transcripts(project: Project, docs: list[tuple[str, IngestedDocument]],
                    source_filename: str | None = None, attributes: dict | None = None
                    ) -> tuple[list[Transcript], list[str]]:
    """Store many ``(name, document)`` pairs cut from one file (survey rows) in one
    transaction: returns the
    stored transcripts and a message per duplicate. If another upload commits the same text
    at the same moment, falls back to storing them one by one."""
    prepared = []
    for name, doc in docs:
        name = clean_line(name or "")
        if not name:
            raise ValidationError("a transcript needs a name")
        if BAD_CHARS.search(doc.text):
            raise ValidationError(f"'{name}': the text holds control characters")
        attrs = {**doc.attributes, **(attributes or {})}
        order = attrs.pop("interview_order", attrs.pop("order", None))
        prepared.append((doc, name, attrs, None if order is None else _as_order(order)))
    try:
        with project.transaction() as s:
            hashes = [d.content_hash for d, *_ in prepared]
            existing = {}
            for i in range(0, len(hashes), 500):
                existing.update(s.execute(select(Transcript.content_hash, Transcript.name)
                                          .where(Transcript.content_hash.in_(hashes[i:i + 500]))).all())
            taken = set(s.scalars(select(Transcript.name)))
            order_next = (s.scalar(select(func.max(Transcript.interview_order))) or 0) + 1
            added, duplicates = [], []
            for doc, name, attrs, order in prepared:
                if doc.content_hash in existing:
                    duplicates.append(f"'{source_filename or name}': '{name}' has the same text as "
                                      f"transcript '{existing[doc.content_hash]}', which is "
                                      "already in the project")
                    continue
                name = _free_name(s, name, taken)
                taken.add(name)
                existing[doc.content_hash] = name
                if order is None:
                    order, order_next = order_next, order_next + 1
                transcript = Transcript(
                    name=name, text=doc.text, content_hash=doc.content_hash,
                    source_filename=source_filename, source_format=doc.source_format,
                    encoding=doc.encoding, language=doc.language, interview_order=order,
                    attributes=attrs)
                s.add(transcript)
                added.append((transcript, doc))
            s.flush()
            index = CaseIndex(s)
            rows = [row for t, doc in added for row in _turn_rows(t, doc.turns, index)]
            if rows:
                s.execute(insert(Turn), rows)
        return [t for t, _doc in added], duplicates
    except (IntegrityError, OperationalError):
        added, duplicates = [], []
        for doc, name, attrs, order in prepared:
            try:
                added.append(add_transcript(project, doc, name, source_filename,
                                            {**attrs, "interview_order": order}
                                            if order is not None else attrs))
            except DuplicateError as exc:
                duplicates.append(str(exc))
        return added, duplicates


def _turn_rows(transcript: Transcript, turns: list, index: CaseIndex) -> list[dict]:
    """The rows of a new transcript's turns, each with the case of its speaker."""
    cases = case_ids_for(index, transcript.name, transcript.attributes or {}, turns)
    return [{"transcript_id": transcript.id, "index": i,
             "speaker": clean(t.speaker)[:255] if t.speaker else t.speaker,
             "start": t.start, "end": t.end, "time_start": t.time_start,
             "time_end": t.time_end, "case_id": case_id}
            for i, (t, case_id) in enumerate(zip(turns, cases))]


def _as_order(value) -> int:
    """A whole interview order; ``.inf``, NaN, 2.5 and text are refused with a clear message."""
    if isinstance(value, bool):
        raise ValidationError(f"interview order must be a whole number, not {value!r}")
    try:
        number = float(value)
        if not math.isfinite(number) or number != int(number):
            raise ValueError
        return int(number)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(f"interview order must be a whole number, not {value!r}") from None


def _free_name(session, name: str, taken: set[str] | None = None) -> str:
    """``name``, or ``name (2)``, ``name (3)``, … if taken. Only names that start like it are
    read (reading every name for every new transcript made big ingests quadratic)."""
    if taken is None:
        pattern = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + " (%"
        taken = set(session.scalars(select(Transcript.name).where(
            (Transcript.name == name) | Transcript.name.like(pattern, escape="\\"))))
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def list_transcripts(project: Project) -> list[Transcript]:
    """All transcripts in interview order: the explicit order, else an interview-date attribute,
    else a natural sort of the names (see analysis/interview_order.py)."""
    from .order import order_transcripts

    with project.reading() as s:
        transcripts = list(s.scalars(select(Transcript)))
    return [p.transcript for p in order_transcripts(transcripts)]


def transcript_overview(project: Project) -> list[dict]:
    """One row per transcript in interview order: the rows of ``qualcode transcripts --json``
    (name, order, order_source, status, format, characters, turns, speakers, timestamps,
    codings, media: the attached recording's file name or None, timed_turns: turns with a
    start time)."""
    from .media import media_names
    from .order import order_transcripts
    from ..coding.status import coding_counts, status_of

    with project.reading() as s:
        transcripts = list(s.scalars(select(Transcript)))
        turn_rows = s.execute(select(Turn.transcript_id, Turn.speaker,
                                     func.count(), func.count(Turn.time_start))
                              .group_by(Turn.transcript_id, Turn.speaker)).all()
    counts = coding_counts(project)
    recordings = media_names(project)
    speakers: dict[int, dict[str, int]] = {}
    turns: dict[int, int] = {}
    timed: dict[int, int] = {}
    for tid, speaker, n, with_time in turn_rows:
        turns[tid] = turns.get(tid, 0) + n
        timed[tid] = timed.get(tid, 0) + with_time
        if speaker:
            speakers.setdefault(tid, {})[speaker] = n
    rows = []
    for p in order_transcripts(transcripts):
        t = p.transcript
        rows.append({
            "name": t.name, "order": p.position, "order_source": p.source,
            "status": status_of(t.coding_status, counts.get(t.id, 0)),
            "format": t.source_format, "characters": len(t.text), "turns": turns.get(t.id, 0),
            "speakers": dict(sorted(speakers.get(t.id, {}).items(), key=lambda kv: -kv[1])),
            "timestamps": timed.get(t.id, 0), "codings": counts.get(t.id, 0),
            "media": recordings.get(t.id), "timed_turns": timed.get(t.id, 0)})
    return rows


def set_interview_order(project: Project, transcript_id: int, order: int | None) -> Transcript:
    """Set the explicit interview order, or clear it (None): the order is then derived from an
    interview-date attribute or the name."""
    with project.transaction() as s:
        transcript = get_row(s, Transcript, transcript_id, "transcript")
        transcript.interview_order = None if order is None else _as_order(order)
    return transcript


def get_transcript(project: Project, ref: int | str) -> Transcript:
    with project.reading() as s:
        column = Transcript.id if isinstance(ref, int) else Transcript.name
        transcript = s.scalar(select(Transcript).where(column == ref))
        if transcript is None:
            raise NotFound(f"no transcript {ref!r}")
        return transcript


def get_turns(project: Project, transcript_id: int) -> list[Turn]:
    with project.reading() as s:
        return list(s.scalars(select(Turn).where(Turn.transcript_id == transcript_id)
                              .order_by(Turn.index)))


KEEP = object()  # update_transcript: leave the interview order as it is


def update_transcript(project: Project, transcript_id: int, *, name: str | None = None,
                      interview_order=KEEP, attributes: dict | None = None,
                      attribute_changes: dict | None = None,
                      expected_version: int | None = None) -> Transcript:
    """Rename, reorder or replace the attributes of a transcript (its text never changes).
    ``interview_order=None`` clears the explicit order (it is then derived).
    ``attribute_changes`` sets (or, with None as value, removes) single attributes and keeps
    the others as they are now in the database, so concurrent edits of other keys survive.
    With ``expected_version`` a save over a colleague's newer change is refused."""
    with project.transaction() as s:
        transcript = get_row(s, Transcript, transcript_id, "transcript")
        check_version(s, transcript, expected_version, f"transcript '{transcript.name}'")
        if name is not None:
            name = clean_line(name)
            if not name:
                raise ValidationError("a transcript needs a name")
            clash = s.scalar(select(Transcript.id).where(Transcript.name == name,
                                                          Transcript.id != transcript_id))
            if clash:
                raise DuplicateError(f"another transcript is already called '{name}'")
            transcript.name = name
        if interview_order is not KEEP:
            transcript.interview_order = (None if interview_order is None
                                          else _as_order(interview_order))
        if attributes is not None:
            transcript.attributes = {str(k): v for k, v in attributes.items()}
        if attribute_changes:
            attrs = dict(transcript.attributes or {})
            for key, value in attribute_changes.items():
                if value is None:
                    attrs.pop(str(key), None)
                else:
                    attrs[str(key)] = value
            transcript.attributes = attrs
    return transcript


def delete_transcript(project: Project, transcript_id: int) -> int:
    """Delete a transcript with its turns and codings; returns how many codings went with it."""
    with project.transaction() as s:
        transcript = get_row(s, Transcript, transcript_id, "transcript")
        n = s.scalar(select(func.count()).select_from(Coding)
                     .where(Coding.transcript_id == transcript_id))
        s.query(Coding).filter(Coding.transcript_id == transcript_id).delete()
        s.delete(transcript)
    return n


def turn_at(turns: list[Turn], offset: int) -> Turn | None:
    """The turn containing ``offset`` (or the last one starting before it); ``turns`` in order."""
    i = bisect_right([t.start for t in turns], offset)
    return turns[i - 1] if i else None


def turn_counts(project: Project) -> dict[int, int]:
    """Number of speaker turns per transcript id."""
    with project.reading() as s:
        return dict(s.execute(select(Turn.transcript_id, func.count()).group_by(Turn.transcript_id))
                    .all())


def import_attributes(project: Project, data: bytes, origin: str = "attributes.csv") -> int:
    """Set transcript attributes from a CSV sheet (like NVivo's classification sheets): a ``name``
    column naming the transcript, an optional ``interview_order`` column, and one column per
    attribute. Empty cells leave an attribute as it is. All rows or none are applied.
    Returns the number of transcripts updated."""
    import csv
    import io

    from ..ingest.csv_text import decode_csv, sniff_dialect

    from ..ingest.limits import MAX_COLUMNS

    text = decode_csv(data)
    reader = csv.DictReader(io.StringIO(text), dialect=sniff_dialect(text, 4096))
    try:
        if len(reader.fieldnames or ()) > MAX_COLUMNS:
            raise ValidationError(f"{origin}: {len(reader.fieldnames):,} columns; at most "
                                  f"{MAX_COLUMNS:,} attributes are accepted")
        rows = list(reader)
    except csv.Error as exc:
        raise ValidationError(f"{origin}: not a readable CSV file ({exc})") from None
    if not rows or "name" not in rows[0]:
        raise ValidationError(f"{origin}: needs a header row with a 'name' column "
                              "(the transcript names) and one column per attribute")
    names = {(r.get("name") or "").strip() for r in rows}

    def apply(s) -> int:
        # Lock the rows (PostgreSQL; SQLite holds the write lock already) in one order, then
        # merge per key into what is stored now: concurrent sheets keep each other's values.
        query = select(Transcript).where(Transcript.name.in_(names)).order_by(Transcript.id)
        if s.bind.dialect.name == "postgresql":
            query = query.with_for_update(key_share=True)
        by_name = {t.name: t for t in s.scalars(query)}
        unknown = [r["name"] for r in rows if (r.get("name") or "").strip() not in by_name]
        if unknown:
            raise NotFound(f"{origin}: no transcript called {', '.join(map(repr, unknown[:5]))}"
                           + (" …" if len(unknown) > 5 else ""))
        for row in rows:
            transcript = by_name[row["name"].strip()]
            attrs = dict(transcript.attributes or {})
            for key, value in row.items():
                if key is None or key == "name" or value is None or not value.strip():
                    continue
                if key == "interview_order":
                    transcript.interview_order = _as_order(value.strip())
                else:
                    attrs[key.strip()] = value.strip()
            transcript.attributes = attrs
        return len(rows)

    return project.write(apply)
