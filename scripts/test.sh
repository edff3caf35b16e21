#!/usr/bin/env bash
# The whole check, as `npm test` and CI run it:
#   dependencies -> services -> typecheck -> lint -> format -> build -> import check -> vitest
# and a closing line `N passed, N failed` computed from vitest's JSON report.
#
#   npm test                      everything
#   npm test -- spec/support      extra arguments go to vitest (a path filter, -t NAME, ...)
#
# Environment:
#   PLUMPY_TEST_AMQP_URL, PLUMPY_TEST_PG_URL   use these servers instead of starting private ones
#   PLUMPY_TEST_SKIP=lint,format,...           skip stages (typecheck, lint, format, build) while
#                                              iterating; CI never sets it
#
# Private servers run in one temp dir on free loopback ports, so several runs can coexist, and
# an EXIT trap stops them. Tests find them through PLUMPY_TEST_AMQP_URL, PLUMPY_TEST_PG_URL and
# PLUMPY_TEST_RMQ_DIR (for `scripts/services/rabbitmq.sh restart "$PLUMPY_TEST_RMQ_DIR"`).
set -uo pipefail

# Become a child subreaper (prctl PR_SET_CHILD_SUBREAPER, kept across exec) before anything
# else: the brokers and the postmaster outlive the helper scripts that start them, and PID 1
# on these machines never reaps, so without this every stopped server would stay a zombie.
if [[ ${PLUMPY_TEST_REAPER:-} != "$$" ]] && command -v perl > /dev/null; then
  case $(uname -m) in
    x86_64) prctl=157 ;;
    aarch64 | arm64 | riscv64) prctl=167 ;;
    *) prctl= ;;
  esac
  if [[ -n $prctl ]]; then
    export PLUMPY_TEST_REAPER=$$
    exec perl -e 'syscall(0 + shift(@ARGV), 36, 1, 0, 0, 0); exec @ARGV or die "exec: $!\n"' \
      "$prctl" bash "$0" "$@"
  fi
fi

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD

TMP=$(mktemp -d "${TMPDIR:-/tmp}/plumpy-test.XXXXXX") || exit 1
chmod 755 "$TMP" # the postgres user must reach $TMP/pg when we run as root
export PLUMPY_TEST_TMP=$TMP # brokers that tests start for themselves go here, and are stopped

say() { printf '[test] %s\n' "$*"; }

# ---------------------------------------------------------------------------------------------
# Stages and their timings

STAGE_NAMES=()
STAGE_TIMES=()
SKIP=",${PLUMPY_TEST_SKIP:-},"

now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

record() {
  STAGE_NAMES+=("$1")
  STAGE_TIMES+=("$2")
}

print_timings() {
  local i
  say "timings:"
  for i in "${!STAGE_NAMES[@]}"; do
    printf '[test]   %-14s %6ss\n' "${STAGE_NAMES[$i]}" "${STAGE_TIMES[$i]}"
  done
  printf '[test]   %-14s %6ss\n' total "$(elapsed "$RUN_START")"
}

# The last words of every run: stop the servers, show timings, print the closing line.
finish() {
  local passed=$1 failed=$2
  stop_services
  print_timings
  echo "$passed passed, $failed failed"
  FINISHED=1
  if ((failed > 0)); then exit 1; fi
  exit 0
}

# Runs one stage; a failure ends the run with `0 passed, 1 failed`.
stage() {
  local name=$1 start rc
  shift
  local skip_as=$name
  [[ $name != import ]] || skip_as=build
  if [[ $skip_as =~ ^(typecheck|lint|format|build)$ && $SKIP == *",$skip_as,"* ]]; then
    say "stage $name: skipped (PLUMPY_TEST_SKIP)"
    return
  fi
  say "stage $name: $*"
  start=$(now)
  "$@"
  rc=$?
  record "$name" "$(elapsed "$start")"
  if ((rc != 0)); then
    say "FAILED: stage '$name' ($*) exited with $rc"
    finish 0 1
  fi
}

# ---------------------------------------------------------------------------------------------
# Dependencies

