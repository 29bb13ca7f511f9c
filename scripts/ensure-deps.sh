#!/usr/bin/env bash
# Installs the system packages redflag builds against (Debian/Ubuntu), when they are missing:
# libpcre2-dev (PCRE2, the regex engine) and libexttextcat-dev (language identification, with its data).
set -euo pipefail
missing=()
[ -f /usr/include/pcre2.h ] || missing+=(libpcre2-dev)
[ -f /usr/include/libexttextcat/textcat.h ] && [ -f /usr/share/libexttextcat/en.lm ] || missing+=(libexttextcat-dev libexttextcat-data)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "redflag: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
