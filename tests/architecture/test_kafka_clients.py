"""Every Kafka client in services/, libs/ and bench/ is built by ect_platform.kafka_security.

A producer, consumer, admin client or faststream broker built anywhere else would connect
without the deployment's SASL credentials and TLS (or, against the production broker, not at
all), so the source is scanned: outside the helper a client class may be named in imports,
annotations and isinstance checks, never used as a value (called, aliased, passed to
functools.partial). tests/ are left out on purpose: they talk to the embedded broker."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ect_platform import kafka_security

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("services", "libs", "bench")
HELPER = Path(kafka_security.__file__).resolve()

# The classes that open a connection to a broker: aiokafka's and faststream's.
CLIENTS = {"AIOKafkaProducer", "AIOKafkaConsumer", "AIOKafkaAdminClient", "AIOKafkaClient",
           "KafkaBroker"}


def _annotations(tree: ast.AST) -> set[int]:
    """ids of every node inside an annotation (a type, not a value)."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign | ast.arg) and node.annotation is not None:
            roots.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            roots.append(node.returns)
    return {id(inner) for root in roots for inner in ast.walk(root)}


def client_uses(source: str) -> list[tuple[int, str]]:
    """(line, name) of every use of a Kafka client class as a value in ``source``."""
    tree = ast.parse(source)
    names = set(CLIENTS)
    for node in ast.walk(tree):  # import aliases: from aiokafka import AIOKafkaConsumer as C
        if isinstance(node, ast.ImportFrom):
            names |= {alias.asname for alias in node.names if alias.name in CLIENTS and alias.asname}
    typing_only = _annotations(tree)
    isinstance_types = {id(inner) for node in ast.walk(tree)
                        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in ("isinstance", "issubclass") and len(node.args) == 2
                        for inner in ast.walk(node.args[1])}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only or id(node) in isinstance_types:
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and node.attr in CLIENTS:
            found.append((node.lineno, node.attr))
    return sorted(found)


def _sources() -> list[Path]:
    return sorted(path for top in SCANNED for path in (ROOT / top).rglob("*.py")
                  if ".venv" not in path.parts)


def test_no_kafka_client_is_built_outside_the_security_helper() -> None:
    offenders = [f"{path.relative_to(ROOT)}:{line}: {name}"
                 for path in _sources() if path.resolve() != HELPER
                 for line, name in client_uses(path.read_text())]

    assert not offenders, (
        "Kafka clients built without ect_platform.kafka_security (use kafka_security.producer/"
        "consumer/admin/broker, or ect_platform.kafka.make_producer):\n" + "\n".join(offenders))


def test_the_scan_covers_the_services_libs_and_bench_and_sees_the_helpers_clients() -> None:
    scanned = {path.resolve() for path in _sources()}
    # the bootstraps, replay and dead letters were the call sites the helper replaced
    for expected in ("services/scheduling/src/scheduling/bootstrap.py",
                     "services/reporting/src/reporting/replay.py",
                     "libs/platform/src/ect_platform/dead_letters.py", "bench/ingest.py"):
        assert (ROOT / expected).resolve() in scanned
    assert HELPER in scanned
    # the helper itself builds each kind; if the scanner stopped seeing them, it sees nothing
    assert {name for _, name in client_uses(HELPER.read_text())} == {
        "AIOKafkaProducer", "AIOKafkaConsumer", "AIOKafkaAdminClient", "KafkaBroker"}


@pytest.mark.parametrize("source", [
    "from aiokafka import AIOKafkaConsumer\nc = AIOKafkaConsumer(bootstrap_servers='k:9092')",
    "import aiokafka\np = aiokafka.AIOKafkaProducer(bootstrap_servers='k:9092')",
    "from aiokafka import AIOKafkaConsumer as Reader\nr = Reader()",
    "from aiokafka.admin import AIOKafkaAdminClient\nasync def f():\n    return AIOKafkaAdminClient()",
    "import functools\nfrom aiokafka import AIOKafkaConsumer\nmake = functools.partial(AIOKafkaConsumer)",
    "from faststream.kafka import KafkaBroker\nbroker = KafkaBroker('k:9092')",
    "import faststream.kafka\nbroker = faststream.kafka.KafkaBroker('k:9092')",
])
def test_the_scan_catches_a_client_built_directly(source: str) -> None:
    assert client_uses(source)


def test_the_scan_allows_imports_annotations_and_isinstance() -> None:
    source = (
        "from aiokafka import AIOKafkaProducer\n"
        "from faststream.kafka import KafkaBroker\n"
        "class Service:\n"
        "    producer: AIOKafkaProducer\n"
        "    broker: KafkaBroker | None = None\n"
        "def use(p: AIOKafkaProducer) -> KafkaBroker:\n"
        "    assert isinstance(p, AIOKafkaProducer)\n"
        "    return p\n"
    )

    assert client_uses(source) == []
