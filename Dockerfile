# The pre-screening app in a container: slim Python, runtime dependencies only, non-root.
#
#   docker build -t screening .
#   docker run --rm -p 8501:8501 \
#       -e SCREENING_SETTINGS=/config/clinic.toml -v "$PWD/clinic:/config:ro" screening
#
# Put it behind a TLS proxy (deploy/nginx/, docs/deploy.md). Nothing about a respondent is
# written to disk: the image's files are owned by root and read-only to the app's user.

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The app's user: no login shell, a home of its own, a fixed uid for runAsNonRoot.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
       --shell /usr/sbin/nologin app

WORKDIR /app

# The summary PDF's fallback font for Chinese, Japanese and Korean (Droid Sans Fallback).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-droid-fallback=1:6.0.1r16-1.1 \
    && rm -rf /var/lib/apt/lists/*

# Runtime dependencies only (pinned); no test or lint tools in the image.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The app, its data and its Streamlit configuration (usage statistics off, error details off,
# upload size limit): .streamlit/config.toml is read from the working directory.
COPY .streamlit/config.toml .streamlit/config.toml
COPY LICENSE streamlit_app.py ./
COPY questions/ questions/
COPY screening/ screening/
COPY ui/ ui/
COPY deploy/start.py deploy/start.py
RUN python -m compileall -q screening ui deploy streamlit_app.py

USER 10001:10001
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4); sys.exit(0 if r.read() == b'ok' else 1)"]

# Checks the clinic settings (SCREENING_SETTINGS) and stops with a plain message when they
# are broken; otherwise runs `streamlit run streamlit_app.py` with these options.
CMD ["python", "deploy/start.py", "--server.port=8501", "--server.address=0.0.0.0"]
