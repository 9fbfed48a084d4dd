"""`import screening` stays light: no Streamlit, pandas, fpdf or FHIR modules."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("streamlit", "pandas", "fpdf", "fhir", "numpy", "altair")


def imported_after(statement: str) -> set[str]:
    """Top-level module names loaded by a statement in a fresh interpreter."""
    code = f"import sys; {statement}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_screening_is_light() -> None:
    """Importing the package loads none of the heavy libraries."""
    assert imported_after("import screening") & set(HEAVY) == set()


def test_scoring_a_record_is_light() -> None:
    """Reading and scoring a record loads none of the heavy libraries either."""
    stmt = "from screening.record import read_record; read_record(b'{\"answers\": {}}', 'x')"
    assert imported_after(stmt) & set(HEAVY) == set()
