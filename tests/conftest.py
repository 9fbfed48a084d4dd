"""Shared fixtures: the questionnaire, the vignettes, and a complete base answer set."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from screening.questionnaire import Questionnaire, load_questionnaire

DATA = Path(__file__).parent / "data"


def load_vignettes() -> list[dict[str, Any]]:
    """The clinical vignettes (a copy of shared/vignettes/vignettes.json)."""
    return json.loads((DATA / "vignettes.json").read_text(encoding="utf-8"))


def vignette(vignette_id: str) -> dict[str, Any]:
    """One vignette's answers, deep-copied so tests can change them."""
    for v in load_vignettes():
        if v["id"] == vignette_id:
            return copy.deepcopy(v["answers"])
    raise KeyError(vignette_id)


@pytest.fixture(scope="session")
def qn() -> Questionnaire:
    """The bundled questionnaire."""
    return load_questionnaire()


@pytest.fixture
def base() -> dict[str, Any]:
    """Complete answers of the typical-trd vignette (outcome discuss_ketamine)."""
    return vignette("typical-trd")
