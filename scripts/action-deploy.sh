#!/usr/bin/env bash
# The deploy step of action.yml: `tracker deploy` around INPUT_RUN, the event id written to GITHUB_OUTPUT
# (event-id) even when the command fails, and the step's exit code the command's (or the CLI's, docs/cli.md).
set -uo pipefail

args=(deploy --service "$INPUT_SERVICE" --environment "$INPUT_ENVIRONMENT")
[[ -n "${INPUT_TITLE:-}" ]] && args+=(--title "$INPUT_TITLE")
[[ -n "${INPUT_OWNER:-}" ]] && args+=(--owner "$INPUT_OWNER")
[[ "${INPUT_LOCK:-false}" == "true" ]] && args+=(--lock)
[[ "${INPUT_WAIT:-false}" == "true" ]] && args+=(--wait)
[[ -n "${INPUT_TIMEOUT:-}" ]] && args+=(--timeout "$INPUT_TIMEOUT")
[[ "${INPUT_CHECK:-false}" == "true" ]] && args+=(--check)
id_file="$(mktemp)"
args+=(--id-file "$id_file" -- bash -c "$INPUT_RUN")

node "$GITHUB_ACTION_PATH/bin/tracker.js" "${args[@]}"
code=$?
if [[ -s "$id_file" ]]; then
  echo "event-id=$(cat "$id_file")" >>"$GITHUB_OUTPUT"
fi
rm -f "$id_file"
exit "$code"
