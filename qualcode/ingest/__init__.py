"""Reading interview files (.txt/.md/.docx/.vtt/.srt/.pdf/.odt) and survey sheets (.csv/.xlsx)
into canonical text with speaker turns."""

from .document import IngestedDocument, TurnSpan
from .files import SUPPORTED_SUFFIXES, read_document
from .store import FileOutcome, IngestReport, ingest_file, ingest_files, ingest_folder
from .survey import SURVEY_SUFFIXES, read_survey

__all__ = [
    "IngestedDocument",
    "TurnSpan",
    "SUPPORTED_SUFFIXES",
    "read_document",
    "IngestReport",
    "FileOutcome",
    "SURVEY_SUFFIXES",
    "read_survey",
    "ingest_file",
    "ingest_files",
    "ingest_folder",
]
