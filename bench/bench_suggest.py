"""Learned code suggestions: quality and speed (not part of the test run).

    python bench/bench_suggest.py [--db PROJECT] [--splits 3] [--skip-speed] [--skip-quality]

Quality, on held-out human coding (the demo project by default, or ``--db`` any project):
half of the coded spans are the coded project, the other half are asked for suggestions
(``--splits`` random halves); hit@1 = the top suggestion is one of the span's human codes,
hit@3 = one of the top three is. Beside the model: the majority baseline (always the most
frequent codes of the coded half) and a plain TF-IDF + logistic regression baseline
(scikit-learn defaults, one-vs-rest). Then the machine coder (cross-validated by transcript,
qualcode.analysis.machine_coder): κ and AC1 per code against each human, averaged.
Targets: hit@1 >= 0.55, hit@3 >= 0.83.

Speed, on a generated project of 100 interviews × 30,000 characters, 20,000 codings and 100
codes: the first training (no target), the model ready in a new process after start (< 3 s),
one suggestion with its reasons (< 100 ms), suggestions for a 30,000-character transcript
(< 2 s), a suggestion right after a new coding (incremental update, < 100 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcode.store.project import Project  # noqa: E402


def line(name: str, value: float, target: float | None, unit: str = "", higher=True) -> None:
    if target is None:
        print(f"  {name:<52} {value:8.3f} {unit}")
        return
    ok = (value >= target) if higher else (value <= target)
    sign = ">=" if higher else "<"
    print(f"  {name:<52} {value:8.3f} {unit:<3} target {sign} {target:g} {unit:<3} "
          f"{'ok' if ok else 'MISSED' if higher else 'SLOW'}")


# ---------------------------------------------------------------- quality

def _hits(ranked: list[list[int]], truth: list[frozenset]) -> tuple[float, float]:
    h1 = np.mean([bool(r[:1]) and r[0] in t for r, t in zip(ranked, truth)])
    h3 = np.mean([any(c in t for c in r[:3]) for r, t in zip(ranked, truth)])
    return float(h1), float(h3)


def _tfidf_lr(train, test, code_ids) -> list[list[int]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer

    mlb = MultiLabelBinarizer(classes=code_ids)
    y = mlb.fit_transform([e.codes for e in train])
    seen = y.sum(axis=0) > 0
    vec = TfidfVectorizer()
    x = vec.fit_transform([e.text for e in train])
    clf = OneVsRestClassifier(LogisticRegression(max_iter=1000)).fit(x, y[:, seen])
    classes = np.array(code_ids)[seen]
    scores = clf.predict_proba(vec.transform([e.text for e in test]))
    return [list(classes[np.argsort(-row)]) for row in scores]


def quality(db: str | None, splits: int) -> None:
    from qualcode.coding import suggest_data as D
    from qualcode.coding.suggest_model import fit

    tmp = None
    if db is None:
        from qualcode.demo import load_demo

        tmp = tempfile.mkdtemp(prefix="qc-bench-suggest-")
        project = Project(Path(tmp) / "demo.sqlite")
        load_demo(project)
        where = "the demo project"
    else:
        project = Project(db)
        where = db
    code_ids, definitions = D.code_examples(project)
    spans = D.coding_examples(project)
    print(f"Quality on {where}: {len(spans)} coded spans, {len(code_ids)} codes, "
          f"{len({e.group for e in spans})} transcripts; {splits} random halves")
    results = {"model": [], "majority": [], "tfidf+LR": []}
    for seed in range(splits):
        rng = random.Random(seed)
        order = list(range(len(spans)))
        rng.shuffle(order)
        half = len(order) // 2
        train = [spans[i] for i in order[:half]]
        test = [spans[i] for i in order[half:]]
        truth = [e.codes for e in test]
        model = fit(definitions + train, code_ids, calibrate=False)
        ranked = [[s.code_id for s in model.top(e.text, e.lang, 3, e.context)] for e in test]
        results["model"].append(_hits(ranked, truth))
        counts: dict[int, int] = {}
        for e in train:
            for c in e.codes:
                counts[c] = counts.get(c, 0) + 1
        majority = sorted(counts, key=lambda c: -counts[c])[:3]
        results["majority"].append(_hits([majority] * len(test), truth))
        results["tfidf+LR"].append(_hits(_tfidf_lr(train, test, code_ids), truth))
    for name, values in results.items():
        h1 = [v[0] for v in values]
        h3 = [v[1] for v in values]
        print(f"  {name:<10} hit@1 {np.mean(h1):.3f} ({min(h1):.2f}–{max(h1):.2f})   "
              f"hit@3 {np.mean(h3):.3f} ({min(h3):.2f}–{max(h3):.2f})")
    h1 = float(np.mean([v[0] for v in results["model"]]))
    h3 = float(np.mean([v[1] for v in results["model"]]))
    line("model hit@1 (mean of the splits)", h1, 0.55)
    line("model hit@3 (mean of the splits)", h3, 0.83)
    machine(project)
    project.close()


def read_responses(path: Path) -> list[tuple[str, frozenset]]:
    """Coded survey answers from a coding sheet (CSV: an id, the answer, then the codes in the
    further columns; ``a->b`` sub-codes count as their top-level code ``a``)."""
    import csv

    out = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        if len(row) < 3 or not row[1].strip():
            continue
        codes = frozenset(c.split("->")[0].strip() for c in row[2:] if c.strip())
        if codes:
            out.append((row[1], codes))
    return out


def quality_responses(folder: Path, splits: int, lang: str = "en") -> None:
    """hit@k on each coding sheet of ``folder`` (one question and its codes per sheet), pooled
    over the sheets weighted by their held-out answers."""
    from qualcode.coding.suggest_model import Example, fit

    sheets = sorted(p for p in folder.glob("*.csv") if "(secondary)" not in p.name)
    totals = {"model": [0.0, 0.0, 0], "majority": [0.0, 0.0, 0], "tfidf+LR": [0.0, 0.0, 0]}
    n_answers, n_codes = 0, 0
    for sheet in sheets:
        data = read_responses(sheet)
        if len(data) < 20:
            continue
        names = sorted(set().union(*(c for _, c in data)))
        ids = {n: i for i, n in enumerate(names)}
        spans = [Example(t, lang, codes=frozenset(ids[c] for c in cs), group=i)
                 for i, (t, cs) in enumerate(data)]
        # the codes' own words: their names (a coding sheet has no definitions)
        definitions = [Example(n.replace("_", " "), lang, codes=frozenset([i]),
                               kind="definition") for n, i in ids.items()]
        n_answers += len(data)
        n_codes += len(names)
        for seed in range(splits):
            order = list(range(len(spans)))
            random.Random(seed).shuffle(order)
            half = len(order) // 2
            train = [spans[i] for i in order[:half]]
            test = [spans[i] for i in order[half:]]
            truth = [e.codes for e in test]
            code_ids = list(range(len(names)))
            model = fit(definitions + train, code_ids, calibrate=False)
            ranked = [[x.code_id for x in model.top(e.text, lang, 3)] for e in test]
            counts: dict[int, int] = {}
            for e in train:
                for c in e.codes:
                    counts[c] = counts.get(c, 0) + 1
            majority = sorted(counts, key=lambda c: -counts[c])[:3]
            for name, r in (("model", ranked), ("majority", [majority] * len(test)),
                            ("tfidf+LR", _tfidf_lr(train, test, code_ids))):
                h1, h3 = _hits(r, truth)
                totals[name][0] += h1 * len(test)
                totals[name][1] += h3 * len(test)
                totals[name][2] += len(test)
    print(f"Quality on coding sheets in {folder}: {n_answers} coded answers, {n_codes} codes "
          f"over {len(sheets)} sheets (top-level codes); {splits} random halves per sheet")
    for name, (h1, h3, n) in totals.items():
        print(f"  {name:<10} hit@1 {h1 / n:.3f}   hit@3 {h3 / n:.3f}")
    h1, h3, n = totals["model"]
    line("model hit@1 (pooled)", h1 / n, 0.55)
    line("model hit@3 (pooled)", h3 / n, 0.83)
    responses_agreement(folder, sheets)


def responses_agreement(folder: Path, sheets: list[Path]) -> None:
    """The sheets as a project (each answer a transcript coded whole, codes per question):
    the machine coder against the primary coder, beside the secondary coder against the
    primary coder, per code κ and AC1 over answers (paragraph units)."""
    from sqlalchemy import insert

    from qualcode.analysis.agreement import compute_agreement
    from qualcode.analysis.machine_coder import machine_agreement
    from qualcode.store.models import Code, Coding, Transcript

    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-responses-"))
    project = Project(tmp / "responses.sqlite")
    code_id = {}
    tid = 0
    with project.transaction() as s:
        for q, sheet in enumerate(sheets):
            question = sheet.stem.split(" - ")[-1].replace(" (primary)", "")
            parent = len(code_id) + 1
            code_id[(question, None)] = parent
            s.execute(insert(Code), [{"id": parent, "name": question, "parent_id": None,
                                      "parent_key": 0, "guid": f"q{q}", "position": q}])
            coded = {"primary": read_responses(sheet)}
            second = sheet.with_name(sheet.name.replace("(primary)", "(secondary)"))
            if second.exists():
                coded["secondary"] = read_responses(second)
            by_text: dict[str, dict] = {}
            for coder, rows in coded.items():
                for text, codes in rows:
                    by_text.setdefault(text, {})[coder] = codes
            for text, coders in by_text.items():
                if "primary" not in coders or not text.strip():
                    continue
                tid += 1
                s.execute(insert(Transcript), [{"id": tid, "name": f"{question} #{tid}",
                                                "text": text, "content_hash": f"h{tid}",
                                                "source_format": "txt", "language": "en",
                                                "attributes": {}}])
                for coder, codes in coders.items():
                    for c in codes:
                        if (question, c) not in code_id:
                            code_id[(question, c)] = len(code_id) + 1
                            s.execute(insert(Code), [{"id": code_id[(question, c)], "name": c,
                                                      "parent_id": parent, "parent_key": parent,
                                                      "guid": f"c{len(code_id)}"}])
                        s.execute(insert(Coding), [{"transcript_id": tid,
                                                    "code_id": code_id[(question, c)],
                                                    "start": 0, "end": len(text),
                                                    "coder": coder}])
    human = compute_agreement(project, ["primary", "secondary"], "paragraph")
    def mean(result, key, pick=None):
        """The mean over codes weighted by the units the primary coder gave each code."""
        pairs = [((pick(p) if pick else p)[key], p["units_coded"]) for p in result.per_code]
        pairs = [(v, w) for v, w in pairs if v is not None]
        if not pairs:
            return float("nan")
        return float(np.average([v for v, _ in pairs], weights=[w for _, w in pairs]))

    vs = lambda p: p["machine_vs"][0]  # noqa: E731
    print(f"  agreement over {tid} answers (paragraph units; per code, mean weighted by the "
          f"units coded):")
    print(f"    secondary vs primary coder:         κ {mean(human, 'cohen_kappa'):.3f}  "
          f"AC1 {mean(human, 'ac1'):.3f}")
    for min_score in (0.1, 0.2, 0.3):
        machine = machine_agreement(project, ["primary"], "paragraph", min_score=min_score)
        print(f"    machine (score >= {min_score}) vs primary: κ "
              f"{mean(machine, 'cohen_kappa', vs):.3f}  AC1 {mean(machine, 'ac1', vs):.3f}  "
              f"precision {mean(machine, 'precision', vs):.3f}  "
              f"recall {mean(machine, 'recall', vs):.3f}  (cross-validated by answer)")
    project.close()


def machine(project: Project) -> None:
    from qualcode.analysis.machine_coder import human_coders, machine_agreement

    for unit in ("turn", "sentence"):
        try:
            result = machine_agreement(project, human_coders(project), unit, min_score=0.3)
        except Exception as exc:  # noqa: BLE001 - a bench reports and goes on
            print(f"  machine coder ({unit}): {exc}")
            continue
        vs = [v for p in result.per_code for v in p.get("machine_vs", [])]
        kappas = [v["cohen_kappa"] for v in vs if v["cohen_kappa"] is not None]
        ac1s = [v["ac1"] for v in vs if v["ac1"] is not None]
        o = result.overall
        print(f"  machine coder ({unit}, score >= 0.3, {len(result.transcripts)} transcripts): "
              f"per code mean κ {np.mean(kappas):.3f}, mean AC1 {np.mean(ac1s):.3f}; "
              f"across codes κ {o['cohen_kappa'] if o['cohen_kappa'] is None else round(o['cohen_kappa'], 3)}, "
              f"AC1 {o['ac1'] if o['ac1'] is None else round(o['ac1'], 3)}")


# ---------------------------------------------------------------- speed

def build(path: Path, n_transcripts=100, chars=30_000, n_codings=20_000, n_codes=100) -> None:
    """A generated project: each code has its own words, mixed into common ones."""
    from sqlalchemy import insert

    from qualcode.store.models import Code, Coding, Transcript, Turn

    rng = random.Random(7)
    common = ("ik de het een en van dat is was niet op te in mijn we er maar ook met hij "
              "zij werk job team collega leidinggevende ervaring nieuw oud").split()
    vocab = [f"{a}{b}" for a in ("loop", "werk", "leer", "zorg", "bank", "team", "geld", "tijd",
                                 "rust", "kans") for b in ("baan", "plek", "stap", "druk", "zin",
                                                           "vorm", "kracht", "weg", "lust", "geest")]
    project = Project(path)
    with project.transaction() as s:
        s.execute(insert(Code), [{"id": i + 1, "name": f"Code {i:03d}", "parent_id": None,
                                  "parent_key": 0, "guid": f"g{i}", "labels": {},
                                  "description": f"about {vocab[i % 100]}", "inclusion": "",
                                  "exclusion": "", "examples": [], "color": "#ffd54f",
                                  "position": i} for i in range(n_codes)])
    per = n_codings // n_transcripts
    for t in range(n_transcripts):
        parts, spans, pos = [], [], 0
        while pos < chars:
            code = rng.randrange(n_codes)
            words = [rng.choice(common) for _ in range(rng.randrange(8, 20))]
            for _ in range(3):
                words.insert(rng.randrange(len(words)), vocab[code])
            sentence = " ".join(words).capitalize() + ". "
            spans.append((pos, pos + len(sentence) - 1, code + 1))
            parts.append(sentence)
            pos += len(sentence)
        text = "".join(parts)
        with project.transaction() as s:
            s.execute(insert(Transcript), [{"id": t + 1, "name": f"Interview {t:03d}",
                                            "text": text, "content_hash": f"h{t}",
                                            "source_format": "txt", "language": "nl",
                                            "attributes": {}}])
            s.execute(insert(Turn), [{"transcript_id": t + 1, "index": 0, "speaker": "P",
                                      "start": 0, "end": len(text)}])
            chosen = rng.sample(spans, min(per, len(spans)))
            s.execute(insert(Coding), [{"transcript_id": t + 1, "code_id": c, "start": a,
                                        "end": b, "coder": "an", "memo": ""}
                                       for a, b, c in chosen])
    project.close()


READY = """
import sys, time
t0 = time.perf_counter()
from qualcode.store.project import Project
from qualcode.coding.suggest_service import current_model
p = Project(sys.argv[1])
t1 = time.perf_counter()
m = current_model(p)
assert m.n_examples
print(time.perf_counter() - t0, time.perf_counter() - t1)
"""


def speed() -> None:
    from qualcode.coding import suggest_service
    from qualcode.coding.codings import add_coding
    from qualcode.coding.suggest_backends import LocalBackend

    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-suggest-"))
    db = tmp / "big.sqlite"
    t0 = time.perf_counter()
    build(db)
    print(f"Speed on a generated project (100 × 30,000 characters, 20,000 codings, 100 codes; "
          f"built in {time.perf_counter() - t0:.0f} s)")
    project = Project(db)
    suggest_service._holder(project).settle = True  # as in the app (suggest_service.warm)
    t0 = time.perf_counter()
    suggest_service.current_model(project)
    line("first training (once per project version)", time.perf_counter() - t0, None, "s")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ready, total = [], []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", READY, str(db)], capture_output=True,
                             text=True, env=env, check=True)
        whole, after_open = map(float, out.stdout.strip().splitlines()[-1].split())
        ready.append(after_open)
        total.append(whole)
    line("new process: model ready after the project opens", sorted(ready)[1], 3.0, "s",
         False)
    line("new process: from start incl. imports (median)", sorted(total)[1], None, "s")
    backend = LocalBackend()
    with project.reading() as s:
        from qualcode.store.models import Transcript

        text = s.get(Transcript, 1).text
    rng = random.Random(3)
    backend.suggest(project, ["warm up"], 3)
    times = []
    for _ in range(30):
        a = rng.randrange(0, len(text) - 400)
        passage = text[a:a + rng.randrange(40, 400)]
        t0 = time.perf_counter()
        backend.suggest(project, [passage], 3)
        times.append(time.perf_counter() - t0)
    line("one suggestion with reasons (mean of 30)", 1000 * np.mean(times), 100, "ms", False)
    line("one suggestion with reasons (worst of 30)", 1000 * max(times), 100, "ms", False)
    t0 = time.perf_counter()
    backend.suggest_spans(project, 2, "sentence", 0.5)
    line("30,000-char transcript, first (sentencizer load)", time.perf_counter() - t0, None, "s")
    t0 = time.perf_counter()
    spans, _ = backend.suggest_spans(project, 3, "sentence", 0.5)
    line(f"30,000-char transcript by sentence ({len(spans)} found)", time.perf_counter() - t0,
         2.0, "s", False)
    t0 = time.perf_counter()
    backend.suggest_spans(project, 4, "turn", 0.5)
    line("30,000-char transcript by turn", time.perf_counter() - t0, 2.0, "s", False)
    add_coding(project, 1, 5, 10, 80, coder="bench")
    t0 = time.perf_counter()
    backend.suggest(project, [text[100:300]], 3)
    line("a suggestion right after a new coding", 1000 * (time.perf_counter() - t0), 100, "ms",
         False)
    suggest_service.wait_until_trained(project, 300)
    project.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a project to measure quality on (default: the demo)")
    parser.add_argument("--splits", type=int, default=3)
    parser.add_argument("--responses", metavar="FOLDER",
                        help="also: coding sheets of coded survey answers (CSV: id, answer, "
                             "codes...), e.g. a study's published coding data")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if not args.skip_quality:
        quality(args.db, args.splits)
        if args.responses:
            quality_responses(Path(args.responses), args.splits)
    if not args.skip_speed:
        speed()


if __name__ == "__main__":
    main()
