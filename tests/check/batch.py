#!/usr/bin/env python3
# gst-reuse: gst-reuse-batch end to end
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: batch.py TOOLS_DIR GST_REUSE_BATCH
#
# 1. batch: 30 inputs (26 good ones, several with spaces, quotes and other
#    odd characters in their names, written to an output directory with a
#    space in its name; 3 corrupt ones: truncated, garbage, empty; 1
#    missing) made into JPEG thumbnails: exit status 1, 26 thumbnails that
#    decode to the right size and are byte for byte what gst-launch-1.0
#    makes of the same input, 4 failures in the report and on stderr with
#    GStreamer's error and debug text, a fallback thumbnail for each from
#    --on-error, no temporary file left, the layered allocator's statistics
#    in the report.
# 2. jobs: -j 1 and -j 4 (inputs from a list file and from standard input)
#    give identical outputs.
# 3. placeholders: {uri}, {name}, {index}, {outdir} with odd names, and
#    --dry-run's descriptions.
# 4. timeout: a FIFO that no one writes to (filesrc blocks opening it) is
#    reported as timed out, its fallback runs, the other inputs are done.
# 5. interrupt: SIGINT part way through a slow batch: exit status 130,
#    every input the report calls done has its whole output, no other input
#    has any, no temporary file is left.
# 6. cachebin: a batch with repeated inputs through cachebin: the report
#    has each input's cachebin result and the totals.
# 7. partial: a pipeline that fails part way leaves nothing of what its
#    filesink and multifilesink wrote, and a file that was at the location
#    before stays.
# 8. usage: bad usage exits with 2.
# 9. docs: the gst-reuse-batch lines of docs/batch.md and README.md run.

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile

SRC = os.environ.get('GST_REUSE_SOURCE_ROOT',
                     os.path.join(os.path.dirname(__file__), '..', '..'))
W, H = 48, 32           # thumbnails
THUMB = ('filesrc location={input} ! qtdemux ! h264parse ! avdec_h264 ! '
         'videoconvert ! videoscale ! video/x-raw,width=%d,height=%d ! '
         'jpegenc snapshot=true ! filesink location={outdir}/{stem}.jpg'
         % (W, H))
FALLBACK = ('videotestsrc pattern=black num-buffers=1 ! '
            'video/x-raw,width=%d,height=%d ! jpegenc ! '
            'filesink location={outdir}/{stem}.jpg' % (W, H))
ODD_NAMES = ['clip with spaces', 'it\'s "quoted"', 'bang!(1)[2]{3};$x`y`',
             'ünï cödé', 'back\\slash,comma=eq', '-leading dash']


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class Ctx:
    def __init__(self, tools_dir, batch, work):
        self.launch = os.path.join(tools_dir, 'gst-launch-1.0')
        self.batch = batch
        self.work = work
        # the gst tools are not instrumented: in sanitizer builds they get
        # the runtime preloaded to load our plugins; the batch tool is
        self.tool_env = dict(os.environ)
        if self.tool_env.get('GST_REUSE_SANITIZER_PRELOAD'):
            self.tool_env['LD_PRELOAD'] = \
                self.tool_env['GST_REUSE_SANITIZER_PRELOAD']
        self.env = dict(os.environ)

    def gst(self, *args, check_rc=True):
        proc = subprocess.run([self.launch, '-q'] + list(args),
                              env=self.tool_env, capture_output=True,
                              text=True, timeout=120)
        if check_rc and proc.returncode != 0:
            fail(f'gst-launch-1.0 {" ".join(args)}: {proc.returncode}\n'
                 f'{proc.stdout}{proc.stderr}')
        return proc

    def run(self, *args, stdin=None, expect=None):
        proc = subprocess.run([self.batch] + list(args), env=self.env,
                              capture_output=True, text=True, timeout=300,
                              input=stdin, cwd=self.work)
        if expect is not None and proc.returncode != expect:
            fail(f'gst-reuse-batch {args} exited with {proc.returncode}, '
                 f'not {expect}:\n{proc.stdout}{proc.stderr}')
        return proc


def make_input(ctx, path, pattern):
    # gst-launch-1.0 would unescape a backslash in the name: a plain name,
    # renamed
    tmp = os.path.join(os.path.dirname(path), 'tmp.mp4')
    ctx.gst('videotestsrc', f'pattern={pattern}', 'num-buffers=5', '!',
            'video/x-raw,width=96,height=64,framerate=25/1', '!', 'x264enc',
            '!', 'mp4mux', '!', 'filesink', f'location={tmp}')
    os.rename(tmp, path)


