#!/usr/bin/env bash
# Load run for GET /api/v1/members/{handle}: imports the GitHub graph into a
# fresh SQLite site, signs in as its best-connected member (9,458
# connections), then runs wrk with bench/members.lua, so that every answer
# carries a degree and a mutual count. Usage, from the repository root:
#
#	bash bench/members.sh [--sql-graph]
#
# Extra arguments go to rapport serve; --sql-graph answers degrees and
# mutual counts in SQL instead of from the graph index, for the ratio.
set -euo pipefail
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
addr=127.0.0.1:18282
go build -o "$dir/rapport" ./cmd/rapport
"$dir/rapport" graph import --data "$dir" ../shared/data/github-developers.edges | tail -1
"$dir/rapport" admin set-email --data "$dir" u31890 viewer@example.com >/dev/null
"$dir/rapport" serve --no-rate-limits --addr "$addr" --data "$dir" --log-level warn "$@" 2>"$dir/serve.log" &
for _ in $(seq 100); do curl -fs "http://$addr/readyz" >/dev/null && break; sleep 0.1; done
post() { curl -fs -H 'Content-Type: application/json' -d "$2" "http://$addr$1"; }
post /api/v1/password-resets '{"email":"viewer@example.com"}' >/dev/null
link=
for _ in $(seq 100); do
	link=$(grep -rhoE 'password/reset/[A-Za-z0-9_-]+' "$dir/outbox" 2>/dev/null | head -1) && [ -n "$link" ] && break
	sleep 0.1
done
password='wrk load run 4 the graph index'
post /api/v1/password-resets/confirm "{\"token\":\"${link#password/reset/}\",\"password\":\"$password\"}" >/dev/null
token=$(post /api/v1/sessions "{\"email\":\"viewer@example.com\",\"password\":\"$password\"}" |
	sed -E 's/.*"token":"([^"]+)".*/\1/')
wrk -t2 -c32 -d5s -s bench/members.lua "http://$addr" -- "$token" 37700 >/dev/null # warm up
echo "GET /api/v1/members/{handle} $*"
wrk -t2 -c32 -d20s --latency -s bench/members.lua "http://$addr" -- "$token" 37700
echo "GET /healthz (baseline)"
wrk -t2 -c32 -d10s --latency "http://$addr/healthz"
