#!/bin/sh
# The same program built with pkg-config instead of CMake: PREFIX is where `cmake --install` put the SDK.
set -e
PREFIX=${1:?usage: hello_pkgconfig.sh PREFIX [OUT]}
OUT=${2:-hello_device_pc}
PC_DIR=$(dirname "$(find "$PREFIX" -name gridhub-device.pc | head -1)")
c++ $(dirname "$0")/hello_device.cpp -o "$OUT" $(PKG_CONFIG_PATH=$PC_DIR pkg-config --cflags --libs gridhub-device)
