#!/usr/bin/env bash
# A private RabbitMQ node in a directory of its own, listening on loopback only: for tests and
# for trying things out (the default guest user, no TLS, the node's files in a temp directory).
# The README ("Running it for real") shows a production-like configuration.
#
#   rabbitmq.sh start <dir> <amqp-port>   boot a node; returns once AMQP accepts connections
#   rabbitmq.sh stop <dir>                stop the node and its epmd, wait until they are gone
#   rabbitmq.sh restart <dir>             stop the node and boot it again on the same ports
#
# Everything (config, cookie, Mnesia, logs, pids) lives in <dir>, so several nodes can run
# side by side. The node is started in a session of its own (setsid) and stopped by process
# group, which also ends its helper processes (erl_child_setup, inet_gethost).
# Zombies: this script exits while the node runs on, so the node is re-parented to the nearest
# subreaper (scripts/test.sh makes itself one) or to PID 1, which does not reap on these
# machines. Liveness is therefore read from `ps` (a zombie is not alive), never from `kill -0`.
set -euo pipefail

RMQ_BIN=${PLUMPY_RABBITMQ_BIN:-/usr/lib/rabbitmq/bin}
BOOT_TIMEOUT=${PLUMPY_RABBITMQ_BOOT_TIMEOUT:-120}
BOOT_ATTEMPTS=${PLUMPY_RABBITMQ_BOOT_ATTEMPTS:-2}

die() {
  echo "rabbitmq.sh: $*" >&2
  exit 1
}

usage() {
  die "usage: rabbitmq.sh start <dir> <amqp-port> | stop <dir> | restart <dir>"
}

# Prints N distinct ports that can be bound on 127.0.0.1, chosen at random below the
# kernel's ephemeral range so that outgoing connections never hold them.
free_ports() {
  node -e '
    const net = require("node:net")
    const wanted = Number(process.argv[1]), held = [], ports = new Set()
    const tryOne = (attempt) => {
      if (ports.size === wanted) { held.forEach((s) => s.close()); console.log([...ports].join(" ")); return }
      if (attempt > 200) { console.error("no free port found"); process.exit(1) }
      const port = 20000 + Math.floor(Math.random() * 10000)
      if (ports.has(port)) return tryOne(attempt + 1)
      const server = net.createServer()
      server.once("error", () => tryOne(attempt + 1))
      server.listen({ port, host: "127.0.0.1", exclusive: true }, () => { held.push(server); ports.add(port); tryOne(attempt + 1) })
    }
    tryOne(0)' "$1"
}

# Pids of the live (non-zombie) processes of a process group.
group_pids() {
  ps -e -o pid=,pgid=,stat= | awk -v g="$1" '$2 == g && $3 !~ /^Z/ { print $1 }'
}

# Is a single pid alive (and not a zombie)?
alive() {
  local stat
  stat=$(ps -o stat= -p "$1" 2> /dev/null) || return 1
  [[ -n $stat && $stat != Z* ]]
}

