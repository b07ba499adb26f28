#!/usr/bin/env bash
# Regenerates dashboards and alert rules from the registry and fails when
# the committed outputs differ from what the generators produce now.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run generate
changes=$(git status --porcelain -- dashboards/generated alerts/generated collector/README.md)
if [ -n "$changes" ]; then
  echo "generated files differ from the committed ones; run 'npm run generate' and commit:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- dashboards/generated alerts/generated collector/README.md >&2 || true
  exit 1
fi
echo "generated dashboards and alert rules are up to date"
