"""Pictures: the pipeline's funnel, and a candidate's papers per year and topic, as PNG bytes.

Figures are built with matplotlib's object API on the Agg canvas, never pyplot: pyplot keeps global state
that threads (handlers run charts in a thread) would share, and it may try to open a window.
"""

from __future__ import annotations

import io
import logging
import time
from collections import Counter

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.models import Paper
from bot.pipeline.models import Stage

logger = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Topics beyond this many are drawn as "other", so that the legend stays readable.
MAX_TOPICS = 6
OTHER = "other"
NO_TOPIC = "untagged"
DPI = 110


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def funnel_chart(funnel: list[tuple[Stage, int]], counts: dict[Stage, int] | None = None) -> bytes:
    """Horizontal bars, widest at the top: how many candidates reached each stage; off-funnel stages noted."""
    started = time.perf_counter()
    figure = Figure(figsize=(6.4, 3.8))
    axes = figure.add_subplot()
    labels = [stage.value for stage, _ in funnel]
    values = [n for _, n in funnel]
    top = max(values + [1])
    lefts = [(top - v) / 2 for v in values]  # centred bars read as a funnel
    bars = axes.barh(labels, values, left=lefts, color="#3b7dd8", height=0.7)
    first = values[0] if values else 0
    for bar, value in zip(bars, values):
        share = f" ({value / first:.0%})" if first and value != first else ""
        axes.text(top / 2, bar.get_y() + bar.get_height() / 2, f"{value}{share}", ha="center", va="center",
                  color="white" if value > top * 0.15 else "black", fontsize=9)
    axes.invert_yaxis()
    axes.set_xticks([])
    axes.set_xlim(0, top)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    title = "Recruiting funnel: candidates who reached each stage"
    if counts:
        aside = [f"{s.value} {counts.get(s, 0)}" for s in (Stage.DECLINED, Stage.DO_NOT_CONTACT) if counts.get(s)]
        if aside:
            title += "\n(" + ", ".join(aside) + ")"
    axes.set_title(title, fontsize=10)
    figure.tight_layout()
    data = _png(figure)
    logger.info("Funnel chart drawn (%d bytes) in %.0f ms", len(data), (time.perf_counter() - started) * 1000)
    return data


def topic_of(paper: Paper) -> str:
    return paper.topics[0] if paper.topics else NO_TOPIC


def papers_by_year_and_topic(papers: list[Paper]) -> tuple[list[int], list[str], dict[str, list[int]]]:
    """(years, topics, counts per topic aligned with years); papers without a year are left out."""
    dated = [p for p in papers if p.year]
    common = [t for t, _ in Counter(topic_of(p) for p in dated).most_common()]
    keep = common[:MAX_TOPICS] if len(common) <= MAX_TOPICS else common[: MAX_TOPICS - 1]
    years = list(range(min(p.year for p in dated), max(p.year for p in dated) + 1)) if dated else []
    topics = keep + ([OTHER] if len(common) > len(keep) else [])
    counts = {t: [0] * len(years) for t in topics}
    for paper in dated:
        topic = topic_of(paper) if topic_of(paper) in keep else OTHER
        counts[topic][years.index(paper.year)] += 1
    return years, topics, counts


def timeline_chart(name: str, papers: list[Paper]) -> bytes:
    """Stacked bars: a candidate's papers per year, coloured by topic."""
    started = time.perf_counter()
    years, topics, counts = papers_by_year_and_topic(papers)
    figure = Figure(figsize=(7.2, 3.8))
    axes = figure.add_subplot()
    bottoms = [0] * len(years)
    colours = ["#3b7dd8", "#e07b39", "#4aa35a", "#c4453c", "#8b62c4", "#8c6d57", "#9a9a9a"]
    for index, topic in enumerate(topics):
        axes.bar(years, counts[topic], bottom=bottoms, label=topic.replace("_", " "), color=colours[index % 7])
        bottoms = [b + c for b, c in zip(bottoms, counts[topic])]
    axes.set_xlabel("year")
    axes.set_ylabel("papers")
    axes.yaxis.get_major_locator().set_params(integer=True)
    if years:
        axes.set_xticks(years if len(years) <= 12 else years[:: max(1, len(years) // 10)])
        axes.legend(fontsize=8, frameon=False, loc="upper left")
    else:
        axes.text(0.5, 0.5, "no dated papers", ha="center", va="center", transform=axes.transAxes)
    axes.set_title(f"{name}: papers per year and topic ({sum(bottoms)} dated)", fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    data = _png(figure)
    logger.info("Timeline chart drawn (%d papers, %d bytes) in %.0f ms", len(papers), len(data),
                (time.perf_counter() - started) * 1000)
    return data
