# Episode Bot image: `docker compose build cli` builds it (see docs/admin-guide.md).
# PYTHON_IMAGE may name another Python 3.11 base; scripts/container-test builds FROM a
# debootstrap look-alike (Debian's python3, `python` from python-is-python3) when no
# registry can be reached, so use only `python` and the venv's own tools here.
# The build stage installs the project into a virtual environment; the final
# stage copies only that environment, so no pip cache and no compiler ship.
# tests/selfhost/test_install.py runs this file's build-stage commands in a fresh
# venv, so keep every install step a RUN here.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
RUN python -m venv /opt/venv
RUN --mount=type=cache,target=/root/.cache/pip /opt/venv/bin/pip install /src

FROM ${PYTHON_IMAGE}
# A fixed uid that owns nothing in the image but its state folder: code and seeds stay
# read-only to the bot. docker-compose.yml mounts a volume on the state folder, which
# Docker seeds with this folder's owner, so restarts keep the state (Discord's command
# sync record and start-up back-off) even with a read-only root filesystem.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin episodebot \
    && mkdir -p /var/lib/episode-bot \
    && chown 10001:10001 /var/lib/episode-bot
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# Built-in episodes; docker-compose.yml mounts ./seeds over them so adding one needs no rebuild.
COPY seeds ./seeds
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    EPISODE_BOT_SEEDS_DIR=/app/seeds \
    EPISODE_BOT_STATE_DIR=/var/lib/episode-bot \
    EPISODE_BOT_RUN_DIR=/tmp/episode-bot
USER 10001:10001
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=15m --retries=3 CMD ["episode-bot", "health"]
ENTRYPOINT ["episode-bot"]
CMD ["--help"]
