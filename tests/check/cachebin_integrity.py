#!/usr/bin/env python3
# gst-reuse: cachebin replays only what its chain produces
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: cachebin_integrity.py TOOLS_DIR
#
# Each check runs a line the way users break it and compares against the
# same line without cachebin:
#
# 1. a result cut short (EOS sent to the pipeline part way, Ctrl-C under
#    gst-launch-1.0 -e, num-buffers on
#    the source, in push and in pull mode) is not stored: reason
#    incomplete-input, and the next run is a miss, not a short hit;
# 2. a run shaped from downstream (QoS from a late sink, a non-flushing
#    seek) is not stored: reasons qos and seek;
# 3. raw video whose decoder hands out padded strides (GstVideoMeta) is
#    replayed as downstream reads it: the RGB after videoconvert, and the
#    raw frames into a sink without GstVideoMeta, equal the run without
#    cachebin, for the miss and for the hit;
# 4. a stored result that downstream refuses (AVC stored for matroskamux,
#    then mpegtsmux, which takes byte-stream only) is not replayed: the
#    line works as it does without cachebin;
# 5. events before the first segment (a TOC of chapters and global tags,
#    from a Matroska file made by ffmpeg) reach downstream on a hit as on
#    a run without cachebin;
# 6. gst-launch-1.0 links cachebin into a muxer's request pad as it links
#    the chain itself (cachebin ! mp4mux), on the miss and on the hit;
# 7. the differential check: for chains of the test suite and the docs,
#    with downstreams that do and do not take GstVideoMeta, the buffers
#    (data as downstream reads it, timestamps, flags, metas) and the
#    events around them are the same without cachebin, on the miss and on
#    the hit.
#
# Needs a Python with PyGObject; pipelines run in this process.

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

# in a sanitizer build our plugins are instrumented: this process needs the
# runtime first (and leak checking off: the interpreter is not ours)
_preload = os.environ.get('GST_REUSE_SANITIZER_PRELOAD')
if _preload and _preload not in os.environ.get('LD_PRELOAD', ''):
    os.environ['LD_PRELOAD'] = _preload
    os.environ['ASAN_OPTIONS'] = os.environ.get('ASAN_OPTIONS', '') + \
        ':detect_leaks=0'
    os.execv(sys.executable, [sys.executable] + sys.argv)

import gi  # noqa: E402
gi.require_version('Gst', '1.0')
from gi.repository import GLib, Gst  # noqa: E402

failures = []


def check(cond, what, detail=''):
    if cond:
        print(f'ok: {what}')
    else:
        print(f'FAIL: {what}\n{str(detail)[-3000:]}')
        failures.append(what)


def sh(cmd):
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)


class Result:
    def __init__(self):
        self.cachebin = []      # the cachebin messages' structures
        self.error = None
        self.items = []         # what reached the probe: events and buffers


def describe_event(ev):
    t = ev.type
    if t in (Gst.EventType.STREAM_START, Gst.EventType.LATENCY,
             Gst.EventType.RECONFIGURE, Gst.EventType.QOS):
        return None
    if t == Gst.EventType.TOC:
        toc, updated = ev.parse_toc()
        entries = []

        def walk(es, depth):
            for e in es:
                ok, start, stop = e.get_start_stop_times()
                tags = e.get_tags()
                # an edition's uid is made up anew by each demuxer run
                uid = e.get_uid() if depth > 0 else ''
                entries.append((depth, int(e.get_entry_type()), uid,
                                start, stop,
                                tags.to_string() if tags else ''))
                walk(e.get_sub_entries(), depth + 1)
        walk(toc.get_entries(), 0)
        return ('toc', updated, tuple(entries))
    if t == Gst.EventType.STREAM_COLLECTION:
        coll = ev.parse_stream_collection()
        return ('stream-collection', tuple(
            (coll.get_stream(i).get_stream_type(),
             coll.get_stream(i).get_caps().to_string()
             if coll.get_stream(i).get_caps() else '')
            for i in range(coll.get_size())))
    st = ev.get_structure()
    return (Gst.EventType.get_name(t), st.to_string() if st else '')


