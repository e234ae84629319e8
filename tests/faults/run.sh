#!/bin/sh
# `npm run test:faults`: the fault drills of issue 8 (run `npm run build` first).
# The live-session drills run in a private network namespace (`unshare -rn`: we are root there, the
# host's network is untouched), where taking the loopback interface down is a network blackout for the
# browsers and the app server alike. The database drill runs outside it: it needs the machine's
# PostgreSQL on 127.0.0.1:5432, and its fault is a TCP proxy it owns.
# Extra arguments go to both Playwright runs (e.g. --reporter=line).
set -eu
cd "$(dirname "$0")/../.."
unshare -rn sh -c 'ip link set lo up && FAULT_NETNS=1 exec npx playwright test -c tests/faults/playwright.config.ts live-session "$@"' sh "$@"
npx playwright test -c tests/faults/playwright.config.ts database-outage "$@"
