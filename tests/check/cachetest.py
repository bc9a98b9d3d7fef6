# gst-reuse: helpers shared by the cache script tests
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Imported by cache_store.py, cache_discover.py, cache_remote.py and
# cachebin_http.py (each finds it next to itself on sys.path).

import os
import socket
import subprocess
import sys
import time


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def tool_env():
    """the environment for the tools the test runs: the sanitizer
    runtime preloaded when the build asks for it"""
    env = dict(os.environ)
    if env.get('GST_REUSE_SANITIZER_PRELOAD'):
        env['LD_PRELOAD'] = env['GST_REUSE_SANITIZER_PRELOAD']
    return env


def run_gst_cache(gst_cache, cache, args, expect=0, text=True, env=None):
    """runs gst-cache on the cache directory @cache with @args; fails
    unless it exits with @expect (None: any status)"""
    proc = subprocess.run([gst_cache, '--dir', cache] + list(args),
                          capture_output=True, text=text, timeout=300,
                          env=env)
    if expect is not None and proc.returncode != expect:
        fail(f'gst-cache {" ".join(args)} exited with '
             f'{proc.returncode}, not {expect}:\n{proc.stdout}'
             f'{proc.stderr}')
    return proc


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, what):
    """waits until @proc (@what) accepts connections on loopback @port;
    fails when it exits first or does not listen within about 10 s"""
    for _ in range(500):
        if proc.poll() is not None:
            fail(f'{what} exited with {proc.returncode}')
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    fail(f'{what} did not start listening on {port}')


def read_head(c):
    """an HTTP request's head (and what came with it) from the connection
    @c; None, with @c closed, when the peer closed it first"""
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = c.recv(65536)
        if not chunk:
            c.close()
            return None
        data += chunk
    return data
