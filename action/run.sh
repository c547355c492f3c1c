#!/usr/bin/env bash
# cercle's GitHub Action (action.yml): runs `cercle check` once, and from that
# one run writes the workflow annotations (stdout), the step's outputs
# ($GITHUB_OUTPUT), the job summary ($GITHUB_STEP_SUMMARY), the SARIF file
# when asked and the report of `format` in the log; then fails the step
# according to `fail-on`, decided here from the JSON report's severities.
#
# Environment (action.yml sets it from the inputs; tests set it directly):
#   CERCLE_BIN         the cercle to run (default: cercle on PATH)
#   CERCLE_PATHS       files or directories, separated by white space (default: .)
#   CERCLE_CONFIG      --config FILE, when not empty
#   CERCLE_FORMAT      report printed in the log besides the annotations (default: human)
#   CERCLE_FAIL_ON     error (default), warning or never
#   CERCLE_SARIF_FILE  also write a SARIF report there, when not empty
#   CERCLE_ARGS        more arguments, separated by white space
#   GITHUB_WORKSPACE   the directory cercle runs in (paths are relative to it)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY  files written as GitHub Actions does
#
# Exit status: 0 passed; 1 findings at or above fail-on; 2 cercle could not
# run (usage error, invalid configuration or pack: its message is shown and
# annotated).
set -euo pipefail

bin=${CERCLE_BIN:-cercle}
fail_on=${CERCLE_FAIL_ON:-error}
format=${CERCLE_FORMAT:-human}
sarif=${CERCLE_SARIF_FILE:-}

error() {
  # A workflow command's message: %, CR and LF are escaped.
  local msg=${1//'%'/'%25'}
  msg=${msg//$'\r'/'%0D'}
  msg=${msg//$'\n'/'%0A'}
  echo "::error title=cercle::$msg"
}

case "$fail_on" in
  error | warning | never) ;;
  *)
    error "fail-on must be error, warning or never, not '$fail_on'"
    exit 2
    ;;
esac
case "$format" in
  human | json | sarif | github | junit | markdown) ;;
  *)
    error "format must be human, json, sarif, github, junit or markdown, not '$format'"
    exit 2
    ;;
esac
if ! command -v jq > /dev/null; then
  error "jq is needed to read cercle's JSON report"
  exit 2
fi

if [ -n "${GITHUB_WORKSPACE:-}" ]; then
  cd "$GITHUB_WORKSPACE"
fi
tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/cercle.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

read -r -d '' -a paths <<< "${CERCLE_PATHS:-.}" || true
if [ "${#paths[@]}" -eq 0 ]; then
  paths=(.)
fi
read -r -d '' -a extra <<< "${CERCLE_ARGS:-}" || true

cmd=("$bin" check "${paths[@]}")
if [ -n "${CERCLE_CONFIG:-}" ]; then
  cmd+=(--config "$CERCLE_CONFIG")
fi
cmd+=(--fail-on never --format github
  --report "json:$tmp/report.json" --report "markdown:$tmp/summary.md")
if [ -n "$sarif" ]; then
  mkdir -p "$(dirname "$sarif")"
  cmd+=(--report "sarif:$sarif")
fi
if [ "$format" != github ]; then
  cmd+=(--report "$format:$tmp/log.$format")
fi
cmd+=(${extra[@]+"${extra[@]}"})

# The annotations go to stdout, where the runner reads workflow commands.
set +e
"${cmd[@]}" 2> "$tmp/stderr.txt"
status=$?
set -e
cat "$tmp/stderr.txt" >&2

if [ "$status" -ne 0 ] || [ ! -s "$tmp/report.json" ]; then
  message=$(cat "$tmp/stderr.txt")
  error "cercle could not run (exit $status): ${message:-no message}"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    {
      echo "### cercle could not run"
      echo
      echo '```'
      echo "${message:-exit $status}"
      echo '```'
    } >> "$GITHUB_STEP_SUMMARY"
  fi
  exit 2
fi

report="$tmp/report.json"
findings=$(jq '.summary.findings' "$report")
errors=$(jq '[.findings[] | select(.severity == "error")] | length' "$report")
warnings=$(jq '[.findings[] | select(.severity == "warning")] | length' "$report")
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "findings=$findings"
    echo "errors=$errors"
    echo "warnings=$warnings"
  } >> "$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$tmp/summary.md" ]; then
  cat "$tmp/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -f "$tmp/log.$format" ]; then
  # The report quotes the checked files: no workflow command in it may run.
  token=$(basename "$tmp")
  echo "::group::cercle report ($format)"
  echo "::stop-commands::$token"
  cat "$tmp/log.$format"
  echo "::$token::"
  echo "::endgroup::"
fi

case "$fail_on" in
  error) failing=$errors ;;
  warning) failing=$((errors + warnings)) ;;
  never) failing=0 ;;
esac
echo "cercle: $findings findings ($errors errors, $warnings warnings); fail-on $fail_on"
if [ "$failing" -gt 0 ]; then
  exit 1
fi
