#!/usr/bin/env python3
# gst-reuse: gst-cache --discover, and the analysis in --show-stats and --list
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: cache_discover.py TOOLS_DIR GST_CACHE
#
# 1. text: for an MP4 with audio, an MKV (with a title tag that needs
#    escaping) and an Ogg Vorbis file, gst-cache --discover prints what
#    gst-discoverer-1.0 -v prints for the same file, line for line (the
#    order of tags within a list is free: GstDiscoverer itself varies it
#    from run to run), with one "Cache:" line more: "miss" the first time,
#    "hit (local)" the second; a copy under another path is a hit and
#    prints the same but for its URI and stream IDs.
# 2. json: one object per input and line, with the values the media were
#    made with (container, codecs, sizes, frame rates, sample rates,
#    channels, duration, tags) and the cache result; a file name with
#    quotes, backslashes, a newline and bytes that are not UTF-8 comes out
#    as valid JSON.
# 3. failures: a missing file and a truncated one give GstDiscoverer's own
#    message on stderr (the one gst-discoverer-1.0 prints) and exit 1, the
#    other inputs are still analysed; missing plugins are reported with
#    their details and never served from the cache; a cache directory that cannot be
#    used makes the analysis a bypass, not a failure; bad usage exits with
#    2.
# 4. stats and list: --show-stats (text and JSON) counts the analyses
#    apart from cachebin's (hits, misses, stored, not stored, hit rate),
#    --zero-stats zeroes them, --list marks analysis entries and only
#    them.
# 5. remote: two cache directories configured (gst-cache --remote-storage)
#    with the test's own redis-server: an analysis stored through one is a
#    remote hit through the other ("Cache: hit (remote)", the same text,
#    analysis-hit-remote), then a local hit.
# 6. shortcut: a local hit is served without GStreamer's registry, from the
#    memo that a run with it wrote: the same text, JSON, status and
#    counters as without the shortcut, also when a miss and a failure
#    among the inputs go on in a process with the registry; a plugin
#    directory that changes, a rewritten registry, a damaged memo or
#    GST_CACHE_DISCOVER_SHORTCUT=0 stop it, and a memo with wrong key
#    material gives a slower hit, never a wrong one.

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from cachetest import fail, free_port, run_gst_cache, tool_env, wait_port

TITLE = 'say "hi" back\\\\slash'


class Ctx:
    def __init__(self, tools_dir, gst_cache, work):
        self.tools_dir = tools_dir
        self.gst_cache = gst_cache
        self.work = work
        self.env = tool_env()

    def launch(self, *args):
        proc = subprocess.run(
            [os.path.join(self.tools_dir, 'gst-launch-1.0'), '-q'] +
            list(args), env=self.env, capture_output=True, text=True,
            timeout=300)
        if proc.returncode != 0:
            fail(f'gst-launch-1.0 {" ".join(args)}: {proc.stderr}')

    def discoverer(self, path):
        proc = subprocess.run(
            [os.path.join(self.tools_dir, 'gst-discoverer-1.0'), '-v', path],
            env=self.env, capture_output=True, text=True, timeout=300)
        return proc.stdout

    def tool(self, cache, *args, expect=0, text=True):
        return run_gst_cache(self.gst_cache, cache, args, expect, text,
                             self.env)

    def stats(self, cache):
        return json.loads(self.tool(cache, '--show-stats', '--json').stdout)


def make_media(ctx):
    w = ctx.work
    media = {
        'mp4': os.path.join(w, 'movie.mp4'),
        'mkv': os.path.join(w, 'clip.mkv'),
        'ogg': os.path.join(w, 'tone.ogg'),
    }
    ctx.launch('videotestsrc', 'num-buffers=30', '!',
               'video/x-raw,format=I420,width=320,height=240,framerate=30/1',
               '!', 'x264enc', '!', 'h264parse', '!', 'mp4mux', 'name=m',
               '!', 'filesink', f'location={media["mp4"]}',
               'audiotestsrc', 'num-buffers=20', '!',
               'audio/x-raw,rate=44100,channels=2', '!', 'avenc_aac', '!',
               'aacparse', '!', 'm.')
    ctx.launch('videotestsrc', 'num-buffers=25', '!',
               'video/x-raw,format=I420,width=160,height=120,framerate=25/1',
               '!', 'x264enc', '!', 'h264parse', '!', 'taginject',
               r'tags=title=(string)"say\ \"hi\"\ back\\\\slash"', '!',
               'matroskamux', '!', 'filesink', f'location={media["mkv"]}')
    ctx.launch('audiotestsrc', 'num-buffers=47', 'samplesperbuffer=1024', '!',
               'audio/x-raw,rate=48000,channels=2', '!', 'vorbisenc', '!',
               'oggmux', '!', 'filesink', f'location={media["ogg"]}')
    return media


