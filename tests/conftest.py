"""Shared fixtures: the questionnaire, the vignettes, and a complete base answer set."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Iterator
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


STAFF_SETTINGS = DATA / "settings" / "staff.toml"
STAFF_USER = {"is_logged_in": True, "email": "staff@clinic.example", "sub": "staff-1"}


@pytest.fixture(autouse=True, scope="session")
def _staff_deployment() -> Iterator[None]:
    """Tests run the app as a staff deployment (staff page on, one allowed member of staff)
    unless a test sets SCREENING_SETTINGS itself."""
    before = os.environ.get("SCREENING_SETTINGS")
    os.environ.setdefault("SCREENING_SETTINGS", str(STAFF_SETTINGS))
    yield
    if before is None:
        os.environ.pop("SCREENING_SETTINGS", None)


def staff_app(timeout: float = 60) -> Any:
    """The staff page under AppTest, signed in as the allowed member of staff."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(DATA.parent.parent / "ui" / "staff.py"), default_timeout=timeout)
    at.user = dict(STAFF_USER)
    return at


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
