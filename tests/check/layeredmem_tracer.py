#!/usr/bin/env python3
# gst-reuse: the layeredmem tracer, through gst-launch-1.0
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: layeredmem_tracer.py TOOLS_DIR LEAK_PROGRAM REENTER_PROGRAM
#
# Runs pipelines with GST_TRACERS="layeredmem(...)" and checks what an
# operator would read: the layeredmem-stats records under GST_TRACER parse
# as GStreamer structures and add up, periodic ones come at the interval,
# the statistics reach the pipeline's bus, the final leak report is empty
# for a clean pipeline and names the size class of a deliberate leak, the
# parameters take effect, and bad parameters give one warning and the
# defaults; a bus sync handler that builds pipelines while the tracer posts
# does not deadlock, and pipelines that never started get nothing posted; a
# cap of 0 passes memory through without trimming; malloc tuning is applied
# and reported as documented. Run with a Python that
# has PyGObject (GStreamer's own parser reads the records).

import os
import re
import subprocess
import sys

import gi
gi.require_version('Gst', '1.0')
from gi.repository import Gst  # noqa: E402

RECORD = re.compile(r'GST_TRACER :0:: (layeredmem-(?:stats|leaks), .*;)\s*$')
PAGE = os.sysconf('SC_PAGESIZE')

failures = []


def check(cond, what, out=''):
    if cond:
        print(f'ok: {what}')
    else:
        print(f'FAIL: {what}\n{out[-4000:]}')
        failures.append(what)


def run(cmd, tracers, debug='GST_TRACER:7,layeredmem:4', env_extra=None,
        timeout=240):
    env = dict(os.environ)
    env['GST_TRACERS'] = tracers
    env['GST_DEBUG'] = debug
    env['GST_DEBUG_NO_COLOR'] = '1'
    env.pop('GST_DEBUG_FILE', None)
    if env.get('GST_REUSE_SANITIZER_PRELOAD'):
        env['LD_PRELOAD'] = env['GST_REUSE_SANITIZER_PRELOAD']
    env.update(env_extra or {})
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                              timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = e.stdout or b''
        out = out.decode(errors='replace') if isinstance(out, bytes) else out
        return None, out + f'\n(killed after {timeout} s)'
    return proc.returncode, proc.stdout + proc.stderr


def records(out, name):
    found = []
    for line in out.splitlines():
        m = RECORD.search(line)
        if m and m.group(1).startswith(name + ','):
            s = Gst.Structure.from_string(m.group(1))[0]
            if s is None:
                raise AssertionError('unparsable record: ' + m.group(1))
            found.append(s)
    return found


