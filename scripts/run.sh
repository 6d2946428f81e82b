#!/usr/bin/env bash
# Sets up everything, builds motsim and runs it (the README's first command).
#   scripts/run.sh                 build the WebAssembly app and serve it on http://127.0.0.1:8080/
#   scripts/run.sh --port 9000     another port (--host ADDR to listen elsewhere than loopback)
#   scripts/run.sh --native        build and open the native app (needs a display)
#   scripts/run.sh --cli [FILE]    run a scenario from the command line and print its summary
set -euo pipefail
cd "$(dirname "$0")/.."
mode=web; port=8080; host=127.0.0.1; file=assets/scenarios/default.json
while (($#)); do
  case $1 in
    --port) port=${2:?--port needs a number}; shift 2 ;;
    --host) host=${2:?--host needs an address}; shift 2 ;;
    --native) mode=native; shift ;;
    --cli) mode=cli; shift; if (($#)) && [[ $1 != --* ]]; then file=$1; shift; fi ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ $port =~ ^[0-9]+$ ]] || { echo "run.sh: --port needs a number" >&2; exit 2; }

scripts/setup.sh
case $mode in
  web)
    scripts/build.sh web
    echo
    echo "motsim is ready: open http://$host:$port/ in a browser (Ctrl-C stops the server)"
    exec node scripts/serve.mjs build/web/site --port "$port" --host "$host" ;;
  native)
    scripts/build.sh native
    if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
      echo "run.sh: no display for the native window. Run it on a desktop, or headless with:" >&2
      echo "  xvfb-run -a build/native/motsim_app --frames 120 --screenshot motsim.png" >&2
      exit 1
    fi
    exec build/native/motsim_app ;;
  cli)
    scripts/build.sh native
    exec build/native/motsim run "$file" ;;
esac
