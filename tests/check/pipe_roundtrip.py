#!/usr/bin/env python3
# gst-reuse: pipesink and pipesrc with a real external program (ffmpeg), and
# proof that the pipe workflow creates no temporary files
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: pipe_roundtrip.py TOOLS_DIR
#
# 1. no-temp-files: a transcode (decode, scale, encode) whose output goes
#    through pipesink into ffmpeg, which writes the final file, runs under
#    strace -f with a private, empty TMPDIR. Every call that can create a
#    file (open/openat/creat with O_CREAT or O_TMPFILE, mkdir, mknod, link,
#    symlink, rename, memfd_create) in every process must be for the final
#    output (ORC's generated-code files, unlinked at once, aside); TMPDIR
#    must still be empty and the working directory must hold
#    exactly the input and the output afterwards; ffprobe must read every
#    frame of the output.
# 2. sink-roundtrip: raw video as y4m through pipesink into ffmpeg, which
#    encodes an MP4 that ffprobe accepts, with every frame.
# 3. src-roundtrip: ffmpeg writes a Matroska stream to its standard output,
#    pipesrc reads it, GStreamer demuxes and decodes every frame.

import os
import re
import shutil
import subprocess
import sys
import tempfile

FRAMES = 48


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def tool_env(extra=None):
    env = dict(os.environ)
    if env.get('GST_REUSE_SANITIZER_PRELOAD'):
        env['LD_PRELOAD'] = env['GST_REUSE_SANITIZER_PRELOAD']
    if extra:
        env.update(extra)
    return env


