"""``table``: a table of text, edited in Wagtail's table editor (``wagtail.contrib.table_block``).

The stored value is Wagtail's: ``data`` (rows of cells, ``None`` or "" for an empty cell),
``table_header_choice`` ("row", "column", "both" or "neither"; tables stored before
Wagtail 6 may say "col") with the booleans
``first_row_is_table_header`` / ``first_col_is_header`` derived from it, and
``table_caption``. Cells are plain text (a line break in a cell is kept). Empty cells
are kept as empty strings, so columns never shift.

The API serves ``caption``, ``header`` (the header row's cells, or null), ``rows`` (the
other rows, every row as long as the longest) and ``first_column_is_header``.
"""

from pydantic import BaseModel, Field
from wagtail.contrib.table_block.blocks import TableBlock as WagtailTableBlock

from cms.core.blocks.base import NewsdeskBlock, raw_text

TABLE_OPTIONS = {
    "contextMenu": [
        "row_above",
        "row_below",
        "---------",
        "col_left",
        "col_right",
        "---------",
        "remove_row",
        "remove_col",
        "---------",
        "undo",
        "redo",
    ],
    "startRows": 3,
    "startCols": 3,
}


def table_rows(raw):
    """(header cells or None, body rows), every cell a string, rows padded to one width."""
    data = [list(row or []) for row in (raw or {}).get("data") or []]
    width = max((len(row) for row in data), default=0)
    rows = [
        [cell if isinstance(cell, str) else "" if cell is None else str(cell) for cell in row]
        + [""] * (width - len(row))
        for row in data
    ]
    if rows and (raw or {}).get("first_row_is_table_header"):
        return rows[0], rows[1:]
    return None, rows


class TableValue(BaseModel):
    caption: str
    header: list[str] | None = Field(
        description="The cells of the header row; null when the table has none"
    )
    rows: list[list[str]] = Field(
        description='The body rows, each as long as the longest; "" for an empty cell'
    )
    first_column_is_header: bool = Field(
        description="Whether each row's first cell labels the row (a row header)"
    )


class TableBlock(NewsdeskBlock, WagtailTableBlock):
    api_schema = TableValue

    def __init__(self, **kwargs):
        kwargs.setdefault("table_options", TABLE_OPTIONS)
        super().__init__(**kwargs)

    def api_value(self, raw, resolver):
        header, rows = table_rows(raw)
        return {
            "caption": raw_text(raw, "table_caption"),
            "header": header,
            "rows": rows,
            "first_column_is_header": bool((raw or {}).get("first_col_is_header")),
        }

    def search_text(self, raw, resolver=None):
        header, rows = table_rows(raw)
        cells = [raw_text(raw, "table_caption"), *(header or [])]
        cells.extend(cell for row in rows for cell in row)
        return " ".join(cell for cell in cells if cell.strip())

    def word_count(self, raw):
        return len(self.search_text(raw).split())

    class Meta:
        icon = "table"
        label = "Table"
        template = "news/blocks/table.html"
