"""Speed of axial coding (not part of the test run): python bench/bench_relations.py [sqlite|URL]

A project of 150 codes, 20,000 codings over 200 short interviews, 400 relations between the
codes grounded by 20,000 citations (every coding cites once). Targets, on the 2-core machine:

  relations and their evidence (list_relations: paths, types, grounding codings)  < 300 ms
  the network of 150 codes and 400 relations drawn (data, force layout, SVG)       < 1 s
  … as PNG                                                                          < 1 s

Each line also gives the CPU time of the process (the wall time on a loaded machine is mostly
waiting for a core).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from qualcode.analysis.network import build_network
from qualcode.coding.codes import create_code
from qualcode.coding.relations import DEFAULT_TYPES, list_relations, relation_types
from qualcode.export.network_image import network_png, network_svg
from qualcode.store.models import (Base, CodeRelation, Coding, RelationEvidence, Transcript,
                                   Turn)
from qualcode.store.project import Project
from timing import report


def timed(name: str, fn, target: float, width: int = 26):
    """As timing.timed, with the process's CPU time beside the wall time: on the shared 2-core
    machine (load 10 while helpers run tests) the wall time is mostly waiting for a core."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    report(name, time.perf_counter() - wall, target, width)
    print(f"{'':<{width}} (CPU {time.process_time() - cpu:.3f} s)")
    return result

N_INTERVIEWS, N_CODES, N_CODINGS, N_RELATIONS = 200, 150, 20_000, 400


def build(project: Project) -> None:
    rng = random.Random(20)
    body = "R: " + " ".join(["woord"] * 2000)
    with project.transaction() as s:
        s.execute(insert(Transcript), [{
            "id": i, "name": f"Interview {i:03d}", "text": body, "content_hash": f"{i:064d}",
            "source_format": "txt", "attributes": {}} for i in range(1, N_INTERVIEWS + 1)])
        s.execute(insert(Turn), [{"transcript_id": i, "index": 0, "speaker": "R", "start": 3,
                                  "end": len(body)} for i in range(1, N_INTERVIEWS + 1)])
    tops = [create_code(project, f"Category {t}") for t in range(15)]
    codes = [c.id for c in tops] + [create_code(
        project, f"Sub-code {k} with a longer name", parent_id=tops[k % 15].id).id
        for k in range(N_CODES - 15)]
    types = [t.id for t in relation_types(project)]
    assert len(types) == len(DEFAULT_TYPES)
    with project.transaction() as s:
        rows = []
        for n in range(N_CODINGS):
            st = rng.randrange(3, len(body) - 300)
            rows.append({"id": n + 1, "transcript_id": rng.randrange(1, N_INTERVIEWS + 1),
                         "code_id": rng.choice(codes), "start": st,
                         "end": st + rng.randrange(10, 200), "coder": str(n)})
        s.execute(insert(Coding), rows)
        pairs = set()
        while len(pairs) < N_RELATIONS:
            a, b = rng.sample(codes, 2)
            pairs.add((a, b))
        s.execute(insert(CodeRelation), [
            {"id": k + 1, "guid": f"rel-{k}", "source_id": a, "target_id": b,
             "type_id": rng.choice(types), "directed": bool(k % 4), "memo": f"memo {k}",
             "author": ""} for k, (a, b) in enumerate(sorted(pairs))])
        s.execute(insert(RelationEvidence), [
            {"relation_id": (n % N_RELATIONS) + 1, "coding_id": n + 1}
            for n in range(N_CODINGS)])


def main(target: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = target or str(Path(tmp) / "bench.sqlite")
        project = Project(url)
        if target and "://" in target:
            Base.metadata.drop_all(project.engine)
            Base.metadata.create_all(project.engine)
        try:
            build(project)
            list_relations(project)  # warm the connection pool
            rels = timed("relations", lambda: list_relations(project), 0.3, width=26)
            assert len(rels) == N_RELATIONS and sum(r.weight for r in rels) == N_CODINGS
            net = timed("network data + layout", lambda: build_network(
                project, all_codes=True, max_nodes=N_CODES), 1.0, width=26)
            assert len(net.nodes) == N_CODES and len(net.edges) == N_RELATIONS
            timed("network drawn (all, SVG)", lambda: network_svg(build_network(
                project, all_codes=True, max_nodes=N_CODES)), 1.0, width=26)
            timed("network drawn (all, PNG)", lambda: network_png(build_network(
                project, all_codes=True, max_nodes=N_CODES)), 1.0, width=26)
        finally:
            if target and "://" in target:
                Base.metadata.drop_all(project.engine)
            project.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
