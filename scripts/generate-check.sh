#!/usr/bin/env bash
# Regenerates dashboards and alert rules from the registry and fails when
# the committed outputs differ from what the generators produce now.
set -euo pipefail
cd "$(dirname "$0")/.."
# The committed files carry the default prices and runbook links: an operator's settings in this shell must not leak in.
env -u RTCPULSE_PRICING_FILE -u RTCPULSE_PRICE_EGRESS_PER_GB -u RTCPULSE_PRICE_TURN_PER_GB -u RTCPULSE_PRICE_CPU_HOUR \
  -u RTCPULSE_PRICE_RAM_GB_HOUR -u RTCPULSE_PRICE_STORAGE_GB_MONTH -u RTCPULSE_STORAGE_RETENTION_MONTHS \
  -u RTCPULSE_RUNBOOK_BASE_URL npm run generate
changes=$(git status --porcelain -- dashboards/generated alerts/generated collector/README.md)
if [ -n "$changes" ]; then
  echo "generated files differ from the committed ones; run 'npm run generate' and commit:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- dashboards/generated alerts/generated collector/README.md >&2 || true
  exit 1
fi
echo "generated dashboards and alert rules are up to date"
