#!/usr/bin/env python3
# gst-reuse: media analysis from the cache against GstDiscoverer
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: analysis.py TOOLS_DIR GST_CACHE PLUGIN_DIR_V1 PLUGIN_DIR_V2
#
# GstCacheDiscoverer (GstCache-1.0, through GObject introspection) against
# GstPbutils.Discoverer, on media made here at test time (an MP4 with H.264
# and AAC, a Matroska file, an Ogg Vorbis file without video by
# gst-launch-1.0; an MPEG-TS and a Matroska file with chapters by ffmpeg
# from its lavfi sources):
#
# 1. the result restored from the cache (a hit) equals a fresh one from
#    GstDiscoverer without a cache: result, URI, duration, seekable, live,
#    tags, missing plugins, the topology (container caps, every stream's
#    type, caps, tags, stream id, the video and audio fields), and what
#    GStreamer 1.22 cannot restore (stream numbers, TOCs, a container's own
#    tags: see NOT_SERIALISED) equal or empty; the miss that stored it too;
#    the counters say so;
# 2. a file rewritten with other content of the same size, its mtime set
#    back to the same second and nanosecond: GstDiscoverer with
#    use-cache=TRUE returns the old result (asserted: the anchor's flaw),
#    GstCacheDiscoverer a fresh one (a miss);
# 3. a copy under another path is a hit that reports the copy's URI and
#    equals a fresh analysis of the copy; a file known and unchanged for
#    2 s is not read again (the stat manifest), a new one is read whole;
# 4. a plugin upgrade is a miss: processes whose plugin path holds a test
#    decoder (klass Codec/Decoder/Video, rank MARGINAL) in version 1.0.1,
#    then 1.0.2 (each with a registry of its own): the second is a miss, the
#    first version again a hit;
# 5. a missing-plugin result is not served from the cache: without
#    gst-libav an FFV1 Matroska file gives GST_DISCOVERER_MISSING_PLUGINS
#    twice, never a hit, counted as analysis-unstorable (the H.264 MP4
#    needs no gst-libav: its result there is stored under a key of its
#    own, a miss again with gst-libav);
# 6. a truncated (MP4, Ogg, Matroska), an empty, a missing and an
#    unreadable file give the same result and the same error (domain and
#    code) as GstDiscoverer, and are never hits (root reads a file of mode
#    000 anyway: as root, the unreadable file is analysed in a child
#    process that runs as nobody);
# 7. the asynchronous API from Python: start(), several
#    discover_uri_async(), a GLib main loop: the signals that GstDiscoverer
#    emits for the same URIs ("starting" once for the batch, "discovered"
#    once per URI, in order, then "finished"), in the main loop's thread;
#    misses, then hits, equal to fresh results.
#
# Needs a Python with PyGObject; the analyses run in this process, the
# plugin and registry changes in child processes (this script with
# --child).

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

# in a sanitizer build the cache library is instrumented: this process
# needs the runtime first (and leak checking off: the interpreter is not
# ours)
_preload = os.environ.get('GST_REUSE_SANITIZER_PRELOAD')
if _preload and _preload not in os.environ.get('LD_PRELOAD', ''):
    os.environ['LD_PRELOAD'] = _preload
    os.environ['ASAN_OPTIONS'] = os.environ.get('ASAN_OPTIONS', '') + \
        ':detect_leaks=0'
    os.execv(sys.executable, [sys.executable] + sys.argv)

# GstDiscoverer's own cache (use-cache) lives under the user's cache
# directory, which GLib reads once: a directory of this run's, before GLib
# is loaded
if '--child' not in sys.argv:
    WORK = tempfile.mkdtemp(prefix='gst-reuse-analysis-')
    os.environ['XDG_CACHE_HOME'] = os.path.join(WORK, 'xdg-cache')

import warnings  # noqa: E402
import gi  # noqa: E402
gi.require_version('Gst', '1.0')
gi.require_version('GstPbutils', '1.0')
gi.require_version('GstCache', '1.0')
from gi.repository import GLib, Gst, GstCache, GstPbutils  # noqa: E402

# the tags of the whole input (gst_discoverer_info_get_tags) are deprecated
# but still what GstDiscoverer returns, and compared here
warnings.simplefilter('ignore', gi.PyGIDeprecationWarning)

# analyses of good media; the sanitizer build is slow
TIMEOUT = 60 * Gst.SECOND
# broken inputs that fail before any demuxer runs: long enough that a
# slow run (the sanitizer build on a busy machine) is never taken for a
# timeout
BROKEN_TIMEOUT = 20 * Gst.SECOND
# a broken input that fails in its demuxer, where GstDiscoverer 1.22
# sometimes misses the error and waits for its whole timeout (with a new
# GstDiscoverer for every call: 0 to 15 times in 40 calls, in runs of up
# to 7, depending on the machine's load): a timeout is tried again, a few
# times (see outcome()); a side that timed out every time is not compared
RACY = {'truncated MP4'}
RACY_TIMEOUT = 5 * Gst.SECOND
OK = GstPbutils.DiscovererResult.OK

failures = []


def check(cond, what, detail=''):
    if cond:
        print(f'ok: {what}')
    else:
        print(f'FAIL: {what}\n{str(detail)[-4000:]}')
        failures.append(what)
    return cond


# --- what an analysis says ---------------------------------------------------

def tags_str(tags):
    return tags.to_string() if tags is not None else None


