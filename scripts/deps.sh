#!/bin/sh
# Install what ikelab needs from Debian, or say how.
#   scripts/deps.sh build   libraries and tools to build ikelab
#   scripts/deps.sh check   also the tools the tests use
set -u

build_pkgs="gcc make pkg-config libssl-dev libreadline-dev libncurses-dev"
check_pkgs="libcmocka-dev tmux tshark ike-scan valgrind clang libclang-rt-14-dev"

want=$build_pkgs
[ "${1:-build}" = check ] && want="$build_pkgs $check_pkgs"

missing=
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "ikelab needs these Debian packages:$missing" >&2
	echo "run as root:  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
    debconf-set-selections 2>/dev/null || true
apt-get update -q >/dev/null && apt-get install -y -q $missing >/dev/null ||
    { echo "apt-get install failed" >&2; exit 1; }