def normalise(text, stream_ids=True):
    """the lines of gst-discoverer-1.0 -v's text, each run of tag lines
    under a "Tags:" line sorted (their order varies from run to run), the
    "Cache:" line taken out and returned apart. The values of the tags of
    the whole input (under "Properties:") are replaced by "*" and returned
    apart too: GstDiscoverer merges the streams' tag messages in the order
    they reach the bus, so which stream's bitrate it keeps varies from run
    to run."""
    lines, cache, global_tags = [], [], []
    raw = text.split('\n')
    i = 0
    while i < len(raw):
        ln = raw[i]
        if ln.startswith('Cache: '):
            cache.append(ln)
            i += 1
            continue
        if not stream_ids and ln.strip().startswith('Stream ID: '):
            ln = re.sub(r'Stream ID: .*', 'Stream ID: *', ln)
        lines.append(ln)
        i += 1
        if ln.strip() == 'Tags:':
            depth = len(ln) - len(ln.lstrip())
            run = []
            while i < len(raw) and raw[i].strip() and \
                    len(raw[i]) - len(raw[i].lstrip()) > depth:
                run.append(raw[i])
                i += 1
            if ln == '  Tags: ':
                global_tags += [r.strip() for r in run]
                run = [r.split(': ', 1)[0] + ': *' for r in run]
            lines += sorted(run)
    return lines, cache, global_tags


def check_global_tags(what, got, want_text):
    """each tag of the whole input must carry a value that a stream or the
    container of the fresh analysis carries under the same name"""
    carried, depth = set(), None
    for ln in want_text.split('\n'):
        indent = len(ln) - len(ln.lstrip())
        if ln.strip() == 'Tags:' and indent >= 4:
            depth = indent
        elif depth is not None and ln.strip() and indent > depth:
            carried.add(ln.strip())
        else:
            depth = None
    stray = [t for t in got if t not in carried]
    if stray:
        fail(f'{what}: tags of the whole input that no stream carries: '
             f'{stray}')


def diff(a, b):
    out = []
    for n, (x, y) in enumerate(zip(a, b)):
        if x != y:
            out.append(f'line {n + 1}:\n  gst-discoverer-1.0: {x!r}\n'
                       f'  gst-cache:          {y!r}')
    if len(a) != len(b):
        out.append(f'{len(a)} lines against {len(b)}')
    return '\n'.join(out[:5])


def test_text(ctx, media):
    cache = os.path.join(ctx.work, 'text-cache')
    for kind, path in media.items():
        fresh = ctx.discoverer(path)
        want, _, _ = normalise(fresh)
        if not any(ln.startswith('Properties:') for ln in want):
            fail(f'gst-discoverer-1.0 could not analyse {path}:\n{want}')
        for expected in ('Cache: miss', 'Cache: hit (local)'):
            out = ctx.tool(cache, '--discover', path).stdout
            got, line, global_tags = normalise(out)
            check_global_tags(kind, global_tags, fresh)
            if line != [expected]:
                fail(f'{kind}: expected "{expected}", got {line}:\n{out}')
            if got != want:
                fail(f'{kind} ({expected}): not what gst-discoverer-1.0 -v '
                     f'prints:\n{diff(want, got)}\n{out}')
        print(f'ok: {kind}: gst-discoverer-1.0 -v\'s text, miss then hit')

    # a copy under another path: a hit, the same but its URI and stream IDs
    copy = os.path.join(ctx.work, 'elsewhere', 'copy.mp4')
    os.makedirs(os.path.dirname(copy))
    shutil.copyfile(media['mp4'], copy)
    out = ctx.tool(cache, '--discover', copy).stdout
    got, line, global_tags = normalise(out, stream_ids=False)
    fresh = ctx.discoverer(copy)
    want, _, _ = normalise(fresh, stream_ids=False)
    check_global_tags('a copy', global_tags, fresh)
    if line != ['Cache: hit (local)']:
        fail(f'a copy: expected a local hit, got {line}:\n{out}')
    if got != want:
        fail(f'a copy: not what gst-discoverer-1.0 -v prints:\n'
             f'{diff(want, got)}')
    if f'Done discovering file://{copy}' not in out:
        fail(f'a copy: its own URI is not printed:\n{out}')
    print('ok: a copy under another path: hit, its own URI')

    # several inputs: each block in order; a relative path becomes an
    # absolute file URI
    out = subprocess.run([ctx.gst_cache, '--dir', cache, '--discover',
                          'movie.mp4', 'tone.ogg'], cwd=ctx.work,
                         env=ctx.env, capture_output=True, text=True,
                         timeout=300)
    analyzing = re.findall(r'^Analyzing (.*)$', out.stdout, re.M)
    if out.returncode != 0 or analyzing != [
            f'file://{media["mp4"]}', f'file://{media["ogg"]}']:
        fail(f'two relative paths: {out.returncode}, {analyzing}:\n'
             f'{out.stdout}{out.stderr}')
    print('ok: several inputs, relative paths')


