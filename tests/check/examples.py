#!/usr/bin/env python3
# gst-reuse: run the application examples of docs/examples
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: examples.py PYTHON LAYERED_MEMORY_EXE TYPELIB_DIR
#
# layered-memory.c and layered-memory.py run the same transcoding pipeline
# three times with layered memory as the default allocator. Both must exit
# with 0 (which they only do when nothing is left in use), report every run,
# take memory from the system in the first run and serve later runs mostly
# from the cache, as the documentation says, read the statistics from the
# pipeline's bus after each run, and print an empty leak report.

import os
import re
import subprocess
import sys

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


def main():
    python, exe, typelib_dir = sys.argv[1:4]
    env = dict(os.environ)
    ok = check('layered-memory (C)', [exe], env)

    env['GI_TYPELIB_PATH'] = os.pathsep.join(
        [typelib_dir] + [p for p in [env.get('GI_TYPELIB_PATH')] if p])
    env['LD_LIBRARY_PATH'] = os.pathsep.join(
        [typelib_dir] + [p for p in [env.get('LD_LIBRARY_PATH')] if p])
    if env.get('GST_REUSE_SANITIZER_PRELOAD'):
        # an uninstrumented interpreter loads the instrumented library;
        # leaks are checked in the C example, not in Python's own memory
        env['LD_PRELOAD'] = env['GST_REUSE_SANITIZER_PRELOAD']
        env['ASAN_OPTIONS'] = env.get('ASAN_OPTIONS', '') + ':detect_leaks=0'
    script = os.path.join(SRC, 'docs', 'examples', 'layered-memory.py')
    ok = check('layered-memory.py', [python, script], env) and ok
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
