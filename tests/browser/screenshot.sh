#!/usr/bin/env bash
# Screenshot one page of the built book, served over HTTP on 127.0.0.1, with headless Chromium.
# Not part of `make test`; run it by hand after `make book`:
#
#   tests/browser/screenshot.sh [PAGE] [OUT.png]
#   (default: chapters/01_introduction.html -> /tmp/ch1.png; HEIGHT=6000 for a taller shot)
#
# Needs Debian's chromium (`apt-get install -y chromium`). It also prints every request the
# page made to the local server, and says which ones failed, so a missing MathJax font or
# widget file shows up. Requests to other hosts do not reach the server; use a local
# book_vendor/ (`make assets`) so that the page needs none.
set -euo pipefail
cd "$(dirname "$0")/../.."

page=${1:-chapters/01_introduction.html}
out=${2:-/tmp/ch1.png}
site=_build/html
browser=$(command -v chromium || command -v chromium-browser || true)

[ -f "$site/$page" ] || { echo "no $site/$page: run 'make book' first" >&2; exit 1; }
[ -n "$browser" ] || { echo "chromium not found: apt-get install -y chromium" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
profile=$(mktemp -d)
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" 2>"$log" >/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$profile" "$log"' EXIT

for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.1
done

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --screenshot="$out" --window-size=1280,"${HEIGHT:-2000}" \
  --virtual-time-budget=10000 "http://127.0.0.1:$port/$page" 2>/dev/null

echo "requests served:"
grep -oE '"GET [^"]*" [0-9]{3}' "$log" | sed 's/^/  /'
# The book has no favicon; the browser asks for /favicon.ico anyway.
if grep -E '"GET [^"]*" [45][0-9]{2}' "$log" | grep -qv '/favicon.ico'; then
  echo "some requests failed (see above)"
fi
echo "screenshot: $out"
