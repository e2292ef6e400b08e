#!/usr/bin/env bash
# Mixed load and overload on a seeded site: 80% reads (profiles, the feed,
# people search, connections, mutual connections) and 20% writes (posts,
# comments, reactions, messages, invitations), each request as one of a
# thousand demo members, sent by bench/load. Usage, from the repository
# root:
#
#	bash bench/mixed.sh DIR PASSWORD [SERVE FLAGS...]
#
# where DIR holds a SQLite site made by rapport seed (which prints PASSWORD),
# for instance
#
#	rapport seed --members 100000 --connections 5160000 --posts 1000000 --data DIR
#
# or DIR is the postgres:// URL of a site seeded with --db URL instead (psql
# reads the fixtures from it).
#
# and SERVE FLAGS are passed to rapport serve (--max-in-flight N, to compare
# limits). In order, with the server's figures after each step:
#
#	1. a warm-up: 8 workers for 20 s;
#	2. unloaded: 50 requests a second for 40 s (open loop), whose p99 is the
#	   reference of the overload run;
#	3. closed loop, 1, 2, 4, 8 and 16 workers for 20 s each: the sustainable
#	   rate S is the highest throughput whose p99 is within 3x the unloaded
#	   p99 with (nearly) no errors;
#	4. open loop: S/2 for 20 s, 2S for 60 s, then S/2 again for 40 s, with
#	   one line a second, to see the excess shed and the recovery; then the
#	   shed fraction at 2S, the p99 of what was served against the unloaded
#	   p99, half the rate after the overload against half the rate before
#	   it, and the first normal second after the drop (at most 5% shed, p99
#	   within 3x the unloaded p99); and from the server's metrics, how many
#	   requests waited for a place in the open loop, in which order places
#	   were given, and whether they were served or shed;
#	5. GET /healthz with wrk as the baseline of the machine in the same run.
#
# RATE=N skips step 3 and takes S = N. The load runs on the same machine as
# the server: compare runs by their ratios to the baselines of the same run.
set -euo pipefail
site=$1
password=$2
shift 2
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
addr=127.0.0.1:18585

# What the requests are made of, from the site: a thousand members spread
# over the ids (each with the handle of one of their connections, to write
# to), twenty thousand members to read and invite, public posts to comment
# on and react to, and search words from names and skills.
# query SQL: the rows of SQL, tab-separated, from the site's database.
query() {
	if [[ $site == postgres://* || $site == postgresql://* ]]; then
		psql "$site" -X -q -A -t -F $'\t' -c "$1"
	else
		python3 -c 'import sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for row in c.execute(sys.argv[2]): print("\t".join(map(str, row)))' "$site/rapport.db" "$1"
	fi
}
query "SELECT email, contact FROM (SELECT m.email, (SELECT o.handle FROM connections x JOIN members o ON o.id = x.other_id
		WHERE x.member_id = m.id AND o.status = 'active' LIMIT 1) AS contact
	FROM members m WHERE m.status = 'active' AND m.id % 100 = 7) t WHERE contact IS NOT NULL" >"$work/members.txt"
query "SELECT handle FROM members WHERE status = 'active' AND id % 5 = 3" >"$work/handles.txt"
query "SELECT id FROM posts WHERE audience = 'public' AND organization_id IS NULL AND id % 37 = 0" >"$work/posts.txt"
{
	query "SELECT display_name FROM members WHERE id % 50 = 1" | tr ' ' '\n' | awk 'length($0) > 2'
	query "SELECT DISTINCT name FROM skills LIMIT 200"
} | sort -u >"$work/words.txt"

