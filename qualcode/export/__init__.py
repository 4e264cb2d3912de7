"""Exports: Word theme reports and quote tables (python-docx), CSV and XLSX of codings."""

from .docx_report import quote_table_docx, theme_report_docx
from .tables import codings_csv, codings_frame, codings_xlsx

__all__ = ["theme_report_docx", "quote_table_docx", "codings_frame", "codings_csv", "codings_xlsx"]
