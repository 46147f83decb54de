#!/usr/bin/env bash
# Browser test of an HTML report: headless Chromium renders it to a PNG and dumps the DOM after
# load; fails unless every chart drew and the page logged no error.
#
#   scripts/render-check.sh REPORT.html OUTDIR
#
# Writes OUTDIR/report.png (1280 x 6000 screenshot), OUTDIR/dom.html (the DOM after load) and
# Chromium's logs. The page's own check (reports/src/html.cpp) sets, after load,
#   <body data-charts-rendered="OK/TOTAL">  svg[data-chart] elements with a non-empty bounding box
#   <html data-errors="...">                 script errors, console.error, blocked requests, empty
#                                            charts
# Exit 0: PNG written, OK == TOTAL == number of charts in the file, no data-errors.
# Exit 1: any of these fails (the message says which). Exit 2: usage.
# Exit 77: Chromium is not installed (ctest SKIP_RETURN_CODE): apt-get install chromium.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: scripts/render-check.sh REPORT.html OUTDIR" >&2
  exit 2
fi
report=$1
outdir=$2

chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$chromium" ]]; then
  echo "render-check: SKIPPED: Chromium is not on PATH; install the Debian package chromium" \
       "(scripts/install-deps.sh installs it) to run the browser test" >&2
  exit 77
fi
if [[ ! -f "$report" ]]; then
  echo "render-check: FAIL: $report does not exist" >&2
  exit 1
fi
mkdir -p "$outdir"
report_abs=$(realpath "$report")
png="$outdir/report.png"
dom="$outdir/dom.html"
rm -f "$png" "$dom"

# A private profile per run: concurrent checks (ctest -j) do not share Chromium's profile lock.
profile=$(mktemp -d "${TMPDIR:-/tmp}/rigor-render-check.XXXXXX")
trap 'rm -rf "$profile"' EXIT
# --virtual-time-budget lets the load event and its handlers finish before the dump/screenshot.
flags=(--headless --disable-gpu --no-sandbox --hide-scrollbars --user-data-dir="$profile"
       --virtual-time-budget=10000)

if ! timeout 120 "$chromium" "${flags[@]}" --screenshot="$png" --window-size=1280,6000 \
     "$report_abs" >"$outdir/screenshot.log" 2>&1; then
  echo "render-check: FAIL: Chromium could not take the screenshot; its output:" >&2
  tail -n 20 "$outdir/screenshot.log" >&2
  exit 1
fi
if ! timeout 120 "$chromium" "${flags[@]}" --dump-dom "$report_abs" >"$dom" \
     2>"$outdir/dump-dom.log"; then
  echo "render-check: FAIL: Chromium could not dump the DOM; its output:" >&2
  tail -n 20 "$outdir/dump-dom.log" >&2
  exit 1
fi

status=0
if [[ ! -s "$png" ]] || [[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]]; then
  echo "render-check: FAIL: no PNG screenshot at $png" >&2
  status=1
fi
# Charts in the file, as written by the report generator.
expected=$(grep -o '<svg [^>]*data-chart="' "$report" | wc -l)
rendered=$(grep -o 'data-charts-rendered="[0-9]*/[0-9]*"' "$dom" | head -n 1 | sed 's/.*="\(.*\)"/\1/')
if [[ -z "$rendered" ]]; then
  echo "render-check: FAIL: the page's render check did not run (no data-charts-rendered" \
       "attribute after load): a script error or a page without the check" >&2
  status=1
else
  ok=${rendered%/*}
  total=${rendered#*/}
  if [[ "$total" -ne "$expected" ]]; then
    echo "render-check: FAIL: the browser found $total charts, the file has $expected" >&2
    status=1
  fi
  if [[ "$ok" -ne "$total" ]]; then
    echo "render-check: FAIL: only $ok of $total charts rendered (empty bounding box)" >&2
    status=1
  fi
  if [[ "$total" -eq 0 ]]; then
    echo "render-check: FAIL: the report has no chart at all" >&2
    status=1
  fi
fi
if grep -q 'data-errors="' "$dom"; then
  errors=$(grep -o 'data-errors="[^"]*"' "$dom" | head -n 1)
  echo "render-check: FAIL: the page logged errors: $errors" >&2
  status=1
fi
if [[ $status -eq 0 ]]; then
  echo "render-check: OK: $rendered charts rendered, no page errors; screenshot $png"
fi
exit $status
