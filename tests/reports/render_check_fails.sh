#!/usr/bin/env bash
# The browser test must catch a broken report: takes a good REPORT.html, writes two broken copies
# (an empty chart; a script error) and expects scripts/render-check.sh to fail on each with the
# matching message. Exit 77 (skip) without Chromium, like render-check.sh.
#
#   tests/reports/render_check_fails.sh RENDER_CHECK REPORT.html OUTDIR
set -uo pipefail
check=$1
report=$2
outdir=$3
mkdir -p "$outdir"

expect_failure() {  # NAME PATTERN: runs the check on OUTDIR/NAME.html, wants exit 1 and PATTERN
  local name=$1 pattern=$2 rc
  "$check" "$outdir/$name.html" "$outdir/$name" >"$outdir/$name.log" 2>&1
  rc=$?
  if [[ $rc -eq 77 ]]; then
    cat "$outdir/$name.log"
    exit 77
  fi
  if [[ $rc -ne 1 ]] || ! grep -q -- "$pattern" "$outdir/$name.log"; then
    echo "render_check_fails: $name: expected exit 1 and \"$pattern\", got exit $rc:" >&2
    cat "$outdir/$name.log" >&2
    exit 1
  fi
  echo "render_check_fails: $name: failed as expected: $(grep -- "$pattern" "$outdir/$name.log")"
}

# A chart with nothing in it: its bounding box is empty.
sed 's|</body>|<svg viewBox="0 0 10 10" width="100%" data-chart="empty"></svg>\n</body>|' \
  "$report" >"$outdir/empty-chart.html"
expect_failure empty-chart "charts rendered (empty bounding box)"

# A script error after the page's check is installed.
sed 's|</body>|<script>no_such_function();</script>\n</body>|' "$report" >"$outdir/script-error.html"
expect_failure script-error "the page logged errors: .*no_such_function"
exit 0
