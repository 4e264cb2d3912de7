"""Which case a speaker label is: pure rules, shared by ingest (qualcode.corpus.cases) and the
migration that gives existing projects their cases (migrations/versions/0006_cases.py).

* A label that differs from another only in letter case or spacing is the same case
  (``case_key``).
* Interviewer labels (Interviewer, Interviewer 1, I, Q, Int, Moderator, Facilitator,
  Onderzoeker, Interviewster, Researcher, or a name with such a role in brackets:
  ``Anna (moderator)``) get the role ``interviewer``.
* Generic respondent labels (R, A, Resp, Respondent, Interviewee, Participant, Deelnemer,
  Geïnterviewde) name nobody: they are the transcript's participant case (its ``participant``
  attribute, else its name), as is unlabelled text of a single-respondent interview.
* Generic numbered labels (Speaker 1, Spreker 2) are people of that transcript only: one case
  per transcript unless they are its only respondent.
* Any other label (a name, P3) is a person of the project: one case across transcripts.
"""

from __future__ import annotations

import re

INTERVIEWER = "interviewer"
PARTICIPANT = "participant"

_INTERVIEWER_WORDS = r"(?:interviewer|interviewster|moderator|facilitator|onderzoeker|researcher)"
INTERVIEWER_LABEL = re.compile(
    rf"^(?:{_INTERVIEWER_WORDS}(?:[ ]?\d{{1,3}})?|i|q|int|i\d|q\d)$", re.IGNORECASE)
_BRACKET_ROLE = re.compile(rf"\(\s*{_INTERVIEWER_WORDS}\s*\)\s*$", re.IGNORECASE)
GENERIC_RESPONDENT = re.compile(
    r"^(?:r|a|resp|respondent|respondente|interviewee|participant|deelnemer|geïnterviewde|"
    r"geinterviewde|answer|antwoord)$", re.IGNORECASE)
GENERIC_NUMBERED = re.compile(r"^(?:speaker|spreker|unknown speaker|spk)[ _]?\d{0,3}$",
                              re.IGNORECASE)


def case_key(label: str) -> str:
    """``label`` folded: letter case and spacing do not make another person."""
    return " ".join(str(label).casefold().split())[:255]


def is_interviewer_label(label: str) -> bool:
    label = " ".join(str(label).split())
    return bool(INTERVIEWER_LABEL.match(label) or _BRACKET_ROLE.search(label))


def participant_name(transcript_name: str, attributes: dict | None) -> str:
    """The transcript's participant case: its ``participant`` attribute, else its name."""
    value = (attributes or {}).get("participant")
    return (str(value).strip() if value is not None and str(value).strip() else transcript_name)[:255]


def plan(transcript_name: str, attributes: dict | None,
         labels: list[str]) -> dict[str | None, tuple[str, str]]:
    """For each speaker label of one transcript (``None``: its unlabelled respondent text), the
    case name and the role a new case of that name gets."""
    attributes = attributes or {}
    participant = participant_name(transcript_name, attributes)
    own_role = str(attributes.get("role") or "").strip()
    distinct = list(dict.fromkeys(label for label in labels if label))
    others = [label for label in distinct if not is_interviewer_label(label)]
    single = len(others) == 1
    out: dict[str | None, tuple[str, str]] = {
        None: (participant, own_role if own_role and own_role != INTERVIEWER else PARTICIPANT)}
    for label in distinct:
        name = " ".join(label.split())[:255]
        if is_interviewer_label(label):
            out[label] = (name, INTERVIEWER)
        elif GENERIC_RESPONDENT.match(name) or (GENERIC_NUMBERED.match(name) and single):
            out[label] = out[None]
        elif GENERIC_NUMBERED.match(name):
            out[label] = (f"{transcript_name}: {name}"[:255], PARTICIPANT)
        elif single and case_key(_as_id(name)) == case_key(participant):
            out[label] = out[None]  # "Participant 3" in the transcript of participant P3
        else:
            out[label] = (name, own_role if single and own_role and own_role != INTERVIEWER
                          else PARTICIPANT)
    return out


def _as_id(label: str) -> str:
    return re.sub(r"^(?:Participant|Respondent|Deelnemer)\s+(\d+)$", r"P\1", label, flags=re.I)
