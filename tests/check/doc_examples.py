#!/usr/bin/env python3
# gst-reuse: run every gst-launch-1.0 example of the documentation
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: doc_examples.py TOOLS_DIR [PLUGIN.so...]
#
# Collects the example lines from README.md and docs/*.md (lines in fenced
# code blocks that run gst-launch-1.0, with "\" continuations joined; a
# line may prepare what it needs with && before it) and
# from the C doc blocks of the elements (|[ ... ]| blocks), and runs each one
# with sh in a scratch directory that holds the media the examples name:
#   movie.mp4     a short H.264 MP4 (videotestsrc, x264enc, mp4mux)
#   movie.mp4.gz  the same, compressed with gzip
# Each example must exit with 0. Examples that need something this check
# cannot give them are marked with a "# not run: REASON" comment on the
# line before.

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get('GST_REUSE_SOURCE_ROOT',
                     os.path.join(os.path.dirname(__file__), '..', '..'))


def join_continuations(lines):
    out, cur = [], ''
    for line in lines:
        if line.rstrip().endswith('\\'):
            cur += line.rstrip()[:-1] + ' '
        else:
            out.append(cur + line)
            cur = ''
    if cur:
        out.append(cur)
    return out


def is_example(line):
    return 'gst-launch-1.0 ' in line and not line.lstrip().startswith('#')


def markdown_examples(path):
    examples, in_block, block, skip = [], False, [], False
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('```'):
                if in_block:
                    for cmd in join_continuations(block):
                        if cmd.strip().startswith('# not run:'):
                            skip = True
                            continue
                        if is_example(cmd) and not skip:
                            examples.append((path, cmd.strip()))
                        skip = False
                    block = []
                in_block = not in_block
                continue
            if in_block:
                block.append(line.rstrip('\n'))
    return examples


def c_examples(path):
    examples = []
    with open(path, encoding='utf-8') as f:
        text = f.read()
    for m in re.finditer(r'\|\[(.*?)\]\|', text, re.S):
        lines = [re.sub(r'^\s*\*\s?', '', l) for l in m.group(1).split('\n')]
        for cmd in join_continuations(lines):
            if is_example(cmd):
                examples.append((path, cmd.strip()))
    return examples


def make_media(workdir, tools_dir):
    launch = os.path.join(tools_dir, 'gst-launch-1.0')
    subprocess.run([launch, '-q', 'videotestsrc', 'num-buffers=60', '!',
                    'video/x-raw,width=320,height=240,framerate=30/1', '!',
                    'x264enc', '!', 'mp4mux', '!', 'filesink',
                    'location=movie.mp4'], cwd=workdir, check=True,
                   timeout=120)
    subprocess.run(['sh', '-c', 'gzip -c movie.mp4 > movie.mp4.gz'],
                   cwd=workdir, check=True)


def main():
    tools_dir = sys.argv[1]
    sources = [os.path.join(SRC, 'README.md')]
    sources += sorted(glob.glob(os.path.join(SRC, 'docs', '*.md')))
    examples = []
    for path in sources:
        examples += markdown_examples(path)
    for path in sorted(glob.glob(os.path.join(SRC, 'gst', '*', '*.c')) +
                       glob.glob(os.path.join(SRC, 'gst', '*', '*', '*.c')) +
                       glob.glob(os.path.join(SRC, 'ext', '*', '*.c'))):
        examples += c_examples(path)
    if not examples:
        print('FAIL: no examples found')
        return 1

    failures = 0
    workdir = tempfile.mkdtemp(prefix='gst-reuse-doc-')
    try:
        make_media(workdir, tools_dir)
        env = dict(os.environ)
        env['PATH'] = tools_dir + os.pathsep + env.get('PATH', '')
        # gst-cache from the build tree
        build_root = os.environ.get('GST_REUSE_BUILD_ROOT')
        if build_root:
            env['PATH'] = os.path.join(build_root, 'ext', 'cache') + \
                os.pathsep + env['PATH']
        # cachebin's default cache directory: inside the scratch directory
        env['XDG_CACHE_HOME'] = os.path.join(workdir, 'xdg-cache')
        # in sanitizer builds the gst tools load our instrumented plugins
        if env.get('GST_REUSE_SANITIZER_PRELOAD'):
            env['LD_PRELOAD'] = env['GST_REUSE_SANITIZER_PRELOAD']
        for path, cmd in examples:
            cmd = re.sub(r'^\$\s+', '', cmd)
            rel = os.path.relpath(path, SRC)
            proc = subprocess.run(['sh', '-c', cmd], cwd=workdir, env=env,
                                  capture_output=True, text=True,
                                  timeout=300)
            if proc.returncode != 0:
                failures += 1
                print(f'FAIL ({rel}): {cmd}\n  exit {proc.returncode}\n'
                      f'{proc.stdout}{proc.stderr}')
            else:
                print(f'ok ({rel}): {cmd}')
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f'{len(examples) - failures} of {len(examples)} examples ran')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
