#!/usr/bin/env bash
# Sets up everything, builds motsim and runs the default scenario from the command line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh native
build/native/motsim run assets/scenarios/default.json