def describe_toc(toc):
    if toc is None:
        return None

    def entries(es, depth):
        out = []
        for e in es:
            ok, start, stop = e.get_start_stop_times()
            # an edition's uid is made up anew by each demuxer run
            out.append({'type': int(e.get_entry_type()),
                        'uid': e.get_uid() if depth > 0 else '',
                        'start': start if ok else None,
                        'stop': stop if ok else None,
                        'tags': tags_str(e.get_tags()),
                        'entries': entries(e.get_sub_entries(), depth + 1)})
        return out
    return {'scope': int(toc.get_scope()), 'tags': tags_str(toc.get_tags()),
            'entries': entries(toc.get_entries(), 0)}


def describe_stream(s):
    d = {'type': type(s).__name__,
         'caps': s.get_caps().to_string() if s.get_caps() else None,
         'tags': tags_str(s.get_tags()),
         'stream-id': s.get_stream_id(),
         'stream-number': s.get_stream_number(),
         'toc': describe_toc(s.get_toc())}
    if isinstance(s, GstPbutils.DiscovererVideoInfo):
        d.update(width=s.get_width(), height=s.get_height(),
                 framerate=(s.get_framerate_num(), s.get_framerate_denom()),
                 par=(s.get_par_num(), s.get_par_denom()),
                 depth=s.get_depth(), interlaced=s.is_interlaced(),
                 bitrate=s.get_bitrate(), max_bitrate=s.get_max_bitrate(),
                 image=s.is_image())
    elif isinstance(s, GstPbutils.DiscovererAudioInfo):
        d.update(channels=s.get_channels(),
                 channel_mask=s.get_channel_mask(),
                 sample_rate=s.get_sample_rate(), depth=s.get_depth(),
                 bitrate=s.get_bitrate(), max_bitrate=s.get_max_bitrate(),
                 language=s.get_language())
    elif isinstance(s, GstPbutils.DiscovererSubtitleInfo):
        d.update(language=s.get_language())
    if isinstance(s, GstPbutils.DiscovererContainerInfo):
        # a container's own tags (gst_discoverer_container_info_get_tags)
        d['container-tags'] = d.pop('tags')
        d['streams'] = [describe_stream(c) for c in s.get_streams()]
    nxt = s.get_next()
    if nxt is not None:
        d['next'] = describe_stream(nxt)
    return d


def tag_values(tags):
    """{tag: [values as strings]} of a tag list"""
    out = {}
    if tags is None:
        return out
    for i in range(tags.n_tags()):
        name = tags.nth_tag_name(i)
        out[name] = [Gst.value_serialize(tags.get_value_index(name, j))
                     for j in range(tags.get_tag_size(name))]
    return out


def describe(info):
    top = info.get_stream_info()
    streams = info.get_stream_list()
    # the tags of the whole input, a merge of every tag message in the
    # order they reached the bus
    global_tags = tag_values(info.get_tags())
    seen = {}
    for s in streams + ([top] if top else []):
        for k, vs in tag_values(s.get_tags()).items():
            seen.setdefault(k, set()).update(vs)
    return {'result': int(info.get_result()), 'uri': info.get_uri(),
            'duration': info.get_duration(),
            'seekable': info.get_seekable(), 'live': info.get_live(),
            'toc': describe_toc(info.get_toc()),
            'missing': list(info.get_missing_elements_installer_details()),
            'topology': describe_stream(top) if top else None,
            'streams': [describe_stream(s) for s in streams],
            'global-tags': global_tags, 'stream-tag-values': seen}


def diff(a, b, path=''):
    out = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            out += diff(a.get(k, '<absent>'), b.get(k, '<absent>'),
                        f'{path}.{k}')
    elif (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)):
        for i, (x, y) in enumerate(zip(a, b)):
            out += diff(x, y, f'{path}[{i}]')
    elif a != b:
        out.append(f'{path}: {a!r} != {b!r}')
    return out


# What gst_discoverer_info_to_variant() of GStreamer 1.22 does not write,
# and so what a result restored with gst_discoverer_info_from_variant() (a
# hit, or GstDiscoverer's own use-cache) lacks: stream numbers (-1), TOCs,
# a container's own tags. GstDiscovererInfo has no setters for them. Such a
# field must equal the fresh one or be empty, never differ otherwise; what
# is empty is printed (see differences()).
NOT_SERIALISED = {'stream-number': -1, 'toc': None, 'container-tags': None}


def differences(got, want, what=''):
    """What differs between two descriptions. The tags of the whole input
    are the one part that GstDiscoverer does not make the same twice: tag
    messages of different streams reach the bus in either order, and where
    two streams carry the same tag (bitrate) the merge keeps the first.
    There the same tags are required, and each value must be one that a
    stream or the container of the fresh analysis carries."""
    g = dict(got)
    w = dict(want)
    gt, wt = g.pop('global-tags'), w.pop('global-tags')
    g.pop('stream-tag-values')
    seen = w.pop('stream-tag-values')
    out, lost = [], []
    for d in diff(g, w):
        field = d.split(':')[0].rsplit('.', 1)[-1]
        if field in NOT_SERIALISED and d.split(': ', 1)[1].startswith(
                repr(NOT_SERIALISED[field]) + ' != '):
            lost.append(d.split(':')[0])
        else:
            out.append(d)
    if lost:
        fields = sorted({p.rsplit('.', 1)[-1] for p in lost})
        print(f'note: {what}: empty, as GStreamer 1.22 restores a result: '
              + ', '.join(f'{f} ({sum(p.endswith("." + f) for p in lost)})'
                          for f in fields))
    if sorted(gt) != sorted(wt):
        out.append(f'.global-tags: tags {sorted(gt)} != {sorted(wt)}')
    for k in sorted(set(gt) & set(wt)):
        if gt[k] != wt[k] and not set(gt[k]) <= seen.get(k, set()):
            out.append(f'.global-tags.{k}: {gt[k]} != {wt[k]}, and not '
                       f'the value of any stream ({sorted(seen.get(k, []))})')
    return out


