"""The Dockerfile stays in step with the package, the CLI and the app (static checks, no engine).

There is no container engine in CI: these checks read the Dockerfile and .dockerignore and
compare them with pyproject.toml, the ``ftcost`` CLI, the settings defaults and the routes; the
HEALTHCHECK command itself is run against a live server on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from ftcost import cli
from ftcost.api.app import create_app
from ftcost.catalog import load_catalog
from ftcost.cli import cmd_serve
from ftcost.settings import Settings, from_env

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = pending + stripped
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def stages() -> list[list[tuple[str, str]]]:
    """The instructions of each build stage (a stage starts at FROM)."""
    out: list[list[tuple[str, str]]] = []
    for ins in instructions():
        if ins[0] == "FROM":
            out.append([])
        if out:
            out[-1].append(ins)
    return out


def only(name: str, stage: list[tuple[str, str]] | None = None) -> str:
    found = [args for word, args in (stage or instructions()) if word == name]
    assert len(found) == 1, f"expected one {name}, found {found}"
    return found[0]


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for word, args in stage:
        if word == "ENV":
            for item in shlex.split(args):
                key, _, value = item.partition("=")
                out[key] = value
    return out


def base_image() -> str:
    arg = only("ARG")
    name, _, value = arg.partition("=")
    assert name == "PYTHON_IMAGE"
    return value


def test_base_image_is_a_pinned_slim_python_of_the_supported_version() -> None:
    """Both stages use one python:3.11.<patch>-slim-bookworm base, the package's Python."""
    image = base_image()
    m = re.fullmatch(r"python:(3)\.(\d+)\.(\d+)-slim-bookworm", image)
    assert m, f"{image!r} is not a pinned python:X.Y.Z-slim-bookworm image"
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert f"{m.group(1)}.{m.group(2)}" == minimum
    froms = [args for word, args in instructions() if word == "FROM"]
    assert froms == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE} AS runtime"]


def test_first_stage_builds_wheels_second_installs_them_offline() -> None:
    """The build stage makes wheels; the runtime installs ftcost's wheel with --no-index."""
    build, runtime = stages()
    assert "pip wheel --wheel-dir /wheels ." in only("RUN", build)
    installs = [a for w, a in runtime if w == "RUN" and "pip install" in a]
    assert len(installs) == 1
    assert "--no-index" in installs[0]
    assert "from=build" in installs[0]
    assert "/wheels/ftcost-*.whl" in installs[0]


def test_nothing_is_downloaded_by_hand() -> None:
    """No curl, wget, ADD <url> or package manager: the container fetches nothing at run time."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    for tool in ("curl", "wget", "apt-get", "apk ", "ADD http"):
        assert tool not in text


def test_runs_as_a_numeric_non_root_user_created_in_the_image() -> None:
    """USER is a numeric non-root uid:gid that useradd/groupadd create, set before ENTRYPOINT."""
    _, runtime = stages()
    user = only("USER", runtime)
    uid, _, gid = user.partition(":")
    assert uid.isdigit()
    assert gid.isdigit()
    assert int(uid) != 0
    assert int(gid) != 0
    setup = " ".join(a for w, a in runtime if w == "RUN")
    assert f"useradd --system --uid {uid}" in setup
    assert f"groupadd --system --gid {gid}" in setup
    words = [w for w, _ in runtime]
    assert words.index("USER") < words.index("ENTRYPOINT")


def test_port_and_host_match_the_settings() -> None:
    """EXPOSE and FTCOST_PORT are the default port; FTCOST_HOST listens on all interfaces."""
    _, runtime = stages()
    env = env_of(runtime)
    assert env["FTCOST_HOST"] == "0.0.0.0"
    assert only("EXPOSE", runtime) == str(Settings().port) == env["FTCOST_PORT"]
    settings = from_env({k: v for k, v in env.items() if k.startswith("FTCOST_")})
    assert (settings.host, settings.port) == ("0.0.0.0", Settings().port)


def test_entry_point_is_ftcost_serve() -> None:
    """ENTRYPOINT runs `ftcost serve`: a console script of the package and a real sub-command."""
    _, runtime = stages()
    argv = json.loads(only("ENTRYPOINT", runtime))
    assert argv == ["ftcost", "serve"]
    assert PYPROJECT["project"]["scripts"]["ftcost"] == "ftcost.cli:main"
    assert "cmd_serve" in cli._COMMAND_MODULES
    parser = argparse.ArgumentParser(prog="ftcost")
    cmd_serve.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([*argv[1:], "--workers", "2"])
    assert args.command == "serve"
    assert args.workers == 2


def test_copied_sources_exist_and_pass_the_dockerignore() -> None:
    """Every COPY source exists, is what the wheel needs, and is not excluded by .dockerignore."""
    build, _ = stages()
    sources = []
    for word, args in build:
        if word == "COPY":
            *srcs, _dest = args.split()
            sources += srcs
    assert sorted(sources) == sorted(
        ["pyproject.toml", PYPROJECT["project"]["readme"], "pricing", "src"]
    )
    force = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert set(force) <= set(sources)
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def excluded(path: str) -> bool:
        result = False
        for pat in patterns:
            negate = pat.startswith("!")
            pat = pat.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, pat) or fnmatch.fnmatch(path.split("/")[0], pat):
                result = not negate
        return result

    for src in sources:
        assert (ROOT / src).exists(), src
        assert not excluded(src), f"{src} is excluded by .dockerignore"
    for heavy in (".venv", ".git", "tests", ".tmp", "benchmarks", "artifacts"):
        assert excluded(heavy), f"{heavy} would be sent to the build"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live_port() -> Iterator[int]:
    """The app on a free 127.0.0.1 port (uvicorn in a thread), stopped after the module."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(Settings(access_log=False), catalog=load_catalog()),
        host="127.0.0.1",
        port=port,
        log_level="error",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def healthcheck_argv() -> list[str]:
    args = only("HEALTHCHECK")
    _, _, command = args.partition("CMD ")
    argv: list[str] = json.loads(command)
    return argv


def test_healthcheck_uses_python_and_a_real_route(live_port: int) -> None:
    """HEALTHCHECK is python's urllib (no curl) on /healthz: 0 while up, non-zero when down."""
    argv = healthcheck_argv()
    assert argv[:2] == ["python", "-c"]
    code = argv[2]
    ast.parse(code)
    assert "/healthz" in code
    app = create_app(Settings(), catalog=load_catalog())
    assert "/healthz" in {route.path for route in app.routes}
    env = {**os.environ, "FTCOST_PORT": str(live_port)}
    up = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=30)
    assert up.returncode == 0, up.stderr
    env["FTCOST_PORT"] = str(_free_port())  # nothing listens there
    down = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=30)
    assert down.returncode != 0


def test_header_commands_match_the_exposed_port() -> None:
    """The build/run commands in the Dockerfile's header publish the exposed port."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    port = Settings().port
    assert "docker build -t ftcost ." in text
    assert f"docker run --rm -p {port}:{port} ftcost" in text
