#!/usr/bin/env python3
# gst-reuse: run the application examples of docs/examples
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: examples.py layered PYTHON LAYERED_MEMORY_EXE TYPELIB_DIR
#        examples.py analysis PYTHON ANALYSIS_EXE TYPELIB_DIR TOOLS_DIR
#
# layered: layered-memory.c and layered-memory.py run the same transcoding
# pipeline three times with layered memory as the default allocator. Both
# must exit with 0 (which they only do when nothing is left in use), report
# every run, take memory from the system in the first run and serve later
# runs mostly from the cache, as the documentation says, read the
# statistics from the pipeline's bus after each run, and print an empty
# leak report.
#
# analysis: analysis.c analyses an MP4 (made here with gst-launch-1.0)
# twice in a new cache directory: a miss, then a local hit, both with the
# streams the file was made with; run again, its first analysis is a hit.
# analysis.py (asynchronous) then analyses the same file, a copy of it, a
# missing file and an Ogg file it has not seen, in that order: hit, hit
# under the copy's own URI, GstDiscoverer's error, miss; exit status 1.

import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get('GST_REUSE_SOURCE_ROOT',
                     os.path.join(os.path.dirname(__file__), '..', '..'))
RUN = re.compile(r'^run (\d+): (\d+) allocations, (\d+) served from the '
                 r'cache, (\d+) from the system', re.M)


def check(name, cmd, env):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                          timeout=300)
    out = proc.stdout + proc.stderr
    errors = []
    if proc.returncode != 0:
        errors.append(f'exit status {proc.returncode}')
    runs = [tuple(int(x) for x in m.groups()) for m in RUN.finditer(out)]
    if [r[0] for r in runs] != [1, 2, 3]:
        errors.append(f'expected runs 1, 2 and 3, got {runs}')
    else:
        first, later = runs[0], runs[1:]
        if first[1] == 0 or first[3] == 0:
            errors.append('the first run took no memory from the system')
        for n, allocs, hits, system in runs:
            if hits + system != allocs:
                errors.append(f'run {n}: {hits} + {system} != {allocs}')
        for n, allocs, hits, system in later:
            # the same pipeline again: its frames fit the cached blocks
            if allocs != first[1] or hits < 0.9 * allocs:
                errors.append(f'run {n}: {hits} of {allocs} from the cache')
    if 'leak report: no memory in use' not in out:
        errors.append('leak report is not empty')
    bus = re.findall(r'^  on the bus: layered-allocator-stats, peak (\d+) '
                     r'bytes in use$', out, re.M)
    if len(bus) != 3 or not all(int(p) > 0 for p in bus):
        errors.append(f'statistics from the bus: {bus}')
    if errors:
        print(f'FAIL: {name}: ' + '; '.join(errors) + '\n' + out)
        return False
    print(f'ok: {name}\n{out}')
    return True


def python_env(typelib_dir):
    env = dict(os.environ)
    env['GI_TYPELIB_PATH'] = os.pathsep.join(
        [typelib_dir] + [p for p in [env.get('GI_TYPELIB_PATH')] if p])
    env['LD_LIBRARY_PATH'] = os.pathsep.join(
        [typelib_dir] + [p for p in [env.get('LD_LIBRARY_PATH')] if p])
    if env.get('GST_REUSE_SANITIZER_PRELOAD'):
        # an uninstrumented interpreter loads the instrumented library;
        # leaks are checked in the C example, not in Python's own memory
        env['LD_PRELOAD'] = env['GST_REUSE_SANITIZER_PRELOAD']
        env['ASAN_OPTIONS'] = env.get('ASAN_OPTIONS', '') + ':detect_leaks=0'
    return env


def layered(python, exe, typelib_dir):
    env = dict(os.environ)
    ok = check('layered-memory (C)', [exe], env)
    script = os.path.join(SRC, 'docs', 'examples', 'layered-memory.py')
    ok = check('layered-memory.py', [python, script],
               python_env(typelib_dir)) and ok
    return ok


VIDEO = '  video: video/x-h264, 320x240, 30/1 fps'
AUDIO = '  audio: audio/mpeg, 44100 Hz, 2 channels'
VORBIS = '  audio: audio/x-vorbis, 48000 Hz, 2 channels'


def expect_output(name, cmd, env, status, want):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                          timeout=300)
    got = proc.stdout.splitlines()
    if proc.returncode != status or got != want:
        print(f'FAIL: {name}: exit status {proc.returncode} (want {status})'
              f'\n--- got:\n{proc.stdout}{proc.stderr}--- want:\n' +
              '\n'.join(want))
        return False
    print(f'ok: {name}\n{proc.stdout}')
    return True


def analysis(python, exe, typelib_dir, tools_dir):
    work = tempfile.mkdtemp(prefix='gst-reuse-examples-')
    try:
        movie = os.path.join(work, 'movie.mp4')
        tone = os.path.join(work, 'tone.ogg')
        copy = os.path.join(work, 'copy.mp4')
        cache = os.path.join(work, 'cache')
        launch = os.path.join(tools_dir, 'gst-launch-1.0')
        env = dict(os.environ)
        if env.get('GST_REUSE_SANITIZER_PRELOAD'):
            env['LD_PRELOAD'] = env['GST_REUSE_SANITIZER_PRELOAD']
        for line in (
                f'videotestsrc num-buffers=30 ! video/x-raw,width=320,'
                f'height=240,framerate=30/1 ! x264enc ! h264parse ! mp4mux '
                f'name=m ! filesink location={movie} audiotestsrc '
                f'num-buffers=20 ! audio/x-raw,rate=44100,channels=2 ! '
                f'avenc_aac ! aacparse ! m.',
                f'audiotestsrc num-buffers=30 ! audio/x-raw,rate=48000,'
                f'channels=2 ! vorbisenc ! oggmux ! filesink '
                f'location={tone}'):
            subprocess.run([launch, '-q'] + line.split(), env=env,
                           check=True, timeout=300)
        shutil.copyfile(movie, copy)

        duration = '0:00:01.000000000, seekable'
        ok = expect_output('analysis (C): miss, then hit',
                           [exe, movie, cache], dict(os.environ), 0,
                           [f'run 1: miss, {duration}', VIDEO, AUDIO,
                            f'run 2: hit (local), {duration}', VIDEO, AUDIO])
        ok = expect_output('analysis (C) again: hit',
                           [exe, movie, cache], dict(os.environ), 0,
                           [f'run 1: hit (local), {duration}', VIDEO, AUDIO,
                            f'run 2: hit (local), {duration}', VIDEO,
                            AUDIO]) and ok

        script = os.path.join(SRC, 'docs', 'examples', 'analysis.py')
        missing = os.path.join(work, 'missing.mp4')
        ok = expect_output(
            'analysis.py (asynchronous)',
            [python, script, '--cache-dir', cache, movie, copy, missing,
             tone], python_env(typelib_dir), 1,
            [f'file://{movie}: hit (local), 1.000 s', VIDEO, AUDIO,
             f'file://{copy}: hit (local), 1.000 s', VIDEO, AUDIO,
             f'file://{missing}: failed: Resource not found.',
             f'file://{tone}: miss, 0.640 s', VORBIS]) and ok
        return ok
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    mode = sys.argv[1]
    if mode == 'layered':
        ok = layered(*sys.argv[2:5])
    elif mode == 'analysis':
        ok = analysis(*sys.argv[2:6])
    else:
        print(f'examples.py: unknown mode {mode}')
        return 2
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