def check_same(got, want, what):
    d = differences(got, want, what)
    return check(not d, what, '\n'.join(d))


# --- running analyses --------------------------------------------------------

def cache_result(info):
    """GST_CACHE_RESULT_* of a GstCacheDiscoverer result, as its nick"""
    r = GstCache.CacheDiscoverer.info_get_result(info)
    return GstCache.CacheResult(r).value_nick


def cache_source(info):
    return GstCache.CacheDiscoverer.info_get_source(info)


def fresh_discoverer(timeout=TIMEOUT, use_cache=False):
    dc = GstPbutils.Discoverer.new(timeout)
    dc.props.use_cache = use_cache
    return dc


def cache_discoverer(cache_dir, timeout=TIMEOUT):
    dc = GstCache.CacheDiscoverer.new(timeout)
    dc.props.cache_dir = cache_dir
    return dc


def fresh(uri):
    return describe(fresh_discoverer().discover_uri(uri))


def sync_outcome(dc, uri):
    """(info or None, (error domain, code) or None) of a synchronous call:
    through introspection a call that sets its GError raises, and the
    info, if any, is lost (the asynchronous form keeps both)"""
    try:
        return dc.discover_uri(uri), None
    except GLib.Error as e:
        return None, (e.domain, e.code)


def run_async(dc, uris, limit=600):
    """start(), discover_uri_async() for each of @uris, a main loop until
    "finished". Returns [(uri, info, error, thread)] in the order of the
    "discovered" signals, and the signals in the order they came."""
    loop = GLib.MainLoop()
    got, events = [], []

    def on_starting(_dc):
        events.append('starting')

    def on_discovered(_dc, info, err):
        events.append('discovered')
        got.append((info.get_uri() if info else None, info, err,
                    threading.get_ident()))

    def on_finished(_dc):
        events.append('finished')
        loop.quit()

    def on_timeout():
        events.append('timeout')
        loop.quit()
        return False

    handlers = [dc.connect('starting', on_starting),
                dc.connect('discovered', on_discovered),
                dc.connect('finished', on_finished)]
    dc.start()
    for u in uris:
        if not dc.discover_uri_async(u):
            events.append(f'refused {u}')
    timer = GLib.timeout_add_seconds(limit, on_timeout)
    loop.run()
    if 'timeout' not in events:
        GLib.source_remove(timer)
    dc.stop()
    for h in handlers:
        dc.disconnect(h)
    return got, events


def async_outcome(dc, uri):
    """(result, error as (domain, code) or None, cache result or None) of
    one asynchronous analysis"""
    got, events = run_async(dc, [uri], limit=120)
    if len(got) != 1:
        return ('no result', events, None)
    _, info, err, _ = got[0]
    res = info.get_result().value_nick if info else None
    cached = cache_result(info) if info and isinstance(
        dc, GstCache.CacheDiscoverer) else None
    return (res, (err.domain, err.code) if err else None, cached)


def outcome(analyse, tries=5):
    """An outcome of a broken input, tried again while it is a timeout (see
    RACY): the outcomes of every try"""
    seen = []
    for _ in range(tries):
        o = analyse()
        seen.append(o)
        if o[0] != 'timeout':
            break
    return seen


