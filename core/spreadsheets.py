"""CSV cells that a spreadsheet shows as text: the transcript download (archive/) and the
report download (reports/) both leave the organisation as files someone opens in Excel."""

# Spreadsheets run cells that start with these as formulas; a leading ' keeps them text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
