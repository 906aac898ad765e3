#!/usr/bin/env bash
# `npm test` as on a machine without PostgreSQL and Redis: a fresh network namespace with only loopback, so
# 127.0.0.1:5432 and :6379 answer nothing. The test setup then starts an embedded PostgreSQL and redis-server
# (or stops at once with one line saying what to install). Arguments go to `npm test`, e.g.
#   scripts/test-offline.sh apps/host/test/health.e2e-spec.ts
set -euo pipefail
cd "$(dirname "$0")/.."
# As root a network namespace is enough; otherwise a user namespace maps us to root inside it.
flags=-n
[ "$(id -u)" = 0 ] || flags=-rn
exec unshare "$flags" sh -c 'ip link set lo up && exec npm test -- "$@"' sh "$@"