def counters(tool, cache_dir):
    out = subprocess.run([tool, '--dir', cache_dir, '--show-stats',
                          '--json'], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    return json.loads(out)['counters']


def check_counters(tool, cache_dir, want, what, settle=10.0):
    """the counters as another process reads them. A process writes the
    recency and counters of its analyses at most 200 ms later (by a thread
    of its own), so they are read again until they are right or @settle
    seconds have passed: exact, only not at once"""
    deadline = time.monotonic() + settle
    while True:
        c = counters(tool, cache_dir)
        got = {k: c.get(k, 0) for k in want}
        if got == want or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    return check(got == want, f'{what}: counters {want}', f'got {got}')


# --- media -------------------------------------------------------------------

def run(cmd, **kw):
    subprocess.run(cmd, check=True, capture_output=True, timeout=300, **kw)


def launch(tools, line):
    run([os.path.join(tools, 'gst-launch-1.0'), '-q'] + line.split())


def make_media(tools, d):
    m = {}
    m['mp4'] = os.path.join(d, 'h264-aac.mp4')
    launch(tools, 'videotestsrc num-buffers=60 ! video/x-raw,format=I420,'
           'width=320,height=240,framerate=30/1 ! x264enc ! h264parse ! '
           f'mp4mux name=m ! filesink location={m["mp4"]} audiotestsrc '
           'num-buffers=80 ! audio/x-raw,rate=44100,channels=2 ! avenc_aac '
           '! aacparse ! m.')
    m['mkv'] = os.path.join(d, 'h264-vorbis.mkv')
    launch(tools, 'videotestsrc num-buffers=50 ! video/x-raw,format=I420,'
           'width=352,height=288,framerate=25/1,pixel-aspect-ratio=12/11 ! '
           'x264enc ! h264parse ! matroskamux name=m ! '
           f'filesink location={m["mkv"]} audiotestsrc num-buffers=70 ! '
           'audio/x-raw,rate=48000,channels=1 ! vorbisenc ! taginject '
           'tags=language-code=fra ! m.')
    m['ts'] = os.path.join(d, 'mpeg2-mp2.ts')
    run(['ffmpeg', '-v', 'error', '-y', '-f', 'lavfi', '-i',
         'testsrc=size=320x180:rate=25:duration=2', '-f', 'lavfi', '-i',
         'sine=frequency=440:sample_rate=48000:duration=2', '-c:v',
         'mpeg2video', '-c:a', 'mp2', '-metadata:s:a:0', 'language=deu',
         m['ts']])
    m['ogg'] = os.path.join(d, 'audio-only.ogg')
    launch(tools, 'audiotestsrc num-buffers=100 ! audio/x-raw,rate=22050,'
           'channels=2 ! vorbisenc ! taginject tags=title=tone,'
           f'artist=gst-reuse ! oggmux ! filesink location={m["ogg"]}')
    # chapters (a TOC), a title, a language, Opus: made by ffmpeg
    meta = os.path.join(d, 'chapters.txt')
    with open(meta, 'w') as f:
        f.write(';FFMETADATA1\ntitle=chaptered\n'
                '[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=one\n'
                '[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2000\n'
                'title=two\n')
    m['ffmkv'] = os.path.join(d, 'chapters.mkv')
    run(['ffmpeg', '-v', 'error', '-y', '-f', 'lavfi', '-i',
         'testsrc=size=320x240:rate=30:duration=2', '-f', 'lavfi', '-i',
         'sine=frequency=300:sample_rate=44100:duration=2', '-i', meta,
         '-map', '0', '-map', '1', '-map_metadata', '2', '-map_chapters',
         '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'libopus',
         '-metadata:s:a:0', 'language=spa', m['ffmkv']])
    return m


def wav(tools, path, rate, seconds, freq):
    """A stereo S16 WAV: the data size is rate * seconds * 4 bytes, so that
    (rate, seconds) = (44100, 2) and (22050, 4) make files of one size"""
    per = rate // 10
    launch(tools, f'audiotestsrc num-buffers={seconds * 10} '
           f'samplesperbuffer={per} freq={freq} ! audio/x-raw,format=S16LE,'
           f'rate={rate},channels=2 ! wavenc ! filesink location={path}')


# --- the checks --------------------------------------------------------------

def check_fresh_equal(media, tool, cache_dir):
    """1: every file: a miss, then a hit, both equal to a fresh analysis"""
    dc = cache_discoverer(cache_dir)
    for name, path in media.items():
        uri = Gst.filename_to_uri(path)
        want = fresh(uri)
        check(want['result'] == int(OK) and want['streams'],
              f'{name}: GstDiscoverer analyses it', want)
        miss = dc.discover_uri(uri)
        check(cache_result(miss) == 'miss' and cache_source(miss) is None,
              f'{name}: the first analysis is a miss',
              (cache_result(miss), cache_source(miss)))
        check_same(describe(miss), want,
                   f'{name}: the miss equals a fresh GstDiscoverer result')
        hit = dc.discover_uri(uri)
        check(cache_result(hit) == 'hit' and cache_source(hit) == 'local',
              f'{name}: the second analysis is a local hit',
              (cache_result(hit), cache_source(hit)))
        check_same(describe(hit), want,
                   f'{name}: the hit equals a fresh GstDiscoverer result')
        check_same(describe(hit), describe(miss),
                   f'{name}: the hit equals the miss that stored it')
        # another analyser on the same directory
        other = cache_discoverer(cache_dir).discover_uri(uri)
        check(cache_result(other) == 'hit',
              f'{name}: another GstCacheDiscoverer on the directory hits',
              cache_result(other))
        check_same(describe(other), want,
                   f'{name}: its hit equals a fresh result too')
    n = len(media)
    check_counters(tool, cache_dir, {
        'analysis-miss': n, 'analysis-stored': n, 'analysis-hit': 2 * n,
        'analysis-hit-remote': 0, 'analysis-unstorable': 0,
        'analysis-bypass': 0}, 'after a miss and two hits of each file')


def check_rewritten(tools, work, cache_dir):
    """2: same size, same mtime to the nanosecond, other content"""
    old = os.path.join(work, 'old.wav')
    new = os.path.join(work, 'new.wav')
    wav(tools, old, 44100, 2, 440)
    wav(tools, new, 22050, 4, 880)
    with open(old, 'rb') as f:
        old_bytes = f.read()
    with open(new, 'rb') as f:
        new_bytes = f.read()
    if not check(len(old_bytes) == len(new_bytes) and old_bytes != new_bytes,
                 'rewrite: two WAV files of one size, other content',
                 (len(old_bytes), len(new_bytes))):
        return
    path = os.path.join(work, 'rewritten.wav')
    uri = Gst.filename_to_uri(path)
    # an hour ago, with nanoseconds
    mtime = (int(time.time()) - 3600) * 10**9 + 123456789
    with open(path, 'wb') as f:
        f.write(old_bytes)
    os.utime(path, ns=(mtime, mtime))
    before = os.stat(path)

    want_old = fresh(uri)
    check(want_old['duration'] == 2 * Gst.SECOND,
          'rewrite: the first content lasts 2 s', want_old['duration'])
    uc = describe(fresh_discoverer(use_cache=True).discover_uri(uri))
    check_same(uc, want_old, 'rewrite: use-cache=TRUE analyses the first '
               'content right')
    dc = cache_discoverer(cache_dir)
    first = dc.discover_uri(uri)
    check(cache_result(first) == 'miss' and
          first.get_duration() == 2 * Gst.SECOND,
          'rewrite: GstCacheDiscoverer: the first content is a miss, 2 s',
          (cache_result(first), first.get_duration()))
    again = dc.discover_uri(uri)
    check(cache_result(again) == 'hit', 'rewrite: and then a hit',
          cache_result(again))

    # other content, same size, in place (same inode), and the mtime set
    # back to the same nanosecond (only the ctime tells)
    with open(path, 'r+b') as f:
        f.write(new_bytes)
    os.utime(path, ns=(mtime, mtime))
    after = os.stat(path)
    check(after.st_size == before.st_size and
          after.st_mtime_ns == before.st_mtime_ns and
          after.st_ino == before.st_ino,
          'rewrite: same size, inode and mtime (ns) after the rewrite',
          (before, after))

    want_new = fresh(uri)
    check(want_new['duration'] == 4 * Gst.SECOND,
          'rewrite: a fresh GstDiscoverer sees the new content (4 s)',
          want_new['duration'])
    stale = fresh_discoverer(use_cache=True).discover_uri(uri)
    stale_rate = stale.get_audio_streams()[0].get_sample_rate()
    check(stale.get_duration() == 2 * Gst.SECOND and stale_rate == 44100,
          'rewrite: GstDiscoverer use-cache=TRUE returns the stale result '
          '(2 s at 44100 Hz: its key is path, size and mtime in seconds)',
          (stale.get_duration(), stale_rate))
    # a new analyser (nothing remembered in this process), then the one
    # that has seen the first content
    info = cache_discoverer(cache_dir).discover_uri(uri)
    check(cache_result(info) == 'miss',
          'rewrite: a new GstCacheDiscoverer: a miss', cache_result(info))
    check_same(describe(info), want_new, 'rewrite: a new GstCacheDiscoverer: '
               'the new content (4 s at 22050 Hz), equal to a fresh result')
    info = dc.discover_uri(uri)
    check(cache_result(info) == 'hit',
          'rewrite: the first GstCacheDiscoverer: a hit of what the new one '
          'stored', cache_result(info))
    check_same(describe(info), want_new, 'rewrite: the first '
               'GstCacheDiscoverer: the new content, equal to a fresh result')


def check_copy(media, work, cache_dir):
    """3: a copy under another path (with a space and a non-ASCII letter,
    which its URI escapes), analysed before in check 1"""
    d = os.path.join(work, 'copies dir')
    os.makedirs(d, exist_ok=True)
    for name in ('mp4', 'ffmkv'):
        copy = os.path.join(d, f'copy of {name} é' +
                            os.path.splitext(media[name])[1])
        shutil.copy2(media[name], copy)
        uri = Gst.filename_to_uri(copy)
        want = fresh(uri)
        info = cache_discoverer(cache_dir).discover_uri(uri)
        check(cache_result(info) == 'hit',
              f'copy of {name}: a hit', cache_result(info))
        check(info.get_uri() == uri, f'copy of {name}: reports its own URI',
              (info.get_uri(), uri))
        check_same(describe(info), want, f'copy of {name}: equals a fresh '
                   'analysis of the copy (its URI, its stream ids)')


def rchar():
    """bytes this process has read so far (read(), pread())"""
    with open('/proc/self/io') as f:
        return int(dict(line.split(': ') for line in f)['rchar'])


def check_known_file(media, work, cache_dir):
    """1b: with the stat manifest, a hit of a file that is known and
    unchanged for more than 2 s reads none of it; a new file (another
    inode, the same content) is read whole, and still a hit"""
    path = os.path.join(work, 'known.mkv')
    shutil.copy(media['mkv'], path)
    size = os.path.getsize(path)
    uri = Gst.filename_to_uri(path)
    dc = cache_discoverer(cache_dir)
    before = rchar()
    info = dc.discover_uri(uri)
    read = rchar() - before
    check(cache_result(info) == 'hit' and read >= size,
          'known file: a new file of known content is read whole, a hit',
          (cache_result(info), read, size))
    # the manifest trusts what has not changed for 2 s
    time.sleep(max(0.0, os.stat(path).st_ctime + 2.5 - time.time()))
    dc.discover_uri(uri)
    before = rchar()
    info = dc.discover_uri(uri)
    read = rchar() - before
    check(cache_result(info) == 'hit' and read < size // 2,
          'known file: unchanged for 2 s, a hit that does not read it',
          (cache_result(info), read, size))


def child_env(plugin_dir=None, registry=None, without=None):
    env = dict(os.environ)
    if plugin_dir:
        env['GST_PLUGIN_PATH_1_0'] = os.pathsep.join(
            [p for p in [env.get('GST_PLUGIN_PATH_1_0')] if p] +
            [plugin_dir])
    if registry:
        env['GST_REGISTRY'] = registry
        env['GST_REGISTRY_1_0'] = registry
    if without:
        wl = env['GST_PLUGIN_LOADING_WHITELIST'].split(os.pathsep)
        env['GST_PLUGIN_LOADING_WHITELIST'] = os.pathsep.join(
            w for w in wl if w != without)
    return env


def child(env, cache_dir, uris, plain=False, preexec_fn=None):
    """this script with --child: see child_main()"""
    cmd = [sys.executable, os.path.abspath(__file__), '--child', cache_dir]
    cmd += (['--plain'] if plain else []) + uris
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                          timeout=600, preexec_fn=preexec_fn)
    if proc.returncode != 0:
        raise RuntimeError(f'child failed ({proc.returncode}):\n'
                           f'{proc.stdout}\n{proc.stderr}')
    return json.loads(proc.stdout)


