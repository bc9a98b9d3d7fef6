#!/bin/sh
# gst-reuse: check the Debian packages from a throw-away root.
#
#   tests/package/check-packages.sh [DEBDIR]
#
# Builds the packages with scripts/package and DEB_BUILD_OPTIONS=nocheck
# (or takes the .deb files of DEBDIR), unpacks them with dpkg -x into a
# temporary root, and proves from there, with no GStreamer variables from
# the caller's environment, that:
#
#   - gst-inspect-1.0 finds mmapsrc, pipesink, pipesrc, cachebin, the
#     layeredmem tracer and the layered plugin with the system plugin path
#     pointed into the root and nowhere else, and blacklists nothing there;
#   - the layered plugin registers the "LayeredMemory" allocator;
#   - pkg-config --cflags --libs gstreamer-layered-1.0 works, and the C
#     example of the -dev package builds with it and runs;
#   - the Python example of the -dev package imports the typelib and runs;
#   - gst-cache --help and gst-reuse-batch --help run, and their manual
#     pages format without warnings.
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later

set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gst-reuse-check-packages.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

if [ $# -gt 0 ]; then
  DEBDIR=$(cd "$1" && pwd)
else
  DEBDIR=$WORK/debs
  DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" \
    "$ROOT/scripts/package" "$DEBDIR"
fi

MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
SYSTEM_PLUGINS=$(pkg-config --variable=pluginsdir gstreamer-1.0)
DEST=$WORK/root
LIBDIR=$DEST/usr/lib/$MA
PLUGINDIR=$LIBDIR/gstreamer-1.0

echo
for deb in "$DEBDIR"/*.deb; do
  echo "check-packages: unpacking $(basename "$deb")"
  dpkg -x "$deb" "$DEST"
done

fail () {
  echo "check-packages: FAIL: $*" >&2
  exit 1
}

# Run a command with a clean environment: PATH, HOME, a private registry,
# the root's libraries, and the variables given before the command.
run () {
  env -i PATH=/usr/bin:/bin HOME="$WORK" LC_ALL=C.UTF-8 \
    GST_REGISTRY_1_0="$WORK/registry.bin" \
    LD_LIBRARY_PATH="$LIBDIR" "$@"
}

echo "check-packages: plugins with GST_PLUGIN_SYSTEM_PATH_1_0=$PLUGINDIR"
for feature in mmapsrc pipesink pipesrc cachebin layeredmem layered; do
  out=$(run GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR" \
    gst-inspect-1.0 "$feature") || fail "gst-inspect-1.0 $feature"
  echo "$out" | grep -q "Filename  *$PLUGINDIR/" ||
    fail "$feature not loaded from $PLUGINDIR"
  echo "  $feature: $(echo "$out" | sed -n 's/^  Filename  *//p')"
done
run GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR" gst-inspect-1.0 -b |
  grep -q "Total count: 0 blacklisted files" ||
  fail "files in $PLUGINDIR are blacklisted: not plugins"

echo "check-packages: the LayeredMemory allocator and the typelib"
run GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR" \
  GI_TYPELIB_PATH="$LIBDIR/girepository-1.0" python3 -c '
import sys
import gi
gi.require_version("GIRepository", "2.0")
gi.require_version("Gst", "1.0")
gi.require_version("GstLayered", "1.0")
from gi.repository import GIRepository, Gst, GstLayered
typelib = GIRepository.Repository.get_default().get_typelib_path("GstLayered")
assert typelib.startswith(sys.argv[1]), typelib
Gst.init(None)
assert Gst.Plugin.load_by_name("layered") is not None
allocator = Gst.Allocator.find("LayeredMemory")
assert isinstance(allocator, GstLayered.LayeredAllocator), allocator
print("  LayeredMemory: %s; typelib: %s" % (type(allocator).__name__, typelib))
' "$DEST/" || fail "the LayeredMemory allocator or the typelib"

EXAMPLES=$DEST/usr/share/doc/libgstlayered-1.0-dev/examples
echo "check-packages: the Python example (one run, 5 frames)"
run GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR:$SYSTEM_PLUGINS" \
  GI_TYPELIB_PATH="$LIBDIR/girepository-1.0" \
  python3 "$EXAMPLES/layered-memory.py" 1 5 ||
  fail "docs/examples/layered-memory.py"

echo "check-packages: pkg-config gstreamer-layered-1.0"
PC=$LIBDIR/pkgconfig/gstreamer-layered-1.0.pc
sed -i "s|^prefix=.*|prefix=$DEST/usr|" "$PC"
flags=$(run PKG_CONFIG_PATH="$LIBDIR/pkgconfig" \
  pkg-config --cflags --libs gstreamer-layered-1.0) ||
  fail "pkg-config --cflags --libs gstreamer-layered-1.0"
echo "  $flags"
case "$flags" in
  *"-I$DEST/usr/include/gstreamer-1.0"*"-L$LIBDIR "*"-lgstlayered-1.0"*) ;;
  *) fail "pkg-config flags do not point into the root" ;;
esac
echo "check-packages: the C example, built with those flags (one run, 5 frames)"
# shellcheck disable=SC2086 # the flags are words
run cc -o "$WORK/layered-memory" "$EXAMPLES/layered-memory.c" $flags ||
  fail "building docs/examples/layered-memory.c"
run GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR:$SYSTEM_PLUGINS" \
  "$WORK/layered-memory" 1 5 || fail "docs/examples/layered-memory.c"

echo "check-packages: gst-cache"
run "$DEST/usr/bin/gst-cache" --help >"$WORK/help" ||
  fail "gst-cache --help"
grep -q -- "--show-stats" "$WORK/help" || fail "gst-cache --help: no options"
echo "check-packages: gst-reuse-batch"
run GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR" \
  "$DEST/usr/bin/gst-reuse-batch" --help >"$WORK/help" ||
  fail "gst-reuse-batch --help"
grep -q -- "--on-error" "$WORK/help" || fail "gst-reuse-batch --help: no options"
for tool in gst-cache gst-reuse-batch; do
  MAN=$DEST/usr/share/man/man1/$tool.1.gz
  [ -f "$MAN" ] || fail "no manual page $MAN"
  warnings=$(run MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "$tool.1: $warnings"
done
echo "  --help and the manual pages: fine"

echo
echo "check-packages: all passed"
