"""/metrics pieces that need no database or broker: lag arithmetic, counted attributes, probes
that fail or hang, and HTTP metrics labelled by route template, never by a raw path."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable

import httpx
from aiokafka import TopicPartition
from fastapi import FastAPI
from prometheus_client.core import Metric
from prometheus_client.parser import text_string_to_metric_families

from ect_platform.lag import behind, partition_lags
from ect_platform.metrics import (
    Exposition,
    count_consumer,
    count_relay,
    gauge,
    install_metrics,
    metrics_only_app,
    serving,
)
from ect_platform.web import install_edge


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """Every sample called ``name`` in an exposition, by its sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def test_lag_is_what_lies_between_the_recorded_position_and_the_head() -> None:
    assert behind(120, 100) == 20
    assert behind(None, None) == 0  # nothing stored, nothing recorded
    assert behind(50, None) == 50  # never published
    assert behind(10, 40) == 0  # a position past an emptied store is no negative lag


def test_a_partition_with_nothing_committed_is_behind_by_all_of_it() -> None:
    a, b = TopicPartition("t", 0), TopicPartition("t", 1)
    assert partition_lags({a: 30, b: 7}, {a: 25, b: None}) == {a: 5, b: 7}


class Relay:
    published = 0


class Consumer:
    name = "reporting.projections"
    applied = 0
    duplicates = 0

    class dead_letters:  # stands in for a DeadLetters instance
        parked = 0


async def test_counted_attributes_are_read_at_each_scrape() -> None:
    exposition = Exposition()
    relay, consumer = Relay(), Consumer()
    count_relay(exposition, relay, "scheduling")
    count_consumer(exposition, consumer)
    before = (await exposition.render()).decode()
    relay.published, consumer.applied, consumer.dead_letters.parked = 12, 5, 1
    after = (await exposition.render()).decode()

    assert samples(before, "ect_relay_published_events_total") == {(("relay", "scheduling"),): 0.0}
    assert samples(after, "ect_relay_published_events_total") == {(("relay", "scheduling"),): 12.0}
    assert samples(after, "ect_consumer_events_applied_total") == {
        (("consumer", "reporting.projections"),): 5.0}
    assert samples(after, "ect_dead_letters_parked_total") == {
        (("consumer", "reporting.projections"),): 1.0}


async def test_a_probe_that_fails_or_hangs_is_left_out_and_says_so() -> None:
    exposition = Exposition(probe_timeout_seconds=0.05)

    async def answers() -> Iterable[Metric]:
        return [gauge("ect_example_gauge", "an example", 3.0, relay="x")]

    async def hangs() -> Iterable[Metric]:
        await asyncio.sleep(10)
        return [gauge("ect_hung_gauge", "never seen", 1.0)]

    async def fails() -> Iterable[Metric]:
        raise ConnectionRefusedError("database down")

    exposition.probe("answers", answers)
    exposition.probe("hangs", hangs)
    exposition.probe("fails", fails)
    text = (await asyncio.wait_for(exposition.render(), 2)).decode()

    assert samples(text, "ect_example_gauge") == {(("relay", "x"),): 3.0}
    assert "ect_hung_gauge" not in text
    assert samples(text, "ect_metrics_probe_success") == {
        (("probe", "answers"),): 1.0, (("probe", "hangs"),): 0.0, (("probe", "fails"),): 0.0}


def api_with_metrics(service: str) -> FastAPI:
    api = FastAPI()
    install_edge(api)
    install_metrics(api, service)

    @api.get("/ects/{ect_id}")
    async def one(ect_id: uuid.UUID) -> dict[str, str]:
        return {"id": str(ect_id)}

    return api


async def test_http_requests_are_labelled_by_route_template_never_by_the_raw_path() -> None:
    service = f"svc-{uuid.uuid4().hex[:8]}"  # the HTTP metrics are process-wide: our own label
    api = api_with_metrics(service)
    ect_id = uuid.uuid4()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://t") as http:
        assert (await http.get(f"/ects/{ect_id}")).status_code == 200
        assert (await http.get(f"/ects/{uuid.uuid4()}")).status_code == 200
        assert (await http.get(f"/no-such-page/{ect_id}")).status_code == 404
        assert (await http.post("/ects/x", content=b"x" * (300 * 1024))).status_code == 413
        scraped = await http.get("/metrics")

    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    text = scraped.text
    assert str(ect_id) not in text
    mine = {labels: value for labels, value in samples(text, "http_requests_total").items()
            if ("app_name", service) in labels}
    assert mine == {
        (("app_name", service), ("method", "GET"), ("path", "/ects/{ect_id}"), ("status_code", "200")): 2.0,
        (("app_name", service), ("method", "GET"), ("path", "__unknown__"), ("status_code", "404")): 1.0,
        # refused at the edge before any route is matched: still counted, with no path
        (("app_name", service), ("method", "POST"), ("path", "__unknown__"), ("status_code", "413")): 1.0,
    }
    durations = samples(text, "http_request_duration_seconds_count")
    assert durations[(("app_name", service), ("method", "GET"), ("path", "/ects/{ect_id}"),
                      ("status_code", "200"))] == 2.0


async def test_a_process_without_the_api_serves_metrics_alone_on_its_metrics_port() -> None:
    exposition = Exposition()
    count_relay(exposition, Relay(), "notifications")
    served, port = serving(None, exposition, 8003, 9103)
    assert port == 9103 and served is not None
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=served), base_url="http://t") as http:
        text = (await http.get("/metrics")).text
        assert (await http.get("/docs")).status_code == 404
    assert samples(text, "ect_relay_published_events_total") == {(("relay", "notifications"),): 0.0}
    assert serving(None, exposition, 8003, None) == (None, 8003)
    assert metrics_only_app(exposition).state.metrics is exposition


class Inbound:
    """Shaped as scheduling's inbound facts: the ECT aggregate is its idempotence, so it keeps
    no duplicate count; here without a dead-letter topic either."""

    name = "scheduling.inbound"
    applied = 2
    dead_letters = None


async def test_a_consumer_without_duplicates_or_dead_letters_shows_what_it_has() -> None:
    exposition = Exposition()
    count_consumer(exposition, Inbound())
    text = (await exposition.render()).decode()
    assert samples(text, "ect_consumer_events_applied_total") == {
        (("consumer", "scheduling.inbound"),): 2.0}
    assert "ect_consumer_events_duplicate_total" not in text
    assert "ect_dead_letters_parked_total" not in text
    assert "ect_metrics_probe_success" not in text  # no probe, no probe figure