def child_main(args):
    """--child CACHE_DIR [--plain] URI...: in this process's registry, the
    version of the analysistest plugin (or null) and whether avdec_ffv1
    exists, then for each URI an asynchronous GstCacheDiscoverer analysis
    (and with --plain a GstDiscoverer one first), as JSON on stdout"""
    Gst.init(None)
    cache_dir, rest = args[0], args[1:]
    plain = rest and rest[0] == '--plain'
    uris = rest[1:] if plain else rest
    plugin = Gst.Registry.get().find_plugin('analysistest')
    out = {'analysistest': plugin.get_version() if plugin else None,
           'avdec_ffv1': Gst.ElementFactory.find('avdec_ffv1') is not None,
           'results': []}
    for uri in uris:
        r = {'uri': uri}
        if plain:
            got, _ = run_async(fresh_discoverer(), [uri], limit=120)
            info, err = got[0][1], got[0][2]
            r['plain'] = {'result': info.get_result().value_nick,
                          'error': [err.domain, err.code] if err else None,
                          'describe': jsonable(describe(info))}
        got, events = run_async(cache_discoverer(cache_dir), [uri],
                                limit=120)
        info, err = got[0][1], got[0][2]
        r.update(result=info.get_result().value_nick,
                 error=[err.domain, err.code] if err else None,
                 cache=cache_result(info), events=events,
                 describe=jsonable(describe(info)))
        out['results'].append(r)
    print(json.dumps(out))
    return 0


