# gst-reuse: scripts/bench cache-remote: cachebin's remote tier on loopback
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The scenario starts its own nginx (WebDAV PUT and DELETE) on a free
# loopback port in the benchmark's data directory, as its own process, and
# stops it by pid when the benchmarks end. Every variant runs the same
# transcode line (CacheScenario.CHAIN) as a whole gst-launch-1.0 process:
#
#   remote hit          a host whose local cache lacks the entry: GET,
#                       verify, install, replay
#   curl + local hit    curl fetches the same entry file from the same
#                       server into the local cache, then a local hit
#   no cachebin         the transcode
#   miss, server down   a miss with a backend that refuses connections
#   miss + upload       a miss whose result is uploaded (the server's copy
#                       is removed before each run)
#   cachebin miss       a miss without remote storage

import atexit
import os
import signal
import socket
import subprocess
import time


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_nginx(top):
    for d in ('data', 'up', 'tmp', 'logs'):
        os.makedirs(os.path.join(top, d), exist_ok=True)
    port = free_port()
    temps = ''.join(f'  {t}_temp_path {top}/tmp/{t};\n'
                    for t in ('client_body', 'proxy', 'fastcgi', 'uwsgi',
                              'scgi'))
    dav = ('dav_methods PUT DELETE; create_full_put_path on; '
           'client_max_body_size 0;')
    user = 'user root root;\n' if os.geteuid() == 0 else ''
    conf = os.path.join(top, 'nginx.conf')
    with open(conf, 'w') as f:
        f.write(f'{user}daemon off;\nworker_processes 1;\n'
                f'pid {top}/nginx.pid;\nerror_log {top}/logs/error.log;\n'
                'events { worker_connections 64; }\nhttp {\n'
                '  access_log off;\n' + temps +
                f'  server {{\n    listen 127.0.0.1:{port};\n'
                f'    location /cache/ {{ alias {top}/data/; {dav} }}\n'
                f'    location /up/ {{ alias {top}/up/; {dav} }}\n'
                '  }\n}\n')
    nginx = 'nginx' if os.path.exists('/usr/bin/nginx') else '/usr/sbin/nginx'
    proc = subprocess.Popen([nginx, '-e', f'{top}/logs/error.log', '-p',
                             top, '-c', conf],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)

    def stop():
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait()
    atexit.register(stop)
    for _ in range(500):
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close()
            return port
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.02)
    raise RuntimeError('cache-remote: nginx did not start')


def scenario(CacheScenario, Variant):
    class CacheRemote(CacheScenario):
        def __init__(self):
            super().__init__(
                'cache-remote',
                'cachebin remote tier (nginx WebDAV on loopback): a remote '
                'hit with the entry missing from the local cache, against '
                'the transcode and against curl fetching the entry plus a '
                'local hit; a miss with the server down, and a miss that '
                'uploads, against the transcode; whole processes',
                ['no cachebin', 'curl + local hit', 'cachebin miss'],
                'remote hit at most 1.3x the time of curl + local hit; miss '
                'with the server down at most 1.05x the transcode; the '
                'upload at most 3 % of the transcode')
            self.compare = [
                ('remote hit', ['curl + local hit'], 1 / 1.3),
                ('remote hit', ['no cachebin'], None),
                ('miss, server down', ['no cachebin'], 1 / 1.05),
                ('miss + upload', ['no cachebin'], 0.97),
                ('miss + upload', ['cachebin miss'], None)]

        def rline(self, src, out, cache_dir, remote):
            return (f'gst-launch-1.0 -q filesrc location={src} ! cachebin '
                    f'cache-dir={cache_dir} \'remote-storage="{remote}"\' '
                    f'description="{self.CHAIN}" ! filesink location={out}')

        def prepare(self, ctx):
            super().prepare(ctx)
            w = self.work
            self.server = os.path.join(w, 'server')
            # a server and hosts of this run only
            subprocess.run(['rm', '-rf', self.server, f'{w}/a', f'{w}/b',
                            f'{w}/c'], check=True)
            port = start_nginx(self.server)
            self.url = f'http://127.0.0.1:{port}/cache/'
            self.up = f'http://127.0.0.1:{port}/up/'
            self.dead = f'http://127.0.0.1:{free_port()}/cache/'
            # host A fills the server; B and C get an index and the entry
            for host in ('a', 'b'):
                subprocess.run(['sh', '-c', self.rline(
                    self.input, f'{w}/{host}.mp4', f'{w}/{host}', self.url)],
                    check=True, env=ctx.env)
            subprocess.run(['sh', '-c', self.rline(
                self.input, f'{w}/c.mp4', f'{w}/c', '')], check=True,
                env=ctx.env)
            keys = [n for _, _, names in os.walk(f'{self.server}/data')
                    for n in names]
            if len(keys) != 1:
                raise RuntimeError(f'cache-remote: server holds {keys}')
            self.key = keys[0]

        def variants(self, ctx):
            w = self.work
            k = self.key
            entry = f'entries/{k[:2]}/{k}.gstcache'
            return [
                self.job('remote hit',
                         self.rline(self.input, f'{w}/hit.mp4', f'{w}/b',
                                    self.url), f'{w}/hit.mp4',
                         before=f'rm -f {w}/b/{entry} && '),
                self.job('curl + local hit',
                         self.rline(self.input, f'{w}/local.mp4', f'{w}/c',
                                    ''), f'{w}/local.mp4',
                         before=f'curl -sf -o {w}/c/{entry} '
                         f'{self.url}{k[:2]}/{k} && '),
                self.job('no cachebin', self.line(self.input,
                                                  f'{w}/run.mp4'),
                         f'{w}/run.mp4'),
                self.job('miss, server down',
                         self.rline(self.input, f'{w}/down.mp4', f'{w}/d',
                                    self.dead), f'{w}/down.mp4',
                         before=f'rm -rf {w}/d && '),
                self.job('miss + upload',
                         self.rline(self.input, f'{w}/up.mp4', f'{w}/e',
                                    self.up), f'{w}/up.mp4',
                         before=f'rm -rf {w}/e {self.server}/up/{k[:2]} && '),
                self.job('cachebin miss',
                         self.rline(self.input, f'{w}/miss.mp4', f'{w}/f',
                                    ''), f'{w}/miss.mp4',
                         before=f'rm -rf {w}/f && '),
            ]

        def verdict(self, results):
            res = {r['variant']: r for r in results}
            hit = res['remote hit']['ratios']
            return [f"Remote hit: {hit['no cachebin']:.1f}x as fast as the "
                    f"transcode; {1 / hit['curl + local hit']:.2f}x the time "
                    "of curl + local hit. Miss, server down: "
                    f"{1 / res['miss, server down']['ratios']['no cachebin']:.3f}x"
                    " the transcode's time; miss + upload: "
                    f"{1 / res['miss + upload']['ratios']['no cachebin']:.3f}x."]

    return [CacheRemote()]