def main():
    tools, leak_program, reenter_program = sys.argv[1:4]
    launch = os.path.join(tools, 'gst-launch-1.0')
    Gst.init(None)

    # 1. a clean, live pipeline (about 1 s) with statistics every 0.1 s
    rc, out = run([launch, '-m', 'videotestsrc', 'num-buffers=30',
                   'is-live=true', '!',
                   'video/x-raw,width=640,height=360,framerate=30/1', '!',
                   'videoconvert', '!', 'video/x-raw,format=RGBA', '!',
                   'fakesink'], 'layeredmem(interval=0.1)')
    check(rc == 0, 'clean pipeline runs with the tracer', out)
    stats = records(out, 'layeredmem-stats')
    check(len(stats) >= 4, f'periodic and final statistics records '
          f'({len(stats)})', out)
    if stats:
        final = stats[-1]
        allocs = final.get_value('allocations')
        check(allocs > 0, f'the pipeline allocated from layered memory '
              f'({allocs} allocations)', out)
        check(final.get_value('allocations') == final.get_value('frees') and
              final.get_value('bytes-in-use') == 0,
              'final statistics: everything freed', out)
        check(0.0 <= final.get_value('hit-rate') <= 1.0 and
              final.get_value('pool-hits') <= allocs, 'hit rate in range',
              out)
        check(final.get_value('bytes-mapped') ==
              final.get_value('bytes-cached') +
              final.get_value('bytes-in-use'),
              'mapped = cached + in use', out)
        check(all(a.get_value('ts') < b.get_value('ts') and
                  a.get_value('allocations') <= b.get_value('allocations')
                  for a, b in zip(stats, stats[1:])),
              'records in order, counters never go back', out)
    leaks = records(out, 'layeredmem-leaks')
    check(len(leaks) == 1 and leaks[0].get_value('bytes') == 0 and
          leaks[0].get_value('blocks') == 0, 'empty leak report', out)
    check('leak report: no memory in use' in out,
          'readable leak report line', out)
    check(re.search(r'layeredmem .*statistics: \d+ allocations, [\d.]+% from '
                    r'the cache', out) is not None,
          'readable statistics lines', out)
    check(re.search(r'from element "pipeline0" \(element\): '
                    r'layered-allocator-stats, allocations=', out) is not None,
          'statistics posted on the bus (gst-launch-1.0 -m)', out)
    check('still in use at exit' not in out, 'no leak warning', out)

    # 2. a program that leaks two 1080p buffers on purpose
    rc, out = run([leak_program, '3110400', '2'], 'layeredmem',
                  env_extra={'ASAN_OPTIONS': os.environ.get(
                      'ASAN_OPTIONS', '') + ':detect_leaks=0'})
    check(rc == 0, 'leaking program runs', out)
    frame = (3110400 + PAGE - 1) // PAGE * PAGE
    leaks = records(out, 'layeredmem-leaks')
    check(len(leaks) == 1 and leaks[0].get_value('blocks') == 2 and
          leaks[0].get_value('bytes') == 2 * frame,
          f'leak report: 2 blocks, {2 * frame} bytes', out)
    if leaks:
        # PyGObject cannot read a GstValueList: compare the serialised
        # classes, unescaped
        detail = leaks[0].get_value('detail')
        text = detail.to_string().replace('\\', '') if detail else ''
        classes = re.findall(r'block-size=\(guint64\)(\d+), '
                             r'blocks=\(guint64\)(\d+)', text)
        check(classes == [(str(frame), '2')],
              f'leak report names the class {frame}: {classes}', out)
    check(f'2 block(s) of class {frame}' in out,
          'readable leak report names the class', out)
    check('2 memories (%d bytes) of layered memory still in use at exit'
          % (2 * frame) in out, 'warning on stderr', out)

    # 3. parameters take effect
    rc, out = run([launch, 'videotestsrc', 'num-buffers=5', '!', 'fakesink'],
                  'layeredmem(max-size=64MiB,align=128,idle-timeout=2.5,'
                  'prealloc=3110400:2+65536:3,huge-pages=false)')
    check(rc == 0, 'pipeline with parameters runs', out)
    m = re.search(r'layered memory is the default allocator: (layered.*;)',
                  out)
    cfg = Gst.Structure.from_string(m.group(1))[0] if m else None
    check(cfg is not None and cfg.get_value('max-cached') == 64 << 20 and
          cfg.get_value('min-align') == 128 and
          cfg.get_value('idle-timeout') == 2500000000 and
          cfg.get_value('prealloc') == '3110400:2,65536:3' and
          cfg.get_value('huge-pages') is False,
          'parameters read: ' + (cfg.to_string() if cfg else 'none'), out)
    stats = records(out, 'layeredmem-stats')
    check(stats and stats[-1].get_value('bytes-mapped') >= 2 * frame,
          'preallocated frames mapped', out)
    check('WARNING' not in out and 'layeredmem:' not in out,
          'no warning for good parameters', out)

    # 4. bad parameters: one warning, the defaults, and it still works
    rc, out = run([launch, 'videotestsrc', 'num-buffers=5', '!', 'fakesink'],
                  'layeredmem(max-size=12Q,align=3,frobnicate=1,interval=-1,'
                  'idle-level=1G)', debug='GST_TRACER:7')
    warnings = [l for l in out.splitlines() if 'layeredmem:' in l and
                'WARNING' in l]
    check(rc == 0, 'pipeline with bad parameters runs', out)
    problems = warnings[0].split('using the defaults')[0] if warnings else ''
    check(len(warnings) == 1 and all(w in problems for w in (
        'max-size=12Q', 'align=3', 'frobnicate', 'interval=-1')) and
        'idle-level' not in problems,
        'one warning naming each bad parameter (and only those)', out)
    stats = records(out, 'layeredmem-stats')
    check(stats and stats[-1].get_value('allocations') > 0,
          'layered memory still the default', out)

    rc, out = run([launch, 'videotestsrc', 'num-buffers=5', '!', 'fakesink'],
                  'layeredmem(=,,)', debug='GST_TRACER:7')
    warnings = [l for l in out.splitlines() if 'layeredmem:' in l and
                'WARNING' in l]
    check(rc == 0 and len(warnings) == 1 and 'cannot read' in warnings[0],
          'unreadable parameters: one warning, and it runs', out)

    # 5. a bus sync handler that builds a pipeline for every statistics
    # message (posted from the tracer's thread): no deadlock; and a pipeline
    # that never started gets no statistics on its bus
    rc, out = run([reenter_program, '3'], 'layeredmem(interval=0.05)',
                  debug='layeredmem:4', timeout=90)
    check(rc is not None, 'no deadlock when a sync handler builds a '
          'pipeline while the tracer posts', out)
    check(rc == 0 and 'handled 3 statistics messages' in out and
          "idle pipeline's bus got 0" in out,
          'statistics reached the running pipeline only', out)

    # 6. max-size=0: memory passes through, nothing is cached or trimmed
    rc, out = run([launch, 'videotestsrc', 'num-buffers=20', '!',
                   'videoconvert', '!', 'fakesink'], 'layeredmem(max-size=0)')
    stats = records(out, 'layeredmem-stats')
    check(rc == 0 and stats and stats[-1].get_value('allocations') > 0 and
          stats[-1].get_value('trims') == 0 and
          stats[-1].get_value('pool-hits') == 0 and
          stats[-1].get_value('bytes-mapped') == 0,
          'max-size=0: memory passes through, no trims', out)

    # 7. malloc tuning: on by default, reported; malloc-tuning=false leaves
    # malloc alone; huge-pages-min-size is a size like max-size. A
    # sanitizer's malloc is not glibc's: nothing is tuned, and it says so
    line = [launch, 'videotestsrc', 'num-buffers=5', '!', 'fakesink']
    glibc = not os.environ.get('GST_REUSE_SANITIZER_PRELOAD')
    tuned = re.compile(r'malloc tuning: layered-malloc-tuning, '
                       r'mmap-threshold=\(guint64\)(\d+), '
                       r'trim-threshold=\(guint64\)(\d+)')
    for params, expect in (('', True), ('(malloc-tuning=true)', True),
                           ('(malloc-tuning=false)', False)):
        rc, out = run(line, 'layeredmem' + params)
        m = tuned.search(out)
        if expect and glibc:
            check(rc == 0 and m is not None and
                  int(m.group(1)) == 32 << 20 and
                  int(m.group(2)) == 256 << 20,
                  f'layeredmem{params}: malloc tuned and reported', out)
        else:
            check(rc == 0 and m is None and 'malloc tuning: none' in out,
                  f'layeredmem{params}: malloc left alone, reported', out)
    rc, out = run(line, 'layeredmem(huge-pages-min-size=32MiB)')
    check(rc == 0 and 'WARNING' not in out and
          'huge-pages-min-size=(guint64)33554432' in out,
          'huge-pages-min-size=32MiB taken', out)

    print(f'{len(failures)} failure(s)')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