def jsonable(d):
    """a description as JSON takes it (sets become lists)"""
    d = dict(d)
    d['stream-tag-values'] = {k: sorted(v) for k, v in
                              d['stream-tag-values'].items()}
    return d


def from_child(d):
    """a description back from JSON (tuples became lists), to compare"""
    d = json.loads(json.dumps(d))
    d['stream-tag-values'] = {k: set(v) for k, v in
                              d['stream-tag-values'].items()}
    return d


def check_plugin_version(media, work, v1, v2):
    """4: the same registry but for one decoder plugin's version"""
    cache_dir = os.path.join(work, 'cache-plugins')
    uri = Gst.filename_to_uri(media['mp4'])
    want = from_child(jsonable(fresh(uri)))
    regs = {v: os.path.join(work, f'registry-{v}.bin') for v in ('v1', 'v2')}
    steps = [('v1', v1, 'miss'), ('v2', v2, 'miss'), ('v1', v1, 'hit'),
             ('v2', v2, 'hit')]
    for i, (label, d, expected) in enumerate(steps):
        version = '1.0.1' if label == 'v1' else '1.0.2'
        out = child(child_env(d, regs[label]), cache_dir, [uri])
        if not check(out['analysistest'] == version,
                     f'plugin version, step {i + 1}: the registry has '
                     f'analysistest {version}', out['analysistest']):
            continue
        r = out['results'][0]
        check(r['result'] == 'ok' and r['cache'] == expected,
              f'plugin version, step {i + 1}: analysistest {version}: '
              f'{expected}', (r['result'], r['cache']))
        check_same(from_child(r['describe']), want,
                   f'plugin version, step {i + 1}: equals a fresh result')


def check_missing_plugins(media, work, tool):
    """5: an FFV1 stream has no parser, only gst-libav's decoder. The H.264
    MP4 needs no gst-libav: GstDiscoverer stops at parsed caps (h264parse,
    aacparse) where it finds no decoder, and succeeds with less (an
    undecoded audio depth): its result is stored under a key of its own"""
    cache_dir = os.path.join(work, 'cache-missing')
    ffv1 = Gst.filename_to_uri(media['ffv1'])
    mp4 = Gst.filename_to_uri(media['mp4'])
    env = child_env(registry=os.path.join(work, 'registry-nolibav.bin'),
                    without='gst-libav')
    for n in (1, 2):
        out = child(env, cache_dir, [ffv1, mp4], plain=True)
        check(not out['avdec_ffv1'], f'missing plugins, run {n}: a registry '
              'without gst-libav', out)
        r, m = out['results']
        check(r['plain']['result'] == 'missing-plugins',
              f'missing plugins, run {n}: GstDiscoverer: missing-plugins',
              r['plain']['result'])
        check(r['result'] == 'missing-plugins' and
              r['error'] == r['plain']['error'],
              f'missing plugins, run {n}: GstCacheDiscoverer: '
              'missing-plugins, the same error', (r['result'], r['error'],
                                                  r['plain']['error']))
        check(r['cache'] != 'hit' and r['describe']['missing'] and
              r['describe']['missing'] == r['plain']['describe']['missing'],
              f'missing plugins, run {n}: not a hit, the missing decoder '
              'named as GstDiscoverer names it',
              (r['cache'], r['describe']['missing']))
        expected = 'miss' if n == 1 else 'hit'
        check(m['plain']['result'] == 'ok' and m['result'] == 'ok' and
              m['cache'] == expected,
              f'missing plugins, run {n}: the H.264 MP4 without gst-libav: '
              f'ok, a {expected}', (m['plain']['result'], m['result'],
                                     m['cache']))
        check_same(from_child(m['describe']),
                   from_child(m['plain']['describe']),
                   f'missing plugins, run {n}: the H.264 MP4 without '
                   'gst-libav: equals GstDiscoverer\'s result there')
    check_counters(tool, cache_dir, {
        'analysis-hit': 1, 'analysis-miss': 3, 'analysis-stored': 1,
        'analysis-unstorable': 2},
        'missing plugins: the FFV1 file two misses, none stored')
    # with gst-libav: full results, analysed, not the ones without it
    out = child(child_env(registry=os.path.join(work, 'registry-full.bin')),
                cache_dir, [ffv1, mp4])
    r, m = out['results']
    check(out['avdec_ffv1'] and r['result'] == 'ok' and r['cache'] == 'miss',
          'missing plugins: with gst-libav, the FFV1 file: ok, a miss',
          (out['avdec_ffv1'], r['result'], r['cache']))
    check(m['result'] == 'ok' and m['cache'] == 'miss',
          'missing plugins: with gst-libav, the H.264 MP4: a miss (not the '
          'result stored without gst-libav)', (m['result'], m['cache']))
    check_same(from_child(m['describe']), from_child(jsonable(fresh(mp4))),
               'missing plugins: with gst-libav, the H.264 MP4 equals a '
               'fresh result')