def describe_buffer(buf):
    ok, info = buf.map(Gst.MapFlags.READ)
    digest = hashlib.md5(info.data).hexdigest()
    buf.unmap(info)
    # metas by API, but for the layout metas, which a stored frame drops
    # (it is stored in the layout its caps describe; the data compared is
    # what downstream reads)
    metas = []
    return ('buffer', buf.pts, buf.dts, buf.duration,
            int(buf.get_flags()) & ~int(Gst.BufferFlags.DISCONT),
            digest, tuple(metas))


def run(line, probe_name=None, timeout=120, on_buffer=None, eos_after=None,
        seek_after=None):
    """runs a line in this process to EOS or error; records what passes the
    sink pad of the element named probe_name"""
    res = Result()
    pipeline = Gst.parse_launch(line)
    count = [0]

    if probe_name:
        pad = pipeline.get_by_name(probe_name).get_static_pad('sink')

        # a byte stream is compared as its bytes: where buffers begin and
        # end is not part of it
        stream = {'bytes': None}

        def flush_bytes():
            if stream['bytes'] is not None:
                res.items.append(('bytes', stream['bytes'].hexdigest()))
                stream['bytes'] = None

        def probe(pad, info):
            if info.type & Gst.PadProbeType.BUFFER and \
                    stream.get('format') == Gst.Format.BYTES:
                buf = info.get_buffer()
                ok, m = buf.map(Gst.MapFlags.READ)
                if stream['bytes'] is None:
                    stream['bytes'] = hashlib.md5()
                stream['bytes'].update(m.data)
                buf.unmap(m)
                count[0] += 1
            elif info.type & Gst.PadProbeType.BUFFER:
                buf = info.get_buffer()
                res.items.append(describe_buffer(buf))
                count[0] += 1
                if eos_after is not None and count[0] == eos_after:
                    GLib.idle_add(lambda: pipeline.send_event(
                        Gst.Event.new_eos()) and False)
                if seek_after is not None and count[0] == seek_after:
                    GLib.idle_add(lambda: pipeline.seek_simple(
                        Gst.Format.TIME, Gst.SeekFlags.NONE, 0) and False)
            elif info.type & Gst.PadProbeType.EVENT_DOWNSTREAM:
                ev = info.get_event()
                if ev.type == Gst.EventType.SEGMENT:
                    stream['format'] = ev.parse_segment().format
                flush_bytes()
                d = describe_event(ev)
                if d:
                    res.items.append(d)
            return Gst.PadProbeReturn.OK
        pad.add_probe(Gst.PadProbeType.BUFFER |
                      Gst.PadProbeType.EVENT_DOWNSTREAM, probe)

    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    deadline = GLib.get_monotonic_time() + timeout * 1000000
    ctx = GLib.MainContext.default()
    while True:
        while ctx.pending():
            ctx.iteration(False)
        msg = bus.timed_pop(20 * Gst.MSECOND)
        if GLib.get_monotonic_time() > deadline:
            res.error = 'timeout'
            break
        if msg is None:
            continue
        if msg.type == Gst.MessageType.ELEMENT and \
                msg.get_structure().get_name() == 'cachebin':
            res.cachebin.append(msg.get_structure().copy())
        elif msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            res.error = f'{err.message} ({dbg})'
            break
        elif msg.type == Gst.MessageType.EOS:
            break
    pipeline.set_state(Gst.State.NULL)
    return res


def outcome(res):
    """(result, stored, reason) of the run's cachebin message"""
    if len(res.cachebin) != 1:
        return (None, None, None)
    s = res.cachebin[0]
    stored = s.get_value('stored') if s.has_field('stored') else None
    reason = s.get_string('reason') if s.has_field('reason') else None
    return (s.get_string('result'), stored, reason)


def md5(path):
    with open(path, 'rb') as f:
        return hashlib.md5(f.read()).hexdigest()


class Env:
    def __init__(self, work):
        self.work = work
        self.n = 0

    def cache(self):
        self.n += 1
        return os.path.join(self.work, f'cache{self.n}')

    def path(self, name):
        return os.path.join(self.work, name)