def by_type(doc, kind):
    return [s for s in doc['streams'] if s['type'] == kind]


def check_json(doc, kind, media):
    errors = []

    def expect(what, got, want):
        if got != want:
            errors.append(f'{what}: {got!r}, not {want!r}')

    expect('result', doc['result'], 'ok')
    expect('error', doc['error'], None)
    expect('seekable', doc['seekable'], True)
    expect('live', doc['live'], False)
    expect('uri', doc['uri'], 'file://' + media[kind])
    if kind == 'mp4':
        expect('container', doc['container']['codec'], 'video/quicktime')
        v, a = by_type(doc, 'video'), by_type(doc, 'audio')
        expect('streams', (len(v), len(a)), (1, 1))
        if v and a:
            v, a = v[0], a[0]
            expect('video codec', v['codec'], 'video/x-h264')
            expect('video size', (v['width'], v['height']), (320, 240))
            expect('frame rate', v['frame_rate'], '30/1')
            expect('pixel format', v['pixel_format'], 'I420')
            expect('audio codec', a['codec'], 'audio/mpeg')
            expect('sample rate', a['sample_rate'], 44100)
            expect('channels', a['channels'], 2)
            if not v['bitrate'] or not a['bitrate']:
                errors.append(f'bitrates: {v["bitrate"]}, {a["bitrate"]}')
            if 'H.264' not in (v['codec_description'] or ''):
                errors.append(f'description: {v["codec_description"]}')
        if abs(doc['duration'] - 1.0) > 0.05 or \
                doc['duration_ns'] != round(doc['duration'] * 1e9):
            errors.append(f'duration: {doc["duration"]}, '
                          f'{doc["duration_ns"]}')
    elif kind == 'mkv':
        expect('container', doc['container']['codec'], 'video/x-matroska')
        v = by_type(doc, 'video')
        expect('streams', len(doc['streams']), 1)
        if v:
            expect('video size', (v[0]['width'], v[0]['height']),
                   (160, 120))
            expect('frame rate', v[0]['frame_rate'], '25/1')
        expect('title', doc['tags'].get('title'), TITLE)
        if abs(doc['duration'] - 1.0) > 0.05:
            errors.append(f'duration: {doc["duration"]}')
    else:
        a = by_type(doc, 'audio')
        expect('streams', len(doc['streams']), 1)
        if a:
            expect('audio codec', a[0]['codec'], 'audio/x-vorbis')
            expect('sample rate', a[0]['sample_rate'], 48000)
            expect('channels', a[0]['channels'], 2)
            expect('language', a[0]['language'], None)
        if abs(doc['duration'] - 47 * 1024 / 48000) > 0.05:
            errors.append(f'duration: {doc["duration"]}')
    if errors:
        fail(f'{kind} as JSON: ' + '; '.join(errors) + '\n' +
             json.dumps(doc, indent=1))


