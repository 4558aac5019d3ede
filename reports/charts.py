"""Server-drawn SVG charts: the geometry is worked out here, the markup is in
templates/reports/*.svg (escaped by the template engine like any page).

Each chart has a title and a one-sentence description (the SVG's <title> and <desc>, its
text alternative), and the page puts the table it was drawn from beside it. No script, no
styles: colours are presentation attributes, so the Content Security Policy is untouched,
and series differ by dash pattern as well as colour. A value of None (a count kept back by
the small number rule) draws nothing: no bar, or a gap in the line.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.selectors import EventReport
    from reports.tables import Table

WIDTH = 640
BLUE = "#1d70b8"
ORANGE = "#b14b00"
BAR_ROW = 28
LABEL_WIDTH = 210
BAR_AREA = 330
LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: float
    width: float

    @property
    def text_y(self) -> float:
        return self.y + 15

    @property
    def text_x(self) -> float:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    template: str = "reports/bar_chart.svg"
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_ROW - 8
    colour: str = BLUE
    label_x: int = LABEL_WIDTH - 8


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, int | None, str]],
) -> BarChart:
    """Horizontal bars, one per (label, value or None, text shown after the bar)."""
    top = max((value for _, value, _ in bars if value is not None), default=0) or 1
    return BarChart(
        id=id,
        title=title,
        description=description,
        bars=[
            Bar(
                label=_short(label),
                text=text,
                y=index * BAR_ROW + 4,
                width=round(BAR_AREA * (value or 0) / top, 1),
            )
            for index, (label, value, text) in enumerate(bars)
        ],
        height=max(len(bars), 1) * BAR_ROW + 8,
    )


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    dash: str
    # Each run of points with no gap, as SVG "x,y x,y ..."
    segments: list[str]
    # Lone points (a run of one) are drawn as dots so they are not lost.
    dots: list[tuple[float, float]]


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    description: str
    series: list[Series]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    template: str = "reports/line_chart.svg"
    width: int = WIDTH
    height: int = 240
    left: int = 56
    right: int = WIDTH - 24
    top: int = 12
    bottom: int = 210

    @property
    def y_label_x(self) -> int:
        return self.left - 6

    @property
    def x_label_y(self) -> int:
        return self.bottom + 20


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `value`."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def line_chart(
    *,
    id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    y_format: str = "{:g}",
) -> LineChart:
    """Lines over evenly spaced points (x_labels); about six x labels are written. The page
    names the series and the unit beside the chart."""
    chart = LineChart(id, title, description, [], [], [])
    values = [value for _, points in series for value in points if value is not None]
    y_max = _nice_ceiling(max(values, default=0))
    count = len(x_labels)
    span_x = chart.right - chart.left
    span_y = chart.bottom - chart.top

    def x_at(index: int) -> float:
        return round(chart.left + (span_x * index / (count - 1) if count > 1 else span_x / 2), 1)

    def y_at(value: float) -> float:
        return round(chart.bottom - span_y * value / y_max, 1)

    styles = ((BLUE, ""), (ORANGE, "6 4"))
    drawn = []
    for (name, points), (colour, dash) in zip(series, styles, strict=False):
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(points):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x_at(index), y_at(value)))
        drawn.append(
            Series(
                name=name,
                colour=colour,
                dash=dash,
                segments=[" ".join(f"{x},{y}" for x, y in run) for run in runs if len(run) > 1],
                dots=[run[0] for run in runs if len(run) == 1],
            )
        )
    step = max(1, round(count / 6)) if count else 1
    return LineChart(
        id=id,
        title=title,
        description=description,
        series=drawn,
        y_ticks=[
            Tick(y_at(y_max * part / 4), y_format.format(y_max * part / 4)) for part in range(5)
        ],
        x_ticks=[Tick(x_at(index), x_labels[index]) for index in range(0, count, step)],
    )


# --- the charts of a report -------------------------------------------------------------


def _minutes(seconds: object) -> float | None:
    return round(seconds / 60, 1) if isinstance(seconds, int | float) else None


def _count(value: object) -> int | None:
    return value if isinstance(value, int) else None


def report_charts(report: "EventReport", tables: "dict[str, Table]") -> dict[str, object]:
    """The charts of one report, drawn from its tables (so a count kept back by the small
    number rule is kept back from the picture too)."""
    charts: dict[str, object] = {}
    q = tables["questions"].rows
    charts["questions"] = bar_chart(
        id="chart-questions",
        title="Questions, by what happened to them",
        description="; ".join(f"{label}: {value}" for label, value in q) + ".",
        bars=[(str(label), _count(value), str(value)) for label, value in q],
    )
    viewers = tables["viewers"].rows
    if viewers:
        peak = report.viewers
        charts["viewers"] = line_chart(
            id="chart-viewers",
            title="People watching over time",
            description=(
                f"The most watching at once in each {peak.slot_minutes} minutes, from "
                f"{_clock(viewers[0][0])} to {_clock(viewers[-1][0])} UK time; the highest "
                f"was {_peak_text(viewers)}."
            ),
            x_labels=[_clock(row[0]) for row in viewers],
            series=[("Watching", [_count(row[1]) for row in viewers])],
        )
    timing = tables["timing_over_time"].rows
    if timing:
        charts["timing"] = line_chart(
            id="chart-timing",
            title="Median minutes taken, by when questions were published",
            description=(
                "For questions published in each 15 minutes from "
                f"{_clock(timing[0][0])} UK time: the median minutes from asking to "
                "publishing (solid line) and from publishing to the first answer (dashed "
                "line). The table below gives each figure."
            ),
            x_labels=[_clock(row[0]) for row in timing],
            series=[
                ("Asking to publishing", [_minutes(row[2]) for row in timing]),
                ("Publishing to first answer", [_minutes(row[3]) for row in timing]),
            ],
        )
    agencies = tables["agencies"].rows
    if agencies:
        charts["agencies"] = bar_chart(
            id="chart-agencies",
            title="Answers given by each agency",
            description="; ".join(f"{row[0]}: {row[1]}" for row in agencies) + ".",
            bars=[(str(row[0]), _count(row[1]), str(row[1])) for row in agencies],
        )
    words = tables["words"].rows
    if words:
        charts["words"] = bar_chart(
            id="chart-words",
            title="Most frequent words in published questions",
            description=(
                f"The {len(words)} words used by the most published questions, with how "
                "many used each: " + "; ".join(f"{word}: {count}" for word, count in words) + "."
            ),
            bars=[(str(word), _count(count), str(count)) for word, count in words],
        )
    return charts


def _clock(moment: object) -> str:
    return moment.strftime("%H:%M") if isinstance(moment, datetime) else ""


def _peak_text(rows: Sequence[tuple[object, ...]]) -> str:
    counted = [row for row in rows if isinstance(row[1], int)]
    if not counted:
        return "fewer than 5"
    moment, peak = max(counted, key=lambda row: _count(row[1]) or 0)[:2]
    return f"{peak} at once, in the slot from {_clock(moment)}"
