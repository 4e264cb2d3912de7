"""Code suggestions: for passages (``suggest``), for a transcript (``suggestions``), and the
choice of backend (``suggest-backend``)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ValidationError
from ..store.project import Project
from .common import print_json


def _passage_json(picks) -> list[dict]:
    return [{"code": p.path, "score": round(p.score, 4), "evidence": p.evidence} for p in picks]


def cmd_suggest(project: Project, args) -> int:
    from ..coding.suggest_backends import backend_for

    if args.top < 1:
        raise ValidationError("--top takes a whole number of at least 1")
    if (args.text is None) == (args.file is None):
        raise ValidationError("give either a TEXT or --file PASSAGES.txt")
    if args.file is not None:
        path = Path(args.file)
        try:
            passages = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
    else:
        passages = [args.text]
    backend = backend_for(project, args.backend)
    results = []
    for part in range(0, len(passages), 500):  # bounded memory on a long file
        found, _prov = backend.suggest(project, passages[part:part + 500], top=args.top)
        results += found
    if args.json:
        out = [_passage_json(picks) for picks in results]
        print_json(out if args.file is not None else out[0], indent=None)
        return 0
    for passage, picks in zip(passages, results):
        if args.file is not None:
            print(passage[:70])
        for p in picks:
            words = ", ".join(p.evidence.get("words", []))
            print(f"  {p.score:.2f}  {p.path}" + (f"  (words: {words})" if words else ""))
    return 0


def cmd_suggestions(project: Project, args) -> int:
    from ..coding.suggest_backends import backend_for
    from ..corpus.transcripts import get_transcript

    if not 0 <= args.min_score <= 1:
        raise ValidationError("--min-score is a score between 0 and 1")
    transcript = get_transcript(project, args.transcript)
    backend = backend_for(project, args.backend)
    spans, prov = backend.suggest_spans(project, transcript.id, args.unit, args.min_score)
    if args.queue:
        from ..coding.suggest_queue import enqueue

        enqueue(project, transcript.id, spans, prov)
    if args.json:
        print_json([{"start": s.start, "end": s.end, "code": s.path, "score": round(s.score, 4)}
                    for s in spans], indent=None)
        return 0
    for s in spans:
        quote = " ".join(transcript.text[s.start:s.end].split())
        print(f"{s.start:>7}–{s.end:<7} {s.score:.2f}  {s.path}  «{quote[:60]}»")
    print(f"{len(spans)} suggestion(s) by {prov.model} {prov.model_version} "
          f"in {prov.seconds:.2f} s" + (" · added to the review queue" if args.queue else ""))
    return 0


def cmd_backend(project: Project, args) -> int:
    from ..coding.suggest_backends import chat_config, configure_chat

    if args.endpoint is not None:
        configure_chat(project, args.endpoint, args.model or "", args.api_key_env or "")
    config = chat_config(project)
    if config is None:
        print("suggestions: the local model (nothing leaves this machine)")
    else:
        print(f"suggestions: {config.model} at {config.endpoint} (passages and the codebook are "
              "sent there)")
    return 0


def register(sub) -> None:
    p = sub.add_parser("suggest", help="codes suggested for a passage (or each line of a file)")
    p.add_argument("text", nargs="?", metavar="TEXT")
    p.add_argument("--file", metavar="PASSAGES.txt", help="one passage per line")
    p.add_argument("--top", type=int, default=3, metavar="N")
    p.add_argument("--backend", choices=["local", "chat"],
                   help="default: the project's choice (local unless configured)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_suggest)
    s = sub.add_parser("suggestions", help="codings suggested for a transcript (spans)")
    s.add_argument("transcript", metavar="TRANSCRIPT", help="transcript name")
    s.add_argument("--unit", choices=["sentence", "turn"], default="sentence")
    s.add_argument("--min-score", type=float, default=0.5, metavar="S")
    s.add_argument("--backend", choices=["local", "chat"])
    s.add_argument("--queue", action="store_true",
                   help="also put them in the review queue of the Code page")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_suggestions)
    b = sub.add_parser("suggest-backend",
                       help="show or set where suggestions come from (local model or endpoint)")
    b.add_argument("--endpoint", metavar="URL",
                   help="an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 "
                        "(empty: back to the local model)")
    b.add_argument("--model", metavar="NAME")
    b.add_argument("--api-key-env", metavar="VAR",
                   help="name of the environment variable holding the API key, if any")
    b.set_defaults(func=cmd_backend)
