"""Reading interview files (.txt/.md/.docx/.vtt/.srt/.pdf/.odt) and survey sheets (.csv/.xlsx)
into canonical text with speaker turns. Reading only: storing what was read in a project is
``qualcode.corpus`` (``ingest_file``, ``ingest_folder``)."""

from .document import IngestedDocument, TurnSpan
from .files import SUPPORTED_SUFFIXES, read_document
from .survey import SURVEY_SUFFIXES, read_survey

__all__ = [
    "IngestedDocument",
    "TurnSpan",
    "SUPPORTED_SUFFIXES",
    "read_document",
    "SURVEY_SUFFIXES",
    "read_survey",
]
