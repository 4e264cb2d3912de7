"""What a reader produces: canonical text plus speaker turns located in it by code-point offsets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TurnSpan:
    speaker: str | None
    start: int  # code point offset of the spoken words (after any "Speaker:" label)
    end: int
    time_start: float | None = None
    time_end: float | None = None
    # Unlabelled words of the transcript's respondent (a think-aloud participant between the
    # moderator's labelled lines, or an interview without labels), as opposed to a heading or a
    # prompt nobody says: both have no ``speaker``.
    respondent: bool = False


@dataclass
class IngestedDocument:
    text: str
    turns: list[TurnSpan]
    source_format: str
    encoding: str | None = None
    language: str | None = None
    attributes: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)  # Word comments (ingest.docx.WordComment)
    # Set for documents cut from a larger file (survey rows): the same answer given by two
    # respondents is two documents, the same file ingested twice is a duplicate.
    identity: str = ""
    # how the reader understood the document (e.g. how speaker labels apply), for the report
    notes: list = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        data = self.text if not self.identity else f"{self.identity}\x00{self.text}"
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

