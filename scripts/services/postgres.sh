#!/usr/bin/env bash
# A private PostgreSQL server in a directory of its own, listening on loopback only.
#
#   postgres.sh start <dir> <port>   initdb (first time), start; returns once it accepts connections
#   postgres.sh stop <dir>           fast shutdown, wait until the server is gone
#
# The superuser is `postgres` with trust authentication on 127.0.0.1:<port>; the Unix socket
# lives in <dir>. initdb and pg_ctl refuse to run as root, so as root they run as the
# `postgres` user, in a <dir> owned by it.
#
# A server for tests and for trying things out, not for data you keep: durability is traded for
# speed (fsync, synchronous_commit and full_page_writes off: a crash of the machine may lose or
# corrupt what it holds), and anyone on the machine may connect as the superuser. With
# PLUMPY_PG_DURABLE=1 it keeps PostgreSQL's durable defaults (for measurements). The README
# ("Running it for real") shows a production-like configuration.
set -euo pipefail

die() {
  echo "postgres.sh: $*" >&2
  exit 1
}

usage() {
  die "usage: postgres.sh start <dir> <port> | stop <dir>"
}

# The newest installed server's binaries (Debian keeps them out of PATH).
pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)
  [[ -n $dir && -x $dir/initdb ]] ||
    die "PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql"
  echo "$dir"
}

as_owner() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:-}
[[ -n ${2:-} ]] || usage
if [[ $cmd == start ]]; then mkdir -p "$2"; elif [[ ! -d $2 ]]; then exit 0; fi
DIR=$(cd "$2" && pwd)

case $cmd in
  start)
    port=${3:-}
    [[ -n $port ]] || usage
    bin=$(pg_bin)
    if ((EUID == 0)); then
      id postgres > /dev/null 2>&1 || die "user postgres does not exist (apt-get install postgresql)"
      chown postgres: "$DIR"
    fi
    if [[ ! -f $DIR/data/PG_VERSION ]]; then
      as_owner "$bin/initdb" -D "$DIR/data" -U postgres --auth=trust --no-sync -E UTF8 \
        --locale=C.UTF-8 > "$DIR/initdb.log" 2>&1 ||
        {
          cat "$DIR/initdb.log" >&2
          die "initdb failed"
        }
    fi
    fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [[ ${PLUMPY_PG_DURABLE:-} == 1 ]]; then
      fast=""
    else
      echo "postgres.sh: a server for tests on 127.0.0.1:$port: fsync off, trust authentication;" \
        "never keep data you need in it" >&2
    fi
    # pg_ctl -w returns once the server accepts connections. Its server outlives pg_ctl and is
    # re-parented (see rabbitmq.sh about zombies).
    as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 -o "-k $DIR \
      -c listen_addresses=127.0.0.1 -p $port -c max_connections=200 $fast" \
      start > "$DIR/pg_ctl.log" 2>&1 ||
      {
        tail -n 30 "$DIR/server.log" >&2 || true
        # A server still starting after the timeout must not be left behind.
        as_owner "$bin/pg_ctl" -D "$DIR/data" -m immediate -w stop > /dev/null 2>&1 || true
        die "the server did not start (logs in $DIR)"
      }
    ;;
  stop)
    [[ -f $DIR/data/postmaster.pid ]] || exit 0
    bin=$(pg_bin)
    pid=$(head -n 1 "$DIR/data/postmaster.pid")
    as_owner "$bin/pg_ctl" -D "$DIR/data" -m fast -w -t 30 stop > /dev/null 2>&1 ||
      kill -QUIT "$pid" 2> /dev/null || true # immediate shutdown
    # pg_ctl waits for postmaster.pid to go; wait for the process itself too. A zombie is gone:
    # ask ps, not kill -0.
    deadline=$((SECONDS + 30))
    while stat=$(ps -o stat= -p "$pid" 2> /dev/null) && [[ -n $stat && $stat != Z* ]]; do
      if ((SECONDS > deadline)); then kill -KILL "$pid" 2> /dev/null || true; fi
      sleep 0.05
    done
    ;;
  *) usage ;;
esac
