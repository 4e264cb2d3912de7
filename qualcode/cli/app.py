"""The demo loader and the app launcher."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import QualcodeError
from ..store.project import ENV_URL, Project


def cmd_demo(project: Project, args) -> int:
    from ..demo import load_demo, load_demo_model

    if not project.is_empty():
        raise QualcodeError("the project is not empty; the demo loads into an empty project only")
    counts = load_demo(project)
    relations = load_demo_model(project)
    print(f"demo loaded: {counts['transcripts']} transcripts, {counts['codes']} codes, "
          f"{counts['codings']} codings, {relations} relations")
    return 0


def cmd_app(_project, args) -> int:
    import os
    import subprocess

    from ..store.project import resolve_url

    # the launcher in the package (works installed): the pages and qualcode's HTTP routes
    app = Path(__file__).resolve().parents[1] / "ui" / "serve.py"
    env = dict(os.environ)
    if args.db:
        env[ENV_URL] = resolve_url(args.db)
    # the settings of the clone's .streamlit/config.toml, which an installed package lacks
    return subprocess.call([sys.executable, "-m", "streamlit", "run", str(app),
                            "--server.port", str(args.port), "--server.address", args.address,
                            "--server.headless", "true", "--server.maxUploadSize", "50",
                            "--browser.gatherUsageStats", "false"],
                           env=env)


def register(sub) -> None:
    sub.add_parser("demo", help="load the demo project").set_defaults(func=cmd_demo)
    p = sub.add_parser("app", help="start the Streamlit app")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only, no login; "
                        "any other address requires logins)")
    p.set_defaults(func=cmd_app, needs_project=False)
