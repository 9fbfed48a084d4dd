"""The errors of the core, in one tree.

    ScreeningError                 anything the core refuses, with a message for people
    ├── QuestionnaireError         a questions/*.toml file is broken (names file and place)
    ├── AnswersInvalid             answers do not fit the questionnaire (carries .problems)
    └── RecordError                a record file cannot be read (carries a stable .code)

Every message says where, what, and how to fix it. None of them is meant to
reach a person as a traceback: the doors (pages, CLI) print ``str(error)``.
"""

from __future__ import annotations

from dataclasses import dataclass


class ScreeningError(Exception):
    """Base of every error the core raises on purpose."""


class QuestionnaireError(ScreeningError):
    """A questionnaire file is broken."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one answer.

    ``path`` is the question id, or ``ad_trials[2].weeks`` inside a repeat (0-based index).
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class AnswersInvalid(ScreeningError):
    """Answers that do not fit the questionnaire; ``problems`` lists each one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"{len(problems)} invalid answer(s): {shown}{more}")


class RecordError(ScreeningError):
    """A record file that cannot be read. ``code`` is stable, e.g. ``record.not_json``."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)
