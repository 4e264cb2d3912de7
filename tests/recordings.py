"""Short spoken recordings made on the fly with Debian's espeak-ng (speech) and sox (timing,
formats), for the recording tests. scripts/test.sh installs both."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SEGMENT_SECONDS = 3.0


def tools_missing() -> list[str]:
    return [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]


def require_tools() -> None:
    """Skip (fail on CI, where scripts/test.sh installs them) without espeak-ng and sox."""
    missing = tools_missing()
    if missing:
        message = f"{', '.join(missing)} not installed (scripts/test.sh installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def require_ffmpeg() -> None:
    """Skip (fail on CI, where scripts/test.sh installs it) without ffmpeg."""
    if shutil.which("ffmpeg") is None:
        message = "ffmpeg not installed (scripts/test.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def video(path: Path, seconds: float = 6.0) -> Path:
    """A small .webm (VP8 test pattern, 160x120, with a 440 Hz Vorbis tone) of ``seconds``,
    encoded by ffmpeg: what a browser plays as video."""
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc=size=160x120:rate=15:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                    "-c:v", "libvpx", "-b:v", "200k", "-c:a", "libvorbis", "-shortest",
                    str(path)], check=True, timeout=120, capture_output=True)
    return path


def spoken(path: Path, sentences: list[str], seconds_each: float = SEGMENT_SECONDS) -> Path:
    """A recording of ``sentences``, sentence i starting at ``i * seconds_each`` seconds (each
    spoken by espeak-ng, padded or cut with sox to exactly that length). The format follows the
    suffix of ``path`` (.wav, .ogg, .mp3 …, whatever this sox writes)."""
    missing = tools_missing()
    if missing:
        raise RuntimeError(f"{', '.join(missing)} not installed (scripts/test.sh installs them)")
    work = path.parent / f".{path.stem}-parts"
    work.mkdir(parents=True, exist_ok=True)
    parts = []
    for i, sentence in enumerate(sentences):
        raw, fixed = work / f"{i}.raw.wav", work / f"{i}.wav"
        subprocess.run(["espeak-ng", "-w", str(raw), sentence], check=True, timeout=60,
                       capture_output=True)
        subprocess.run(["sox", str(raw), "-r", "22050", "-c", "1", str(fixed), "pad", "0",
                        str(seconds_each), "trim", "0", str(seconds_each)], check=True,
                       timeout=60, capture_output=True)
        parts.append(str(fixed))
    subprocess.run(["sox", *parts, str(path)], check=True, timeout=120, capture_output=True)
    shutil.rmtree(work, ignore_errors=True)
    return path


def vtt(sentences: list[str], speakers: tuple[str, str] = ("Interviewer", "Anna"),
        seconds_each: float = SEGMENT_SECONDS) -> str:
    """A WebVTT transcript of ``sentences`` matching ``spoken`` (alternating speakers)."""
    def tc(seconds: float) -> str:
        return f"00:{int(seconds) // 60:02d}:{seconds % 60:06.3f}"

    cues = ["WEBVTT", ""]
    for i, sentence in enumerate(sentences):
        start = i * seconds_each
        cues += [f"{tc(start)} --> {tc(start + seconds_each - 0.5)}",
                 f"<v {speakers[i % 2]}>{sentence}</v>", ""]
    return "\n".join(cues)


SENTENCES = ["Welcome, and thank you for taking part.",
             "I started at the hospital ten years ago.",
             "What changed for you since then?",
             "The pressure grew, but my colleagues stayed."]
