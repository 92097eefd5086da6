"""docker-compose.yml and deploy/ describe production; no Docker engine runs here, so these tests
check the description against the code: every process it starts exists, every file it builds from
exists, and Kafka, PostgreSQL, ports, health checks and topics are what the services expect."""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts.topics import ALL_TOPICS

ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]

# Every process the platform runs in production, and the port of each service's HTTP API.
EXPECTED_PROCESSES = {
    ("scheduling", "api"), ("scheduling", "relay"), ("scheduling", "consumer"),
    ("reporting", "api"), ("reporting", "relay"), ("reporting", "consumer"),
    ("notifications", "api"), ("notifications", "consumer"), ("notifications", "scheduler"),
    ("notifications", "delivery"),
}
API_PORTS = {"scheduling": 8001, "reporting": 8002, "notifications": 8003}


def _command(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _process(service: dict[str, Any]) -> tuple[str, str] | None:
    """(module, part) of a ``python -m <module> <part>`` command, else None."""
    match _command(service):
        case ["python", "-m", module, part]:
            return module, part
    return None


PROCESSES = {name: _process(service) for name, service in SERVICES.items() if _process(service)}


def test_postgresql_16_is_part_of_the_deployment() -> None:
    assert SERVICES["postgres"]["image"].startswith("postgres:16")
    assert "healthcheck" in SERVICES["postgres"]


def test_kafka_is_apache_kafka_in_kraft_mode_without_zookeeper() -> None:
    kafka = SERVICES["kafka"]
    environment = kafka["environment"]

    assert kafka["image"].startswith("apache/kafka")
    assert set(environment["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert environment["KAFKA_CONTROLLER_QUORUM_VOTERS"]
    assert not any("ZOOKEEPER" in key for key in environment)
    assert "healthcheck" in kafka


def test_there_is_one_container_for_each_process_of_each_service() -> None:
    assert sorted(PROCESSES.values()) == sorted(EXPECTED_PROCESSES)


@functools.cache
def _cli_help(module: str) -> subprocess.CompletedProcess[str]:
    # A wide, plain terminal so typer/rich prints each list of choices on one line.
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True,
                          env=env, timeout=60, cwd=ROOT)


@pytest.mark.parametrize("container", sorted(PROCESSES))
def test_each_container_runs_an_importable_module_with_a_part_its_cli_accepts(container: str) -> None:
    module, part = PROCESSES[container]
    assert importlib.util.find_spec(module) is not None, f"{container}: no module named {module!r}"
    assert importlib.util.find_spec(f"{module}.__main__") is not None, f"{module} has no __main__"

    result = _cli_help(module)
    assert result.returncode == 0, f"python -m {module} --help failed:\n{result.stderr}"
    choices = {choice for group in re.findall(r"[<{\[]([\w-]+(?:\|[\w-]+)+)[>}\]]", result.stdout)
               for choice in group.split("|")}
    assert part in choices, f"{container}: {part!r} is not among {sorted(choices)}:\n{result.stdout}"


@pytest.mark.parametrize("container", sorted(PROCESSES))
def test_each_service_container_gets_database_kafka_and_a_jwt_secret_from_the_environment(
    container: str,
) -> None:
    environment = SERVICES[container]["environment"]

    assert {"DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "JWT_SECRET"} <= set(environment)
    assert re.fullmatch(r"\$\{JWT_SECRET(:?\?[^}]*)?\}", environment["JWT_SECRET"]), (
        f"{container}: JWT_SECRET must come from the environment with no default, "
        f"not {environment['JWT_SECRET']!r}"
    )


@pytest.mark.parametrize("container", sorted(c for c, (_, part) in PROCESSES.items() if part == "api"))
def test_each_api_publishes_its_port_and_is_healthy_only_when_ready(container: str) -> None:
    module, _ = PROCESSES[container]
    port = API_PORTS[module]
    service = SERVICES[container]

    assert f"{port}:{port}" in service["ports"]
    assert f"127.0.0.1:{port}/health/ready" in " ".join(service["healthcheck"]["test"])


def _builds() -> list[tuple[str, Path]]:
    builds = []
    for name, service in SERVICES.items():
        if "build" in service:
            build = service["build"]
            context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            builds.append((name, context / dockerfile))
    return builds


def test_every_service_container_is_built_from_the_repository() -> None:
    built = {name for name, _ in _builds()}

    assert set(PROCESSES) <= built


@pytest.mark.parametrize(("container", "dockerfile"), _builds(), ids=[name for name, _ in _builds()])
def test_every_build_points_at_an_existing_dockerfile(container: str, dockerfile: Path) -> None:
    assert dockerfile.is_file(), f"{container}: {dockerfile} does not exist"


def _copy_sources(dockerfile: Path) -> list[str]:
    """The sources of each COPY that reads the build context (not ``--from`` another stage)."""
    sources = []
    for line in dockerfile.read_text().replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["COPY"] and not any(word.startswith("--from") for word in words):
            sources += [word for word in words[1:-1] if not word.startswith("--")]
    return sources


@pytest.mark.parametrize("dockerfile", sorted({path for _, path in _builds()}), ids=str)
def test_every_file_a_dockerfile_copies_exists(dockerfile: Path) -> None:
    sources = _copy_sources(dockerfile)
    # The context is the repository root for every build here.
    missing = [source for source in sources if not (ROOT / source).exists()]

    assert sources, f"{dockerfile} copies nothing"
    assert not missing, f"{dockerfile} copies files that do not exist: {missing}"


def test_the_dockerfile_installs_the_lock_then_all_five_packages_without_their_dependencies() -> None:
    text = (ROOT / "deploy" / "Dockerfile").read_text().replace("\\\n", " ")

    assert re.search(r"^FROM python:3\.11-slim", text, re.MULTILINE)
    assert "pip install -r requirements.lock" in text
    [install] = [line for line in text.splitlines() if line.startswith("RUN") and "--no-deps" in line]
    # the Makefile's PACKAGES is the one list of what the platform installs
    makefile = (ROOT / "Makefile").read_text()
    [packages] = re.findall(r"^PACKAGES := (.+)$", makefile, re.MULTILINE)
    for package in packages.split():
        assert f"./{package}" in install.split()
        assert (ROOT / package / "pyproject.toml").is_file()


def test_every_file_the_compose_file_mounts_or_reads_exists() -> None:
    paths = []
    for service in SERVICES.values():
        env_files = service.get("env_file", [])
        paths += [env_files] if isinstance(env_files, str) else env_files
        paths += [volume.split(":")[0] for volume in service.get("volumes", [])
                  if volume.startswith((".", "/"))]
    missing = [path for path in paths if not (ROOT / path).exists()]

    assert paths
    assert not missing, f"docker-compose.yml refers to files that do not exist: {missing}"


def test_the_topics_created_in_production_are_those_registered_in_the_contracts() -> None:
    settings = dict(
        line.split("=", 1) for line in (ROOT / "deploy" / "topics.env").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )

    listed = settings["ECT_TOPICS"].split(",")

    assert listed == [f"{topic.name}:{topic.partitions}" for topic in ALL_TOPICS]
