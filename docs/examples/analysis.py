#!/usr/bin/env python3
# gst-reuse: analyse media files through the cache, asynchronously
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# GstCache.CacheDiscoverer through GObject introspection (GstCache-1.0),
# in its asynchronous form, as GstPbutils.Discoverer is used: start() in a
# main loop, one discover_uri_async() per input, a "discovered" signal per
# input (in order) and "finished" when all are done. Each line says how
# the cache served the input: a file analysed before, or a copy of it
# under another name, is a hit.
#
#   analysis.py [--cache-dir DIR] FILE|URI...
#
# Exit status 0 when every input was analysed, 1 otherwise.

import sys

import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstPbutils', '1.0')
gi.require_version('GstCache', '1.0')
from gi.repository import GLib, Gst, GstCache, GstPbutils  # noqa: E402

RESULTS = {
    GstCache.CacheResult.HIT: 'hit',
    GstCache.CacheResult.MISS: 'miss',
    GstCache.CacheResult.BYPASS: 'bypass',
}


def describe(info):
    lines = []
    for v in info.get_video_streams():
        lines.append('  video: {}, {}x{}, {}/{} fps'.format(
            v.get_caps().get_structure(0).get_name(), v.get_width(),
            v.get_height(), v.get_framerate_num(), v.get_framerate_denom()))
    for a in info.get_audio_streams():
        lines.append('  audio: {}, {} Hz, {} channels'.format(
            a.get_caps().get_structure(0).get_name(), a.get_sample_rate(),
            a.get_channels()))
    return lines


def main():
    Gst.init(None)
    args = sys.argv[1:]
    cache_dir = None
    if args[:1] == ['--cache-dir'] and len(args) > 2:
        cache_dir, args = args[1], args[2:]
    if not args:
        print('usage: analysis.py [--cache-dir DIR] FILE|URI...',
              file=sys.stderr)
        return 2

    # the same timeout as GstPbutils.Discoverer.new(), in nanoseconds
    dc = GstCache.CacheDiscoverer.new(10 * Gst.SECOND)
    if cache_dir:
        dc.set_property('cache-dir', cache_dir)

    loop = GLib.MainLoop()
    pending, failed = [], []

    def on_discovered(dc, info, error):
        # one signal per URI, in the order they were added
        uri = pending.pop(0)
        if info is None or \
                info.get_result() != GstPbutils.DiscovererResult.OK:
            failed.append(uri)
            print('{}: failed: {}'.format(
                uri, error.message if error else info.get_result()))
            return
        result = GstCache.CacheDiscoverer.info_get_result(info)
        how = RESULTS[result]
        if result == GstCache.CacheResult.HIT:
            how += ' ({})'.format(GstCache.CacheDiscoverer.info_get_source(
                info))
        print('{}: {}, {:.3f} s'.format(uri, how,
                                        info.get_duration() / Gst.SECOND))
        for line in describe(info):
            print(line)

    dc.connect('discovered', on_discovered)
    dc.connect('finished', lambda dc: loop.quit())
    # signals are emitted in the thread-default main context of start()
    dc.start()
    for arg in args:
        uri = arg if Gst.uri_is_valid(arg) else Gst.filename_to_uri(arg)
        pending.append(uri)
        dc.discover_uri_async(uri)
    loop.run()
    dc.stop()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
