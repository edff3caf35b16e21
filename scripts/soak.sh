#!/usr/bin/env bash
# `npm run soak`: the soak run (bench/soak/main.ts), under a shell that reaps what it leaves.
#
#   npm run soak                        100,000 processes through two workers, with a SIGKILL,
#                                       a broker restart and a database restart on the way
#   npm run soak -- --processes 5000    a shorter run (--help for every flag)
#
# The broker and the postmaster outlive the helper scripts that start them (scripts/services),
# and PID 1 on these machines never reaps: this shell makes itself a child subreaper (prctl
# PR_SET_CHILD_SUBREAPER, as scripts/test.sh does) and stays the parent of the run, so that the
# servers the run stops do not stay behind as zombies.
set -uo pipefail

if [[ ${PLUMPY_SOAK_REAPER:-} != "$$" ]] && command -v perl > /dev/null; then
  case $(uname -m) in
    x86_64) prctl=157 ;;
    aarch64 | arm64 | riscv64) prctl=167 ;;
    *) prctl= ;;
  esac
  if [[ -n $prctl ]]; then
    export PLUMPY_SOAK_REAPER=$$
    exec perl -e 'syscall(0 + shift(@ARGV), 36, 1, 0, 0, 0); exec @ARGV or die "exec: $!\n"' \
      "$prctl" bash "$0" "$@"
  fi
fi

cd "$(dirname "$0")/.." || exit 1
# Not exec: this shell stays, waits for the run, and reaps the servers' processes meanwhile.
node --import tsx bench/soak/main.ts "$@"
