# gst-reuse: the batch scenarios of scripts/bench
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""gst-reuse-batch against what services run today for a batch of videos:
a shell loop over gst-launch-1.0 (stock elements: filesrc, no cache), the
same under xargs -P, an ffmpeg loop and ffmpeg under xargs -P, all making
the same outputs (same sizes, same number of frames; not the same bytes:
libjpeg and x264 settings differ between GStreamer and ffmpeg).

Parallelism is equal: gst-reuse-batch runs -j P pipelines, xargs -P P
processes, with one decoder and encoder thread each (P threads in all, P =
the number of cores); the sequential loops use the tools' default thread
counts (as many as cores), as their documentation advises.

Four scenarios: thumbnails (40 distinct 2-second 1080p H.264 clips to
320x180 JPEGs) and transcodes (20 clips to 640x360 H.264 MP4), each also
with 25 % repeated inputs (the same batch size, a quarter of it inputs seen
earlier in the batch), where gst-reuse-batch puts cachebin in its template
with an empty cache at the start of every run. Every run's outputs are
checked: every output present, with the right size (JPEG headers read here;
MP4s through ffprobe: size and frame count).
"""

import os
import shlex
import struct
import subprocess


def jpeg_size(path):
    """(width, height) from a JPEG's SOF marker"""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] != b'\xff\xd8':
        raise RuntimeError(f'{path}: not a JPEG')
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xff:
            raise RuntimeError(f'{path}: bad JPEG marker')
        marker = data[i + 1]
        length = struct.unpack('>H', data[i + 2:i + 4])[0]
        if marker in (0xc0, 0xc1, 0xc2):
            h, w = struct.unpack('>HH', data[i + 5:i + 9])
            return w, h
        i += 2 + length
    raise RuntimeError(f'{path}: no frame header')