# Does the port speak AMQP? Sends the protocol header and waits for the first frame
# (connection.start, frame type 1). This is what a client needs, unlike `ping`, which
# answers before the listener is open.
amqp_ready() {
  local first
  first=$(timeout 2 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "AMQP\x00\x00\x09\x01" >&3
    head -c 1 <&3 | od -An -tx1' _ "$1" 2> /dev/null) || return 1
  [[ ${first// /} == 01 ]]
}

load_env() {
  [[ -f $DIR/broker.env ]] || die "$DIR/broker.env not found: no node was started in $DIR"
  # shellcheck source=/dev/null
  source "$DIR/broker.env"
  export HOME=$DIR RABBITMQ_NODENAME=$NODENAME RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=$AMQP_PORT RABBITMQ_DIST_PORT=$DIST_PORT \
    ERL_EPMD_PORT=$EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_MNESIA_BASE=$DIR/mnesia RABBITMQ_LOG_BASE=$DIR/log \
    RABBITMQ_CONFIG_FILE=$DIR/rabbitmq RABBITMQ_ENABLED_PLUGINS_FILE=$DIR/enabled_plugins \
    RABBITMQ_PID_FILE=$DIR/rabbit.pid RABBITMQ_CONF_ENV_FILE=$DIR/rabbitmq-env.conf \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}" \
    RABBITMQ_CTL_ERL_ARGS="-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}"
}

write_config() {
  local amqp_port=$1 epmd_port dist_port
  read -r epmd_port dist_port < <(free_ports 2)
  mkdir -p "$DIR/log" "$DIR/mnesia"
  cat > "$DIR/broker.env" <<ENV
AMQP_PORT=$amqp_port
EPMD_PORT=$epmd_port
DIST_PORT=$dist_port
NODENAME=plumpy$amqp_port@localhost
ENV
  : > "$DIR/rabbitmq-env.conf"
  echo '[].' > "$DIR/enabled_plugins"
  # consumer_timeout: the default (30 min) would close the channel of a worker that holds a
  # delivery through a long step; tests never want that surprise.
  printf 'listeners.tcp.default = 127.0.0.1:%s\nconsumer_timeout = 3600000\nlog.console = false\n' \
    "$amqp_port" > "$DIR/rabbitmq.conf"
  rm -f "$DIR/.erlang.cookie"
  head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DIR/.erlang.cookie"
  chmod 400 "$DIR/.erlang.cookie"
}

start_epmd() {
  if [[ -f $DIR/epmd.pid ]] && alive "$(cat "$DIR/epmd.pid")"; then return; fi
  # Our own epmd, not `epmd -daemon`: Erlang's daemon would outlive the node.
  epmd -port "$EPMD_PORT" -address 127.0.0.1 > "$DIR/log/epmd.log" 2>&1 < /dev/null &
  echo $! > "$DIR/epmd.pid"
}

# Is something (anything) listening on the port?
port_taken() {
  (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}

# One boot: returns once AMQP accepts connections, 1 if the node died while booting (after
# showing the end of its logs), and dies if it neither answers nor dies within BOOT_TIMEOUT.
boot_node() {
  # Someone else's listener would pass for ours below: refuse a taken port at once, so that
  # the caller can pick another.
  if port_taken "$AMQP_PORT"; then die "port $AMQP_PORT is taken"; fi
  local log=$DIR/log/$NODENAME.log offset=0 out_offset=0
  [[ ! -f $log ]] || offset=$(stat -c %s "$log")
  [[ ! -f $DIR/log/stdout.log ]] || out_offset=$(stat -c %s "$DIR/log/stdout.log")
  (cd "$DIR" && exec setsid "$RMQ_BIN/rabbitmq-server" >> "$DIR/log/stdout.log" 2>&1 < /dev/null) &
  echo $! > "$DIR/node.pgid"
  local pgid=$! deadline=$((SECONDS + BOOT_TIMEOUT))
  # Ready: this boot logged its listener (not an earlier boot: read past `offset`) and the port
  # answers the AMQP handshake.
  until tail -c "+$((offset + 1))" "$log" 2> /dev/null |
    grep -q "started TCP listener on 127.0.0.1:$AMQP_PORT" && amqp_ready "$AMQP_PORT"; do
    if [[ -z $(group_pids "$pgid") ]]; then
      # The tests' servers live in temp dirs removed at exit: the reason must be shown now.
      echo "rabbitmq.sh: the node died while booting; the end of this boot's logs:" >&2
      tail -c "+$((out_offset + 1))" "$DIR/log/stdout.log" 2> /dev/null | tail -n 15 >&2 || true
      tail -c "+$((offset + 1))" "$log" 2> /dev/null | grep -v "Feature flags" | tail -n 40 >&2 || true
      rm -f "$DIR/node.pgid"
      return 1
    fi
    ((SECONDS < deadline)) ||
      die "the node did not accept AMQP connections within ${BOOT_TIMEOUT}s (logs in $DIR/log)"
    sleep 0.2
  done
}

# Boots the node, once more if it dies while booting: restarted on a loaded machine, a node has
# been seen to die right after "Starting broker... completed" (rarely: twice in some thousands
# of restarts of the test suites) where the same restart done again boots cleanly. A node that
# dies on every attempt is an error.
start_node() {
  local attempt
  for ((attempt = 1; attempt <= BOOT_ATTEMPTS; attempt++)); do
    if boot_node; then return 0; fi
    if ((attempt < BOOT_ATTEMPTS)); then
      echo "rabbitmq.sh: booting again (attempt $((attempt + 1)) of $BOOT_ATTEMPTS)" >&2
      sleep 1
    fi
  done
  die "the node died while booting, $BOOT_ATTEMPTS times (logs in $DIR/log)"
}

# Stops a process group: TERM to its leader (the node shuts down cleanly on SIGTERM), then
# KILL to whatever is left of the group after the grace period.
stop_group() {
  local pgid=$1 grace=$2 deadline
  [[ -n $(group_pids "$pgid") ]] || return 0
  # The leader is the rabbitmq-server script, which relays TERM to the VM and waits for it.
  if alive "$pgid"; then
    kill -TERM "$pgid" 2> /dev/null || true
  else
    kill -TERM -- "-$pgid" 2> /dev/null || true
  fi
  deadline=$((SECONDS + grace))
  while [[ -n $(group_pids "$pgid") ]] && ((SECONDS < deadline)); do sleep 0.1; done
  if [[ -n $(group_pids "$pgid") ]]; then
    kill -KILL -- "-$pgid" 2> /dev/null || true
    while [[ -n $(group_pids "$pgid") ]]; do sleep 0.1; done
  fi
}

stop_node() {
  [[ -f $DIR/node.pgid ]] || return 0
  stop_group "$(cat "$DIR/node.pgid")" 30
  rm -f "$DIR/node.pgid" "$DIR/rabbit.pid"
}

stop_epmd() {
  [[ -f $DIR/epmd.pid ]] || return 0
  local pid
  pid=$(cat "$DIR/epmd.pid")
  if alive "$pid"; then
    kill -TERM "$pid" 2> /dev/null || true
    while alive "$pid"; do sleep 0.05; done
  fi
  rm -f "$DIR/epmd.pid"
}

# A start that fails half way must not leave an epmd or a half-booted node behind.
clean_up_on_failure() {
  local rc=$?
  if ((rc != 0)); then
    stop_node || true
    stop_epmd || true
  fi
  exit "$rc"
}

cmd=${1:-}
[[ -n ${2:-} ]] || usage
[[ $cmd != start ]] || mkdir -p "$2"
if [[ ! -d $2 ]]; then
  [[ $cmd != stop ]] || exit 0 # nothing was started there
  die "no such directory: $2"
fi
DIR=$(cd "$2" && pwd)

case $cmd in
  start)
    [[ -n ${3:-} ]] || usage
    [[ -x $RMQ_BIN/rabbitmq-server ]] ||
      die "RabbitMQ is not installed ($RMQ_BIN/rabbitmq-server is missing): apt-get install rabbitmq-server"
    command -v epmd > /dev/null || die "epmd (Erlang) is not on PATH"
    echo "rabbitmq.sh: a node for tests on 127.0.0.1:$3: user guest, no TLS" >&2
    if [[ -f $DIR/broker.env ]]; then load_env; stop_node; stop_epmd; fi
    write_config "$3"
    load_env
    trap clean_up_on_failure EXIT
    start_epmd
    start_node
    ;;
  stop)
    [[ -f $DIR/broker.env ]] || exit 0
    load_env
    stop_node
    stop_epmd
    ;;
  restart)
    load_env
    stop_node
    trap clean_up_on_failure EXIT
    start_epmd
    start_node
    ;;
  *) usage ;;
esac
