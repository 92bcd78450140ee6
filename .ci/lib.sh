# Shared by the scripts in .ci/: where things are, and how to say so.
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$root/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# One target dir for every build; CI points it outside the clone to reuse builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
mkdir -p "$CARGO_TARGET_DIR"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-always}"
# The debug site (tests) and the release site (serve) live apart.
export DEBUG_SITE="$root/target/site-debug"
started_at=$(date +%s)

step() { printf '\n\033[1;34m==> [%4ss] %s\033[0m\n' "$(( $(date +%s) - started_at ))" "$*" >&2; }
fail() { printf '\n\033[1;31mFAILED: %s\033[0m\n' "$*" >&2; exit 1; }

# Runs a command as root: directly, or through sudo when that is available.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else fail "this step needs root: $*"
  fi
}