def launch(tools_dir, args, cwd, env=None, prefix=(), quiet=True):
    cmd = list(prefix) + [os.path.join(tools_dir, 'gst-launch-1.0')] + \
        (['-q'] if quiet else []) + args
    proc = subprocess.run(cmd, cwd=cwd, env=env or tool_env(),
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        fail('%s exited with %d:\n%s%s' % (' '.join(cmd), proc.returncode,
                                           proc.stdout, proc.stderr))
    return proc.stdout


def ffprobe_frames(path):
    proc = subprocess.run(['ffprobe', '-v', 'error', '-count_frames',
                           '-select_streams', 'v:0', '-show_entries',
                           'stream=nb_read_frames', '-of', 'csv=p=0', path],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        fail(f'ffprobe rejects {path}: {proc.stderr}')
    return int(proc.stdout.strip().split(',')[0])


CREATING = re.compile(
    r'^(?P<pid>\d+)\s+(?P<call>openat|open|creat|mkdir|mkdirat|mknod|'
    r'mknodat|link|linkat|symlink|symlinkat|rename|renameat|renameat2|'
    r'memfd_create)\((?P<args>.*)\)\s+=\s+(?P<ret>-?\d+)')


def created_paths(trace, cwd_of):
    """Paths that the traced processes created (or tried to)."""
    created = []
    for line in open(trace, encoding='utf-8', errors='replace'):
        m = CREATING.match(line)
        if not m:
            continue
        call, args = m.group('call'), m.group('args')
        strings = re.findall(r'"((?:[^"\\]|\\.)*)"', args)
        if call in ('open', 'openat'):
            if 'O_CREAT' not in args and 'O_TMPFILE' not in args:
                continue
            path = strings[0] if strings else '?'
        elif call == 'memfd_create':
            path = 'memfd:' + (strings[0] if strings else '?')
        elif call in ('rename', 'renameat', 'renameat2', 'link', 'linkat',
                      'symlink', 'symlinkat'):
            path = strings[-1] if strings else '?'
        else:
            path = strings[0] if strings else '?'
        if not path.startswith('/') and not path.startswith('memfd:'):
            path = os.path.join(cwd_of, path)
        created.append((call, os.path.normpath(path)))
    return created


def test_no_temp_files(tools_dir, work):
    wd = os.path.join(work, 'job')
    tmp = os.path.join(work, 'tmp')
    os.makedirs(wd)
    os.makedirs(tmp)
    launch(tools_dir, ['videotestsrc', f'num-buffers={FRAMES}', '!',
                       'video/x-raw,width=640,height=360,framerate=24/1', '!',
                       'x264enc', '!', 'mp4mux', '!', 'filesink',
                       'location=input.mp4'], wd)
    # the registry is up to date before we trace
    subprocess.run([os.path.join(tools_dir, 'gst-inspect-1.0'), 'pipesink'],
                   env=tool_env(), capture_output=True, check=True)
    before = set(os.listdir(wd))

    trace = os.path.join(work, 'trace.txt')
    output = os.path.join(wd, 'out.mkv')
    launch(tools_dir, [
        'filesrc', 'location=input.mp4', '!', 'qtdemux', '!', 'h264parse',
        '!', 'avdec_h264', '!', 'videoscale', '!',
        'video/x-raw,width=320,height=180', '!', 'x264enc', '!',
        'matroskamux', 'streamable=true', '!', 'pipesink',
        'command=ffmpeg -loglevel error -y -f matroska -i - -c copy out.mkv'],
        # LeakSanitizer cannot work under ptrace (sanitizer builds)
        wd, env=tool_env({'TMPDIR': tmp, 'ASAN_OPTIONS':
                          os.environ.get('ASAN_OPTIONS', '') +
                          ':detect_leaks=0'}),
        prefix=['strace', '-f', '-qq', '-o', trace, '-e',
                'trace=open,openat,creat,mkdir,mkdirat,mknod,mknodat,link,'
                'linkat,symlink,symlinkat,rename,renameat,renameat2,'
                'memfd_create'])

    created = created_paths(trace, wd)
    # ORC (videoscale's SIMD code) writes the machine code it generates to
    # a file that it maps and unlinks at once (orcexec.XXXXXX): code, not
    # data, the same in any workflow; it must be gone again
    orc = [p for c, p in created if os.path.basename(p).startswith('orcexec.')]
    for p in orc:
        if os.path.exists(p):
            fail(f'ORC left {p} behind')
    unexpected = [(c, p) for c, p in created if p != output and p not in orc]
    if unexpected:
        fail('files created besides the output:\n' +
             '\n'.join(f'  {c}: {p}' for c, p in unexpected))
    if not created:
        fail('strace saw no file being created at all: the check is blind')
    if os.listdir(tmp):
        fail(f'TMPDIR is not empty: {os.listdir(tmp)}')
    after = set(os.listdir(wd))
    if after - before != {'out.mkv'} or before - after:
        fail(f'working directory changed: {sorted(before)} -> '
             f'{sorted(after)}')
    frames = ffprobe_frames(output)
    if frames != FRAMES:
        fail(f'out.mkv has {frames} frames, not {FRAMES}')
    print(f'ok: no-temp-files: {len(created) - len(orc)} file-creating '
          f'call(s), all for out.mkv ({os.path.getsize(output)} bytes, '
          f'{frames} frames), besides {len(orc)} ORC code file(s) unlinked '
          'at once; TMPDIR empty')


def test_sink_roundtrip(tools_dir, work):
    wd = os.path.join(work, 'sink')
    os.makedirs(wd)
    launch(tools_dir, [
        'videotestsrc', f'num-buffers={FRAMES}', '!',
        'video/x-raw,format=I420,width=320,height=240,framerate=24/1', '!',
        'y4menc', '!', 'pipesink',
        'command=ffmpeg -loglevel error -y -f yuv4mpegpipe -i - '
        '-c:v libx264 -preset ultrafast out.mp4'], wd)
    frames = ffprobe_frames(os.path.join(wd, 'out.mp4'))
    if frames != FRAMES:
        fail(f'ffmpeg encoded {frames} frames, not {FRAMES}')
    print(f'ok: sink-roundtrip: ffmpeg encoded all {frames} frames to MP4')


def test_src_roundtrip(tools_dir, work):
    wd = os.path.join(work, 'src')
    os.makedirs(wd)
    out = launch(tools_dir, [
        '-v', 'pipesrc',
        f'command=ffmpeg -loglevel error -f lavfi -i '
        f'testsrc=size=320x240:rate=24 -frames:v {FRAMES} -c:v libx264 '
        f'-preset ultrafast -f matroska -',
        '!', 'matroskademux', '!', 'h264parse', '!', 'avdec_h264', '!',
        'fakesink', 'name=frames', 'silent=false'], wd, quiet=False)
    frames = len(re.findall(r'frames: last-message = chain', out))
    if frames != FRAMES:
        fail(f'decoded {frames} frames from ffmpeg, not {FRAMES}')
    print(f'ok: src-roundtrip: decoded all {frames} frames that ffmpeg wrote')


def main():
    tools_dir = sys.argv[1]
    for tool in ('ffmpeg', 'ffprobe', 'strace'):
        if not shutil.which(tool):
            fail(f'{tool} is missing: run scripts/deps')
    work = tempfile.mkdtemp(prefix='gst-reuse-pipe-')
    try:
        test_no_temp_files(tools_dir, work)
        test_sink_roundtrip(tools_dir, work)
        test_src_roundtrip(tools_dir, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
