#!/usr/bin/env bash
# Load run for the home feed on a seeded site with posts, signed in as
# twenty demo members with 900-1,100 connections each (each request as one
# of them, drawn at random), with GET /healthz as the baseline of the same
# run. Usage, from the repository root:
#
#	bash bench/feed.sh DIR PASSWORD                 # SQLite: DIR/rapport.db
#	bash bench/feed.sh postgres://... PASSWORD      # PostgreSQL
#
# where the site was made by rapport seed (which prints PASSWORD), with
# posts (rapport seed --posts, or store.BenchmarkFeed's top-up). The
# members are read from the site itself: python3 reads a SQLite file, psql
# a PostgreSQL database.
set -euo pipefail
site=$1
password=$2
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
addr=127.0.0.1:18484
# The members, among the third of ids that follows the first third, as the
# Go benchmarks take them.
query="SELECT m.email FROM members m JOIN (SELECT member_id FROM connections
	WHERE member_id >= (SELECT MAX(id) FROM members) / 3 AND member_id < (SELECT MAX(id) FROM members) / 3 + 100000
	GROUP BY member_id HAVING COUNT(*) BETWEEN 900 AND 1100 LIMIT 20) c ON c.member_id = m.id WHERE m.email IS NOT NULL"
if [[ $site == postgres://* || $site == postgresql://* ]]; then
	store=(--db "$site")
	psql "$site" -Atc "$query" >"$work/emails.txt"
else
	store=(--data "$site")
	python3 - "$site/rapport.db" "$query" >"$work/emails.txt" <<'PY'
import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for (email,) in c.execute(sys.argv[2]):
    print(email)
PY
fi
go build -o "$work/rapport" ./cmd/rapport
"$work/rapport" serve --no-rate-limits --addr "$addr" "${store[@]}" --log-level warn >"$work/serve.out" 2>"$work/serve.log" &
for _ in $(seq 1200); do curl -fs "http://$addr/readyz" >/dev/null && break; sleep 0.5; done
grep -E 'built in' "$work/serve.out" || true
while read -r email; do
	curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}" "http://$addr/api/v1/sessions" |
		sed -E 's/.*"token":"([^"]+)".*/\1/' >>"$work/tokens.txt"
	echo >>"$work/tokens.txt"
done <"$work/emails.txt"
echo "reading the feed as $(grep -c . "$work/tokens.txt") members with 900-1,100 connections"
wrk -t2 -c16 -d5s -s bench/feed.lua "http://$addr" -- "$work/tokens.txt" >/dev/null # warm up
# Two connections measure the time of a request; sixteen, what the two
# cores serve at most (with the queueing that brings).
for c in 2 16; do
	echo "GET /api/v1/feed, $c connections"
	wrk -t2 -c$c -d15s --latency -s bench/feed.lua "http://$addr" -- "$work/tokens.txt"
done
echo "GET /healthz (baseline)"
wrk -t2 -c16 -d10s --latency "http://$addr/healthz"
grep -E 'timeline index' "$work/serve.out" | tail -1 || true
