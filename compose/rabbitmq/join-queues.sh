#!/usr/bin/env bash
# Gives this broker node a replica of every kiamo-twitter quorum queue, again and again: a quorum
# queue is created with members on the nodes in the cluster at that moment, and the topology is
# loaded at boot by the first node up, before the others joined, so without this each queue would
# live on one node only and die with it. compose/rabbitmq/entrypoint.sh starts it in the
# background on the nodes of compose.cluster.yaml (the erlang_cookie secret given); it is harmless
# on a node that already has every replica (RabbitMQ 3.13's continuous membership reconciliation
# does the same, but RabbitMQ 3.10, which the tests boot, lacks it).
#
#   join-queues.sh NODE   (rabbit@<hostname>); RABBITMQ_BIN moves the folder of rabbitmq-queues.
set -uo pipefail
node=${1:?usage: join-queues.sh rabbit@<hostname>}
bin=${RABBITMQ_BIN:-}
queues() { "${bin:+$bin/}rabbitmq-queues" -n "$node" -q "$@"; }
diagnostics() { "${bin:+$bin/}rabbitmq-diagnostics" -n "$node" -q "$@"; }

# Every 5 s until the node runs and has been given its replicas once, then every minute (a queue
# declared later, a node that lost its volume and joined again).
pause=5
while true; do
  sleep "$pause"
  diagnostics check_running >/dev/null 2>&1 || continue
  if queues grow "$node" all --queue-pattern '^kiamo\.twitter\.' >/dev/null 2>&1; then
    pause=60
  fi
done