npm_dependencies() {
  # npm writes node_modules/.package-lock.json last: it is the mark of a finished install.
  if [[ -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "node_modules is up to date"
    return 0
  fi
  # In the foreground: killing npm alone would leave the native compiler running.
  npm ci --no-audit --no-fund
}

pg_installed() { compgen -G '/usr/lib/postgresql/*/bin/initdb' > /dev/null; }
rabbitmq_installed() { [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] && command -v epmd > /dev/null; }
# The dashboard's browser test drives Debian's Chromium (never a downloaded browser).
chromium_installed() { [[ -x /usr/bin/chromium ]]; }

POLICY_RC_ADDED=
debian_packages() {
  local missing=()
  if [[ -z ${PLUMPY_TEST_AMQP_URL:-} ]] && ! rabbitmq_installed; then missing+=(rabbitmq-server); fi
  if [[ -z ${PLUMPY_TEST_PG_URL:-} ]] && ! pg_installed; then missing+=(postgresql); fi
  if ! chromium_installed; then missing+=(chromium); fi
  if ((${#missing[@]} == 0)); then
    say "RabbitMQ, PostgreSQL (or given by URL) and Chromium are installed"
    return 0
  fi
  if ((EUID != 0)); then
    say "missing Debian packages: ${missing[*]}"
    say "install them (sudo apt-get install -y --no-install-recommends ${missing[*]}), or point"
    say "PLUMPY_TEST_AMQP_URL / PLUMPY_TEST_PG_URL at running servers"
    return 1
  fi
  # Without a policy-rc.d the packages would start system-wide servers (RabbitMQ on
  # 0.0.0.0:5672, PostgreSQL on 5432): forbid starting services while installing.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# added by plumpy-ts scripts/test.sh while installing\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_ADDED=1
  fi
  local rc=0
  export DEBIAN_FRONTEND=noninteractive
  apt-get -qq -o DPkg::Lock::Timeout=300 update && apt-get -q -y -o DPkg::Lock::Timeout=300 \
    install --no-install-recommends "${missing[@]}" || rc=$?
  remove_policy_rc
  return "$rc"
}

remove_policy_rc() {
  if [[ -n $POLICY_RC_ADDED ]]; then
    rm -f /usr/sbin/policy-rc.d
    POLICY_RC_ADDED=
  fi
}

# ---------------------------------------------------------------------------------------------
# Services

free_port() {
  node -e '
    const net = require("node:net")
    const tryOne = (attempt) => {
      if (attempt > 200) { console.error("no free port found"); process.exit(1) }
      const port = 20000 + Math.floor(Math.random() * 10000)
      const server = net.createServer()
      server.once("error", () => tryOne(attempt + 1))
      server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => console.log(port)))
    }
    tryOne(0)'
}

# Starts a service in the background: up to 3 attempts, each on a fresh free port (another run
# may take a port between our check and the server's bind). Writes the port to $dir.port.
# Called without $(...), so that the starter is our child and $! names it.
start_in_background() {
  local script=$1 dir=$2
  (
    for attempt in 1 2 3; do
      port=$(free_port) || exit 1
      if bash "$script" start "$dir" "$port"; then
        echo "$port" > "$dir.port"
        elapsed "$SERVICES_START" > "$dir.ready"
        exit 0
      fi
      bash "$script" stop "$dir" || true
      echo "attempt $attempt failed" >&2
    done
    exit 1
  ) > "$dir.start.log" 2>&1 &
}

RMQ_STARTER=
PG_STARTER=
SERVICES_START=

start_services() {
  SERVICES_START=$(now)
  if [[ -n ${PLUMPY_TEST_AMQP_URL:-} ]]; then
    say "RabbitMQ: using PLUMPY_TEST_AMQP_URL"
  else
    export PLUMPY_TEST_RMQ_DIR=$TMP/rmq
    start_in_background scripts/services/rabbitmq.sh "$PLUMPY_TEST_RMQ_DIR"
    RMQ_STARTER=$!
    say "RabbitMQ: booting in $PLUMPY_TEST_RMQ_DIR (in the background)"
  fi
  if [[ -n ${PLUMPY_TEST_PG_URL:-} ]]; then
    say "PostgreSQL: using PLUMPY_TEST_PG_URL"
  else
    start_in_background scripts/services/postgres.sh "$TMP/pg"
    PG_STARTER=$!
    say "PostgreSQL: starting in $TMP/pg (in the background)"
  fi
}

await_services() {
  local ok=0
  if [[ -n $RMQ_STARTER ]]; then
    if wait "$RMQ_STARTER"; then
      export PLUMPY_TEST_AMQP_URL="amqp://guest:guest@127.0.0.1:$(cat "$TMP/rmq.port")?heartbeat=5"
      say "RabbitMQ: $PLUMPY_TEST_AMQP_URL (up $(cat "$TMP/rmq.ready")s after the start)"
    else
      cat "$TMP/rmq.start.log"
      say "RabbitMQ did not start"
      ok=1
    fi
    RMQ_STARTER=
  fi
  if [[ -n $PG_STARTER ]]; then
    if wait "$PG_STARTER"; then
      export PLUMPY_TEST_PG_URL="postgres://postgres@127.0.0.1:$(cat "$TMP/pg.port")/postgres"
      say "PostgreSQL: $PLUMPY_TEST_PG_URL (up $(cat "$TMP/pg.ready")s after the start)"
    else
      cat "$TMP/pg.start.log"
      say "PostgreSQL did not start"
      ok=1
    fi
    PG_STARTER=
  fi
  return "$ok"
}

STOPPED=
stop_services() {
  [[ -z $STOPPED ]] || return 0
  STOPPED=1
  # A starter still booting (an early stage failed) is let finish, not killed: killed half
  # way, it could leave a server that nothing knows of. Its boot is bounded (120 s at most).
  local pid
  for pid in $RMQ_STARTER $PG_STARTER; do
    wait "$pid" 2> /dev/null
  done
  # Brokers that tests started for themselves under $TMP are stopped too.
  local dir
  for dir in "$TMP"/rmq*/; do
    [[ -f $dir/broker.env ]] && bash scripts/services/rabbitmq.sh stop "$dir"
  done
  [[ -d $TMP/pg ]] && bash scripts/services/postgres.sh stop "$TMP/pg"
  # And PostgreSQL servers they started for themselves (to stop and start them again).
  for dir in "$TMP"/pg-private-*/; do
    [[ -d $dir ]] && bash scripts/services/postgres.sh stop "$dir"
  done
  wait 2> /dev/null # reap whatever is left of our children
  rm -rf "$TMP"
  remove_policy_rc
}

FINISHED=
on_exit() {
  local rc=$?
  if [[ -z $FINISHED ]]; then
    stop_services
    say "interrupted"
    echo "0 passed, 1 failed"
    ((rc != 0)) || rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Build check: the output must load in plain Node (vitest resolves modules more leniently).

import_check() {
  local entry
  for entry in index testing/index; do
    if [[ ! -f lib/$entry.ts ]]; then
      say "lib/$entry.ts does not exist yet: dist/$entry.js not checked"
      continue
    fi
    node -e '
      const entry = process.argv[1]
      import(entry).then(
        (m) => {
          const names = Object.keys(m)
          if (names.length === 0) { console.error(`${entry} exports nothing`); process.exit(1) }
          console.log(`${entry} loads and exports ${names.length} names`)
        },
        (e) => { console.error(`${entry} does not load in plain Node:`, e); process.exit(1) },
      )' "./dist/$entry.js" || return 1
  done
  return 0
}

build() {
  if [[ -z $(find lib -name '*.ts' -print -quit 2> /dev/null) ]]; then
    say "lib/ holds no TypeScript yet: nothing to build"
    return 0
  fi
  rm -rf dist
  npm run --silent build
}

# ---------------------------------------------------------------------------------------------
# Tests

run_vitest() {
  local start rc report=$TMP/vitest.json counts
  say "stage vitest: npx vitest run${*:+ $*}"
  start=$(now)
  npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
  rc=$?
  record vitest "$(elapsed "$start")"
  counts=$(node -e '
    const fs = require("node:fs")
    const [file, exitCode] = [process.argv[1], Number(process.argv[2])]
    let passed = 0, failed = 0
    try {
      const r = JSON.parse(fs.readFileSync(file, "utf8"))
      passed = r.numPassedTests
      failed = r.numFailedTests
      // A file that fails to load (or whose hooks fail) has no failed test: count it once.
      for (const f of r.testResults)
        if (f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed")) {
          console.error(`[test] failed without a failing test: ${f.name}: ${f.message}`)
          failed += 1
        }
      if (failed === 0 && (r.numFailedTestSuites > 0 || !r.success)) failed = 1
      if (r.numTotalTests === 0) console.error("[test] vitest ran no test")
    } catch (e) {
      console.error(`[test] no readable vitest report (${e.message})`)
      failed = Math.max(failed, 1)
    }
    // Unhandled errors fail the run without failing a test.
    if (exitCode !== 0 && failed === 0) {
      console.error(`[test] vitest exited with ${exitCode}`)
      failed = 1
    }
    console.log(`${passed} ${failed}`)' "$report" "$rc")
  if [[ ! $counts =~ ^[0-9]+\ [0-9]+$ ]]; then
    say "could not count the results ($counts)"
    counts="0 1"
  fi
  # shellcheck disable=SC2086
  finish $counts
}

# ---------------------------------------------------------------------------------------------

RUN_START=$(now)
say "repository $ROOT, temp dir $TMP"
stage apt debian_packages
start_services # boots while the dependencies install and the static checks run
stage npm npm_dependencies
stage typecheck npm run --silent typecheck
stage lint npx eslint .
stage format npx prettier --check .
stage build build
stage import import_check
stage services await_services
run_vitest "$@"
