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
#   - the plugins, the tools and the -dev package depend on
#     libgstcache-1.0-0, and the typelib package on GstPbutils' typelib;
#   - pkg-config --cflags --libs gstreamer-cache-1.0 works, and the C
#     example of libgstcache-1.0-dev (<gst/cache/cache.h>) builds and links
#     with it alone and analyses a file twice: a miss, then a hit;
#   - Python imports GstCache from the root's typelib and gets that hit,
#     the Python example of libgstcache-1.0-dev runs, and gst-cache
#     --discover from the root (linked to the root's library) hits too;
#   - the remote tier's modules are in the root's gstreamer-cache-1.0
#     directory, the library links neither libcurl nor hiredis, a local
#     hit loads neither, and gst-cache with remote storage loads each
#     module from the root (the backends then fail to connect, which only
#     a loaded module can tell);
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

echo "check-packages: what depends on libgstcache-1.0-0"
for p in gstreamer1.0-reuse gst-reuse-tools libgstcache-1.0-dev; do
  deps=$(dpkg-deb -f "$DEBDIR/${p}"_*.deb Depends)
  case "$deps" in
    *libgstcache-1.0-0*) echo "  $p: $(echo "$deps" | grep -o 'libgstcache-1.0-0[^,]*')" ;;
    *) fail "$p does not depend on libgstcache-1.0-0: $deps" ;;
  esac
done
deps=$(dpkg-deb -f "$DEBDIR"/gir1.2-gstcache-1.0_*.deb Depends)
case "$deps" in
  *gir1.2-gst-plugins-base-1.0*libgstcache-1.0-0*|*libgstcache-1.0-0*gir1.2-gst-plugins-base-1.0*)
    echo "  gir1.2-gstcache-1.0: $deps" ;;
  *) fail "gir1.2-gstcache-1.0 lacks GstPbutils' typelib or the library: $deps" ;;
esac

# pkg-config fails on a module whose Requires or Requires.private it cannot
# find: the -dev package must bring each of them.
echo "check-packages: libgstcache-1.0-dev depends on what its .pc requires"
names=$(dpkg-deb -f "$DEBDIR"/libgstcache-1.0-dev_*.deb Depends |
  sed 's/[,|]/\n/g' | sed 's/(.*)//; s/ //g')
for mod in $(run PKG_CONFIG_PATH="$LIBDIR/pkgconfig" pkg-config \
    --print-requires --print-requires-private gstreamer-cache-1.0 |
    cut -d' ' -f1); do
  pc=$(pkg-config --variable=pcfiledir "$mod")/$mod.pc
  owner=$(dpkg -S "$pc" | cut -d: -f1)
  echo "$names" | grep -qx "$owner" ||
    fail "libgstcache-1.0-dev does not depend on $owner ($mod)"
  echo "  $mod: $owner"
done

echo "check-packages: a file to analyse"
MOVIE=$WORK/movie.mp4
run GST_PLUGIN_SYSTEM_PATH_1_0="$SYSTEM_PLUGINS" gst-launch-1.0 -q \
  videotestsrc num-buffers=15 ! video/x-raw,width=160,height=120 ! \
  x264enc ! h264parse ! mp4mux ! filesink location="$MOVIE" ||
  fail "making $MOVIE"

echo "check-packages: pkg-config gstreamer-cache-1.0"
PC=$LIBDIR/pkgconfig/gstreamer-cache-1.0.pc
sed -i "s|^prefix=.*|prefix=$DEST/usr|" "$PC"
flags=$(run PKG_CONFIG_PATH="$LIBDIR/pkgconfig" \
  pkg-config --cflags --libs gstreamer-cache-1.0) ||
  fail "pkg-config --cflags --libs gstreamer-cache-1.0"
echo "  $flags"
case "$flags" in
  *"-I$DEST/usr/include/gstreamer-1.0"*"-L$LIBDIR "*"-lgstcache-1.0"*) ;;
  *) fail "pkg-config flags do not point into the root" ;;
esac
CACHE_EXAMPLES=$DEST/usr/share/doc/libgstcache-1.0-dev/examples
echo "check-packages: the C analysis example, built with those flags"
# shellcheck disable=SC2086 # the flags are words
run cc -o "$WORK/analysis" "$CACHE_EXAMPLES/analysis.c" $flags ||
  fail "building docs/examples/analysis.c"
run ldd "$WORK/analysis" | grep -q "libgstcache-1.0.so.0 => $LIBDIR/" ||
  fail "docs/examples/analysis.c is not linked to the root's library"
