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
#   CERCLE_ARGS        more arguments, separated by white space; a --fail-on,
#                      --format or --config there wins over the input of that
#                      name, --output FILE becomes --report FORMAT:FILE (the
#                      annotations stay on stdout), --quiet is always on
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
config=${CERCLE_CONFIG:-}

escape() {
  # A workflow command's message: %, CR and LF are escaped.
  local msg=${1//'%'/'%25'}
  msg=${msg//$'\r'/'%0D'}
  printf '%s' "${msg//$'\n'/'%0A'}"
}

error() {
  # $1: the message; $2: more properties (file=...,line=...,col=...,).
  echo "::error ${2:-}title=cercle::$(escape "$1")"
}

# `args`: the options this script sets itself are taken out, so that cercle
# never sees one twice (exit 2); the user's value wins over the input's.
read -r -d '' -a given <<< "${CERCLE_ARGS:-}" || true
extra=()
user_output=
i=0
while [ "$i" -lt "${#given[@]}" ]; do
  arg=${given[$i]}
  case "$arg" in
    --fail-on | --format | --output | --config)
      if [ $((i + 1)) -ge "${#given[@]}" ]; then
        error "args: $arg needs a value"
        exit 2
      fi
      value=${given[$((i + 1))]}
      i=$((i + 2))
      ;;
    --fail-on=* | --format=* | --output=* | --config=*)
      value=${arg#*=}
      arg=${arg%%=*}
      i=$((i + 1))
      ;;
    --quiet | -q)
      i=$((i + 1))
      continue
      ;;
    *)
      extra+=("$arg")
      i=$((i + 1))
      continue
      ;;
  esac
  case "$arg" in
    --fail-on) fail_on=$value ;;
    --format) format=$value ;;
    --output) user_output=$value ;;
    --config) config=$value ;;
  esac
done

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

cmd=("$bin" check "${paths[@]}")
if [ -n "$config" ]; then
  cmd+=(--config "$config")
fi
# --quiet: the one summary line is this script's, at the end.
cmd+=(--fail-on never --format github --quiet
  --report "json:$tmp/report.json" --report "markdown:$tmp/summary.md")
if [ -n "$user_output" ]; then
  mkdir -p "$(dirname "$user_output")"
  cmd+=(--report "$format:$user_output")
fi
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
  # A configuration or pack error points at its place ([FILE:LINE:COL] in
  # the diagnostic): the annotation goes there, with the diagnostic's
  # message (its `×` line).
  where=$(grep -m 1 -oE '\[[^][]+:[0-9]+:[0-9]+\]' "$tmp/stderr.txt" || true)
  props=
  if [ -n "$where" ]; then
    where=${where#[}
    where=${where%]}
    col=${where##*:}
    where=${where%:*}
    line=${where##*:}
    file=${where%:*}
    file=${file#"$PWD/"}
    file=$(escape "$file")
    file=${file//,/%2C}
    props="file=${file//:/%3A},line=$line,col=$col,"
    headline=$(grep -m 1 -E '^ *[×x] ' "$tmp/stderr.txt" | sed -E 's/^ *[×x] +//' || true)
    if [ -n "$headline" ]; then
      message=$headline
    fi
  fi
  error "cercle could not run (exit $status): ${message:-no message}" "$props"
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
plural() {
  # $1 count, $2 noun: "1 error", "2 errors".
  if [ "$1" = 1 ]; then echo "$1 $2"; else echo "$1 ${2}s"; fi
}
notes=$(jq '.summary.notes' "$report")
files=$(jq '.summary.files' "$report")
resources=$(jq '.summary.resources' "$report")
echo "cercle: $(plural "$errors" error), $(plural "$warnings" warning), $(plural "$notes" note) in $(plural "$files" file) ($(plural "$resources" resource)); fail-on $fail_on"
if [ "$failing" -gt 0 ]; then
  exit 1
fi
