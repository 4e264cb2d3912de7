"""The agreement page: blind coding, inter-coder agreement tables, and reconciling the
disagreements unit by unit into the consensus coder, with a memo of the discussion."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..analysis.agreement import (agreement_rows, cached_agreement, cached_disagreements,
                                  pairwise_rows, project_coders, value_text)
from ..analysis.units import UNIT_KINDS
from ..coding.codes import code_tree, in_subtree
from ..coding.codings import codings_for_transcript
from ..coding.consensus import adopt_unit, discussion_memo, save_discussion
from ..errors import QualcodeError
from ..store.settings import CONSENSUS, blind_coding, set_blind_coding
from ..coding.view import page_slice, project_version
from ..corpus.transcripts import get_transcript
from .filters import page_number
from .state import as_user, DOCX, XLSX, coder, plain, project

PAGE_SIZE = 10


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{k: value_text(v) for k, v in r.items()} for r in rows])


def render() -> None:
    st.header("Inter-coder agreement")
    proj = project()
    _blind_toggle(proj)
    blind = blind_coding(proj)
    coders = project_coders(proj)
    _machine_section(proj)
    if len([c for c in coders if c != CONSENSUS]) < 2:
        st.info("Agreement needs codings from at least two coders: each coder codes the same "
                "transcripts under their own name.")
        return
    nodes = code_tree(proj)
    paths = {n.code.id: n.path for n in nodes}
    c1, c2, c3, c4 = st.columns([3, 1, 2, 1])
    default = [c for c in coders if c != CONSENSUS][:2]
    chosen = c1.multiselect("Coders", coders, default=default, key="agr_coders",
                            format_func=lambda c: c or "(unnamed)")
    unit = c2.selectbox("Unit", UNIT_KINDS, key="agr_unit")
    code_id = c3.selectbox("Code", [None, *paths], key="agr_code",
                           format_func=lambda i: "All codes" if i is None else paths[i])
    overlap = c4.slider("Segment overlap", 50, 100, 90, step=5, key="agr_overlap",
                        help="MAXQDA-style segment agreement: the minimum overlap (share of "
                             "the two segments' joint extent) for two segments to agree.")
    if len(chosen) < 2:
        st.info("Choose at least two coders.")
        return
    try:
        version = project_version(proj)  # once for both cached analyses of this run
        result = cached_agreement(proj, chosen, unit, code=code_id, min_overlap=overlap / 100,
                                  version=version)
    except QualcodeError as exc:
        st.error(plain(exc))
        return
    if nothing := result.nothing_compared():
        st.warning(plain(nothing))
        return
    st.text(f"{len(result.transcripts)} transcript(s) coded by every chosen coder"
            + (f"; not compared (not coded by every coder): {', '.join(result.skipped)}"
               if result.skipped else ""))
    overall, per_code = agreement_rows(result)
    st.subheader("Across codes")
    st.caption("A unit's value is the single code a coder gave it; uncoded units are missing; "
               "units with several codes from one coder are counted and left out.")
    st.dataframe(_frame(overall), hide_index=True, width="stretch")
    if len(result.coders) > 2:
        st.caption("Each pair of coders, across codes:")
        st.dataframe(_frame(pairwise_rows(result)), hide_index=True, width="stretch")
    st.subheader("Per code")
    st.caption("Per code, a unit is coded or not coded by each coder (a coding touches a unit "
               "when they share a character); unitized α and segment agreement compare the "
               "coded spans themselves.")
    if per_code:
        st.dataframe(_frame(per_code), hide_index=True, width="stretch")
    else:
        st.text("No code was applied by these coders in the compared transcripts.")
    d1, d2 = st.columns(2)
    d1.download_button("Agreement tables (.docx)", as_user(lambda: _docx(result)),
                       file_name="agreement.docx", mime=DOCX, key="agr_dl_docx")
    d2.download_button("Agreement tables (.xlsx)", as_user(lambda: _xlsx(result)),
                       file_name="agreement.xlsx", mime=XLSX, key="agr_dl_xlsx")
    _reconcile(proj, chosen, unit, code_id, nodes, blind, version)
    _consensus_exports(proj, coders)


def _machine_section(proj) -> None:
    """The suggestion model as a coder, cross-validated by transcript, against each human."""
    if not st.toggle("The machine as a coder: how far the suggestions agree with each coder",
                     key="agr_machine",
                     help="The model codes each coded transcript after being trained on the "
                          "others only (folds of whole transcripts), so it is never scored on "
                          "a transcript it has seen."):
        return
    from ..analysis.machine_coder import machine_rows, remembered_machine_agreement

    c1, c2 = st.columns(2)
    unit = c1.selectbox("Unit", UNIT_KINDS, key="agr_machine_unit")
    min_score = c2.slider("The machine codes from score", 0.05, 0.95, 0.5, 0.05,
                          key="agr_machine_min")
    try:
        with st.spinner("Training and scoring the machine coder…"):
            result = remembered_machine_agreement(proj, unit, min_score=min_score)
    except QualcodeError as exc:
        st.error(plain(exc))
        return
    st.caption(f"{len(result.transcripts)} transcript(s) · per code, the machine against each "
               "human: Cohen's κ, Gwet's AC1, Krippendorff's α, and precision and recall with "
               "the human's coding as the truth. Trust the suggestions of codes with a high "
               "AC1 and precision; the Code page's review queue can hide the others (it "
               "uses the latest run made here: this unit and score).")
    st.dataframe(_frame(machine_rows(result)), hide_index=True, width="stretch")


def _docx(result) -> bytes:
    from ..export.docx_agreement import agreement_docx

    return agreement_docx(result)


def _xlsx(result) -> bytes:
    from ..export.xlsx_agreement import agreement_xlsx

    return agreement_xlsx(result)


def _blind_toggle(proj) -> None:
    blind = blind_coding(proj)
    wanted = st.toggle("Blind coding: each coder sees only their own codings", value=blind,
                       key="agr_blind",
                       help="While on, the Code page, the code browser and exports show a "
                            "coder only their own codings. Switching it off (unblinding) is "
                            "an admin's decision.")
    if wanted != blind:
        try:
            set_blind_coding(proj, wanted)
        except QualcodeError as exc:
            st.error(plain(exc))
        else:
            st.toast("Blind coding is on." if wanted else "The project is unblinded.")
            st.rerun()
    if blind:
        st.info("Blind coding is on: the figures below are shown, but codings are compared "
                "side by side and reconciled only after an admin unblinds the project.")


def _reconcile(proj, coders, unit, code_id, nodes, blind, version) -> None:
    st.subheader("Reconcile disagreements")
    if blind:
        st.caption("Unblind the project to reconcile.")
        return
    try:
        found = cached_disagreements(proj, coders, unit, code=code_id, viewer=coder(),
                                     version=version)
    except QualcodeError as exc:
        st.error(plain(exc))
        return
    code_ids = None
    if code_id is not None:
        root = [n for n in nodes if n.code.id == code_id]
        code_ids = {n.code.id for n in nodes if in_subtree(n, root)}
    if not found:
        st.success("No disagreements: the coders agree on every unit.")
        return
    page = page_number(st, f"{len(found)} unit(s) with a disagreement · page", len(found),
                       PAGE_SIZE, "agr_page", always=True)
    texts: dict[int, str] = {}
    for d in page_slice(found, page, PAGE_SIZE)[0]:
        if d.transcript_id not in texts:
            texts[d.transcript_id] = get_transcript(proj, d.transcript_id).text
        _unit_card(proj, d, texts[d.transcript_id], coders, unit, code_ids, code_id)


def _unit_card(proj, d, text, coders, unit, code_ids, code_id) -> None:
    key = f"{d.transcript_id}_{d.start}_{d.end}"
    with st.container(border=True):
        where = "" if unit == "character" else f"{unit} {d.index + 1} · "
        said = f" · said by {d.case}" + (f" ({d.role})" if d.role else "") if d.case else ""
        st.text(f"{d.transcript} · {where}characters {d.start}–{d.end}{said}")
        passage = text[d.start:d.end]
        st.text(passage if len(passage) <= 800 else passage[:800] + " …")
        consensus = [c for c in codings_for_transcript(proj, d.transcript_id, coder=CONSENSUS)
                     if c.start < d.end and c.end > d.start
                     and (code_ids is None or c.code_id in code_ids)]
        paths = {n.code.id: n.path for n in code_tree(proj)}
        cols = st.columns(len(coders) + 1)
        for i, who in enumerate(coders):
            with cols[i]:
                lines = [f"{who or '(unnamed)'}:"]
                for c in d.codings.get(who, []):
                    quote = text[c["start"]:c["end"]]
                    quote = quote if len(quote) <= 120 else quote[:120] + " …"
                    lines.append(f"• {c['code']}: “{quote}”")
                if len(lines) == 1:
                    lines.append("(not coded)")
                st.text("\n".join(lines))
                # a button label is Markdown: the coder's name goes in escaped
                if who != CONSENSUS and st.button(f"Adopt {plain(who or '(unnamed)')}",
                                                  key=f"agr_adopt_{key}_{i}"):
                    _adopt(proj, d, who, code_ids)
        with cols[-1]:
            current = sorted({paths.get(c.code_id, "?") for c in consensus})
            st.text("consensus:\n" + ("\n".join(f"• {p}" for p in current) if current
                                      else "(nothing adopted)"))
            if st.button("Agree: not coded", key=f"agr_adopt_{key}_none"):
                _adopt(proj, d, None, code_ids)
        memo = discussion_memo(proj, d.transcript_id, d.start, d.end)
        body = st.text_area("Discussion memo", memo.body if memo else "", key=f"agr_memo_{key}",
                            height=68)
        if st.button("Save memo", key=f"agr_memo_save_{key}"):
            try:
                save_discussion(proj, d.transcript_id, d.start, d.end, body, author=coder(),
                                code_id=code_id)
            except QualcodeError as exc:
                st.error(plain(exc))
            else:
                st.toast("Memo saved.")


def _adopt(proj, d, who, code_ids) -> None:
    try:
        n = adopt_unit(proj, d.transcript_id, d.start, d.end, who, code_ids)
    except QualcodeError as exc:
        st.error(plain(exc))
        return
    st.toast(f"Consensus: {n} coding(s) adopted." if who is not None
             else "Consensus: this unit is not coded.")
    st.rerun()


def _consensus_exports(proj, coders) -> None:
    if CONSENSUS not in coders:
        return
    st.subheader("Consensus coder")
    st.caption("Exports of the agreed codings only (saturation: choose the coder "
               f"'{CONSENSUS}' on the Saturation page).")
    from ..export import codings_xlsx, theme_report_docx

    e1, e2 = st.columns(2)
    e1.download_button("Consensus theme report (.docx)",
                       as_user(lambda: theme_report_docx(proj, title="Theme report (consensus)",
                                                 coder=CONSENSUS)),
                       file_name="theme-report-consensus.docx", mime=DOCX,
                       key="agr_dl_consensus_docx")
    e2.download_button("Consensus codings (.xlsx)", as_user(lambda: codings_xlsx(proj, coder=CONSENSUS)),
                       file_name="codings-consensus.xlsx", mime=XLSX,
                       key="agr_dl_consensus_xlsx")
