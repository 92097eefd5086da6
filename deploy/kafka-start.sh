#!/usr/bin/env bash
# The kafka container's entrypoint: gives the broker the admin user's credentials, then starts the
# apache/kafka image's own entrypoint (/etc/kafka/docker/run), which renders KAFKA_* into
# server.properties.
#
# Why a script: in KRaft mode SCRAM credentials live in the cluster metadata, so the first one
# (the admin's, which then creates the services' users, see create-topics.sh) can only be put
# there when the storage is formatted (kafka-storage format --add-scram), before the broker
# first starts; the image's own format step does not add one. And the broker's SASL logins need
# the admin password, which must not be committed: the JAAS file is written here, in the
# container, from ECT_KAFKA_ADMIN_PASSWORD (compose's KAFKA_ADMIN_PASSWORD).
set -euo pipefail

admin="${ECT_KAFKA_ADMIN_USER:?set ECT_KAFKA_ADMIN_USER}"
password="${ECT_KAFKA_ADMIN_PASSWORD:?set ECT_KAFKA_ADMIN_PASSWORD}"
data="${KAFKA_LOG_DIRS:?set KAFKA_LOG_DIRS}"
secrets=/tmp/ect-kafka
mkdir -p "$secrets"
chmod 700 "$secrets"

# The controller listener speaks SASL PLAIN (KRaft cannot use SCRAM there: the credentials are
# in the metadata the controller serves) and is bound to localhost, so only this container's
# broker reaches it. INTERNAL and EXTERNAL authenticate clients with SCRAM against the metadata;
# the admin's login is the broker's own identity between brokers.
umask 077
cat > "$secrets/jaas.conf" <<EOF
KafkaServer {
    org.apache.kafka.common.security.scram.ScramLoginModule required
    username="$admin" password="$password";
};
EOF
# The image's configure step refuses SASL listeners without KAFKA_OPTS naming a JAAS file.
export KAFKA_OPTS="${KAFKA_OPTS:-} -Djava.security.auth.login.config=$secrets/jaas.conf"
# Per-listener JAAS for the controller (listener.name.controller.plain.sasl.jaas.config).
export KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$admin\" password=\"$password\" user_$admin=\"$password\";"

# The health check's and the operator's client configuration inside this container.
cat > "$secrets/admin.properties" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$admin" password="$password";
EOF

if [[ ! -f "$data/meta.properties" ]]; then
    format_config="$secrets/format.properties"
    cat > "$format_config" <<EOF
process.roles=$KAFKA_PROCESS_ROLES
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$KAFKA_CONTROLLER_QUORUM_VOTERS
controller.listener.names=$KAFKA_CONTROLLER_LISTENER_NAMES
listeners=$KAFKA_LISTENERS
advertised.listeners=$KAFKA_ADVERTISED_LISTENERS
listener.security.protocol.map=$KAFKA_LISTENER_SECURITY_PROTOCOL_MAP
inter.broker.listener.name=$KAFKA_INTER_BROKER_LISTENER_NAME
sasl.enabled.mechanisms=$KAFKA_SASL_ENABLED_MECHANISMS
sasl.mechanism.inter.broker.protocol=$KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL
sasl.mechanism.controller.protocol=$KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL
log.dirs=$data
EOF
    # Passwords are hex or alphanumeric (see deploy/README.md): ',' or ']' would end the list.
    /opt/kafka/bin/kafka-storage.sh format --cluster-id "$CLUSTER_ID" --config "$format_config" \
        --add-scram "SCRAM-SHA-512=[name=$admin,password=$password]"
    rm -f "$format_config"
fi

exec /etc/kafka/docker/run
