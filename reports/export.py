"""The CSV download: every table of a report, one after another, as it would leave the
organisation (the small number rule applied, reports/tables.py)."""

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from core.spreadsheets import spreadsheet_cell
from reports.tables import Cell, Table


def csv_cell(value: Cell, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes" if kind == "minute" else "seconds")
    if isinstance(value, float):
        return str(round(value))
    return spreadsheet_cell(value)


def tables_csv(heading: Iterable[tuple[str, str]], tables: Iterable[Table]) -> str:
    """`heading`: (label, value) lines about the report; then each table under its title.
    Durations are whole seconds; moments are ISO 8601 in UK time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for label, value in heading:
        writer.writerow([csv_cell(label, "text"), csv_cell(value, "text")])
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(
            [
                column.title + (" (seconds)" if column.kind == "seconds" else "")
                for column in table.columns
            ]
        )
        for row in table.rows:
            writer.writerow(
                csv_cell(value, column.kind)
                for value, column in zip(row, table.columns, strict=True)
            )
    return buffer.getvalue()
