#!/usr/bin/env bash
# pgtest.sh — a throwaway PostgreSQL cluster for the connector tests.
#
#   eval "$(scripts/pgtest.sh start)"   # installs PostgreSQL if missing, starts
#                                       # a cluster on 127.0.0.1, prints
#                                       # export PIPELINE_TEST_PG_DSN=...
#   scripts/pgtest.sh dsn                # prints the export line if running
#   scripts/pgtest.sh stop               # stops the cluster and removes it
#
# Idempotent: `start` on a running cluster only prints the DSN. Everything
# but the export line goes to stderr, so `eval` sees only the export.
#
# Settings (environment):
#   PIPELINE_PG_DIR   state directory (default: ${TMPDIR:-/tmp}/pipeline-pgtest)
#   PIPELINE_PG_PORT  first port to try (default: 54329; the next free one is used)
#   PIPELINE_PG_DB    database to create (default: pipeline_test)
#
# Running as root (CI, a fresh Debian machine), the cluster runs as the
# unprivileged user `postgres` (created by the Debian package). Auth is
# trust on 127.0.0.1 only: this cluster is for tests, never for data.
set -euo pipefail

STATE_DIR="${PIPELINE_PG_DIR:-${TMPDIR:-/tmp}/pipeline-pgtest}"
DATA_DIR="$STATE_DIR/data"
PORT_FILE="$STATE_DIR/port"
LOG_FILE="$STATE_DIR/postgres.log"
DB_NAME="${PIPELINE_PG_DB:-pipeline_test}"
DB_USER="pipeline"

log() { echo "pgtest: $*" >&2; }
die() { log "$*"; exit 1; }

find_bindir() {
	local d
	# Highest installed major version first.
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
		if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
			echo "$d"
			return 0
		fi
	done
	if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v pg_ctl)"
		return 0
	fi
	return 1
}

install_postgres() {
	if find_bindir >/dev/null; then
		return 0
	fi
	[[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and this is not root: install the 'postgresql' package"
	command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is missing"
	log "installing PostgreSQL from Debian packages"
	apt-get update >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
	find_bindir >/dev/null || die "PostgreSQL installed but initdb/pg_ctl not found"
}

# as_owner runs a command as the cluster's owner: `postgres` when we are
# root (initdb refuses to run as root), ourselves otherwise.
as_owner() {
	if [[ $(id -u) -eq 0 ]]; then
		if ! id postgres >/dev/null 2>&1; then
			useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
		fi
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

port_in_use() {
	# bash's /dev/tcp: a successful connect means the port is taken.
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
	local p="${PIPELINE_PG_PORT:-54329}" i
	for i in $(seq 0 50); do
		if ! port_in_use $((p + i)); then
			echo $((p + i))
			return 0
		fi
	done
	die "no free port in $p..$((p + 50))"
}

# is_running: the cluster's postmaster is alive and accepts connections.
is_running() {
	local bindir="$1"
	[[ -f "$DATA_DIR/PG_VERSION" && -f "$PORT_FILE" ]] || return 1
	as_owner "$bindir/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1 || return 1
	"$bindir/pg_isready" -q -h 127.0.0.1 -p "$(cat "$PORT_FILE")" -t 5 >/dev/null 2>&1
}

# clear_stale removes what a killed cluster left behind (a postmaster.pid
# whose process is gone or a zombie), so that pg_ctl start works.
clear_stale() {
	local bindir="$1" pid
	[[ -f "$DATA_DIR/postmaster.pid" ]] || return 0
	pid="$(head -n 1 "$DATA_DIR/postmaster.pid")"
	log "removing stale postmaster.pid (pid $pid)"
	as_owner "$bindir/pg_ctl" -D "$DATA_DIR" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
	rm -f "$DATA_DIR/postmaster.pid"
}

print_dsn() {
	local port
	port="$(cat "$PORT_FILE")"
	echo "export PIPELINE_TEST_PG_DSN=postgres://$DB_USER@127.0.0.1:$port/$DB_NAME?sslmode=disable"
}

cmd_start() {
	install_postgres
	local bindir port
	bindir="$(find_bindir)"
	if is_running "$bindir"; then
		print_dsn
		return 0
	fi

	mkdir -p "$STATE_DIR"
	chmod 0755 "$STATE_DIR"
	if [[ $(id -u) -eq 0 ]]; then
		as_owner true # creates the postgres user when missing
		chown postgres: "$STATE_DIR"
	fi

	local major
	major="$(basename "$(dirname "$bindir")")"
	if [[ -f "$DATA_DIR/PG_VERSION" && "$major" =~ ^[0-9]+$ && "$(cat "$DATA_DIR/PG_VERSION")" != "$major" ]]; then
		log "cluster in $DATA_DIR is from another PostgreSQL version: recreating it"
		rm -rf "$DATA_DIR"
	fi
	if [[ ! -f "$DATA_DIR/PG_VERSION" ]]; then
		rm -rf "$DATA_DIR"
		log "initdb in $DATA_DIR"
		as_owner "$bindir/initdb" -D "$DATA_DIR" -U postgres --auth=trust \
			--encoding=UTF8 --locale=C.UTF-8 >&2 ||
			as_owner "$bindir/initdb" -D "$DATA_DIR" -U postgres --auth=trust \
				--encoding=UTF8 --locale=C >&2
	fi

	clear_stale "$bindir"
	port="$(pick_port)"
	as_owner sh -c "echo $port > '$PORT_FILE'"
	log "starting PostgreSQL ($bindir) on 127.0.0.1:$port"
	as_owner "$bindir/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $STATE_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >&2 || { tail -n 30 "$LOG_FILE" >&2 || true; die "PostgreSQL did not start"; }

	local psql=("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
	if [[ "$(as_owner "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]]; then
		as_owner "${psql[@]}" -c "CREATE ROLE $DB_USER LOGIN SUPERUSER" >&2
	fi
	if [[ "$(as_owner "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
		as_owner "${psql[@]}" -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >&2
	fi
	print_dsn
}

cmd_stop() {
	local bindir
	bindir="$(find_bindir)" || { log "PostgreSQL not installed: nothing to stop"; return 0; }
	if [[ -f "$DATA_DIR/postmaster.pid" ]]; then
		log "stopping PostgreSQL in $DATA_DIR"
		as_owner "$bindir/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >&2 ||
			as_owner "$bindir/pg_ctl" -D "$DATA_DIR" -m immediate -w -t 10 stop >&2 || true
	fi
	rm -rf "$STATE_DIR"
}

cmd_dsn() {
	local bindir
	bindir="$(find_bindir)" || die "PostgreSQL not installed"
	is_running "$bindir" || die "not running: run '$0 start'"
	print_dsn
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
dsn) cmd_dsn ;;
*)
	echo "usage: $0 start|stop|dsn" >&2
	exit 2
	;;
esac
