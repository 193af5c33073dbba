# The service with the committed model baked in, installed by the same `make install` that `make serve` runs.
#
#   docker build -t handoff-context .
#   docker run --rm -p 8000:8000 -e HANDOFF_API_KEYS=change-me -v handoff-data:/app/var handoff-context
#
# Build args pass through to pip, e.g. --build-arg PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu
# to take torch's CPU wheel instead of the default (much larger) one.
FROM python:3.11-slim-bookworm

ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

RUN apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 handoff

WORKDIR /app
COPY --chown=handoff:handoff pyproject.toml Makefile README.md policy.toml ./
COPY --chown=handoff:handoff service ./service
COPY --chown=handoff:handoff training ./training
COPY --chown=handoff:handoff models ./models
COPY --chown=handoff:handoff data/annotated/README.md data/annotated/HANDOFFS.md ./data/annotated/

USER handoff
# the same install as `make serve` on a laptop: .venv, torch pinned, the project with its dev extras
RUN make install PYTHON=python3.11 \
    # build the encoder from ja_ginza's vectors now, so the container never builds or downloads at run time
    && .venv/bin/python -c "from service.engine.embedder import Embedder; print(Embedder().fingerprint)" \
    && mkdir -p var

# listening beyond loopback requires API keys: the service refuses to start without HANDOFF_API_KEYS
ENV HOST=0.0.0.0 PORT=8000 HANDOFF_WORKERS=1
EXPOSE 8000
VOLUME ["/app/var"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD .venv/bin/python -c \
    "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/readyz', timeout=4)"
CMD ["make", "serve"]
