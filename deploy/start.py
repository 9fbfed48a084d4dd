"""Start the app for a container: check the clinic settings first, then run Streamlit.

    python deploy/start.py [streamlit options]     # e.g. --server.port=8501

A broken settings file (SCREENING_SETTINGS) or crisis-resources file stops start-up here,
with one message that names the file, the key and the fix, and exit code 2: the container
exits and its log says why, instead of serving a page that can only show the error.
The pages check the settings again on their own (ui/settings.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_ENV_VAR = "SCREENING_SETTINGS"
APP_FILE = "streamlit_app.py"


def problem() -> str | None:
    """What is wrong with the deployment's settings or crisis file, or None when all is well."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from screening.crisis import load_crisis_resources
    from screening.errors import ScreeningError
    from screening.settings import load_settings

    raw = os.environ.get(SETTINGS_ENV_VAR, "").strip()
    try:
        settings = load_settings(Path(raw) if raw else None)
        load_crisis_resources().region(settings.region)
    except (ScreeningError, ValueError) as exc:
        return str(exc)
    return None


def streamlit_command(options: Sequence[str]) -> list[str]:
    """The command that runs the app with ``options``."""
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / APP_FILE), *options]


def main(
    argv: Sequence[str] | None = None,
    execv: Callable[[str, list[str]], object] = os.execv,
) -> int:
    """Check, then replace this process with Streamlit; 2 and a message when the check fails."""
    options = list(sys.argv[1:] if argv is None else argv)
    found = problem()
    if found is not None:
        print(
            "screening: cannot start: the clinic settings have a problem.\n"
            f"{found}\n"
            "Fix the file (see settings.example.toml) or unset SCREENING_SETTINGS.",
            file=sys.stderr,
        )
        return 2
    command = streamlit_command(options)
    os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working directory
    execv(command[0], command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