out=$(run GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR:$SYSTEM_PLUGINS" \
  "$WORK/analysis" "$MOVIE" "$WORK/cache") ||
  fail "docs/examples/analysis.c: $out"
echo "$out" | sed 's/^/  /'
for want in "^run 1: miss, " "^run 2: hit (local), "; do
  echo "$out" | grep -q "$want" ||
    fail "docs/examples/analysis.c: not a miss and then a hit"
done

echo "check-packages: GstCache from Python"
run GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR:$SYSTEM_PLUGINS" \
  GI_TYPELIB_PATH="$LIBDIR/girepository-1.0" python3 -c '
import sys
import gi
gi.require_version("GIRepository", "2.0")
gi.require_version("Gst", "1.0")
gi.require_version("GstCache", "1.0")
from gi.repository import GIRepository, Gst, GstCache
typelib = GIRepository.Repository.get_default().get_typelib_path("GstCache")
assert typelib.startswith(sys.argv[1]), typelib
Gst.init(None)
dc = GstCache.CacheDiscoverer.new(10 * Gst.SECOND)
dc.set_property("cache-dir", sys.argv[3])
info = dc.discover_uri(Gst.filename_to_uri(sys.argv[2]))
result = GstCache.CacheDiscoverer.info_get_result(info)
assert result == GstCache.CacheResult.HIT, result
video = info.get_video_streams()[0]
assert (video.get_width(), video.get_height()) == (160, 120)
print("  %s: %s (%s), %dx%d; typelib: %s" % (info.get_uri(),
      result.value_nick, GstCache.CacheDiscoverer.info_get_source(info),
      video.get_width(), video.get_height(), typelib))
' "$DEST/" "$MOVIE" "$WORK/cache" || fail "GstCache from Python"
run GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR:$SYSTEM_PLUGINS" \
  GI_TYPELIB_PATH="$LIBDIR/girepository-1.0" \
  python3 "$CACHE_EXAMPLES/analysis.py" --cache-dir "$WORK/cache" "$MOVIE" |
  grep -q ": hit (local), " || fail "docs/examples/analysis.py"

echo "check-packages: gst-cache --discover"
run ldd "$DEST/usr/bin/gst-cache" | grep -q "libgstcache-1.0.so.0 => $LIBDIR/" ||
  fail "gst-cache is not linked to the root's library"
out=$(run GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR:$SYSTEM_PLUGINS" \
  "$DEST/usr/bin/gst-cache" --dir "$WORK/cache" --discover "$MOVIE") ||
  fail "gst-cache --discover: $out"
echo "$out" | grep -q "^Cache: hit (local)$" ||
  fail "gst-cache --discover: not a hit: $out"
echo "  $(echo "$out" | grep '^Cache: ')"

echo "check-packages: the remote tier's modules"
MODULEDIR=$LIBDIR/gstreamer-cache-1.0
for module in libgstcache-http.so libgstcache-redis.so; do
  [ -f "$MODULEDIR/$module" ] || fail "no $MODULEDIR/$module"
done
if run ldd "$LIBDIR/libgstcache-1.0.so.0" | grep -E "libcurl|libhiredis"; then
  fail "libgstcache-1.0.so.0 links libcurl or hiredis"
fi
# a local hit: no module, no libcurl, no hiredis in the process
run LD_DEBUG=files GST_PLUGIN_SYSTEM_PATH_1_0="$PLUGINDIR:$SYSTEM_PLUGINS" \
  "$DEST/usr/bin/gst-cache" --dir "$WORK/cache" --discover "$MOVIE" \
  >"$WORK/discover" 2>"$WORK/ld-debug" || fail "gst-cache --discover"
grep -q "^Cache: hit (local)$" "$WORK/discover" ||
  fail "gst-cache --discover: not a hit"
if grep -E "file=[^ ]*(libcurl|libhiredis|libgstcache-http|libgstcache-redis)" \
    "$WORK/ld-debug"; then
  fail "a local hit loaded the remote tier"
fi
echo "  a local hit: $(grep -c 'file=.*generating link map' "$WORK/ld-debug") objects loaded, neither libcurl nor hiredis"
# remote storage on closed ports: each backend fails to connect
run LD_DEBUG=files "$DEST/usr/bin/gst-cache" --dir "$WORK/remote" \
  --remote-storage "http://127.0.0.1:1/ redis://127.0.0.1:1" --check-remote \
  >"$WORK/check-remote" 2>"$WORK/ld-debug" &&
  fail "gst-cache --check-remote: ports 1 answered"
sed 's/^/  /' "$WORK/check-remote"
for module in libgstcache-http.so libgstcache-redis.so; do
  grep -q "file=$MODULEDIR/$module .*generating link map" "$WORK/ld-debug" ||
    fail "$module was not loaded from $MODULEDIR: $(grep -v "^ *[0-9]*:" "$WORK/ld-debug")"
done
for url in http://127.0.0.1:1/ redis://127.0.0.1:1/0; do
  grep -q "^FAILED  $url: .*(connect)$" "$WORK/check-remote" ||
    fail "gst-cache --check-remote: $url did not fail to connect"
done

echo "check-packages: gst-cache"
run "$DEST/usr/bin/gst-cache" --help >"$WORK/help" ||
  fail "gst-cache --help"
for option in --show-stats --discover; do
  grep -q -- "$option" "$WORK/help" || fail "gst-cache --help: no $option"
done
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
