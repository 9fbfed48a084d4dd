"""Shared fixtures: the questionnaire, the vignettes, and a complete base answer set."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from screening.questionnaire import Questionnaire, load_questionnaire

DATA = Path(__file__).parent / "data"


def load_vignettes() -> list[dict[str, Any]]:
    """The clinical vignettes: the shared ones (a copy of shared/vignettes/vignettes.json,
    updated for rules 1.1) and ours for the rules added or changed in 1.1."""
    return [
        *json.loads((DATA / "vignettes.json").read_text(encoding="utf-8")),
        *json.loads((DATA / "vignettes-rules-1.1.json").read_text(encoding="utf-8")),
    ]


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


def spy_downloads(
    monkeypatch: pytest.MonkeyPatch, on_add: Callable[[str | None, Callable[[], Any]], object]
) -> None:
    """Call ``on_add(file name, deferred callable)`` for every download button rendered.

    AppTest can click a download button but not fetch its bytes; the deferred callable can.
    """
    from streamlit.runtime.media_file_manager import MediaFileManager

    original = MediaFileManager.add_deferred

    def spy(
        self: Any,
        data_callable: Any,
        mimetype: Any,
        coordinates: Any,
        file_name: Any = None,
        **kwargs: Any,
    ) -> Any:
        on_add(file_name, data_callable)
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
