"""How a report's cells read on the page (the CSV formats them its own way)."""

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """45 s, 3 min 20 s, 1 h 5 min, 2 days 3 h: as precise as a person needs."""
    if seconds is None:
        return "none"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} {hours} h" if hours else f"{days} {unit}"


@register.filter
def report_cell(value: object, kind: str) -> str:
    if value is None:
        return "none" if kind == "seconds" else "\u2013"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        return local.strftime("%-d %b %Y") if kind == "date" else local.strftime("%H:%M")
    if kind == "seconds" and isinstance(value, int | float):
        return duration(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@register.filter
def cells(row: tuple[object, ...], columns: tuple[Any, ...]) -> list[dict[str, object]]:
    """A table row's cells, formatted by their columns' kinds."""
    return [
        {
            "text": report_cell(value, column.kind),
            "numeric": column.kind in ("count", "seconds") and not isinstance(value, str),
        }
        for value, column in zip(row, columns, strict=True)
    ]
