#!/usr/bin/env bash
# Installs the system packages redflag builds against (Debian/Ubuntu), when they are missing:
# libpcre2-dev (PCRE2, the regex engine), libexttextcat-dev (language identification, with its data) and
# Hyperscan (the `hyperscan` engine's literal prefilter: libhyperscan-dev on amd64, Vectorscan elsewhere).
# Without Hyperscan the package still builds (REDFLAG_HYPERSCAN=0, or no hs.h found), with the pcre2 engine only.
set -euo pipefail
missing=()
[ -f /usr/include/pcre2.h ] || missing+=(libpcre2-dev)
[ -f /usr/include/libexttextcat/textcat.h ] && [ -f /usr/share/libexttextcat/en.lm ] || missing+=(libexttextcat-dev libexttextcat-data)
if [ ! -f /usr/include/hs/hs.h ] && [ "${REDFLAG_HYPERSCAN:-1}" != 0 ]; then
    if [ "$(dpkg --print-architecture 2>/dev/null || echo amd64)" = amd64 ]; then missing+=(libhyperscan-dev); else missing+=(libvectorscan-dev); fi
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "redflag: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