def test_json(ctx, media):
    cache = os.path.join(ctx.work, 'json-cache')
    paths = [media['mp4'], media['mkv'], media['ogg']]
    for expected in ('miss', 'hit'):
        out = ctx.tool(cache, '--json', '--discover', *paths).stdout
        lines = out.splitlines()
        if len(lines) != 3:
            fail(f'expected 3 JSON lines, got {len(lines)}:\n{out}')
        for kind, text in zip(('mp4', 'mkv', 'ogg'), lines):
            doc = json.loads(text)
            check_json(doc, kind, media)
            want_source = 'local' if expected == 'hit' else None
            if doc['cache'] != expected or \
                    doc['cache_source'] != want_source:
                fail(f'{kind}: cache {doc["cache"]} '
                     f'({doc["cache_source"]}), not {expected}')
            if doc['input'] != media[kind]:
                fail(f'{kind}: input {doc["input"]!r}')
        print(f'ok: JSON, {expected}: the media\'s own values')

    # a name that JSON must escape, and bytes that are not UTF-8
    odd = os.path.join(os.fsencode(ctx.work),
                       b'we"ird \\ name\n\t\xff.ogg')
    shutil.copyfile(media['ogg'], odd)
    proc = subprocess.run([os.fsencode(ctx.gst_cache), b'--dir',
                           os.fsencode(cache), b'--json', b'--discover', odd],
                          capture_output=True, timeout=300, env=ctx.env)
    if proc.returncode != 0:
        fail(f'odd name: exit {proc.returncode}: {proc.stderr}')
    lines = proc.stdout.decode('utf-8').splitlines()
    doc = json.loads(lines[0]) if len(lines) == 1 else fail(
        f'odd name: {proc.stdout!r}')
    want = os.path.join(ctx.work, 'we"ird \\ name\n\t\ufffd.ogg')
    if doc['input'] != want or doc['result'] != 'ok' or \
            doc['cache'] != 'hit':
        fail(f'odd name: {doc["input"]!r}, {doc["result"]}, {doc["cache"]}')
    print('ok: JSON escaping of names and tags')


def discoverer_error(ctx, path):
    # GstDiscoverer 1.22 sometimes times out on a truncated MP4 instead of
    # reporting its error, on a loaded machine: the reference is what it
    # says when it does not time out
    for _ in range(3):
        out = ctx.discoverer(path)
        if 'Analyzing URI timed out' not in out:
            break
    m = re.search(r'^An error was encountered while discovering the file\n'
                  r' (.*)$', out, re.M)
    if not m:
        fail(f'gst-discoverer-1.0 found no error in {path}:\n{out}')
    return m.group(1)


