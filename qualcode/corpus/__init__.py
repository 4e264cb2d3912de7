"""The corpus: what the researcher collected and how it is stored in a project.

Owns transcripts and their speaker turns (``transcripts``), storing ingested files in a project
with one transaction per file (``importing``: ``ingest_file``, ``ingest_files``,
``ingest_folder``), the order of interviews (``order``), sentence boundaries (``sentences``) and
the language tools behind them (``language``: spaCy blank pipelines, stemmers).

Reading files into text is one layer down (``qualcode.ingest``); coding that text is
``qualcode.coding``.
"""

from .importing import FileOutcome, IngestReport, ingest_file, ingest_files, ingest_folder

__all__ = ["FileOutcome", "IngestReport", "ingest_file", "ingest_files", "ingest_folder"]
