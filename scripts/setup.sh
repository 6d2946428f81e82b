#!/usr/bin/env bash
# Installs everything motsim needs on Debian bookworm (as root), idempotently:
# Debian packages, Dear ImGui 1.86 sources from Debian's source package, npm test tooling.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake ninja-build clang libclang-rt-14-dev emscripten nodejs npm
          libglfw3-dev libgl-dev nlohmann-json3-dev doctest-dev xvfb xauth chromium
          python3 python3-simpy3 dpkg-dev xz-utils fonts-dejavu-core
          libzip-dev pkg-config libxml2-utils unzip)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from elsewhere (e.g. a newer Node on PATH): do not fight it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]}")
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Dear ImGui 1.86: Debian's binary package has no sources usable for WebAssembly, so take the
# source package (needs a deb-src entry mirroring the machine's first Debian source stanza).
IMGUI_DIR=build/_deps/imgui
if [[ ! -f $IMGUI_DIR/imgui.cpp ]]; then
  if [[ ! -f /etc/apt/sources.list.d/debian-src.sources ]]; then
    if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
      awk 'BEGIN{RS="";ORS="\n\n"} NR==1' /etc/apt/sources.list.d/debian.sources \
        | sed 's/^Types: deb$/Types: deb-src/' > /etc/apt/sources.list.d/debian-src.sources
    else
      grep -E '^deb ' /etc/apt/sources.list | head -1 | sed 's/^deb /deb-src /' \
        > /etc/apt/sources.list.d/debian-src.list
    fi
    apt-get update -q
  fi
  mkdir -p build/_deps/src
  (cd build/_deps/src && apt-get source --download-only imgui >/dev/null)
  tarball=$(ls build/_deps/src/imgui_*.orig.tar.* | head -1)
  rm -rf build/_deps/imgui.tmp && mkdir -p build/_deps/imgui.tmp
  tar -xf "$tarball" -C build/_deps/imgui.tmp
  top=$(dirname "$(find build/_deps/imgui.tmp -name imgui.cpp | head -1)")
  rm -rf "$IMGUI_DIR" && mv "$top" "$IMGUI_DIR" && rm -rf build/_deps/imgui.tmp
  echo "setup: Dear ImGui sources in $IMGUI_DIR"
fi

# npm: fflate and @xapi/cmi5 ship in LMS packages (the web build copies them into the site);
# the rest is test tooling (playwright-core drives Debian's chromium; axe-core checks the pages'
# accessibility; scorm-again, sql.js and xapi-validation play the LMS and the LRS).
if [[ ! -d node_modules/playwright-core || ! -d node_modules/ajv || ! -d node_modules/axe-core ||
      ! -d node_modules/fflate || ! -d node_modules/@xapi/cmi5 || ! -d node_modules/scorm-again ||
      package.json -nt node_modules ]]; then
  if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --loglevel=error
  else npm install --no-audit --no-fund --loglevel=error; fi
fi
