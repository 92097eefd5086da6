#!/usr/bin/env bash
# Creates the integration-event topics listed in ECT_TOPICS (see topics.env) if they do not exist.
# Runs once, in the apache/kafka image, before any service starts. The services also ensure their
# own topic at start-up; doing it here first means broker-side auto-creation can stay off.
set -euo pipefail

bootstrap="${KAFKA_BOOTSTRAP_SERVERS:?set KAFKA_BOOTSTRAP_SERVERS}"
replication="${ECT_TOPIC_REPLICATION_FACTOR:-1}"

IFS=',' read -ra topics <<< "${ECT_TOPICS:?set ECT_TOPICS, e.g. from deploy/topics.env}"
for entry in "${topics[@]}"; do
    name="${entry%%:*}"
    partitions="${entry##*:}"
    /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
        --topic "$name" --partitions "$partitions" --replication-factor "$replication"
done
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --list