def scenarios(Scenario, Variant):
    class BatchScenario(Scenario):
        def __init__(self, name, title, kind, count, repeats, goal):
            super().__init__(name, title, [
                'gst-launch-1.0 loop', 'gst-launch-1.0 xargs -P',
                'ffmpeg loop', 'ffmpeg xargs -P'], goal)
            self.kind, self.count, self.repeats = kind, count, repeats

        def prepare(self, ctx):
            self.jobs = os.cpu_count() or 2
            if ctx.quick:
                n, frames, w, h = 4 if self.kind == 'thumb' else 2, 10, \
                    640, 360
            else:
                n, frames, w, h = self.count, 60, 1920, 1080
            self.frames = frames
            src = os.path.join(ctx.data_dir, f'batch-{w}x{h}-{frames}')
            os.makedirs(src, exist_ok=True)
            clips = []
            for i in range(n):
                path = os.path.join(src, f'clip{i:02d}.mp4')
                if not os.path.exists(path):
                    # distinct pictures: a ball of another colour each
                    colour = 0xff000000 | ((i * 0x3f1d29) & 0xffffff)
                    subprocess.run(
                        ['gst-launch-1.0', '-q', 'videotestsrc',
                         'pattern=ball', f'foreground-color={colour}',
                         f'num-buffers={frames}', '!',
                         f'video/x-raw,format=I420,width={w},height={h},'
                         'framerate=30/1', '!', 'x264enc',
                         'speed-preset=veryfast', 'bitrate=8000', '!',
                         'mp4mux', '!', 'filesink',
                         f'location={path}.tmp'], check=True, env=ctx.env)
                    os.rename(path + '.tmp', path)
                clips.append(path)
            if self.repeats:
                # the same batch size, a quarter of it seen before
                distinct = n - n // 4
                self.inputs = clips[:distinct] + clips[:n // 4]
            else:
                self.inputs = clips
            self.work = os.path.join(ctx.data_dir, self.name)
            os.makedirs(self.work, exist_ok=True)
            self.list = os.path.join(self.work, 'inputs.txt')
            with open(self.list, 'w') as f:
                f.write(''.join(p + '\n' for p in self.inputs))
            self.size = 0

        # the job for one input, as a gst-launch-1.0 description and as
        # ffmpeg arguments, with IN and OUT for the paths
        def gst_chain(self, threads):
            if self.kind == 'thumb':
                return (f'qtdemux ! h264parse ! avdec_h264 '
                        f'max-threads={threads} ! videoscale ! videoconvert '
                        '! video/x-raw,width=320,height=180 ! jpegenc '
                        'snapshot=true')
            return (f'qtdemux ! h264parse ! avdec_h264 max-threads={threads} '
                    '! videoscale ! video/x-raw,width=640,height=360 ! '
                    f'x264enc speed-preset=veryfast threads={threads} ! '
                    'mp4mux')

        def ext(self):
            return 'jpg' if self.kind == 'thumb' else 'mp4'

        def ffmpeg_args(self, threads):
            t = str(threads)
            if self.kind == 'thumb':
                return ['-threads', t, '-i', 'IN', '-frames:v', '1', '-vf',
                        'scale=320:180', '-threads', t, 'OUT']
            # x264enc's default rate (2048 kbit/s) for ffmpeg's libx264 too
            return ['-threads', t, '-i', 'IN', '-vf', 'scale=640:360',
                    '-c:v', 'libx264', '-preset', 'veryfast', '-b:v',
                    '2048k', '-threads', t, '-an', 'OUT']

        def variants(self, ctx):
            ext, j = self.ext(), self.jobs
            batch = os.path.join(ctx.build_dir, 'tools', 'gst-reuse-batch')

            def outdir(label):
                d = os.path.join(self.work, label.replace(' ', '-'))
                return d

            def fresh(d):
                return f'rm -rf {shlex.quote(d)} && mkdir -p {shlex.quote(d)}'

            # gst-reuse-batch: -j P, one thread per decoder and encoder
            ob = outdir('batch')
            chain = self.gst_chain(1)
            before = fresh(ob)
            if self.repeats:
                cache = os.path.join(self.work, 'cache')
                src = (f'filesrc location={{input}} ! cachebin '
                       f'cache-dir={cache} description="{chain}"')
                before += f' && rm -rf {shlex.quote(cache)}'
            else:
                src = f'filesrc location={{input}} ! {chain}'
            tmpl = f'{src} ! filesink location={{outdir}}/{{stem}}.{ext}'
            batch_cmd = (f'{before} && {shlex.quote(batch)} -q -j {j} '
                         f'-o {shlex.quote(ob)} --from {self.list} '
                         f'{shlex.quote(tmpl)} && echo {ob}')

            # the anchors: one process per input; sh with the input in $1
            # and the output named as the batch names it
            def gst_job(threads, d):
                return ('gst-launch-1.0 -q filesrc location="$1" ! '
                        f'{self.gst_chain(threads)} ! filesink '
                        f'location="{d}/$(s=${{1##*/}}; echo ${{s%.*}}).{ext}"')

            def ffmpeg_job(threads, d):
                args = ' '.join(
                    '"$1"' if a == 'IN' else
                    f'"{d}/$(s=${{1##*/}}; echo ${{s%.*}}).{ext}"'
                    if a == 'OUT' else shlex.quote(a)
                    for a in self.ffmpeg_args(threads))
                return f'ffmpeg -v error -nostdin -y {args}'

            def loop(job, d):
                return (f'{fresh(d)} && while IFS= read -r f; do '
                        f'set -- "$f"; {job} || exit 1; done < {self.list} '
                        f'&& echo {d}')

            def xargs(job, d):
                return (f'{fresh(d)} && xargs -d "\\n" -n 1 -P {j} '
                        f'sh -c {shlex.quote(job)} sh < {self.list} '
                        f'&& echo {d}')

            ol, ox = outdir('gst loop'), outdir('gst xargs')
            fl, fx = outdir('ffmpeg loop'), outdir('ffmpeg xargs')
            extra = []
            if self.repeats:
                # what cachebin brings: the same batch without it
                on = outdir('batch no cache')
                plain = (f'filesrc location={{input}} ! {chain} ! filesink '
                         f'location={{outdir}}/{{stem}}.{ext}')
                extra = [Variant(
                    f'gst-reuse-batch -j {j}, no cachebin',
                    ['sh', '-c', f'{fresh(on)} && {shlex.quote(batch)} -q '
                     f'-j {j} -o {shlex.quote(on)} --from {self.list} '
                     f'{shlex.quote(plain)} && echo {on}'])]
            return [
                Variant(f'gst-reuse-batch -j {j}' +
                        (' + cachebin' if self.repeats else ''),
                        ['sh', '-c', batch_cmd])] + extra + [
                Variant('gst-launch-1.0 loop',
                        ['sh', '-c', loop(gst_job(0, ol), ol)]),
                Variant('gst-launch-1.0 xargs -P',
                        ['sh', '-c', xargs(gst_job(1, ox), ox)]),
                Variant('ffmpeg loop',
                        ['sh', '-c', loop(ffmpeg_job(0, fl), fl)]),
                Variant('ffmpeg xargs -P',
                        ['sh', '-c', xargs(ffmpeg_job(1, fx), fx)]),
            ]

        def output_key(self, stdout):
            d = stdout.strip().splitlines()[-1]
            names = sorted(os.listdir(d))
            want = sorted({os.path.splitext(os.path.basename(p))[0] + '.' +
                           self.ext() for p in self.inputs})
            if names != want:
                raise RuntimeError(f'{self.name}: {d} holds {names}, not '
                                   f'{want}')
            for n in names:
                path = os.path.join(d, n)
                if self.kind == 'thumb':
                    size = jpeg_size(path)
                    if size != (320, 180):
                        raise RuntimeError(f'{path}: {size}, not 320x180')
                    continue
                probe = subprocess.run(
                    ['ffprobe', '-v', 'error', '-select_streams', 'v:0',
                     '-count_packets', '-show_entries',
                     'stream=width,height,nb_read_packets', '-of',
                     'csv=p=0', path], check=True, capture_output=True,
                    text=True).stdout.strip()
                if probe != f'640,360,{self.frames}':
                    raise RuntimeError(f'{path}: {probe}, not '
                                       f'640,360,{self.frames}')
            return f'{len(names)} x {self.ext()}'

        def verdict(self, results):
            res = {r['variant']: r for r in results}
            ours = results[0]
            best = min(self.anchors, key=lambda a: res[a]['wall'])
            out = [f"gst-reuse-batch: {ours['wall']:.2f} s; the fastest "
                   f"anchor, {best}: {res[best]['wall']:.2f} s; "
                   f"{ours['ratios'][best]:.2f}x its speed (goal: "
                   f"{self.goal})."]
            if self.repeats:
                plain = results[1]
                out.append(f"Without cachebin: {plain['wall']:.2f} s, "
                           f"{plain['ratios'][best]:.2f}x {best}'s speed; "
                           "cachebin's part: "
                           f"{plain['wall'] / ours['wall']:.2f}x (ratio of "
                           "the medians).")
            return out

    return [
        BatchScenario('batch-thumbnails',
                      'Thumbnails: 40 distinct 2-second 1080p H.264 clips '
                      'to 320x180 JPEGs (the first frame)', 'thumb', 40,
                      False, '>= 1.5x the fastest anchor'),
        BatchScenario('batch-thumbnails-repeats',
                      'Thumbnails, 40 inputs of which 10 were seen earlier '
                      'in the batch; gst-reuse-batch with cachebin (empty '
                      'cache at each run)', 'thumb', 40, True,
                      '>= 2x the fastest anchor'),
        BatchScenario('batch-transcode',
                      'Transcode: 20 distinct 2-second 1080p H.264 clips to '
                      '640x360 H.264 MP4 (x264 veryfast, 2 Mbit/s)',
                      'transcode', 20, False, '>= 1.2x the fastest anchor'),
        BatchScenario('batch-transcode-repeats',
                      'Transcode, 20 inputs of which 5 were seen earlier in '
                      'the batch; gst-reuse-batch with cachebin (empty cache '
                      'at each run)', 'transcode', 20, True,
                      '>= 2x the fastest anchor'),
    ]
