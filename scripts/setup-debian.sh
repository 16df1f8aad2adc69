#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs everything the project needs on a fresh Debian 12 machine (run as root).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
    echo "setup-debian.sh: run as root (sudo $0): it installs Debian packages" >&2
    exit 2
fi
export DEBIAN_FRONTEND=noninteractive
# Keep dumpcap unprivileged and the install non-interactive.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends \
    build-essential cmake pkg-config clang libclang-rt-14-dev \
    libglib2.0-dev libpcap-dev libwireshark-dev wireshark-dev tshark \
    python3 pyflakes3 valgrind tcpdump tcpreplay iproute2 util-linux procps time \
    debootstrap man-db
# The JSON schema checks of the tools' --json output (test/mcpreplay).
apt-get install -y -q --no-install-recommends python3-jsonschema
# gRPC for the optional benchmark bench/vs_grpc (-DMCP_BENCH_GRPC=ON, built and smoke-tested
# by scripts/test.sh); the default build does not need it.
apt-get install -y -q --no-install-recommends \
    libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
# Debian packages (cpack -G DEB with dpkg-shlibdeps, cmake/Packaging.cmake) and their check.
apt-get install -y -q --no-install-recommends dpkg-dev file lintian
