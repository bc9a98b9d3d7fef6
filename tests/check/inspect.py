#!/usr/bin/env python3
# gst-reuse: plugin loading smoke test through gst-inspect-1.0
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: inspect.py TOOLS_DIR PLUGIN.so...
#
# Every plugin file must load (gst-inspect-1.0 exits with 0 on it), come from
# this package, and register at least one feature; every element must be
# found by name and read well: metadata without template leftovers and a
# description for every property.

import os
import re
import subprocess
import sys

PACKAGE = 'gst-reuse'


def tool_env():
    """In sanitizer builds, the gst tools load our instrumented plugins and
    need the sanitizer runtime preloaded."""
    env = dict(os.environ)
    preload = env.get('GST_REUSE_SANITIZER_PRELOAD')
    if preload:
        env['LD_PRELOAD'] = preload
    return env


def inspect(tools_dir, *args):
    cmd = [os.path.join(tools_dir, 'gst-inspect-1.0'), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          env=tool_env())
    return proc.returncode, proc.stdout + proc.stderr


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def check_element(tools_dir, name, version):
    # --exists compares with the core's version unless told otherwise
    rc, out = inspect(tools_dir, '--exists', f'--atleast-version={version}',
                      name)
    if rc != 0:
        fail(f'gst-inspect-1.0 --exists {name} returned {rc}')
    rc, out = inspect(tools_dir, name)
    if rc != 0:
        fail(f'gst-inspect-1.0 {name} returned {rc}:\n{out}')
    for field in ('Long-name', 'Klass', 'Description', 'Author'):
        m = re.search(rf'^\s*{field}\s+(.*)$', out, re.M)
        if not m or not m.group(1).strip():
            fail(f'{name}: no {field}')
        if 'FIXME' in m.group(1) or 'Generic' == m.group(1).strip():
            fail(f'{name}: template leftover in {field}: {m.group(1)}')
    if re.search(r'^\s*silent\s*:', out, re.M):
        fail(f'{name}: template leftover property "silent"')
    # property lines: "  name   : blurb"
    props = re.findall(r'^  ([a-z][a-z0-9-]*)\s*: (.*)$', out, re.M)
    if not props:
        fail(f'{name}: no properties listed')
    for prop, blurb in props:
        if not blurb.strip():
            fail(f'{name}: property {prop} has no description')
    print(f'ok: element {name} ({len(props)} properties)')


def main():
    tools_dir = sys.argv[1]
    plugins = [os.path.abspath(p) for p in sys.argv[2:]]
    if not plugins:
        fail('no plugin files given')
    for path in plugins:
        rc, out = inspect(tools_dir, path)
        if rc != 0:
            fail(f'{path} does not load (exit {rc}):\n{out}')
        m = re.search(r'^\s*Source module\s+(\S+)', out, re.M)
        if not m or m.group(1) != PACKAGE:
            fail(f'{path}: source module is not {PACKAGE}')
        version = re.search(r'^\s*Version\s+(\S+)', out, re.M).group(1)
        features = re.findall(r'^  ([a-z0-9_-]+): ', out, re.M)
        tracers = re.findall(r'^  ([a-z0-9_-]+) \(GstTracerFactory\)$', out,
                             re.M)
        if not features and not tracers:
            fail(f'{path}: registers no features:\n{out}')
        print(f'ok: plugin {os.path.basename(path)}: '
              f'{", ".join(features + tracers)}')
        for name in features:
            rc, fout = inspect(tools_dir, name)
            if re.search(r'^Factory Details:', fout, re.M):
                check_element(tools_dir, name, version)
        for name in tracers:
            rc, fout = inspect(tools_dir, name)
            if rc != 0:
                fail(f'gst-inspect-1.0 {name} returned {rc}:\n{fout}')
            print(f'ok: tracer {name}')

    # nothing of ours is blacklisted
    rc, out = inspect(tools_dir, '-b')
    if re.search(r'libgst(mmap|pipe|layered|cachebin)', out):
        fail('a gst-reuse plugin is blacklisted:\n' + out)
    print('ok: no blacklisted plugins')


if __name__ == '__main__':
    main()