def test_failures(ctx, media):
    cache = os.path.join(ctx.work, 'fail-cache')
    missing = os.path.join(ctx.work, 'missing.mp4')
    truncated = os.path.join(ctx.work, 'truncated.mp4')
    with open(media['mp4'], 'rb') as f:
        head = f.read(2000)
    with open(truncated, 'wb') as f:
        f.write(head)
    for bad in (missing, truncated):
        message = discoverer_error(ctx, bad)
        for _ in range(3):      # as above, for gst-cache's GstDiscoverer
            proc = ctx.tool(cache, '--discover', bad, media['ogg'], expect=1)
            if 'Analyzing URI timed out' not in proc.stdout:
                break
        if f'gst-cache: file://{bad}: {message}' not in proc.stderr:
            fail(f'{bad}: GstDiscoverer\'s message "{message}" is not on '
                 f'stderr:\n{proc.stderr}')
        if f'An error was encountered while discovering the file\n ' \
                f'{message}\n' not in proc.stdout or \
                f'Done discovering file://{media["ogg"]}' not in proc.stdout:
            fail(f'{bad}: stdout:\n{proc.stdout}')
        for _ in range(3):
            proc = ctx.tool(cache, '--json', '--discover', bad, media['ogg'],
                            expect=1)
            docs = [json.loads(ln) for ln in proc.stdout.splitlines()]
            if docs and docs[0]['result'] != 'timeout':
                break
        if len(docs) != 2 or docs[0]['result'] != 'error' or \
                docs[0]['error'] != message or docs[1]['result'] != 'ok':
            fail(f'{bad} as JSON: {proc.stdout}')
        print(f'ok: {os.path.basename(bad)}: "{message}", exit 1')

    # missing plugins (no Matroska demuxer): GstDiscoverer's result, never
    # served from the cache
    env = dict(ctx.env, GST_PLUGIN_FEATURE_RANK='matroskademux:NONE')
    for _ in range(2):
        proc = subprocess.run([ctx.gst_cache, '--dir', cache, '--json',
                               '--discover', media['mkv']], env=env,
                              capture_output=True, text=True, timeout=300)
        docs = [json.loads(ln) for ln in proc.stdout.splitlines()]
        if proc.returncode != 1 or len(docs) != 1 or \
                docs[0]['result'] != 'missing-plugins' or \
                docs[0]['cache'] != 'miss' or \
                not any('Matroska demuxer' in d
                        for d in docs[0]['missing_plugins']) or \
                'Matroska demuxer' not in proc.stderr:
            fail(f'missing plugins: {proc.returncode}: {proc.stdout}'
                 f'{proc.stderr}')
    print('ok: missing plugins: exit 1, the details, never a hit')

    # a cache that cannot be used: the analysis still runs, a bypass
    unusable = os.path.join(media['ogg'], 'cache')
    proc = ctx.tool(unusable, '--discover', media['ogg'])
    if '\nCache: bypass\n' not in proc.stdout or \
            'Properties:' not in proc.stdout:
        fail(f'an unusable cache directory: {proc.stdout}{proc.stderr}')
    print('ok: an unusable cache directory: a bypass, exit 0')

    for args in (['--discover'], [media['ogg']],
                 ['--timeout', '0', '--discover', media['ogg']],
                 ['--timeout', 'soon', '--discover', media['ogg']],
                 ['--list', media['ogg']]):
        proc = ctx.tool(cache, *args, expect=2)
        if not proc.stderr.startswith('gst-cache: '):
            fail(f'{args}: no message: {proc.stderr!r}')
    print('ok: bad usage exits with 2')


def analysis_stats(ctx, cache):
    return ctx.stats(cache)['analysis']


def test_stats_and_list(ctx, media):
    cache = os.path.join(ctx.work, 'stats-cache')
    # an input that fails at once: zeros, no type (a truncated MP4 can
    # make GstDiscoverer 1.22 time out instead on a loaded machine, which
    # is counted apart)
    truncated = os.path.join(ctx.work, 'zeros.bin')
    with open(truncated, 'wb') as f:
        f.write(bytes(4096))
    copy = os.path.join(ctx.work, 'elsewhere', 'copy.mp4')
    # a cachebin entry beside the analysis entries
    ctx.launch('filesrc', f'location={media["ogg"]}', '!', 'cachebin',
               f'cache-dir={cache}', 'description=identity', '!', 'fakesink')
    ctx.tool(cache, '--discover', media['mp4'])                 # miss
    ctx.tool(cache, '--discover', media['mp4'], copy)           # 2 hits
    ctx.tool(cache, '--discover', media['ogg'])                 # miss
    ctx.tool(cache, '--discover', truncated, expect=1)          # not stored
    ctx.tool(cache, '--discover', truncated, expect=1)          # again
    got = analysis_stats(ctx, cache)
    want = {'hit': 2, 'hit-remote': 0, 'miss': 4, 'stored': 2,
            'unstorable': 2, 'bypass': 0, 'hit_rate': 2 / 6}
    if got.keys() != want.keys() or any(
            abs(got[k] - want[k]) > 1e-9 for k in want):
        fail(f'analysis statistics: {got}, not {want}')
    counters = ctx.stats(cache)['counters']
    if counters.get('hits', 0) != 0 or counters.get('misses') != 1:
        fail(f'cachebin\'s counters took in the analysis: {counters}')
    text = ctx.tool(cache, '--show-stats').stdout
    block = re.search(r'^Media analysis:\n((?:  .*\n)+)', text, re.M)
    want_lines = ['  Hits:           2 / 6 (33.33 %)',
                  '    from remote:  0', '  Misses:         4',
                  '    stored:       2', '    not stored:   2',
                  '      error              2', '  Bypasses:       0']
    if not block or block.group(1).splitlines() != want_lines:
        fail(f'--show-stats text:\n{text}')
    print('ok: --show-stats counts the analysis apart (text and JSON)')

    rows = json.loads(ctx.tool(cache, '--list', '--json').stdout)
    marks = sorted(r['analysis'] for r in rows)
    if marks != [False, True, True]:
        fail(f'--list --json: {rows}')
    text = ctx.tool(cache, '--list').stdout.splitlines()
    marked = [ln for ln in text if '[analysis]' in ln]
    if len(text) != 3 or len(marked) != 2:
        fail('--list: ' + '\n'.join(text))
    for r in rows:
        if not r['analysis'] and not any(
                ln.startswith(r['key'][:16]) and '[analysis]' not in ln
                for ln in text):
            fail('--list marks the cachebin entry:\n' + '\n'.join(text))
    print('ok: --list marks the analysis entries and only them')

    ctx.tool(cache, '--zero-stats')
    got = analysis_stats(ctx, cache)
    if any(got[k] for k in got if k != 'hit_rate') or \
            got['hit_rate'] is not None:
        fail(f'--zero-stats left {got}')
    print('ok: --zero-stats zeroes the analysis counters')


