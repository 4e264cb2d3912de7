"""Coding: the researcher's work on the corpus.

Owns the code tree (``codes``), codings of spans (``codings``, ``spans``), codebooks as
documents (``codebook``), memos and their links (``memos``), quotes as rows with who said them
and where (``quotes``), per-transcript coding status (``status``), the coder-aware read views
used by analyses and pages (``view``), consensus coding (``consensus``), the undo history
(``history``), Word comments turned into codings (``comments``) and learned code suggestions
(``suggest_features``, ``suggest_model``, ``suggest_data``, ``suggest_store``,
``suggest_service``, ``suggest_backends``, ``suggest_queue``; see docs/assisted-coding.md).

Rules that follow the acting user (blind coding, permissions) are applied here, not by callers.
"""
