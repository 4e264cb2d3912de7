"""Coding: the researcher's work on the corpus.

Owns the code tree (``codes``), codings of spans (``codings``, ``spans``), codebooks as
documents (``codebook``), memos and their links (``memos``), quotes as rows with who said them
and where (``quotes``), per-transcript coding status (``status``), the coder-aware read views
used by analyses and pages (``view``), consensus coding (``consensus``), the undo history
(``history``), Word comments turned into codings (``comments``) and code suggestions
(``suggestions``).

Rules that follow the acting user (blind coding, permissions) are applied here, not by callers.
"""
