"""Terminal output of a staff review: one tab-separated line per record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from screening.problems import CONTROL_CHARS


def row_line(row: Mapping[str, Any]) -> str:
    """One tab-separated line for a terminal: flags, outcome, PHQ-9, file, name."""
    flags = ",".join(
        flag
        for flag, on in (
            ("URGENT", row["is_urgent"]),
            ("CRISIS", row["is_crisis"]),
            ("MISMATCH", row["has_mismatch"]),
        )
        if on
    )
    phq = "-" if row["phq9_total"] is None else f"{row['phq9_total']} {row['phq9_band']}"
    fields = (
        str(row["number"]),
        flags or "-",
        row["outcome_code"],
        f"PHQ-9 {phq}",
        row["source"],
        row["name"] or "-",
    )
    return "\t".join(CONTROL_CHARS.sub(" ", f) for f in fields)