def check_broken(media, work, tool):
    """6: the same outcome as GstDiscoverer, never from the cache"""
    cache_dir = os.path.join(work, 'cache-broken')
    # an Ogg file cut at 24 and a Matroska file at 60 bytes (too short to
    # tell their type), an empty and a missing file fail before any
    # demuxer runs, the same way every time. An MP4 cut at 1000 bytes fails
    # in qtdemux (no moov: a demux error), where GstDiscoverer 1.22 itself
    # misses the error now and then and waits for its timeout (a third of
    # the runs in some series, several in a row): see RACY. Cut elsewhere,
    # two errors can race too (an Ogg file at 1000 bytes: oggdemux's demux
    # error or the general stream error of the stopped task).
    inputs = {}
    for name, kind, size in (('MP4', 'mp4', 1000), ('Ogg', 'ogg', 24),
                             ('Matroska', 'mkv', 60)):
        with open(media[kind], 'rb') as f:
            inputs[f'truncated {name}'] = f.read(size)
    inputs['empty file'] = b''
    paths = {}
    for name, content in inputs.items():
        paths[name] = os.path.join(work, name.replace(' ', '-') + '.bin')
        with open(paths[name], 'wb') as f:
            f.write(content)
    paths['missing file'] = os.path.join(work, 'no-such-file.mp4')
    unreadable = os.path.join(work, 'unreadable.mp4')
    shutil.copy(media['mp4'], unreadable)
    os.chmod(unreadable, 0)
    if os.geteuid() == 0:
        check_unreadable_as_nobody(work, unreadable)
    else:
        paths['unreadable file'] = unreadable

    def same(name, what, got, want, n):
        """the last outcomes (timeouts tried again) must be equal; for a
        RACY input, a side that timed out every time says nothing"""
        if name in RACY and 'timeout' in (got[-1][0], want[-1][0]):
            print(f'note: {name}, run {n}: {what}: not compared: timed out '
                  f'every time (got {got}, GstDiscoverer {want})')
            return
        check(got[-1][:2] == want[-1][:2],
              f'{name}, run {n}: the same result and error as '
              f'GstDiscoverer ({what})',
              f'got {got}, GstDiscoverer {want}')

    for name, path in paths.items():
        uri = Gst.filename_to_uri(path)
        timeout = RACY_TIMEOUT if name in RACY else BROKEN_TIMEOUT
        want_sync = outcome(lambda: result_of(sync_outcome(
            fresh_discoverer(timeout), uri)))
        want_async = outcome(lambda: async_outcome(
            fresh_discoverer(timeout), uri))
        check(want_sync[-1][0] != 'ok' and want_async[-1][0] != 'ok',
              f'{name}: GstDiscoverer fails', (want_sync, want_async))
        for n in (1, 2):
            dc = cache_discoverer(cache_dir, timeout)
            got_sync = outcome(lambda: result_of(sync_outcome(dc, uri)))
            same(name, 'synchronous', got_sync, want_sync, n)
            check(got_sync[-1][0] != 'ok', f'{name}, run {n}: fails '
                  '(synchronous)', got_sync)
            got_async = outcome(lambda: async_outcome(
                cache_discoverer(cache_dir, timeout), uri))
            same(name, 'asynchronous', got_async, want_async, n)
            check(all(o[0] != 'ok' and o[2] != 'hit' for o in got_async),
                  f'{name}, run {n}: fails, not a hit', got_async)
    # what is never to come: past the time in which it would have come
    time.sleep(1.0)
    check_counters(tool, cache_dir, {'analysis-hit': 0,
                                     'analysis-stored': 0},
                   'broken inputs: no hit, nothing stored', settle=0)


