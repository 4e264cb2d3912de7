"""Exports: Word theme reports with their saturation, agreement and theoretical-model
sections and quote tables (python-docx), memos as Word and Markdown, CSV (one
formula-safe writer) and XLSX of codings, analyses and relations, network images (SVG,
PNG)."""

from .docx_report import quote_table_docx, theme_report_docx
from .tables import codings_csv, codings_frame, codings_xlsx

__all__ = ["theme_report_docx", "quote_table_docx", "codings_frame", "codings_csv", "codings_xlsx"]