def decodes(ctx, path, w=W, h=H):
    """the file is a JPEG of w x h (decoded by jpegdec)"""
    if '\\' in path:
        # gst-launch-1.0 would unescape the backslash: a copy
        copy = os.path.join(ctx.work, 'decode-copy.jpg')
        shutil.copy(path, copy)
        path = copy
    proc = ctx.gst('filesrc', f'location={path}', '!', 'jpegdec', '!',
                   f'video/x-raw,width={w},height={h}', '!', 'fakesink',
                   check_rc=False)
    return proc.returncode == 0


def part_files(top):
    found = []
    for root, _, files in os.walk(top):
        found += [os.path.join(root, f) for f in files
                  if f.endswith('.part')]
    return found


def read_dir(d):
    out = {}
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f), 'rb') as fh:
            out[f] = fh.read()
    return out


def make_inputs(ctx):
    """26 good inputs, 3 corrupt ones, 1 missing: paths, in this order"""
    d = os.path.join(ctx.work, 'in')
    os.makedirs(d)
    good = []
    for i in range(26):
        name = ODD_NAMES[i] if i < len(ODD_NAMES) else f'clip{i:02d}'
        path = os.path.join(d, name + '.mp4')
        make_input(ctx, path, i % 20)   # a different picture each (mostly)
        good.append(path)
    with open(good[-1], 'rb') as f:
        data = f.read()
    truncated = os.path.join(d, 'truncated.mp4')
    with open(truncated, 'wb') as f:
        f.write(data[:len(data) // 2])
    garbage = os.path.join(d, 'garbage.mp4')
    with open(garbage, 'wb') as f:
        f.write(random.Random(17).randbytes(20000))
    empty = os.path.join(d, 'empty.mp4')
    open(empty, 'wb').close()
    missing = os.path.join(d, 'missing.mp4')
    bad = [truncated, garbage, empty, missing]
    # failures among the good ones, not all at the end
    inputs = good[:10] + [truncated] + good[10:18] + [garbage, missing] + \
        good[18:] + [empty]
    return inputs, good, bad


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def test_batch(ctx, inputs, good, bad):
    out = os.path.join(ctx.work, 'out dir')
    report = os.path.join(ctx.work, 'report.json')
    proc = ctx.run('-j', '2', '-o', out, '--json', report, '--on-error',
                   FALLBACK, THUMB, *inputs, expect=1)
    with open(report) as f:
        rep = json.load(f)
    recs = rep['inputs']
    check(len(recs) == 30, f'{len(recs)} records, not 30')
    check([r['input'] for r in recs] == inputs, 'records out of order')
    check([r['index'] for r in recs] == list(range(1, 31)),
          'indexes are not 1..30')
    t = rep['totals']
    check((t['inputs'], t['done'], t['failed'], t['fallbacks-done']) ==
          (30, 26, 4, 4), f'totals {t}; failed: ' + str(
              [(r['input'], r['error'], r['debug']) for r in recs
               if r['outcome'] != 'done']))
    for r in recs:
        thumb = os.path.join(out, stem(r['input']) + '.jpg')
        if r['input'] in good:
            check(r['outcome'] == 'done' and r['error'] is None and
                  r['fallback'] is None, f'good input {r}')
            check(r['outputs'] == [thumb], f'outputs {r["outputs"]}')
            check(r['bytes-out'] == os.path.getsize(thumb) > 0,
                  f'bytes-out {r}')
            check(decodes(ctx, thumb), f'{thumb} does not decode to {W}x{H}')
        else:
            check(r['outcome'] == 'failed', f'bad input {r}')
            check(r['error'] and r['debug'], f'no reason given: {r}')
            check(r['bytes-out'] == 0 and r['outputs'] == [], f'{r}')
            check(r['input'] in proc.stderr and r['error'] in proc.stderr,
                  f'{r["input"]} not reported on stderr:\n{proc.stderr}')
            fb = r['fallback']
            check(fb and fb['outcome'] == 'done' and fb['outputs'] == [thumb],
                  f'fallback {fb}')
            check(decodes(ctx, thumb), f'fallback {thumb} does not decode')
    reasons = {os.path.basename(r['input']): r['error'] + ' ' + r['debug']
               for r in recs if r['outcome'] != 'done'}
    check('not found' in reasons['missing.mp4'].lower() and
          'missing.mp4' in reasons['missing.mp4'], reasons['missing.mp4'])
    for name in ('truncated.mp4', 'garbage.mp4', 'empty.mp4'):
        check('qtdemux' in reasons[name], f'{name}: {reasons[name]}')
    check(sorted(os.listdir(out)) ==
          sorted(stem(p) + '.jpg' for p in inputs), os.listdir(out))
    check(not part_files(ctx.work), f'left over: {part_files(ctx.work)}')
    lay = t['layered-memory']
    check(rep['layered-memory'] is True and lay is not None and
          lay['name'] == 'layered-allocator-stats' and
          lay['allocations'] > 0, f'layered memory statistics: {lay}')

    # the same bytes as gst-launch-1.0 gives (odd names included)
    for path in good[:len(ODD_NAMES)] + good[-2:]:
        ref = os.path.join(ctx.work, 'ref.jpg')
        line = ['filesrc', f'location={path}', '!', 'qtdemux', '!',
                'h264parse', '!', 'avdec_h264', '!', 'videoconvert', '!',
                'videoscale', '!', f'video/x-raw,width={W},height={H}', '!',
                'jpegenc', 'snapshot=true', '!', 'filesink',
                f'location={ref}']
        if '\\' in path:
            continue            # gst-launch-1.0 would unescape it
        ctx.gst(*line)
        with open(ref, 'rb') as a, \
                open(os.path.join(out, stem(path) + '.jpg'), 'rb') as b:
            check(a.read() == b.read(), f'{path}: not what gst-launch-1.0 '
                  'makes of it')
    print('batch: 26 done, 4 failed with reasons, 4 fallbacks, exit 1')
    return out


def test_jobs(ctx, good):
    lst = os.path.join(ctx.work, 'list.txt')
    with open(lst, 'w') as f:
        f.write(''.join(p + '\n' for p in good))
    o1 = os.path.join(ctx.work, 'j1')
    o4 = os.path.join(ctx.work, 'j4')
    ctx.run('-j', '1', '-o', o1, '--from', lst, THUMB, expect=0)
    # stdin, and no layered memory: the bytes do not depend on it
    ctx.run('-j', '4', '-o', o4, '--no-layered-memory', '--from', '-', THUMB,
            stdin=''.join(p + '\n' for p in good), expect=0)
    a, b = read_dir(o1), read_dir(o4)
    check(len(a) == 26 and a == b, '-j 1 and -j 4 differ')
    print('jobs: -j 1 and -j 4 give identical outputs')


def test_placeholders(ctx, good):
    odd = good[:len(ODD_NAMES)]
    out = os.path.join(ctx.work, 'odd "out" dir!')
    tmpl = ('uridecodebin uri={uri} ! videoconvert ! videoscale ! '
            f'video/x-raw,width={W},height={H} ! jpegenc snapshot=true ! '
            'filesink location={outdir}/{index}-{name}.jpg')
    report = os.path.join(ctx.work, 'odd.json')
    ctx.run('-j', '2', '-o', out, '--json', report, tmpl, *odd, expect=0)
    for i, p in enumerate(odd):
        thumb = os.path.join(out, f'{i + 1}-{os.path.basename(p)}.jpg')
        check(os.path.exists(thumb), f'{thumb} missing: {os.listdir(out)}')
        check(decodes(ctx, thumb), f'{thumb} does not decode')
    # quoted placeholders, and --dry-run shows the escaped descriptions
    tmpl = 'filesrc location="{input}" ! fakesink name={stem}'
    proc = ctx.run('-n', tmpl, odd[1], expect=0)
    check(proc.stdout.strip() == 'filesrc location="%s" ! fakesink name=%s'
          % (odd[1].replace('\\', '\\\\').replace('"', '\\"'),
             re.sub(r'([^A-Za-z0-9_\-./:+@%,=~\x80-\U0010ffff])', r'\\\1',
                    stem(odd[1]))), proc.stdout)
    print('placeholders: odd names through {uri}, {name}, {index}, '
          '{outdir}')


def test_timeout(ctx, good):
    fifo = os.path.join(ctx.work, 'stalling.mp4')
    os.mkfifo(fifo)
    out = os.path.join(ctx.work, 'timeout')
    report = os.path.join(ctx.work, 'timeout.json')
    ctx.run('-j', '2', '-o', out, '--json', report, '--timeout', '5',
            '--stop-timeout', '1', '--on-error', FALLBACK, THUMB, good[0],
            fifo, good[1], good[2], expect=1)
    with open(report) as f:
        recs = json.load(f)['inputs']
    check([r['outcome'] for r in recs] == ['done', 'timeout', 'done', 'done'],
          f'{[r["outcome"] for r in recs]}')
    r = recs[1]
    check('timed out' in r['error'] and r['outputs'] == [], f'{r}')
    check(r['fallback']['outcome'] == 'done', f'{r}')
    check(decodes(ctx, os.path.join(out, 'stalling.jpg')), 'fallback')
    check(not part_files(out), f'left over: {part_files(out)}')
    print('timeout: the stalling input timed out, its fallback ran')


def test_interrupt(ctx, good):
    # a slow transcode per input, so that SIGINT finds pipelines running
    slow = ('filesrc location={input} ! qtdemux ! h264parse ! avdec_h264 ! '
            'identity sleep-time=300000 ! videoconvert ! x264enc ! mp4mux ! '
            'filesink location={outdir}/{index}.mp4')
    out = os.path.join(ctx.work, 'interrupt')
    report = os.path.join(ctx.work, 'interrupt.json')
    inputs = good[:12]
    proc = subprocess.Popen([ctx.batch, '-j', '2', '-o', out, '--json',
                             report, slow] + inputs, env=ctx.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    done_lines = 0
    while done_lines < 2:
        line = proc.stdout.readline()
        check(line != '', 'the batch ended before it was interrupted')
        if re.match(r'\[\d+/12\] done', line):
            done_lines += 1
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=60)
    check(proc.returncode == 130, f'exit {proc.returncode}, not 130\n{err}')
    with open(report) as f:
        rep = json.load(f)
    check(rep['interrupted'] == 'SIGINT', f'{rep["interrupted"]}')
    t = rep['totals']
    outcomes = [r['outcome'] for r in rep['inputs']]
    check(t['done'] >= 2 and t['done'] + t['interrupted'] + t['not-run'] ==
          12 and t['failed'] == 0 and t['done'] < 12, f'totals {t}')
    for r in rep['inputs']:
        path = os.path.join(out, f'{r["index"]}.mp4')
        if r['outcome'] == 'done':
            check(r['outputs'] == [path] and os.path.exists(path), f'{r}')
            # whole: 5 frames, decodable
            proc = ctx.gst('filesrc', f'location={path}', '!', 'qtdemux',
                           '!', 'h264parse', '!', 'avdec_h264', '!',
                           'fakesink', check_rc=False)
            check(proc.returncode == 0, f'{path} does not decode')
        else:
            check(not os.path.exists(path), f'{path} of a {r["outcome"]} '
                  'input exists')
    check(sorted(os.listdir(out)) == sorted(
        f'{r["index"]}.mp4' for r in rep['inputs'] if r['outcome'] == 'done'),
        f'{os.listdir(out)} against {outcomes}')
    print(f'interrupt: {outcomes.count("done")} done, '
          f'{outcomes.count("interrupted")} interrupted, '
          f'{outcomes.count("not-run")} not run; no partial output')


def test_cachebin(ctx, good):
    cache = os.path.join(ctx.work, 'cache')
    tmpl = (f'filesrc location={{input}} ! cachebin cache-dir={cache} '
            'description="qtdemux ! h264parse ! avdec_h264 ! videoconvert ! '
            f'videoscale ! video/x-raw,width={W},height={H} ! jpegenc '
            'snapshot=true" ! filesink location={outdir}/{index}.jpg')
    out = os.path.join(ctx.work, 'cached')
    report = os.path.join(ctx.work, 'cached.json')
    inputs = good[6:9] + good[6:9]
    ctx.run('-j', '1', '-o', out, '--json', report, tmpl, *inputs, expect=0)
    with open(report) as f:
        rep = json.load(f)
    results = [r['cachebin']['result'] for r in rep['inputs']]
    check(results == ['miss'] * 3 + ['hit'] * 3, f'{results}')
    c = rep['totals']['cachebin']
    check(c['hit'] == 3 and c['miss'] == 3 and c['bypass'] == 0 and
          c['bytes-replayed'] == c['bytes-stored'] > 0, f'{c}')
    for i in range(3):
        with open(os.path.join(out, f'{i + 1}.jpg'), 'rb') as a, \
                open(os.path.join(out, f'{i + 4}.jpg'), 'rb') as b:
            check(a.read() == b.read(), 'a hit differs from its miss')
    print('cachebin: 3 misses then 3 hits in the report')


def test_partial(ctx, good):
    """a pipeline that fails part way: what its filesink and its
    multifilesink wrote is gone, a file that was there before stays; the
    same pipeline done lists every numbered file"""
    out = os.path.join(ctx.work, 'partial')
    os.makedirs(out)
    old = os.path.join(out, 'clip10.mjpeg')
    with open(old, 'w') as f:
        f.write('from before')
    frames = ('videotestsrc num-buffers=20 ! video/x-raw,width=32,height=24 '
              '! jpegenc ! tee name=t ! queue ! multifilesink '
              'location={outdir}/{stem}-%02d.jpg t. ! queue ! ')
    report = os.path.join(ctx.work, 'partial.json')
    ctx.run('-o', out, '--json', report, frames + 'identity error-after=8 '
            '! filesink location={outdir}/{stem}.mjpeg', good[10], expect=1)
    with open(report) as f:
        r = json.load(f)['inputs'][0]
    check(r['outcome'] == 'failed' and 'identity' in r['debug'], f'{r}')
    check(os.listdir(out) == ['clip10.mjpeg'], f'{os.listdir(out)}')
    with open(old) as f:
        check(f.read() == 'from before', 'the earlier file was touched')
    ctx.run('-o', out, '--json', report, frames + 'filesink '
            'location={outdir}/{stem}.mjpeg', good[10], expect=0)
    with open(report) as f:
        r = json.load(f)['inputs'][0]
    files = sorted(os.path.join(out, f'clip10-{i:02d}.jpg')
                   for i in range(20)) + [old]
    check(sorted(r['outputs']) == sorted(files), f'{r["outputs"]}')
    check(r['bytes-out'] == sum(os.path.getsize(f) for f in files), f'{r}')
    print('partial: a failed pipeline\'s files removed, an earlier file '
          'kept')


def test_usage(ctx, good):
    for args in ([], [THUMB], ['filesrc location={inptu} ! fakesink', 'x'],
                 ['-j', '0', THUMB, good[0]], ['--bogus', THUMB, good[0]],
                 ['--from', os.path.join(ctx.work, 'no-such-list'), THUMB],
                 ['--timeout', '-1', THUMB, good[0]]):
        proc = ctx.run(*args, expect=2)
        check('gst-reuse-batch' in proc.stderr, proc.stderr)
    print('usage: exit status 2')


def test_docs(ctx, good):
    """the gst-reuse-batch lines of the docs' sh blocks, in a directory
    with videos/a.mp4 and videos/b.mp4"""
    d = os.path.join(ctx.work, 'docs')
    os.makedirs(os.path.join(d, 'videos'))
    for n in ('a', 'b'):
        shutil.copy(good[0], os.path.join(d, 'videos', n + '.mp4'))
    lines = []
    for doc in ('docs/batch.md', 'README.md'):
        in_block, cur = False, ''
        with open(os.path.join(SRC, doc), encoding='utf-8') as f:
            for line in f:
                # the examples are in ```sh blocks
                if line.startswith('```'):
                    in_block = not in_block and line.strip() == '```sh'
                    continue
                if not in_block:
                    continue
                line = line.rstrip('\n')
                if line.endswith('\\'):
                    cur += line[:-1]
                    continue
                line, cur = cur + line, ''
                if line.startswith('gst-reuse-batch '):
                    lines.append((doc, line))
    check(len(lines) >= 2, f'examples found: {lines}')
    env = dict(ctx.env)
    env['PATH'] = os.path.dirname(ctx.batch) + os.pathsep + env['PATH']
    for doc, line in lines:
        proc = subprocess.run(['sh', '-c', line], cwd=d, env=env,
                              capture_output=True, text=True, timeout=300)
        check(proc.returncode == 0, f'{doc}: {line}: exit {proc.returncode}'
              f'\n{proc.stdout}{proc.stderr}')
    print(f'docs: {len(lines)} examples ran')


def main():
    tools_dir, batch = sys.argv[1], os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix='gst-reuse-batch-')
    try:
        ctx = Ctx(tools_dir, batch, work)
        inputs, good, bad = make_inputs(ctx)
        test_usage(ctx, good)
        test_batch(ctx, inputs, good, bad)
        test_jobs(ctx, good)
        test_placeholders(ctx, good)
        test_timeout(ctx, good)
        test_interrupt(ctx, good)
        test_cachebin(ctx, good)
        test_partial(ctx, good)
        test_docs(ctx, good)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print('batch: all passed')


if __name__ == '__main__':
    main()
