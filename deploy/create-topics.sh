#!/usr/bin/env bash
# Prepares the broker before any service starts: one Kafka user per service, the integration-event
# topics listed in ECT_TOPICS (see topics.env) and their dead-letter topics, and the ACLs of
# kafka-acls.env. Runs once, in the apache/kafka image, as the admin user (the only super user).
# Every step is idempotent, so running it again (a changed password, a new topic) is safe.
# The services also ensure their topics at start-up; doing it here first means broker-side
# auto-creation stays off and no service needs the right to create topics.
set -euo pipefail

bootstrap="${KAFKA_BOOTSTRAP_SERVERS:?set KAFKA_BOOTSTRAP_SERVERS}"
replication="${ECT_TOPIC_REPLICATION_FACTOR:-1}"
admin="${ECT_KAFKA_ADMIN_USER:?set ECT_KAFKA_ADMIN_USER}"
bin=/opt/kafka/bin

# The admin's client configuration, in the container only (the password is not committed).
umask 077
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
cat > "$config" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$admin" password="${ECT_KAFKA_ADMIN_PASSWORD:?set ECT_KAFKA_ADMIN_PASSWORD}";
EOF
connect=(--bootstrap-server "$bootstrap" --command-config "$config")

upper() { tr '[:lower:]' '[:upper:]' <<< "$1"; }
list() { local value="${!1:-}"; tr ',' ' ' <<< "$value"; }

# Users: <SERVICE>_KAFKA_PASSWORD for each service; setting it again replaces the password.
IFS=',' read -ra services <<< "${ECT_SERVICES:?set ECT_SERVICES, e.g. from deploy/kafka-acls.env}"
for service in "${services[@]}"; do
    password_var="$(upper "$service")_KAFKA_PASSWORD"
    password="${!password_var:?set $password_var}"
    "$bin/kafka-configs.sh" "${connect[@]}" --alter --entity-type users --entity-name "$service" \
        --add-config "SCRAM-SHA-512=[iterations=8192,password=$password]"
done

# Topics, each with its dead-letter topic (one partition, as ect_platform.kafka.ensure_topics
# makes it), kept for ever like the broker's default here.
all_topics=()
IFS=',' read -ra topics <<< "${ECT_TOPICS:?set ECT_TOPICS, e.g. from deploy/topics.env}"
for entry in "${topics[@]}"; do
    name="${entry%%:*}"
    partitions="${entry##*:}"
    for topic in "$name:$partitions" "$name.dlq:1"; do
        "$bin/kafka-topics.sh" "${connect[@]}" --create --if-not-exists --topic "${topic%%:*}" \
            --partitions "${topic##*:}" --replication-factor "$replication" \
            --config retention.ms=-1 --config retention.bytes=-1
        all_topics+=("${topic%%:*}")
    done
done

# ACLs: exactly kafka-acls.env. Adding an ACL that exists is a no-op; one removed from the file
# must be removed by hand (kafka-acls.sh --remove), which deploy/README.md says.
acl() { "$bin/kafka-acls.sh" "${connect[@]}" --add --allow-principal "User:$1" "${@:2}"; }
for service in "${services[@]}"; do
    key="ECT_ACL_$(upper "$service")"
    for topic in $(list "${key}_WRITE"); do acl "$service" --operation Write --topic "$topic"; done
    for topic in $(list "${key}_READ"); do acl "$service" --operation Read --topic "$topic"; done
    for group in $(list "${key}_GROUPS"); do acl "$service" --operation Read --group "$group"; done
    for topic in "${all_topics[@]}"; do acl "$service" --operation Describe --topic "$topic"; done
done

"$bin/kafka-topics.sh" "${connect[@]}" --list
"$bin/kafka-acls.sh" "${connect[@]}" --list
