#!/usr/bin/env bash
# Installs the system packages redflag builds against (Debian/Ubuntu), when they are missing.
set -euo pipefail
if [ -f /usr/include/pcre2.h ] || pkg-config --exists libpcre2-8 2>/dev/null; then
  exit 0
fi
echo "redflag: installing libpcre2-dev (PCRE2 headers)" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libpcre2-dev >/dev/null
