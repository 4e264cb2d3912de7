"""The saturation section of the Word theme report: the statement, the interviews after the
point, the table of interviews, the sensitivity grid, the order bootstrap, the unseen-concept
estimate, the per-category results and a chart (matplotlib, Agg: no display needed)."""

from __future__ import annotations

import io

from docx.shared import Inches

from ..analysis.saturation import SaturationResult
from ..analysis.saturation_report import SaturationReport, analyse
from ..analysis.sensitivity import threshold_text


def as_report(saturation: SaturationReport | SaturationResult) -> SaturationReport:
    """A full report from a bare result (same sequence, rule and parameters)."""
    if isinstance(saturation, SaturationReport):
        return saturation
    r = saturation
    sequence = [(s.label, s.role, s.concepts, s.status) for s in r.steps]
    return analyse(sequence, base=r.base, run=r.run_length, threshold=r.threshold, rule=r.rule,
                   step=r.step, include_in_progress=r.include_in_progress)


def chart_png(report: SaturationReport, width: float = 6.3, height: float = 3.0) -> bytes:
    """New concepts per interview (bars) and the cumulative curve, with the bootstrap mean and
    its 95% band and the saturation point; axis labels are positions, readable at 200."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    r = report.result
    steps = r.steps[:r.assessed]
    xs = [s.position for s in steps]
    fig = Figure(figsize=(width, height), dpi=150)
    FigureCanvasAgg(fig)
    bars_ax = fig.add_subplot()
    bars_ax.bar(xs, [len(s.new) for s in steps], color="#90caf9", label="new concepts")
    bars_ax.set_ylabel("New concepts")
    bars_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax = bars_ax.twinx()  # the curves on their own (right) axis, over the bars
    ax.plot(xs, [s.cumulative for s in steps], color="#c62828", marker="o" if len(xs) <= 40
            else None, markersize=3, label="cumulative (this order)")
    boot = report.bootstrap
    if boot is not None and boot.orders and len(boot.curve_mean) == len(xs):
        ax.fill_between(xs, boot.curve_low, boot.curve_high, color="#9e9e9e", alpha=0.3,
                        label=f"95% band, {boot.orders} random orders")
        ax.plot(xs, boot.curve_mean, color="#616161", linestyle="--", linewidth=1,
                label="mean over random orders")
    if r.point is not None:
        ax.axvline(r.point + 0.5, color="#2e7d32", linestyle=":", label=f"saturation {r.label}")
    bars_ax.set_xlabel("Interview (position in interview order)")
    ax.set_ylabel("Cumulative concepts")
    ax.set_ylim(bottom=0)
    bars_ax.xaxis.set_major_locator(MaxNLocator(nbins=12, integer=True))
    handles = [h for a in (ax, bars_ax) for h in a.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, fontsize=7, loc="lower right")
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
    if r.assessed:
        document.add_picture(io.BytesIO(chart_png(report)), width=Inches(6.0))
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
              [(g["base"], g["run"], threshold_text(g["threshold"]), g["label"] or "not reached")
               for g in report.grid], flex=3)
    document.add_heading("Order bootstrap", 2)
    document.add_paragraph(report.bootstrap.summary() if report.bootstrap is not None
                           else "Not computed.")
    document.add_heading("Unseen concepts", 2)
    document.add_paragraph(report.unseen.summary())
    if report.categories:
        document.add_heading("Per category", 2)
        add_table(document, ("Category", "Result", "Concepts"),
                  [(c.category, c.result.label or "not reached", c.observed)
                   for c in report.categories], flex=0)
