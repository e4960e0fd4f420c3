# shellcheck shell=bash
# apt_install PKG...: install Debian packages (as root) without letting their maintainer scripts start
# daemons — the project's scripts start what they need themselves, on their own ports. A policy-rc.d
# that refuses every start is put in place only if none exists, and removed only if we created it.
# Package lists are refreshed when there are none, or once when an install fails.
apt_install() {
  (($#)) || return 0
  local created=0 rc=0
  export DEBIAN_FRONTEND=noninteractive
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created=1
  fi
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    apt-get update -q >/dev/null || rc=$?
  fi
  if ((rc == 0)) && ! apt-get install -y -q --no-install-recommends "$@" >/dev/null; then
    apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "$@" >/dev/null || rc=$?
  fi
  if ((created)); then rm -f /usr/sbin/policy-rc.d; fi
  return "$rc"
}

# apt_missing PKG...: prints the packages that are not installed
apt_missing() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$p"
  done
}
