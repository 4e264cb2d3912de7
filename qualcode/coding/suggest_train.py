"""A full fit of a project's suggestion model in a process of its own:

    python -m qualcode.coding.suggest_train        # the project is $QUALCODE_DB_URL

The app starts this (``suggest_service``) instead of training in its own process: a fit of
20,000 codings takes seconds of CPU and a few hundred MB that Python's allocator would keep
in the server afterwards, and scikit-learn (60 MB imported) is needed only here. The process
runs at a lower priority, saves the model with the project (``suggest_store``) and exits; the
app loads the saved file. Exit status 0 when the model was saved.
"""

from __future__ import annotations

import os
import sys


def _exit_with_parent() -> None:
    """End this process when the app that started it has gone (a stopped server leaves no
    training behind, competing for the CPU)."""
    import threading
    import time

    from .suggest_service import PARENT_ENV

    parent = int(os.environ.get(PARENT_ENV) or os.getppid())  # the starter says who it is

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(3)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True, name="qualcode-parent-watch").start()


def main() -> int:
    _exit_with_parent()
    try:
        os.nice(10)  # the coders' pages come first
    except OSError:
        pass
    from ..store.project import ENV_URL, Project
    from .suggest_service import VERSION_ENV, train

    project = Project(os.environ[ENV_URL])
    try:
        train(project, os.environ.get(VERSION_ENV) or None)
    finally:
        project.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
