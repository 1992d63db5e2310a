#!/usr/bin/env bash
# The compose broker's entrypoint: writes the definitions RabbitMQ loads at boot (the topology, and
# one user per role with its least rights), then starts RabbitMQ through the image's entrypoint.
#
# Why: RabbitMQ loading definitions at boot seeds no default user and no vhost (it logs "Will not
# seed default virtual host and user"), so RABBITMQ_DEFAULT_USER/PASS would be ignored and every
# client refused. The users must be in the definitions, and a committed file cannot hold their
# passwords: each comes, at every boot, from the AMQP URL secret that role's clients use
# (amqp_url_ingest, amqp_url_dispatch, amqp_url_kiamo, amqp_url_admin), so a password is written in
# one place only. The definitions get RabbitMQ's salted SHA-256 hash, never the password.
#
# Without arguments it only writes the definitions (scripts/check-compose --broker runs it so).
# KIAMO_SECRETS_DIR, KIAMO_TEMPLATES_DIR and KIAMO_DEFINITIONS_DIR move its folders for that check.
set -euo pipefail

secrets=${KIAMO_SECRETS_DIR:-/run/secrets}
templates=${KIAMO_TEMPLATES_DIR:-/etc/kiamo-twitter}
out=${KIAMO_DEFINITIONS_DIR:-/var/lib/rabbitmq/kiamo-definitions}

fail() { echo "kiamo-rabbitmq: $*" >&2; exit 1; }

# Prints "<user> <password hash> <placeholder|ok>" for the URL in KIAMO_URL (user and password
# percent-decoded, as the workers and the connector decode them); exits 1 on a URL without both.
# The user information runs from the scheme to the last "@", as the workers read it, so a cluster's
# node list (amqp://user:pass@rabbitmq:5672,rabbitmq-2:5672/) reads as a single node does.
parse_url() {
  erl -noshell -eval '
    try
      Url = string:trim(os:getenv("KIAMO_URL")),
      [Scheme, Rest] = string:split(Url, "://"),
      true = lists:member(string:lowercase(Scheme), ["amqp", "amqps"]),
      [Authority | _] = string:split(Rest, "/"),
      [Info, Hosts] = string:split(Authority, "@", trailing),
      true = length(Hosts) > 0,
      [User, Pass] = string:split(Info, ":"),
      Decode = fun(S) -> unicode:characters_to_binary(uri_string:percent_decode(S)) end,
      Password = Decode(Pass),
      true = byte_size(Password) > 0,
      Salt = crypto:strong_rand_bytes(4),
      Hash = base64:encode(<<Salt/binary, (crypto:hash(sha256, <<Salt/binary, Password/binary>>))/binary>>),
      Flag = case Password of <<"change-me">> -> "placeholder"; _ -> "ok" end,
      io:format("~ts ~s ~s~n", [Decode(User), Hash, Flag]),
      halt(0)
    catch _:_ -> halt(1)
    end.'
}

umask 077
users=$(cat "$templates/users.template.json") || fail "cannot read $templates/users.template.json"
seen=" "
for role in ingest dispatch kiamo admin; do
  file="$secrets/amqp_url_$role"
  [ -r "$file" ] || fail "cannot read $file: the AMQP URL of the $role role (compose/secrets/amqp_url_$role)"
  parsed=$(KIAMO_URL="$(cat "$file")" parse_url) \
    || fail "$file: expected amqp://user:password@rabbitmq:5672/ (percent-encode / ? # @ : % in the password)"
  read -r user hash flag <<< "$parsed"
  [[ $user =~ ^[A-Za-z0-9._-]+$ ]] || fail "$file: the user name may hold only letters, digits, '.', '_' and '-'"
  [ "$flag" = ok ] || fail "$file: the password is still the placeholder change-me; put a real one in the secret"
  [[ $seen != *" $user "* ]] || fail "$file: user $user is already another role's; give each role its own user"
  seen+="$user "
  users=${users//"{{$role.user}}"/$user}
  users=${users//"{{$role.passwordHash}}"/$hash}
done

topology=$(cat "$templates/definitions.json") || fail "cannot read $templates/definitions.json"
mkdir -p "$out"
# One file (RabbitMQ 3.10 reads no folder of them): both are JSON objects with distinct keys.
printf '%s,\n%s\n' "${topology%\}*}" "${users#*\{}" > "$out/definitions.json"
if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then chown -R rabbitmq:rabbitmq "$out"; fi
echo "kiamo-rabbitmq: definitions written to $out (users:$seen)" >&2

# A cluster's nodes must share one Erlang cookie (compose.cluster.yaml gives each the
# erlang_cookie secret): installed where RabbitMQ reads it, readable by it alone.
if [ -r "$secrets/erlang_cookie" ]; then
  cookie_file=${KIAMO_COOKIE_FILE:-/var/lib/rabbitmq/.erlang.cookie}
  cookie=$(tr -d '[:space:]' < "$secrets/erlang_cookie")
  [ ${#cookie} -ge 20 ] || fail "$secrets/erlang_cookie: the cluster's Erlang cookie must be at least 20 characters"
  [[ $cookie != change-me* ]] || fail "$secrets/erlang_cookie: the cookie is still the placeholder; put a random one in the secret"
  rm -f "$cookie_file"
  printf '%s' "$cookie" > "$cookie_file"
  chmod 400 "$cookie_file"
  if [ "$(id -u)" = 0 ] && id rabbitmq >/dev/null 2>&1; then chown rabbitmq:rabbitmq "$cookie_file"; fi
  echo "kiamo-rabbitmq: cluster cookie installed" >&2
  # A replica of each queue on this node once it runs in the cluster (join-queues.sh says why).
  if [ $# -gt 0 ]; then
    HOME=$(dirname "$cookie_file") bash "$(dirname "$0")/kiamo-join-queues" "rabbit@$(hostname -s)" &
  fi
fi

if [ $# -gt 0 ]; then exec docker-entrypoint.sh "$@"; fi
