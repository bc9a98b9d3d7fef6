#!/usr/bin/env python3
# gst-reuse: put a Python GStreamer application on layered memory
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The same as layered-memory.c, through GObject introspection
# (GstLayered-1.0): one call after Gst.init() makes layered memory the
# default allocator; the statistics and the leak report come back as a
# Gst.Structure and a string.

import sys

import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstLayered', '1.0')
from gi.repository import Gst, GstLayered  # noqa: E402

PIPELINE = (
    'videotestsrc num-buffers={frames} ! '
    'video/x-raw,format=I420,width=1280,height=720,framerate=30/1 ! '
    'x264enc speed-preset=ultrafast tune=zerolatency ! h264parse ! '
    'avdec_h264 ! videoconvert ! video/x-raw,format=BGRA ! fakesink')


def run_once(allocator, frames):
    pipeline = Gst.parse_launch(PIPELINE.format(frames=frames))
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    msg = bus.timed_pop_filtered(
        Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    if msg.type == Gst.MessageType.ERROR:
        pipeline.set_state(Gst.State.NULL)
        err, _ = msg.parse_error()
        raise RuntimeError(err.message)
    # the statistics can also come from the bus, as an element message
    # (the layeredmem tracer posts them periodically, with its interval
    # parameter)
    allocator.post_stats(pipeline)
    msg = bus.pop_filtered(Gst.MessageType.ELEMENT)
    s = msg.get_structure()
    if s.get_name() == 'layered-allocator-stats':
        print('  on the bus: {}, peak {} bytes in use'.format(
            s.get_name(), s.get_value('peak-bytes-in-use')))
    pipeline.set_state(Gst.State.NULL)


def main():
    Gst.init(None)
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    frames = int(sys.argv[2]) if len(sys.argv) > 2 else 60

    # the one call: layered memory becomes the default allocator
    allocator = GstLayered.layered_memory_init(None)

    prev = {'allocations': 0, 'pool-hits': 0, 'system-allocations': 0}
    for i in range(1, runs + 1):
        run_once(allocator, frames)
        stats = allocator.get_stats()
        now = {k: stats.get_value(k) for k in prev}
        print('run {}: {} allocations, {} served from the cache, {} from the '
              'system (hit rate {:.3f}, peak {} bytes in use, {} now)'.format(
                  i, now['allocations'] - prev['allocations'],
                  now['pool-hits'] - prev['pool-hits'],
                  now['system-allocations'] - prev['system-allocations'],
                  stats.get_value('hit-rate'),
                  stats.get_value('peak-bytes-in-use'),
                  stats.get_value('bytes-in-use')))
        prev = now

    leaks = allocator.get_leaks()
    print('leak report:', allocator.leak_report())
    return 0 if leaks.get_value('bytes') == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
