"""Reading interview files (.txt/.md/.docx/.vtt/.srt/.pdf/.odt) into canonical text with speaker turns."""

from .document import IngestedDocument, TurnSpan
from .files import SUPPORTED_SUFFIXES, read_document
from .store import IngestReport, ingest_file, ingest_files, ingest_folder

__all__ = [
    "IngestedDocument",
    "TurnSpan",
    "SUPPORTED_SUFFIXES",
    "read_document",
    "IngestReport",
    "ingest_file",
    "ingest_files",
    "ingest_folder",
]
