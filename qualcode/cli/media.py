"""Commands on recordings: attach a transcript's audio or video, or detach it."""

from __future__ import annotations

from ..store.project import Project
from .common import print_json


def cmd_attach(project: Project, args) -> int:
    from ..corpus.media import attach_media

    info = attach_media(project, args.transcript, args.file)
    if args.json:
        print_json({"transcript": args.transcript, **info.as_dict()})
    else:
        seconds = f", {info.duration:.1f} s" if info.duration else ""
        print(f"attached {info.name} ({info.kind}, {info.content_type}, {info.size} bytes"
              f"{seconds}) to {args.transcript}")
    return 0


def cmd_detach(project: Project, args) -> int:
    from ..corpus.media import detach_media

    info = detach_media(project, args.transcript)
    if args.json:
        print_json({"transcript": args.transcript, "detached": info.name if info else None})
    elif info is None:
        print(f"{args.transcript} has no recording; nothing to detach")
    else:
        print(f"detached {info.name} from {args.transcript}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("media", help="attach or detach a transcript's recording (audio/video)")
    media = p.add_subparsers(dest="media_command", required=True)
    a = media.add_parser("attach", help="attach a recording (mp3, m4a, wav, ogg, mp4, webm) to "
                         "a transcript, replacing the one it had")
    a.add_argument("transcript", metavar="TRANSCRIPT", help="the transcript's name")
    a.add_argument("file", metavar="FILE")
    a.add_argument("--json", action="store_true", help="print what was stored as JSON")
    a.set_defaults(func=cmd_attach)
    d = media.add_parser("detach", help="remove a transcript's recording")
    d.add_argument("transcript", metavar="TRANSCRIPT", help="the transcript's name")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_detach)
