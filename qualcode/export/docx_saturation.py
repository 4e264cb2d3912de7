"""The saturation section of the Word theme report: the statement, the interviews after the
point, the table of interviews, the sensitivity grid, the order bootstrap, the unseen-concept
estimate, the per-category results and a chart (matplotlib, Agg: no display needed)."""

from __future__ import annotations

import io

from docx.shared import Inches

from ..analysis.saturation import SaturationResult
from ..analysis.saturation_report import SaturationReport, analyse
from ..analysis.sensitivity import result_text, threshold_text


def as_report(saturation: SaturationReport | SaturationResult) -> SaturationReport:
    """A full report from a bare result (same sequence, rule and parameters)."""
    if isinstance(saturation, SaturationReport):
        return saturation
    r = saturation
    sequence = [(s.label, s.role, s.concepts, s.status) for s in r.steps]
    return analyse(sequence, base=r.base, run=r.run_length, threshold=r.threshold, rule=r.rule,
                   step=r.step, include_in_progress=r.include_in_progress)


def chart_png(report: SaturationReport, width: float = 6.3, height: float = 3.2) -> bytes:
    """One chart on one (integer) axis: the concepts found after each interview in the order
    held, the expected curve over all orders, its extrapolation to twice the assessed
    interviews with iNEXT's 95% band, the asymptote and the saturation point."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    r = report.result
    steps = r.steps[:r.assessed]
    m = len(steps)
    xs = [s.position for s in steps]
    fig = Figure(figsize=(width, height), dpi=150)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ahead = report.outlook
    ext = ahead.extrapolation if ahead is not None and ahead.interviews == m and m else None
    if ext is not None:
        sizes = list(ext.sizes) if m >= 2 else list(ext.sizes[:m])
        n = len(sizes)
        ax.fill_between(sizes, ext.ci_low[:n], ext.ci_high[:n], color="#bdbdbd", alpha=0.4,
                        linewidth=0, label="95% band (iNEXT bootstrap)")
        ax.plot(sizes[:m], ext.expected[:m], color="#616161", linestyle="--", linewidth=1.2,
                label="expected over all orders")
        if n > m:
            ax.plot(sizes[m - 1:], ext.expected[m - 1:n], color="#1565c0", linestyle=":",
                    linewidth=1.6, label="extrapolated")
            ax.axhline(ext.asymptote, color="#6a1b9a", linestyle=(0, (1, 3)), linewidth=1,
                       label=f"asymptote ≈ {ext.asymptote:.1f}")
    ax.plot(xs, [s.cumulative for s in steps], color="#c62828", marker="o" if m <= 40 else None,
            markersize=3, label="found, in interview order")
    if r.point is not None:
        ax.axvline(r.point + 0.5, color="#2e7d32", linestyle="-.", linewidth=1,
                   label=f"saturation {r.label}")
    ax.set_xlabel("Interviews (beyond the assessed ones: extrapolated)")
    ax.set_ylabel("Concepts")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=12, integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def add_saturation_section(document, saturation: SaturationReport | SaturationResult) -> None:
    from .docx_tables import add_table

    report = as_report(saturation)
    r = report.result
    document.add_heading("Saturation", 1)
    document.add_paragraph(r.statement())
    for warning in report.warnings:
        document.add_paragraph(f"Order: {warning}")
    document.add_paragraph(
        "New concepts (codes applied for the first time) per interview, in interview order "
        "(explicit order, else interview date, else name). Only interviews marked coded are "
        f"assessed, up to the first that is not. Rule: {r.rule_text()}.")
    if report.outlook is not None and report.outlook.estimators.observed:
        document.add_heading("Looking ahead", 2)
        for sentence in report.outlook.sentences():
            document.add_paragraph(sentence)
    if r.assessed:
        document.add_picture(io.BytesIO(chart_png(report)), width=Inches(6.0))
        document.add_paragraph(
            "Found: the concepts after each interview in the order held. Expected: the mean "
            "over all orders of the same interviews (exact). Extrapolated: iNEXT's incidence "
            "formulas (Chao et al. 2014) to twice the assessed interviews, with its 95% "
            "bootstrap band. Methods and sources: qualcode's methods-saturation page.")
    document.add_heading("Interviews after the saturation point", 2)
    document.add_paragraph(r.after_text() if r.point is not None
                           else "No saturation point, so nothing to check after it.")
    if r.after_point:
        add_table(document, ("#", "Interview", "New", "Share of base", "New concepts"),
                  [(a.position, a.label, len(a.new), f"{a.share:.0%}", "; ".join(a.new))
                   for a in r.after_point], flex=4)
    document.add_heading("Interviews", 2)
    add_table(document, ("#", "Interview", "Role", "New", "Cumulative", "Status", "New concepts"),
              [(s.position, s.label, s.role, len(s.new), s.cumulative,
                s.status if s.assessed else f"{s.status} (not assessed)", "; ".join(s.new))
               for s in r.steps], flex=6)
    document.add_heading("Sensitivity", 2)
    document.add_paragraph("The Guest, Namey & Chen rule over the 12 combinations of base, "
                           "run and threshold, on the same interviews.")
    add_table(document, ("Base", "Run", "Threshold", "Result"),
              [(g["base"], g["run"], threshold_text(g["threshold"]),
                result_text(g, r.assessed)) for g in report.grid], flex=3)
    document.add_heading("Order bootstrap", 2)
    document.add_paragraph(report.bootstrap.summary() if report.bootstrap is not None
                           else "Not computed.")
    document.add_heading("Unseen concepts", 2)
    document.add_paragraph(report.unseen.summary())
    if report.categories:
        document.add_heading("Per category", 2)
        add_table(document, ("Category", "Result", "Concepts", "Coverage",
                             "More for 95% of concepts"),
                  [(c.category, c.result.label or "not reached", c.observed,
                    _coverage(c.outlook), _more(c.outlook)) for c in report.categories],
                  flex=0)
    if report.by_role:
        document.add_heading("Per role", 2)
        add_table(document, ("Role", "Interviews", "Concepts", "Coverage",
                             "More for 95% of concepts"),
                  [(role, n, o.estimators.observed, _coverage(o), _more(o))
                   for role, n, o in report.by_role], flex=0)


def _coverage(outlook) -> str:
    if outlook is None or outlook.coverage is None or outlook.interviews < 2:
        return "—"
    return f"{outlook.coverage:.0%}"


def _more(outlook) -> str:
    if outlook is None or outlook.more["concepts_95"] is None:
        return "—"
    return str(outlook.more["concepts_95"])