def test_remote(ctx, media):
    if shutil.which('redis-server') is None:
        fail('redis-server is missing (scripts/deps installs it)')
    rdir = os.path.join(ctx.work, 'redis')
    os.makedirs(rdir)
    port = free_port()
    server = subprocess.Popen(
        ['redis-server', '--port', str(port), '--bind', '127.0.0.1',
         '--save', '', '--appendonly', 'no', '--dir', rdir,
         '--logfile', os.path.join(rdir, 'redis.log')],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, server, 'redis-server')

        url = f'redis://127.0.0.1:{port}'
        first = os.path.join(ctx.work, 'remote-a')
        second = os.path.join(ctx.work, 'remote-b')
        for cache in (first, second):
            ctx.tool(cache, '--remote-storage', url)
        results = []
        for cache, want in ((first, 'Cache: miss'),
                            (second, 'Cache: hit (remote)'),
                            (second, 'Cache: hit (local)')):
            out = ctx.tool(cache, '--discover', media['mkv']).stdout
            got, line, _ = normalise(out)
            if line != [want]:
                fail(f'remote: expected "{want}", got {line}:\n{out}')
            results.append(got)
        if results[1] != results[0] or results[2] != results[0]:
            fail('remote: a remote hit does not print what the miss '
                 f'printed:\n{diff(results[0], results[1])}')
        got = analysis_stats(ctx, second)
        if (got['hit'], got['hit-remote'], got['miss']) != (2, 1, 0):
            fail(f'remote: the second directory\'s counters: {got}')
        print('ok: the directory\'s remote storage: a remote hit, then a '
              'local one')
    finally:
        server.terminate()
        server.wait(timeout=30)


def shortcut_used(ctx, cache, *inputs, env=None):
    """gst-cache --discover INPUTS with the shortcut's log: (stdout,
    status, whether the memo served the start, the reason it did not)"""
    env = dict(env or ctx.env, GST_DEBUG='gst-cache-shortcut:4,'
               'GST_REGISTRY:4', GST_DEBUG_NO_COLOR='1')
    proc = subprocess.run([ctx.gst_cache, '--dir', cache, '--discover'] +
                          list(inputs), env=env, capture_output=True,
                          text=True, timeout=300)
    used = 'using the memo of the registry' in proc.stderr
    why = re.search(r'not used: (.*)$', proc.stderr, re.M)
    shortcut_used.stderr = proc.stderr
    return proc.stdout, proc.returncode, used, why.group(1) if why else None


def served_without_registry():
    """whether the last shortcut_used() served every input itself: no new
    process took over, and GStreamer read no registry"""
    err = shortcut_used.stderr
    return 'not a local hit' not in err and \
        'reading registry cache' not in err