def check_unreadable_as_nobody(work, unreadable):
    """root reads a file of mode 000 anyway: as root, the unreadable file
    is analysed by a child process that runs as the user nobody, with a
    registry and a cache directory of its own"""
    try:
        import pwd
        nobody = pwd.getpwnam('nobody')
    except (ImportError, KeyError):
        print('skipped: the unreadable file (mode 000): this test runs as '
              'root, which reads it anyway, and there is no user nobody')
        return
    own = os.path.join(work, 'as-nobody')
    os.makedirs(own)
    os.chmod(work, 0o755)
    os.chown(own, nobody.pw_uid, nobody.pw_gid)

    def drop():
        os.setgroups([])
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)

    env = child_env(registry=os.path.join(own, 'registry.bin'))
    env['HOME'] = own
    uri = Gst.filename_to_uri(unreadable)
    for n in (1, 2):
        out = child(env, os.path.join(own, 'cache'), [uri], plain=True,
                    preexec_fn=drop)
        r = out['results'][0]
        check(r['plain']['result'] == 'error' and r['plain']['error'] ==
              [GLib.quark_to_string(Gst.ResourceError.quark()),
               int(Gst.ResourceError.OPEN_READ)],
              f'unreadable file (as nobody), run {n}: GstDiscoverer: an '
              'error, cannot open for reading', r['plain'])
        check(r['result'] == r['plain']['result'] and
              r['error'] == r['plain']['error'] and r['cache'] != 'hit',
              f'unreadable file (as nobody), run {n}: GstCacheDiscoverer: '
              'the same result and error, not a hit',
              (r['result'], r['error'], r['cache']))


def result_of(sync):
    """a synchronous outcome as (result, error) for comparisons"""
    info, err = sync
    if info is not None:
        return (info.get_result().value_nick, None)
    return ('error', err)


def check_async(media, work, tool):
    """7: the asynchronous API, twice on one directory (misses, then hits),
    with a broken input among the good ones"""
    cache_dir = os.path.join(work, 'cache-async')
    names = ['mp4', 'mkv', 'ts', 'ogg', 'ffmkv']
    uris = [Gst.filename_to_uri(media[n]) for n in names]
    broken = Gst.filename_to_uri(os.path.join(work, 'no-such-file.mkv'))
    want = {u: fresh(u) for u in uris}
    main_thread = threading.get_ident()
    # GstDiscoverer's signals for the same batch: one "starting" for the
    # batch (not one per URI), a "discovered" per URI in order, "finished"
    anchor, anchor_events = run_async(fresh_discoverer(), uris + [broken])
    anchor_done = [u for u, _, _, _ in anchor]
    check(anchor_done == uris + [broken] and anchor_events[-1] == 'finished',
          'async: GstDiscoverer discovers each URI once, in order, then '
          'finishes', (anchor_done, anchor_events))
    dc = cache_discoverer(cache_dir)
    for n, expected in ((1, 'miss'), (2, 'hit')):
        got, events = run_async(dc, uris + [broken])
        check('timeout' not in events, f'async, pass {n}: finished in time',
              events)
        done = [u for u, _, _, _ in got]
        check(done == anchor_done,
              f'async, pass {n}: every URI discovered once, in order', done)
        check(events == anchor_events,
              f'async, pass {n}: the signals of GstDiscoverer, in its order '
              f'({anchor_events})', events)
        check(events and events[-1] == 'finished' and
              events.count('finished') == 1,
              f'async, pass {n}: "finished" once, after every "discovered"',
              events)
        check(all(t == main_thread for _, _, _, t in got),
              f'async, pass {n}: signals in the main loop\'s thread')
        for u, info, err, _ in got:
            if u == broken:
                check(err is not None and err.matches(
                    Gst.ResourceError.quark(), Gst.ResourceError.NOT_FOUND)
                    and cache_result(info) != 'hit',
                      f'async, pass {n}: a missing file: not found, not a '
                      'hit', (err, cache_result(info)))
                continue
            check(err is None and cache_result(info) == expected,
                  f'async, pass {n}: {os.path.basename(u)}: {expected}',
                  (err, cache_result(info)))
            check_same(describe(info), want[u], f'async, pass {n}: '
                       f'{os.path.basename(u)}: equals a fresh result')
    # the same analyser works synchronously after stop()
    info = dc.discover_uri(uris[0])
    check(cache_result(info) == 'hit', 'async: then a synchronous hit',
          cache_result(info))
    check_counters(tool, cache_dir, {
        'analysis-miss': len(uris), 'analysis-stored': len(uris),
        'analysis-hit': len(uris) + 1}, 'async: a miss and two hits each')


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--child':
        return child_main(sys.argv[2:])
    tools, tool, v1, v2 = sys.argv[1:5]
    Gst.init(None)
    print(f'work directory: {WORK}')
    try:
        media_dir = os.path.join(WORK, 'media')
        os.makedirs(media_dir)
        media = make_media(tools, media_dir)
        ffv1 = os.path.join(media_dir, 'ffv1.mkv')
        run(['ffmpeg', '-v', 'error', '-y', '-f', 'lavfi', '-i',
             'testsrc=size=160x120:rate=10:duration=1', '-c:v', 'ffv1',
             ffv1])
        cache_dir = os.path.join(WORK, 'cache')
        check_fresh_equal(media, tool, cache_dir)
        check_rewritten(tools, WORK, os.path.join(WORK, 'cache-rewrite'))
        check_copy(media, WORK, cache_dir)
        check_known_file(media, WORK, cache_dir)
        check_plugin_version(media, WORK, v1, v2)
        check_missing_plugins(dict(media, ffv1=ffv1), WORK, tool)
        check_broken(media, WORK, tool)
        check_async(media, WORK, tool)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    if failures:
        print(f'{len(failures)} check(s) failed:')
        for f in failures:
            print(f'  {f}')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
