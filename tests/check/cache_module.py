#!/usr/bin/env python3
# gst-reuse: the remote tier's modules, seen from whole gst-cache processes
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: cache_module.py TOOLS_DIR GST_CACHE
#
# 1. local: gst-cache --discover, a miss then a local hit; the hit's
#    process loads neither libcurl nor hiredis nor a module (the dynamic
#    loader's own account, LD_DEBUG=files).
# 2. remote: backends on closed ports (HTTP and Redis): gst-cache
#    --check-remote loads each module from the store library's directory,
#    with no GST_CACHE_MODULE_DIR, and each backend fails to connect,
#    which only a loaded module can tell.
# 3. missing: the store library alone in another directory, so that no
#    module is beside it: each backend is refused with a message that
#    names its module and every directory looked at, the local cache still
#    works; GST_CACHE_MODULE_DIR pointed at the build's modules brings
#    them back.

import os
import re
import shutil
import subprocess
import sys
import tempfile

from cachetest import check, fail, run_gst_cache, tool_env

REMOTE = 'http://127.0.0.1:1/ redis://127.0.0.1:1'
LOADED = re.compile(r'file=(\S*(?:libcurl|libhiredis|libgstcache-http|'
                    r'libgstcache-redis)\S*) \[\d+\];\s+generating link map')


def loaded_remote_libs(stderr):
    """the remote tier's files the dynamic loader mapped"""
    return LOADED.findall(stderr)


def main():
    tools_dir, gst_cache = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix='cache-module-')
    try:
        env = tool_env()
        env.pop('GST_CACHE_MODULE_DIR', None)
        movie = os.path.join(work, 'movie.mp4')
        proc = subprocess.run(
            [os.path.join(tools_dir, 'gst-launch-1.0'), '-q', 'videotestsrc',
             'num-buffers=10', '!', 'video/x-raw,width=160,height=120', '!',
             'x264enc', '!', 'h264parse', '!', 'mp4mux', '!', 'filesink',
             'location=' + movie], env=env, capture_output=True, text=True,
            timeout=300)
        check(proc.returncode == 0, f'making {movie}: {proc.stderr}')

        # 1. local
        cache = os.path.join(work, 'cache')
        out = run_gst_cache(gst_cache, cache, ['--discover', movie],
                            env=env).stdout
        check('Cache: miss' in out, f'not a miss:\n{out}')
        debug_env = dict(env, LD_DEBUG='files')
        proc = run_gst_cache(gst_cache, cache, ['--discover', movie],
                             env=debug_env)
        check('Cache: hit (local)' in proc.stdout,
              f'not a hit:\n{proc.stdout}')
        check('generating link map' in proc.stderr,
              'LD_DEBUG=files said nothing')
        libs = loaded_remote_libs(proc.stderr)
        check(not libs, f'a local hit loaded {libs}')
        print('local hit: no remote library loaded')

        # 2. remote, modules beside the library
        remote = os.path.join(work, 'remote')
        proc = run_gst_cache(gst_cache, remote,
                             ['--remote-storage', REMOTE, '--check-remote'],
                             expect=1, env=debug_env)
        libs = loaded_remote_libs(proc.stderr)
        lib_dir = None
        for name in ('libgstcache-http.so', 'libgstcache-redis.so'):
            paths = [p for p in libs if p.endswith('/' + name)]
            check(len(paths) == 1, f'{name} not loaded once: {libs}')
            lib_dir = os.path.dirname(paths[0])
        check(any('libcurl' in p for p in libs), f'no libcurl: {libs}')
        check(any('libhiredis' in p for p in libs), f'no hiredis: {libs}')
        for url in ('http://127.0.0.1:1/', 'redis://127.0.0.1:1/0'):
            check(re.search(r'^FAILED  ' + re.escape(url) + r': .*\(connect\)$',
                            proc.stdout, re.M),
                  f'{url} did not fail to connect:\n{proc.stdout}')
        print(f'remote: both modules loaded from {lib_dir}')

        # 3. missing: the library alone elsewhere (LD_LIBRARY_PATH comes
        # before the program's run path)
        alone = os.path.join(work, 'alone')
        os.mkdir(alone)
        shutil.copy(os.path.join(lib_dir, 'libgstcache-1.0.so.0'), alone)
        hidden_env = dict(env, LD_LIBRARY_PATH=alone + os.pathsep +
                          env.get('LD_LIBRARY_PATH', ''))
        proc = run_gst_cache(gst_cache, remote, ['--check-remote'],
                             expect=1, env=hidden_env)
        for name, url in (('libgstcache-http.so', 'http://127.0.0.1:1/'),
                          ('libgstcache-redis.so', 'redis://127.0.0.1:1')):
            want = (f'Remote storage "{url}": needs {name}, not found in '
                    f'{alone}, {alone}/gstreamer-cache-1.0')
            check(want in proc.stderr,
                  f'no "{want}" in:\n{proc.stderr}')
        check('no remote storage configured' in proc.stderr, proc.stderr)
        out = run_gst_cache(gst_cache, cache, ['--discover', movie],
                            env=hidden_env).stdout
        check('Cache: hit (local)' in out, f'not a hit:\n{out}')
        proc = run_gst_cache(gst_cache, remote, ['--check-remote'],
                             expect=1,
                             env=dict(hidden_env, GST_CACHE_MODULE_DIR=lib_dir))
        check('needs libgstcache' not in proc.stderr, proc.stderr)
        check(proc.stdout.count('(connect)') == 2,
              f'GST_CACHE_MODULE_DIR did not bring them back:\n{proc.stdout}')
        print('missing: refused with the directories looked at; '
              'GST_CACHE_MODULE_DIR finds them')
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    try:
        main()
    except subprocess.TimeoutExpired as e:
        fail(f'timed out: {e}')