def make_media(env):
    mp4 = env.path('in.mp4')
    sh(['gst-launch-1.0', '-q', 'videotestsrc', 'num-buffers=60', '!',
        'video/x-raw,width=320,height=240,framerate=30/1', '!', 'x264enc',
        'speed-preset=ultrafast', 'threads=1', '!', 'mp4mux', '!', 'filesink',
        f'location={mp4}'])
    # chapters and global tags, made by ffmpeg
    meta = env.path('chapters.txt')
    with open(meta, 'w') as f:
        f.write(';FFMETADATA1\ntitle=Integrity\nartist=gst-reuse\n'
                '[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\n'
                'title=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\n'
                'END=2000\ntitle=Two\n')
    mkv = env.path('chapters.mkv')
    sh(['ffmpeg', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
        'testsrc=duration=2:size=160x120:rate=15', '-i', meta,
        '-map_metadata', '1', '-map_chapters', '1', '-c:v', 'libx264',
        '-preset', 'ultrafast', mkv])
    return mp4, mkv


def test_incomplete(env, mp4):
    slow = ('qtdemux ! h264parse ! avdec_h264 ! identity sleep-time=10000 ! '
            'x264enc speed-preset=ultrafast threads=1')
    # qtdemux pulls from cachebin; behind an identity it is pushed to
    for mode, chain in (('pull', slow), ('push', 'identity ! ' + slow)):
        cache = env.cache()
        line = (f'filesrc location={mp4} ! cachebin cache-dir={cache} '
                f'description="{chain}" ! identity name=out ! fakesink')
        r = run(line, 'out', eos_after=5)
        res, stored, reason = outcome(r)
        check(r.error is None and res == 'miss' and stored is False and
              reason == 'incomplete-input',
              f'{mode} mode: an EOS sent to the pipeline part way stores '
              f'nothing ({res}, stored={stored}, reason={reason})',
              r.error)
        r2 = run(line, 'out')
        res2, stored2, _ = outcome(r2)
        check(res2 == 'miss' and stored2 is True,
              f'{mode} mode: the next run is a miss that stores the whole '
              f'result ({res2}, stored={stored2})', r2.error)
        r3 = run(line, 'out')
        check(outcome(r3)[0] == 'hit' and
              len([i for i in r3.items if i[0] == 'buffer']) ==
              len([i for i in r2.items if i[0] == 'buffer']),
              f'{mode} mode: then a hit with every frame', r3.error)

    # Ctrl-C under gst-launch-1.0 -e: an EOS part way, from the tool
    cache = env.cache()
    chain = ('qtdemux ! h264parse ! avdec_h264 ! identity sleep-time=50000 '
             '! x264enc speed-preset=ultrafast threads=1')
    proc = subprocess.Popen(
        ['gst-launch-1.0', '-e', '-m', 'filesrc', f'location={mp4}', '!',
         'cachebin', f'cache-dir={cache}', f'description={chain}', '!',
         'fakesink'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    out = ''
    for row in proc.stdout:
        out += row
        # the chain sleeps 50 ms a frame for 60 frames: a first buffer
        # through the sleeping identity is well before the end
        if 'Setting pipeline to PLAYING' in row:
            GLib.usleep(500000)
            proc.send_signal(signal.SIGINT)
            break
    rest, _ = proc.communicate(timeout=120)
    out += rest
    check(proc.returncode == 0 and re.search(
        r'result=\(string\)miss.*stored=\(boolean\)false.*'
        r'reason=\(string\)incomplete-input', out) is not None,
        'Ctrl-C under gst-launch-1.0 -e stores nothing', out)

    cache = env.cache()
    line = (f'filesrc location={mp4} num-buffers=2 blocksize=4096 ! '
            f'cachebin cache-dir={cache} description="identity" ! fakesink')
    r = run(line)
    check(outcome(r) == ('miss', False, 'incomplete-input'),
          f'num-buffers on the source stores nothing ({outcome(r)})',
          r.error)


def test_downstream_shaped(env, mp4):
    cache = env.cache()
    line = (f'filesrc location={mp4} ! cachebin cache-dir={cache} '
            'description="qtdemux ! h264parse ! avdec_h264 ! videoconvert" ! '
            'identity sleep-time=60000 name=out ! fakesink sync=true qos=true')
    r = run(line, 'out')
    check(r.error is None and outcome(r) == ('miss', False, 'qos'),
          f'a late sink (QoS) stores nothing ({outcome(r)})', r.error)
    r = run(line.replace('qos=true', 'qos=false'), 'out')
    check(r.error is None and outcome(r) == ('miss', True, None),
          f'the same late sink without QoS stores ({outcome(r)})', r.error)

    cache = env.cache()
    line = (f'filesrc location={mp4} ! cachebin cache-dir={cache} '
            'description="qtdemux ! h264parse" ! identity name=out ! '
            'fakesink sync=true')
    r = run(line, 'out', seek_after=20)
    check(outcome(r)[1] is False and outcome(r)[2] == 'seek',
          f'a non-flushing seek during the capture stores nothing '
          f'({outcome(r)})', r.error)


def file_line(mp4, cache, chain, tail):
    if cache is None:
        return f'filesrc location={mp4} ! {chain} ! {tail}'
    return (f'filesrc location={mp4} ! cachebin cache-dir={cache} '
            f'description="{chain}" ! {tail}')


def test_padded_frames(env, mp4):
    chain = 'qtdemux ! h264parse ! avdec_h264'
    for name, tail in (
            ('RGB after videoconvert (GstVideoMeta downstream)',
             'videoconvert ! video/x-raw,format=RGB ! filesink location={out}'),
            ('raw frames into filesink (no GstVideoMeta)',
             'filesink location={out}')):
        cache = env.cache()
        sums = []
        for variant in ('plain', 'miss', 'hit'):
            out = env.path(f'frames-{variant}.raw')
            line = file_line(mp4, None if variant == 'plain' else cache,
                             chain, tail.format(out=out))
            r = run(line)
            if variant != 'plain':
                check(outcome(r)[0] == variant,
                      f'{name}: {variant} run ({outcome(r)})', r.error)
            sums.append(md5(out))
        check(sums[0] == sums[1] == sums[2],
              f'{name}: plain, miss and hit are equal ({sums})')


def test_downstream_refuses(env, mp4):
    cache = env.cache()
    chain = 'qtdemux ! h264parse'
    r = run(file_line(mp4, cache, chain, 'matroskamux ! fakesink'))
    check(outcome(r)[:2] == ('miss', True), 'AVC stored for matroskamux',
          r.error)
    tail = 'mpegtsmux ! identity name=out ! fakesink'
    r0 = run(file_line(mp4, None, chain, tail), 'out', timeout=60)
    r = run(file_line(mp4, cache, chain, tail), 'out', timeout=60)
    check(r0.error is None and r.error is None and
          outcome(r)[0] == 'miss' and r.items == r0.items,
          f'then mpegtsmux runs the chain as without cachebin '
          f'({outcome(r)}, {r.error})')


def test_early_events(env, mkv):
    chain = 'matroskademux ! h264parse'
    cache = env.cache()
    runs = {}
    for variant in ('plain', 'miss', 'hit'):
        line = file_line(mkv, None if variant == 'plain' else cache, chain,
                         'identity name=out ! fakesink')
        runs[variant] = run(line, 'out')
    tocs = [[i for i in runs[v].items if i[0] == 'toc']
            for v in ('plain', 'miss', 'hit')]
    check(len(tocs[0]) > 0 and tocs[0] == tocs[1] == tocs[2],
          'the chapters (TOC) of an ffmpeg Matroska file reach downstream on '
          'the hit', tocs)
    tags = [[i for i in runs[v].items if i[0] == 'tag' and
             'Integrity' in i[1]] for v in ('plain', 'miss', 'hit')]
    check(len(tags[0]) > 0 and tags[0] == tags[1] == tags[2],
          'the global tags reach downstream on the hit', tags)


def test_links_like_chain(env, mp4):
    cache = env.cache()
    for variant in ('miss', 'hit'):
        try:
            proc = subprocess.run(
                ['gst-launch-1.0', '-m', 'filesrc', f'location={mp4}', '!',
                 'cachebin', f'cache-dir={cache}',
                 'description=qtdemux ! h264parse', '!', 'mp4mux', '!',
                 'fakesink'], capture_output=True, text=True, timeout=60)
            ok = proc.returncode == 0 and \
                f'result=(string){variant}' in proc.stdout
            out = proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as e:
            ok, out = False, f'timed out: {e.stdout}'
        check(ok, f'cachebin ! mp4mux links and runs ({variant})', out)


# (a trailing caps string does not parse as a description of its own:
# capsfilter caps=... does)
DIFFERENTIAL_CHAINS = [
    'qtdemux ! h264parse',
    'qtdemux ! h264parse ! avdec_h264',
    'qtdemux ! h264parse ! avdec_h264 ! videoscale ! '
    'capsfilter caps=video/x-raw,width=160,height=120',
    'qtdemux ! h264parse ! avdec_h264 ! videoconvert ! '
    'capsfilter caps=video/x-raw,format=RGB',
    'qtdemux ! h264parse ! avdec_h264 ! x264enc speed-preset=ultrafast '
    'threads=1 ! capsfilter caps=video/x-h264,stream-format=byte-stream',
    'qtdemux ! h264parse ! mpegtsmux',
    'identity',
]


def test_differential(env, mp4):
    # the probe sits where downstream reads: after videoconvert, which
    # takes GstVideoMeta, or straight after cachebin into a sink that does
    # not
    tails = (('fakesink', 'identity name=out ! fakesink'),
             ('videoconvert', 'videoconvert ! video/x-raw,format=RGB ! '
              'identity name=out ! fakesink'))
    for chain in DIFFERENTIAL_CHAINS:
        for tname, tail in tails:
            if tname == 'videoconvert' and ('avdec' not in chain or
                                            'x264enc' in chain):
                continue
            cache = env.cache()
            got = {}
            for variant in ('plain', 'miss', 'hit'):
                r = run(file_line(mp4, None if variant == 'plain' else cache,
                                  chain, tail), 'out')
                if r.error:
                    got[variant] = ('error', r.error)
                    continue
                got[variant] = r.items
                if variant != 'plain':
                    check(outcome(r)[0] == variant,
                          f'differential {chain} -> {tname}: {variant} '
                          f'({outcome(r)})')
            same = got['plain'] == got['miss'] == got['hit']
            detail = ''
            if not same:
                for v in ('miss', 'hit'):
                    a, b = got['plain'], got[v]
                    for i, (x, y) in enumerate(zip(a, b)):
                        if x != y:
                            detail += f'{v}: item {i}: {x} != {y}\n'
                            break
                    if len(a) != len(b):
                        detail += f'{v}: {len(b)} items, plain {len(a)}\n'
            check(same and len(got['plain']) > 0,
                  f'differential {chain} -> {tname}: plain, miss and hit '
                  f'equal', detail)


def main():
    Gst.init(None)
    work = tempfile.mkdtemp(prefix='cachebin-integrity-')
    try:
        env = Env(work)
        mp4, mkv = make_media(env)
        only = sys.argv[2:] if len(sys.argv) > 2 else None
        tests = [('incomplete', lambda: test_incomplete(env, mp4)),
                 ('downstream', lambda: test_downstream_shaped(env, mp4)),
                 ('padded', lambda: test_padded_frames(env, mp4)),
                 ('refuses', lambda: test_downstream_refuses(env, mp4)),
                 ('early', lambda: test_early_events(env, mkv)),
                 ('links', lambda: test_links_like_chain(env, mp4)),
                 ('differential', lambda: test_differential(env, mp4))]
        for name, fn in tests:
            if only is None or name in only:
                fn()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f'{len(failures)} failed: ' + '; '.join(failures))
        sys.exit(1)
    print('all passed')


if __name__ == '__main__':
    if len(sys.argv) > 1:
        os.environ['PATH'] = sys.argv[1] + os.pathsep + os.environ['PATH']
    main()
