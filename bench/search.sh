#!/usr/bin/env bash
# Load runs for the typeahead and people search on a seeded site, as one
# signed-in demo member with about a hundred connections. Usage, from the
# repository root:
#
#	rapport seed --members 1000000 --graph g1m.edges --data DIR   # prints PASSWORD
#	bash bench/search.sh DIR PASSWORD
#
# The word lists come from the site itself (python3 reads its SQLite file):
# first names for the typeahead, words of position titles with a current
# organization or a location for the searches.
set -euo pipefail
dir=$1
password=$2
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
addr=127.0.0.1:18383
go build -o "$work/rapport" ./cmd/rapport
"$work/rapport" serve --no-rate-limits --addr "$addr" --data "$dir" --log-level warn >"$work/serve.out" 2>"$work/serve.log" &
for _ in $(seq 1200); do curl -fs "http://$addr/readyz" >/dev/null && break; sleep 0.5; done
grep -E 'built in' "$work/serve.out" || true
python3 - "$dir/rapport.db" "$work" <<'PY'
import random, sqlite3, sys, unicodedata, urllib.parse
db, out = sys.argv[1], sys.argv[2]
c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
rnd = random.Random(1)
last = c.execute("SELECT MAX(id) FROM members").fetchone()[0]
def ascii(s):
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch)).lower()
names, titles, orgs, places = set(), [], [], []
viewer = None
while len(names) < 500 or len(titles) < 500:
    mid = rnd.randint(1, last)
    row = c.execute("SELECT display_name, location, email FROM members WHERE id = ?", (mid,)).fetchone()
    if not row:
        continue
    first = ascii(row[0].split()[0])
    if first.isalpha() and first.isascii():
        names.add(first)
    for title, org in c.execute("SELECT title, organization_name FROM positions WHERE member_id = ? AND end_month IS NULL", (mid,)):
        word = ascii(title.split()[-1])
        if word.isalpha() and word.isascii():
            titles.append(word)
            orgs.append("current_organization=" + urllib.parse.quote_plus(org))
            places.append("location=" + urllib.parse.quote_plus(row[1]))
    if viewer is None:
        n = c.execute("SELECT COUNT(*) FROM connections WHERE member_id = ?", (mid,)).fetchone()[0]
        if 80 <= n <= 150:
            viewer = row[2]
for name, lines in (("names", sorted(names)), ("titles", titles), ("orgs", orgs), ("places", places)):
    open(f"{out}/{name}.txt", "w").write("\n".join(lines) + "\n")
open(f"{out}/viewer.txt", "w").write(viewer + "\n")
PY
viewer=$(cat "$work/viewer.txt")
token=$(curl -fs -H 'Content-Type: application/json' -d "{\"email\":\"$viewer\",\"password\":\"$password\"}" "http://$addr/api/v1/sessions" |
	sed -E 's/.*"token":"([^"]+)".*/\1/')
echo "searching as $viewer"
wrk -t2 -c16 -d5s -s bench/search.lua "http://$addr" -- "$token" "$work/names.txt" typeahead 2 >/dev/null # warm up
# Two connections measure the time of a request; sixteen, what the two
# cores serve at most (with the queueing that brings).
for c in 2 16; do
	for letters in 1 2 3; do
		echo "GET /api/v1/typeahead, $letters letters, $c connections"
		wrk -t2 -c$c -d15s --latency -s bench/search.lua "http://$addr" -- "$token" "$work/names.txt" typeahead "$letters"
	done
	echo "GET /api/v1/search/members, a title word and the current organization, $c connections"
	wrk -t2 -c$c -d15s --latency -s bench/search.lua "http://$addr" -- "$token" "$work/titles.txt" search "$work/orgs.txt"
	echo "GET /api/v1/search/members, a title word and the location, $c connections"
	wrk -t2 -c$c -d15s --latency -s bench/search.lua "http://$addr" -- "$token" "$work/titles.txt" search "$work/places.txt"
done
echo "GET /healthz (baseline)"
wrk -t2 -c16 -d10s --latency "http://$addr/healthz"