go build -o "$work/rapport" ./cmd/rapport
go build -o "$work/load" ./bench/load
echo "machine: $(nproc) cores; $(uptime)"
store=(--data "$site")
if [[ $site == postgres://* || $site == postgresql://* ]]; then
	store=(--db "$site" --data "$work/data")
fi
"$work/rapport" serve --no-rate-limits --addr "$addr" "${store[@]}" --log-level warn "$@" >"$work/serve.out" 2>"$work/serve.log" &
for _ in $(seq 1200); do curl -fs "http://$addr/readyz" >/dev/null && break; sleep 0.5; done
grep -E 'built in' "$work/serve.out" || true
load=("$work/load" -addr "http://$addr" -fixtures "$work" -tokens "$work/tokens.txt")
"${load[@]}" -password "$password" # signs in and writes the tokens
echo "signed in as $(grep -c . "$work/tokens.txt") members"

# field NAME LINE: the value of NAME=... on a result line.
field() { sed -nE "s/.* $1=([^ ]*).*/\1/p" <<<"$2" | head -1; }

echo "== warm-up: 8 workers, 20 s"
"${load[@]}" -workers 8 -duration 20s | grep '^result'

echo "== unloaded: 50 requests a second, 40 s ($(uptime))"
"${load[@]}" -rate 50 -duration 40s -label unloaded | tee "$work/unloaded.txt"
unloaded=$(grep '^result' "$work/unloaded.txt")
p99u=$(field p99_ms "$unloaded")

if [[ -n ${RATE:-} ]]; then
	rate=$RATE
else
	echo "== closed loop: 1, 2, 4, 8, 16 workers, 20 s each ($(uptime))"
	"${load[@]}" -workers 1,2,4,8,16 -duration 20s -label closed | tee "$work/closed.txt"
	# The sustainable rate: the most requests a second with p99 within 3x the
	# unloaded p99 and at most 0.5% errors; the rate of one worker if none.
	rate=$(grep '^result' "$work/closed.txt" | awk -v u="$p99u" '
		{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		  bad = v["shed"] + v["other"] + v["failed"]
		  if (NR == 1) first = v["rps"]
		  if (v["p99_ms"] <= 3 * u && bad <= 0.005 * v["sent"] && v["rps"] > best) best = v["rps"] }
		END { if (best == "") best = first; printf "%d\n", best }')
fi
high=$((rate * 2))
low=$((rate / 2))
echo "== sustainable: $rate requests a second; open loop at $low, $high (2x), then $low again ($(uptime))"
curl -fs "http://$addr/metrics" >"$work/metrics.before"
"${load[@]}" -rate "$low,$high,$low" -duration 20s,60s,40s -window 1s -label open | tee "$work/open.txt"
curl -fs "http://$addr/metrics" >"$work/metrics.after"
# How long requests waited for a place in the open loop, from the server's
# rapport_http_queue_wait_seconds: by whether the queue was new or had stood
# (newest first, short waits), and whether the request was served or shed.
awk '$1 ~ /^rapport_http_queue_wait_seconds_(sum|count)/ {
		key = $1; sub(/^rapport_http_queue_wait_seconds_/, "", key)
		if (FILENAME ~ /before$/) v[key] -= $2; else v[key] += $2 }
	END { for (k in v) if (k ~ /^count/ && v[k] > 0) {
		s = k; sub(/^count/, "sum", s); l = k; sub(/^count/, "", l)
		printf "waited for a place %s: %d requests, %.1f ms on average\n", l, v[k], 1000 * v[s] / v[k] } }' \
	"$work/metrics.before" "$work/metrics.after" | sort
over=$(grep '^result.* phase=2 ' "$work/open.txt")
p99o=$(field p99_ms "$over")
echo "2x: $(field shed "$over") of $(field sent "$over") shed (with Retry-After: $(field shed_ra "$over")), $(field dropped "$over") dropped by the client," \
	"at most $(field peak_outstanding "$over") outstanding; served p99 $p99o ms against $p99u ms unloaded:" \
	"$(awk -v a="$p99o" -v b="$p99u" 'BEGIN { printf "%.1fx", a / b }')"
# Recovery: half the sustainable rate after the overload against the same
# rate before it, then by the seconds of the run: the first second after the
# load drops that is normal (at most 5% shed, p99 within 3x the unloaded
# p99), and how many seconds at half the rate are not, before and after.
before=$(grep '^result.* phase=1 ' "$work/open.txt")
after=$(grep '^result.* phase=3 ' "$work/open.txt")
printf 'half the rate, before: p50 %s ms, p99 %s ms, %s of %s shed\n' "$(field p50_ms "$before")" "$(field p99_ms "$before")" "$(field shed "$before")" "$(field sent "$before")"
printf 'half the rate, after:  p50 %s ms, p99 %s ms, %s of %s shed\n' "$(field p50_ms "$after")" "$(field p99_ms "$after")" "$(field shed "$after")" "$(field sent "$after")"
awk -F' *[|] *' -v u="$p99u" -v from=80 '
	$2 ~ /^[0-9]+$/ {
		s = $2 + 0; sub(/%/, "", $6); ok = ($6 <= 5 && $10 <= 3 * u)
		if (s < 20) { before++; if (!ok) missedBefore++ }
		else if (s >= from) { after++; if (!ok) missedAfter++; if (ok && first == "") first = s - from + 1 } }
	END {
		if (first == "") print "not back to normal (at most 5% shed, p99 within 3x unloaded) in any second after the drop"
		else printf "back to normal (at most 5%% shed, p99 within 3x unloaded) in second %d after the drop\n", first
		printf "seconds at half the rate not normal: %d of %d after the overload, %d of %d before it\n", missedAfter, after, missedBefore, before }' "$work/open.txt"

echo "== GET /healthz (baseline; $(uptime))"
wrk -t2 -c16 -d10s --latency "http://$addr/healthz"
