"""Every heading and label of the reports, in English and Dutch, in one place.

``tr(key, language, **values)`` gives the string for a language code ("nl", "nl-BE", "en"),
falling back to English for other languages and for a missing key in a language.
"""

from __future__ import annotations

import re

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "theme_report": "Theme report",
        "quote_table": "Quote table",
        "report_summary": "{quotes} coded quotes from {interviews} interviews · generated {date} "
                          "by qualcode",
        "quotes_summary": "{n} quotes · generated {date} by qualcode",
        "definition": "Definition",
        "include_when": "Include when",
        "exclude_when": "Exclude when",
        "subcodes": "Sub-codes",
        "quotes": "Quotes",
        "itself": "itself",
        "no_quotes": "No quotes coded yet.",
        "col_code": "Code",
        "col_label": "Label",
        "col_quotes": "Quotes",
        "col_interviews": "Interviews",
        "col_quote": "Quote",
        "col_participant": "Participant",
        "col_role": "Role",
        "col_location": "Location",
        "turn": "turn",
        "chars": "chars",
        # memos
        "memos": "Memos",
        "no_memos": "No memos yet.",
        # theoretical model (axial / selective coding)
        "model": "Theoretical model",
        "core_category": "Core category",
        "storyline": "Storyline",
        "n_quotes": "{n} quotes",
        "one_quote": "1 quote",
        "no_relations": "No relations between codes yet.",
        "model_caption": "Codes (size: number of codings) and their relations (label: type, "
                         "number of grounding quotes).",
        "memos_summary": "{n} memos · generated {date} by qualcode",
        "memo_type_theoretical": "theoretical memo",
        "memo_type_methodological": "methodological memo",
        "memo_type_sampling": "sampling memo",
        "link_coding": "Quote",
        "link_code": "Code",
        "link_transcript": "Interview",
        "link_memo": "Memo",
        # framework matrix and co-occurrence
        "framework_matrix": "Framework matrix",
        "matrix_summary": "Codes × {by} · {cell} · generated {date} by qualcode",
        "case": "person (case)",
        "interview": "interview",
        "cell_quotes": "quotes",
        "cell_summary": "researcher's summaries",
        "cell_both": "summaries and quotes",
        "cell_count": "number of codings",
        "summary": "Summary",
        "no_value": "(none)",
        "cooccurrence": "Code co-occurrence",
        "count": "Count",
        "c_coefficient": "c-coefficient",
    },
    "nl": {
        "theme_report": "Themarapport",
        "quote_table": "Citatentabel",
        "report_summary": "{quotes} gecodeerde citaten uit {interviews} interviews · gemaakt op "
                          "{date} met qualcode",
        "quotes_summary": "{n} citaten · gemaakt op {date} met qualcode",
        "definition": "Definitie",
        "include_when": "Coderen wanneer",
        "exclude_when": "Niet coderen wanneer",
        "subcodes": "Subcodes",
        "quotes": "Citaten",
        "itself": "zelf",
        "no_quotes": "Nog geen citaten gecodeerd.",
        "col_code": "Code",
        "col_label": "Label",
        "col_quotes": "Citaten",
        "col_interviews": "Interviews",
        "col_quote": "Citaat",
        "col_participant": "Deelnemer",
        "col_role": "Rol",
        "col_location": "Vindplaats",
        "turn": "beurt",
        "chars": "tekens",
        "memos": "Memo's",
        "no_memos": "Nog geen memo's.",
        "model": "Theoretisch model",
        "core_category": "Kerncategorie",
        "storyline": "Verhaallijn",
        "n_quotes": "{n} citaten",
        "one_quote": "1 citaat",
        "no_relations": "Nog geen relaties tussen codes.",
        "model_caption": "Codes (grootte: aantal coderingen) en hun relaties (label: soort, "
                         "aantal onderbouwende citaten).",
        "memos_summary": "{n} memo's · gemaakt op {date} met qualcode",
        "memo_type_theoretical": "theoretisch memo",
        "memo_type_methodological": "methodologisch memo",
        "memo_type_sampling": "steekproefmemo",
        "link_coding": "Citaat",
        "link_code": "Code",
        "link_transcript": "Interview",
        "link_memo": "Memo",
        "framework_matrix": "Raamwerkmatrix",
        "matrix_summary": "Codes × {by} · {cell} · gemaakt op {date} met qualcode",
        "case": "persoon (case)",
        "interview": "interview",
        "cell_quotes": "citaten",
        "cell_summary": "samenvattingen van de onderzoeker",
        "cell_both": "samenvattingen en citaten",
        "cell_count": "aantal coderingen",
        "summary": "Samenvatting",
        "no_value": "(geen)",
        "cooccurrence": "Samen voorkomende codes",
        "count": "Aantal",
        "c_coefficient": "c-coëfficiënt",
    },
}

LANGUAGES = tuple(STRINGS)


def _lang(language: str | None) -> str:
    base = (language or "en").split("-")[0].split("_")[0].lower()
    return base if base in STRINGS else "en"


def tr(key: str, language: str | None = None, **values) -> str:
    """The string ``key`` in ``language`` (English when there is none), formatted."""
    text = STRINGS[_lang(language)].get(key) or STRINGS["en"][key]
    return text.format(**values) if values else text


_LOCATION = re.compile(r", turn (\d+)((?:, [^,]*)?), chars (\d+)–(\d+)$")


def location(text: str, language: str | None = None) -> str:
    """A quote's location ("Interview 01, turn 2, 00:01:05, chars 94–221") in ``language``."""
    if _lang(language) == "en":
        return text
    m = _LOCATION.search(text)
    if m:
        return (text[:m.start()] + f", {tr('turn', language)} {m.group(1)}{m.group(2)}, "
                f"{tr('chars', language)} {m.group(3)}–{m.group(4)}")
    return re.sub(r", chars (\d+)–(\d+)$", lambda m: f", {tr('chars', language)} "
                  f"{m.group(1)}–{m.group(2)}", text)
