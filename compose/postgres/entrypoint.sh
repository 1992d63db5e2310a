#!/usr/bin/env bash
# The compose PostgreSQL's entrypoint: takes the role, its password and the database from the
# state_url secret the workers use (postgres://<user>:<password>@postgres:5432/<database>?...), so
# the password is written in one place only, then starts PostgreSQL through the image's entrypoint,
# which creates that role and database on the first boot of an empty volume.
#
# The password reaches the image's entrypoint as a file (POSTGRES_PASSWORD_FILE) in a private
# folder, never as a variable of the container (docker inspect would show it). It is read at the
# first boot only: to change it later, ALTER ROLE in psql, then edit the secret and restart the
# workers (README, "The state store across hosts").
#
# --check prints "<user> <database>" and writes the password file without starting anything
# (scripts/check-compose runs it so); KIAMO_SECRETS_DIR and KIAMO_POSTGRES_RUN_DIR move its folders.
set -euo pipefail

secrets=${KIAMO_SECRETS_DIR:-/run/secrets}
run=${KIAMO_POSTGRES_RUN_DIR:-/run/kiamo-postgres}
file=$secrets/state_url

fail() { echo "kiamo-postgres: $*" >&2; exit 1; }

# Percent-decoding, as the workers decode the URL's user and password.
# A raw backslash is made %5C first, so printf %b never reads it as an escape.
decode() { local s=${1//\\/%5C}; printf '%b' "${s//%/\\x}"; }

[ -r "$file" ] || fail "cannot read $file: the state URL (compose/secrets/state_url)"
url=$(tr -d '\r\n' < "$file")
usage="expected postgres://user:password@postgres:5432/database?sslmode=disable (percent-encode / ? # @ : % in the password)"
[[ $url =~ ^postgres(ql)?:// ]] || fail "$file: $usage"
rest=${url#*://}
# The user information ends at the last @ (the workers read the URL by the same rule).
[[ $rest == *@* ]] || fail "$file: no user and password; $usage"
info=${rest%@*}; location=${rest##*@}
[[ $info == *:* ]] || fail "$file: no password; $usage"
user=$(decode "${info%%:*}"); password=$(decode "${info#*:}")
path=${location#*/}; [ "$path" != "$location" ] || fail "$file: no database; $usage"
database=$(decode "${path%%\?*}")
[[ $user =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "$file: the user name may hold only letters, digits and '_'"
[[ $database =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "$file: the database name may hold only letters, digits and '_'"
[ -n "$password" ] || fail "$file: the password is empty"
[ "$password" != change-me ] || fail "$file: the password is still the placeholder change-me; put a real one in the secret"

umask 077
mkdir -p "$run"
printf '%s' "$password" > "$run/password"
if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
  chown -R postgres "$run"  # the image's entrypoint reads it after dropping to the postgres user
fi

if [ "${1:-}" = --check ]; then
  echo "$user $database"
  exit 0
fi
export POSTGRES_USER=$user POSTGRES_DB=$database POSTGRES_PASSWORD_FILE=$run/password
unset POSTGRES_PASSWORD
exec docker-entrypoint.sh "$@"