def memos(cache):
    d = os.path.join(cache, 'stat', 'registry')
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def test_shortcut(ctx, media):
    """gst-cache --discover without the registry on a local hit: the same
    output and counters as with it, and never used once a plugin directory
    or the registry changed"""
    off = dict(ctx.env, GST_CACHE_DISCOVER_SHORTCUT='0')
    cache = os.path.join(ctx.work, 'shortcut-cache')
    mp4, mkv, ogg = media['mp4'], media['mkv'], media['ogg']

    out, status, used, why = shortcut_used(ctx, cache, mp4)
    if status != 0 or used or why != 'no memo of this registry yet' or \
            len(memos(cache)) != 1:
        fail(f'first run: {status}, used {used}, {why!r}, memos '
             f'{memos(cache)}')
    out, status, used, why = shortcut_used(ctx, cache, mp4)
    served = served_without_registry()
    plain, _, _, _ = shortcut_used(ctx, cache, mp4, env=off)
    if 'reading registry cache' not in shortcut_used.stderr:
        fail('no registry read without the shortcut: the check that it '
             f'is not read cannot work:\n{shortcut_used.stderr}')
    if status != 0 or not used or not served or \
            'Cache: hit (local)' not in out:
        fail(f'a hit was not served from the memo alone ({status}, '
             f'{why!r}):\n{out}')
    if out != plain:
        fail(f'a hit without the registry prints otherwise:\n'
             f'{diff(plain.splitlines(), out.splitlines())}')
    print('ok: shortcut: a hit without the registry, the same text')

    # hits, then a miss and a failure: the miss and what follows are
    # handed to a process with the registry; the text, the status and the
    # counters are those of a run without the shortcut on a twin cache (a
    # copy, so that the hits restore the same stored result; the miss is
    # analysed in each, and GstDiscoverer orders tags as it likes)
    twin = os.path.join(ctx.work, 'shortcut-twin')
    shutil.copytree(cache, twin)
    bad = os.path.join(ctx.work, 'shortcut-missing.mp4')
    runs = []
    for c, env in ((cache, ctx.env), (twin, off)):
        before = analysis_stats(ctx, c)
        got, status, used, _ = shortcut_used(ctx, c, mp4, mkv, bad, mp4,
                                             env=env)
        after = analysis_stats(ctx, c)
        runs.append((got, status, used,
                     {k: after[k] - before[k] for k in after
                      if k != 'hit_rate'}))
    (got, status, used, counts), (want, wstatus, _, wcounts) = runs
    if not used or status != 1 or wstatus != 1:
        fail(f'hit, miss, failure, hit: used {used}, status {status} '
             f'(without: {wstatus})')
    if normalise(got)[:2] != normalise(want)[:2] or counts != wcounts:
        fail(f'hit, miss, failure, hit: not as without the shortcut:\n'
             f'{counts} against {wcounts}\n'
             f'{diff(want.splitlines(), got.splitlines())}')
    if counts['hit'] != 2 or counts['miss'] != 1 or counts['stored'] != 1:
        fail(f'hit, miss, failure, hit: counted {counts}')
    print('ok: shortcut: a miss in the middle goes on with the registry, '
          'the same text, status and counters')

    # JSON and relative paths, through the memo
    ctx.tool(cache, '--discover', ogg, expect=0)
    got = subprocess.run([ctx.gst_cache, '--dir', cache, '--json',
                          '--discover', 'movie.mp4', 'tone.ogg'],
                         cwd=ctx.work, env=dict(
                             ctx.env, GST_DEBUG='gst-cache-shortcut:4'),
                         capture_output=True, text=True, timeout=300)
    if 'using the memo' not in got.stderr or \
            'not a local hit' in got.stderr:
        fail(f'JSON: not served from the memo alone:\n{got.stderr}')
    want = subprocess.run([ctx.gst_cache, '--dir', cache, '--json',
                           '--discover', 'movie.mp4', 'tone.ogg'],
                          cwd=ctx.work, env=off, capture_output=True,
                          text=True, timeout=300)
    if got.returncode != 0 or got.stdout != want.stdout or \
            got.stdout.count('"cache": "hit"') != 2:
        fail(f'JSON: {got.returncode}:\n{got.stdout}\n{want.stdout}')
    print('ok: shortcut: JSON and relative paths')

    # a plugin directory that changes: not used, then used again
    pdir = os.path.join(ctx.work, 'shortcut-plugins')
    os.makedirs(pdir)
    penv = dict(ctx.env, GST_PLUGIN_PATH_1_0=ctx.env.get(
        'GST_PLUGIN_PATH_1_0', '') + os.pathsep + pdir)
    shortcut_used(ctx, cache, ogg, env=penv)
    _, _, used, _ = shortcut_used(ctx, cache, ogg, env=penv)
    with open(os.path.join(pdir, 'libgstnew.so'), 'w') as f:
        f.write('not a plugin')
    out, status, used2, why = shortcut_used(ctx, cache, ogg, env=penv)
    _, _, used3, _ = shortcut_used(ctx, cache, ogg, env=penv)
    used3 = used3 and served_without_registry()
    if not used or used2 or not used3 or status != 0 or \
            'Cache: hit (local)' not in out:
        fail(f'a new file in a plugin directory: used {used}, {used2} '
             f'({why!r}), {used3}; {status}:\n{out}')
    if why not in ('a plugin directory changed',
                   'no memo of this registry yet'):
        fail(f'a new file in a plugin directory: {why!r}')
    print(f'ok: shortcut: a plugin directory changed: not used ({why}), '
          'then used again')

    # the registry rewritten: another name, not used
    registry = ctx.env.get('GST_REGISTRY_1_0') or ctx.env.get('GST_REGISTRY')
    if registry and os.path.exists(registry):
        os.utime(registry)
        _, _, used, why = shortcut_used(ctx, cache, mp4)
        if used or why != 'no memo of this registry yet':
            fail(f'a rewritten registry: used {used}, {why!r}')
        print('ok: shortcut: a rewritten registry: not used')

    # a damaged memo, and one whose key material is wrong: never a wrong
    # result, only a slower one
    for name in memos(cache):
        with open(os.path.join(cache, 'stat', 'registry', name), 'w') as f:
            f.write('[shortcut]\ndirs=/nonexistent;\nwalk=zz\n')
    out, status, used, why = shortcut_used(ctx, cache, mp4)
    if used or status != 0 or why != 'a memo without the key material' or \
            'Cache: hit (local)' not in out:
        fail(f'a damaged memo: used {used}, {why!r}, {status}:\n{out}')
    for name in memos(cache):
        path = os.path.join(cache, 'stat', 'registry', name)
        with open(path) as f:
            text = f.read()
        with open(path, 'w') as f:
            f.write(re.sub(r'^factories=.*$', 'factories=' + '0' * 32, text,
                           flags=re.M))
    before = analysis_stats(ctx, cache)
    out, status, used, _ = shortcut_used(ctx, cache, mp4)
    after = analysis_stats(ctx, cache)
    if not used or status != 0 or 'Cache: hit (local)' not in out or \
            after['hit'] - before['hit'] != 1 or after['miss'] != \
            before['miss']:
        fail(f'a memo with wrong key material: used {used}, {status}, '
             f'{before} -> {after}:\n{out}')
    # the process that took over wrote it again: the next hit is served
    # from it, without a new process
    env = dict(ctx.env, GST_DEBUG='gst-cache-shortcut:4',
               GST_DEBUG_NO_COLOR='1')
    proc = subprocess.run([ctx.gst_cache, '--dir', cache, '--discover',
                           mp4], env=env, capture_output=True, text=True,
                          timeout=300)
    if 'using the memo' not in proc.stderr or \
            'not a local hit' in proc.stderr or proc.returncode != 0:
        fail(f'the memo was not written again:\n{proc.stderr}')
    print('ok: shortcut: a damaged or wrong memo costs a new process once, '
          'never a wrong result')

    # with another option after --discover, never: a new process would
    # not do it
    proc = ctx.tool(cache, '--discover', mp4, bad, '--show-stats', expect=1)
    if 'Cache: hit (local)' not in proc.stdout or \
            'Media analysis' not in proc.stdout:
        fail(f'--discover with --show-stats:\n{proc.stdout}')
    print('ok: shortcut: not with other options')

    _, _, used, why = shortcut_used(ctx, cache, mp4, env=off)
    if used or why is not None:
        fail(f'GST_CACHE_DISCOVER_SHORTCUT=0: used {used}, {why!r}')
    print('ok: shortcut: GST_CACHE_DISCOVER_SHORTCUT=0 turns it off')


def main():
    tools_dir, gst_cache = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix='gst-reuse-discover-')
    try:
        ctx = Ctx(tools_dir, gst_cache, work)
        media = make_media(ctx)
        test_text(ctx, media)
        test_json(ctx, media)
        test_failures(ctx, media)
        test_stats_and_list(ctx, media)
        test_shortcut(ctx, media)
        test_remote(ctx, media)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print('cache_discover: all passed')


if __name__ == '__main__':
    main()
