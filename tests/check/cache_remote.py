#!/usr/bin/env python3
# gst-reuse: cachebin's remote tier against real servers
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: cache_remote.py TOOLS_DIR GST_CACHE
#
# The test starts its own nginx (WebDAV PUT and DELETE) and redis-server on
# free loopback ports, in a temporary directory, as its own processes, and
# stops them by pid; it never touches system services. Two "hosts" are two
# local cache directories.
#
# 1. share: host A misses and uploads; host B, with an empty local cache,
#    gets result=hit source=remote and A's exact output without running the
#    chain (its identity posts no last-message); B's next run is a local
#    hit. With nginx (layout=subdirs and layout=bazel) and Redis (over TCP
#    with a password, and over a Unix socket).
# 2. failures, each ending with the exact output, a warning on the bus and
#    the right counter: connection refused; a server that accepts and never
#    answers (bounded by the timeouts, and not asked again in the same
#    process); HTTP 500; a body cut short of its Content-Length; a
#    Content-Length shorter than the entry; an entry truncated on the
#    server; a flipped bit (removed from the server); an entry stored under
#    another key; an entry above max-entry-size; a read-only backend is
#    never written (the access log has no PUT).
# 3. signing: an entry written with another key, or with none, is never
#    replayed by a reader with a key; the same key is.
# 4. secrets (bearer token, Redis password, signing key) appear in no
#    output, message, log or statistic; gst-cache --show-stats shows the
#    backends; --check-remote passes on a live backend and fails (exit 1)
#    on a dead one.

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

from cachetest import check, fail, free_port, read_head, wait_port

MSG = re.compile(r'cachebin, result=\(string\)(\w+), key=\(string\)(\w*),'
                 r'.*?;')


def stop(proc):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


class Nginx:
    """a private nginx: /cache/ and /bazel/ are WebDAV directories; @extra:
    more of its server block ({dir} is its directory, {port} its port)"""

    def __init__(self, top, extra=''):
        self.dir = os.path.join(top, 'nginx')
        for d in ('data', 'bazel', 'tmp', 'logs'):
            os.makedirs(os.path.join(self.dir, d))
        self.port = free_port()
        self.access = os.path.join(self.dir, 'logs', 'access.log')
        temps = ''.join(f'  {t}_temp_path {self.dir}/tmp/{t};\n'
                        for t in ('client_body', 'proxy', 'fastcgi',
                                  'uwsgi', 'scgi'))
        dav = ('dav_methods PUT DELETE; create_full_put_path on; '
               'dav_access user:rw; client_max_body_size 0;')
        user = 'user root root;\n' if os.geteuid() == 0 else ''
        conf = (f'{user}daemon off;\nworker_processes 1;\n'
                f'pid {self.dir}/nginx.pid;\n'
                f'error_log {self.dir}/logs/error.log;\n'
                'events { worker_connections 64; }\n'
                'http {\n'
                f'  access_log {self.access};\n{temps}'
                '  server {\n'
                f'    listen 127.0.0.1:{self.port};\n'
                f'    location /cache/ {{ alias {self.dir}/data/; {dav} }}\n'
                f'    location /bazel/ {{ alias {self.dir}/bazel/; {dav} }}\n'
                + extra.format(dir=self.dir, port=self.port) +
                '  }\n}\n')
        self.conf = os.path.join(self.dir, 'nginx.conf')
        with open(self.conf, 'w') as f:
            f.write(conf)
        self.proc = subprocess.Popen(
            ['nginx', '-e', os.path.join(self.dir, 'logs', 'error.log'),
             '-p', self.dir, '-c', self.conf],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc, 'nginx')

    def url(self, path='cache/'):
        return f'http://127.0.0.1:{self.port}/{path}'

    def log(self):
        with open(self.access) as f:
            return f.read()

    def files(self, sub='data'):
        out = []
        for root, _, names in os.walk(os.path.join(self.dir, sub)):
            out += [os.path.join(root, n) for n in names]
        return sorted(out)

    def wipe(self):
        for sub in ('data', 'bazel'):
            shutil.rmtree(os.path.join(self.dir, sub))
            os.makedirs(os.path.join(self.dir, sub))


class Redis:
    def __init__(self, top, password=None):
        self.dir = tempfile.mkdtemp(prefix='redis-', dir=top)
        self.port = free_port()
        self.socket = os.path.join(self.dir, 'redis.sock')
        args = ['redis-server', '--port', str(self.port), '--bind',
                '127.0.0.1', '--unixsocket', self.socket, '--unixsocketperm',
                '700', '--save', '', '--appendonly', 'no', '--dir', self.dir,
                '--logfile', os.path.join(self.dir, 'redis.log')]
        if password:
            args += ['--requirepass', password]
        self.password = password
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc, 'redis-server')

    def cli(self, *args):
        cmd = ['redis-cli', '-p', str(self.port)]
        env = dict(os.environ)
        if self.password:
            env['REDISCLI_AUTH'] = self.password
        return subprocess.run(cmd + list(args), capture_output=True,
                              env=env, timeout=30).stdout


class Stall:
    """accepts connections and never answers"""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)


class Liar:
    """an HTTP server that answers GET and HEAD of any path with @body, in
    one of these ways: 500, cut (Content-Length of the whole, half of it
    sent, then the connection closed), short (a Content-Length 100 bytes
    less than the body, and that many bytes), redirect (302 to the URL in
    @body)"""

    def __init__(self, body, mode):
        self.body = body
        self.mode = mode
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.requests = []
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(c,),
                             daemon=True).start()

    def serve(self, c):
        data = read_head(c)
        if data is None:
            return
        line = data.split(b'\r\n')[0].decode()
        self.requests.append(data.decode(errors='replace'))
        body = self.body
        if self.mode == '500':
            c.sendall(b'HTTP/1.1 500 Internal Server Error\r\n'
                      b'Content-Length: 0\r\nConnection: close\r\n\r\n')
        elif self.mode == 'redirect':
            # to another host that has the entry
            c.sendall(b'HTTP/1.1 302 Found\r\nLocation: %s\r\n'
                      b'Content-Length: 0\r\nConnection: close\r\n\r\n'
                      % self.body)
        elif self.mode == 'cut':
            c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n'
                      b'Connection: close\r\n\r\n' % len(body))
            if not line.startswith('HEAD'):
                c.sendall(body[:len(body) // 2])
        elif self.mode == 'short':
            n = len(body) - 100
            c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n'
                      b'Connection: close\r\n\r\n' % n)
            if not line.startswith('HEAD'):
                c.sendall(body[:n])
        c.close()


class Ctx:
    def __init__(self, tools_dir, gst_cache, work):
        self.launch = os.path.join(tools_dir, 'gst-launch-1.0')
        self.gst_cache = gst_cache
        self.work = work
        self.env = dict(os.environ)
        if self.env.get('GST_REUSE_SANITIZER_PRELOAD'):
            self.env['LD_PRELOAD'] = self.env['GST_REUSE_SANITIZER_PRELOAD']
        self.outputs = []       # everything the runs printed, for secrets
        self.n = 0
        self.lock = threading.Lock()

    def run(self, cache, src, remote=None, debug=False, branches=1,
            fsize=None):
        """a cachebin pipeline (or @branches independent ones in one
        process, on src, src.1, ...); returns the messages, gst-launch's
        output, the output files and whether the chain ran. @fsize: files
        the process writes stop at that size (RLIMIT_FSIZE, as on a full
        disk); the output then goes through a pipe"""
        args = [self.launch, '-m', '-v']
        outs = []
        pipe = None
        for b in range(branches):
            with self.lock:
                self.n += 1
                out = os.path.join(self.work, f'out-{self.n}')
            outs.append(out)
            s = src if b == 0 else f'{src}.{b}'
            args += ['filesrc', f'location={s}', 'blocksize=16384', '!',
                     'cachebin', f'cache-dir={cache}']
            if remote is not None:
                args.append(f'remote-storage="{remote}"')
            args += ['description="identity silent=false"', '!']
            if fsize is None:
                args += ['filesink', f'location={out}']
            else:
                pipe = os.pipe()
                args += ['fdsink', f'fd={pipe[1]}']
        env = dict(self.env)
        if debug:
            env['GST_DEBUG'] = '*cache*:7'

        def limit():
            import resource
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

        reader = None
        if pipe:
            got = []

            def drain():
                with os.fdopen(pipe[0], 'rb') as f:
                    got.append(f.read())
            reader = threading.Thread(target=drain)
            reader.start()
        proc = subprocess.run(args, env=env, capture_output=True,
                              text=True, timeout=300,
                              pass_fds=(pipe[1],) if pipe else (),
                              preexec_fn=limit if fsize else None)
        if pipe:
            os.close(pipe[1])
            reader.join()
            with open(outs[0], 'wb') as f:
                f.write(got[0])
        self.outputs.append(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            fail(f'pipeline failed ({proc.returncode}):\n{proc.stdout}'
                 f'{proc.stderr}')
        msgs = []
        for m in MSG.finditer(proc.stdout):
            fields = dict(re.findall(r'([\w-]+)=\([\w]+\)"?([^,;"]*)"?',
                                     m.group(0)))
            msgs.append(fields)
        check(len(msgs) == branches, f'expected {branches} cachebin '
              f'messages:\n{proc.stdout}')
        warnings = [ln for ln in proc.stdout.splitlines()
                    if ln.startswith('WARNING: from element')
                    or 'Remote storage' in ln]
        ran = 'last-message' in proc.stdout
        return msgs, proc.stdout, outs, ran

    def tool(self, cache, *args, expect=0):
        proc = subprocess.run([self.gst_cache, '--dir', cache] + list(args),
                              capture_output=True, text=True, timeout=300,
                              env=self.env)
        self.outputs.append(proc.stdout + proc.stderr)
        if expect is not None and proc.returncode != expect:
            fail(f'gst-cache {" ".join(args)} exited with '
                 f'{proc.returncode}, not {expect}:\n{proc.stdout}'
                 f'{proc.stderr}')
        return proc

    def counters(self, cache):
        proc = self.tool(cache, '--show-stats', '--json')
        return json.loads(proc.stdout)['counters']


def make_input(path, size, seed):
    rnd = random.Random(seed)
    with open(path, 'wb') as f:
        f.write(bytes(rnd.getrandbits(8) for _ in range(size)))


def read(path):
    with open(path, 'rb') as f:
        return f.read()


class Test:
    def __init__(self, ctx, top):
        self.ctx = ctx
        self.top = top
        self.seq = 0

    def caches(self):
        self.seq += 1
        a = os.path.join(self.top, f'host-a-{self.seq}')
        b = os.path.join(self.top, f'host-b-{self.seq}')
        return a, b

    def new_input(self, size=300000):
        self.seq += 1
        path = os.path.join(self.top, f'in-{self.seq}')
        make_input(path, size, self.seq)
        return path

    def miss_upload(self, cache, src, remote):
        msgs, out, outs, ran = self.ctx.run(cache, src, remote)
        m = msgs[0]
        check(m['result'] == 'miss' and m.get('stored') == 'true',
              f'host A: expected a stored miss, got {m}\n{out}')
        check(ran, 'host A: the chain did not run on a miss')
        check(read(outs[0]) == read(src), 'host A: wrong output')
        return m['key']

    def expect_remote_hit(self, cache, src, remote, key):
        msgs, out, outs, ran = self.ctx.run(cache, src, remote)
        m = msgs[0]
        check(m['result'] == 'hit' and m.get('source') == 'remote',
              f'host B: expected a remote hit, got {m}\n{out}')
        check(m['key'] == key, 'host B: another key')
        check('remote-time' in m and m.get('remote'), f'no remote fields: {m}')
        check(not ran, 'host B: the chain ran on a remote hit')
        check(read(outs[0]) == read(src), 'host B: output differs')
        check('WARNING' not in out, f'host B: unexpected warning:\n{out}')
        msgs, out, outs, ran = self.ctx.run(cache, src, remote)
        m = msgs[0]
        check(m['result'] == 'hit' and m.get('source') == 'local',
              f'host B again: expected a local hit, got {m}')
        check(read(outs[0]) == read(src), 'host B again: output differs')
        return m

    def expect_fallback(self, cache, src, remote, warning, counter,
                        value=1):
        """the remote fails: a warning, the chain runs, the exact output,
        and @counter is @value"""
        msgs, out, outs, ran = self.ctx.run(cache, src, remote)
        m = msgs[0]
        check(m['result'] == 'miss', f'expected a miss, got {m}\n{out}')
        check(ran, 'the chain did not run')
        check(read(outs[0]) == read(src), 'wrong output after a remote '
              'failure')
        check('WARNING: from element' in out and warning in out,
              f'no warning "{warning}" on the bus:\n{out}')
        c = self.ctx.counters(cache)
        check(c.get(counter) == value, f'{counter} is {c.get(counter)}, '
              f'not {value}: {c}')
        return m, c

    # 1. two hosts share one server
    def share(self, nginx, redis, redis_unix):
        for name, remote in (
                ('nginx', nginx.url()),
                ('nginx bazel', nginx.url('bazel/') + '|layout=bazel'),
                ('redis', f'redis://:{redis.password}@127.0.0.1:'
                 f'{redis.port}/0'),
                ('redis unix', f'redis+unix:{redis_unix.socket}')):
            a, b = self.caches()
            src = self.new_input()
            key = self.miss_upload(a, src, remote)
            ca = self.ctx.counters(a)
            check(ca.get('remote-uploads') == 1 and
                  ca.get('remote-misses') == 1, f'{name}: A counters {ca}')
            self.expect_remote_hit(b, src, remote, key)
            cb = self.ctx.counters(b)
            check(cb.get('remote-hits') == 1 and cb.get('hits') == 2 and
                  cb.get('remote-uploads') is None,
                  f'{name}: B counters {cb}')
            check(cb.get('remote-bytes-down', 0) > len(read(src)),
                  f'{name}: bytes down {cb}')
            if name == 'nginx bazel':
                check(any(f'/bazel/ac/{key}' in ln
                          for ln in nginx.log().splitlines()),
                      'bazel layout: no /ac/ request')
                check(os.path.exists(os.path.join(nginx.dir, 'bazel', 'ac',
                                                  key)), 'no ac/KEY file')
            if name == 'nginx':
                check(os.path.exists(os.path.join(nginx.dir, 'data',
                                                  key[:2], key)),
                      'subdirs layout: no XX/KEY file')
            print(f'share {name}: A uploaded, B remote hit then local hit')

    def server_file(self, nginx, key):
        return os.path.join(nginx.dir, 'data', key[:2], key)

    # 2. failures
    def failures(self, nginx):
        # connection refused
        a, _ = self.caches()
        src = self.new_input()
        dead = f'http://127.0.0.1:{free_port()}/cache/'
        self.expect_fallback(a, src, dead, 'not used again',
                             'remote-errors-connect')
        print('refused: warning, chain ran, remote-errors-connect=1')

        # a stalling server, two lookups in one process: asked once
        stall = Stall()
        a, _ = self.caches()
        src = self.new_input()
        shutil.copy(src, src + '.1')
        remote = (f'http://127.0.0.1:{stall.port}/cache/'
                  '|connect-timeout=1000|operation-timeout=500')
        msgs, out, outs, ran = self.ctx.run(a, src, remote, branches=2)
        check(all(m['result'] == 'miss' for m in msgs), f'stall: {msgs}')
        check(all(read(o) == read(src) for o in outs), 'stall: outputs')
        check('timeout' in out and 'not used again' in out,
              f'stall: no timeout warning:\n{out}')
        c = self.ctx.counters(a)
        check(c.get('remote-errors-timeout') == 1 and
              c.get('remote-skipped') == 1 and
              c.get('remote-uploads') is None, f'stall counters: {c}')
        check(len(stall.conns) == 1, f'stall: {len(stall.conns)} '
              'connections, not 1')
        stall.sock.close()
        print('stall: one timeout, then skipped in the same process, '
              'one connection')

        # an entry on nginx to lie with
        a, _ = self.caches()
        src = self.new_input()
        key = self.miss_upload(a, src, nginx.url())
        entry = read(self.server_file(nginx, key))
        # a redirect to a server that has the entry is not followed; the
        # bearer token goes to the configured server only, in a header
        token = os.path.join(self.top, 'token-redirect')
        with open(token, 'w') as f:
            f.write('token-Redirect-5521\n')
        liar = Liar(self.server_file(nginx, key).replace(
            os.path.join(nginx.dir, 'data'), nginx.url()[:-1]).encode(),
            'redirect')
        _, b = self.caches()
        gets = nginx.log().count('"GET ')
        self.expect_fallback(b, src, f'http://127.0.0.1:{liar.port}/cache/'
                             f'|read-only|bearer-token-file={token}',
                             'HTTP status 302', 'remote-errors-status')
        check(nginx.log().count('"GET ') == gets, 'the redirect was followed')
        check(len(liar.requests) == 1 and 'Authorization: Bearer '
              'token-Redirect-5521\r\n' in liar.requests[0],
              f'the bearer token was not sent: {liar.requests}')
        liar.sock.close()
        print('redirect: not followed (nginx saw no GET), warning, '
              'remote-errors-status=1; the bearer token sent in a header')
        for mode, warning, counter in (
                ('500', 'HTTP status 500', 'remote-errors-status'),
                ('cut', 'not used again', 'remote-errors-protocol'),
                ('short', 'damaged', 'remote-damaged')):
            liar = Liar(entry, mode)
            _, b = self.caches()
            self.expect_fallback(b, src,
                                 f'http://127.0.0.1:{liar.port}/cache/'
                                 '|read-only', warning, counter)
            liar.sock.close()
            print(f'liar {mode}: warning, chain ran, {counter}=1')

        # damaged on the server: truncated, bit flip, another key's entry
        path = self.server_file(nginx, key)
        for what in ('truncated', 'flip', 'other-key'):
            _, b = self.caches()
            if what == 'truncated':
                with open(path, 'wb') as f:
                    f.write(entry[:len(entry) // 2])
                lookup_src = src
            elif what == 'flip':
                flipped = bytearray(entry)
                flipped[len(flipped) // 3] ^= 0x10
                with open(path, 'wb') as f:
                    f.write(flipped)
                lookup_src = src
            else:
                # the entry of key K served as another input's key
                lookup_src = self.new_input()
                a2, _ = self.caches()
                self.ctx.run(a2, lookup_src, '')
                other = self.ctx.run(a2, lookup_src, '')[0][0]['key']
                opath = self.server_file(nginx, other)
                os.makedirs(os.path.dirname(opath), exist_ok=True)
                with open(opath, 'wb') as f:
                    f.write(entry)
                path = opath
            bad = read(path)
            deletes = nginx.log().count('"DELETE ')
            self.expect_fallback(b, lookup_src, nginx.url(), 'damaged',
                                 'remote-damaged')
            rel = path[len(os.path.join(nginx.dir, 'data')):]
            check(f'"DELETE /cache{rel} ' in nginx.log() and
                  nginx.log().count('"DELETE ') == deletes + 1,
                  f'{what}: the bad entry was not deleted')
            # B's own result, uploaded after its miss, replaced it
            check(os.path.exists(path) and read(path) != bad,
                  f'{what}: no good entry uploaded after the miss')
            print(f'{what}: damaged, not replayed, deleted from the server, '
                  'replaced by the good result')

        # too large for the backend
        a, _ = self.caches()
        src = self.new_input()
        msgs, out, outs, ran = self.ctx.run(
            a, src, nginx.url() + '|max-entry-size=1000')
        check(msgs[0]['result'] == 'miss' and read(outs[0]) == read(src),
              'too large: output')
        check('max-entry-size' in out, f'too large: no warning:\n{out}')
        c = self.ctx.counters(a)
        check(c.get('remote-too-large') == 1 and
              c.get('remote-uploads') is None, f'too large: {c}')
        check(not os.path.exists(self.server_file(nginx, msgs[0]['key'])),
              'too large: uploaded all the same')
        print('too large: skipped, counted, warned')

        # read-only: never written
        before = nginx.log().count('"PUT ')
        a, _ = self.caches()
        src = self.new_input()
        msgs, out, outs, ran = self.ctx.run(a, src,
                                            nginx.url() + '|read-only')
        check(msgs[0]['result'] == 'miss' and
              msgs[0].get('stored') == 'true', f'read-only: {msgs}')
        check(nginx.log().count('"PUT ') == before, 'read-only: a PUT')
        check(f'GET /cache/{msgs[0]["key"][:2]}/{msgs[0]["key"]}'
              in nginx.log(), 'read-only: not even asked')
        c = self.ctx.counters(a)
        check(c.get('remote-misses') == 1 and
              c.get('remote-uploads') is None, f'read-only: {c}')
        print('read-only: asked, never written (no PUT in the access log)')

    def redis_limits(self, redis):
        """an entry above Redis's max-entry-size: skipped on both sides"""
        remote = f'redis+unix:{redis.socket}'
        a, b = self.caches()
        src = self.new_input()
        key = self.miss_upload(a, src, remote)
        # a reader whose limit is below the entry: not downloaded, and its
        # own result not uploaded either (counted twice)
        self.expect_fallback(b, src, remote + '|max-entry-size=1000',
                             'max-entry-size', 'remote-too-large', 2)
        check(self.ctx.counters(b).get('remote-uploads') is None,
              'too large: uploaded')
        # a writer whose limit is below the entry: not uploaded
        redis.cli('FLUSHALL')
        c, _ = self.caches()
        msgs, out, outs, ran = self.ctx.run(c, src,
                                            remote + '|max-entry-size=1000')
        check(msgs[0]['result'] == 'miss' and read(outs[0]) == read(src),
              'redis too large: output')
        check('max-entry-size' in out, f'redis too large: no warning:\n{out}')
        check(self.ctx.counters(c).get('remote-too-large') == 1,
              'redis too large: not counted')
        check(redis.cli('EXISTS', 'gst-reuse:' + key).strip() == b'0',
              'redis too large: stored all the same')
        print('redis max-entry-size: not downloaded, not uploaded, counted, '
              'warned')

    def full_disk(self, nginx):
        """the local disk fills while the remote entry is downloaded (the
        process may write no file beyond 1 MiB): a warning, the chain runs,
        the output is exact"""
        a, b = self.caches()
        src = self.new_input(3 << 20)
        # A writes to a pipe too: whether downstream seeks is in the key
        msgs, out, outs, ran = self.ctx.run(a, src, nginx.url(),
                                            fsize=1 << 40)
        check(msgs[0]['result'] == 'miss' and read(outs[0]) == read(src),
              f'full disk: A: {msgs}')
        ca = self.ctx.counters(a)
        check(ca.get('remote-uploads') == 1, f'full disk: A: {ca}')
        self.ctx.run(b, self.new_input(1000), '')       # index and config
        msgs, out, outs, ran = self.ctx.run(b, src, nginx.url(),
                                            fsize=1 << 20)
        check(msgs[0]['result'] == 'miss' and ran, f'full disk: {msgs}')
        check(read(outs[0]) == read(src), 'full disk: wrong output')
        check('File too large' in out or 'No space' in out,
              f'full disk: no warning:\n{out}')
        c = self.ctx.counters(b)
        check(c.get('remote-errors-local') == 1 and
              c.get('remote-hits') is None, f'full disk: {c}')
        check(not os.listdir(os.path.join(b, 'tmp')),
              'full disk: a partial download was left in tmp/')
        print('full disk while downloading: warned, chain ran, exact output, '
              'nothing left in tmp/')

    def hammer(self, nginx):
        """4 processes at a time on each of 2 hosts, one server, the same
        inputs in random orders: exact outputs, nothing damaged, and the
        counters add up to what the runs reported and the server saw"""
        nginx.wipe()
        hosts = self.caches()
        inputs = [self.new_input(200000) for _ in range(5)]
        puts_before = len(re.findall(r'"PUT [^"]*" 20[14] ', nginx.log()))
        results = {h: [] for h in hosts}
        errors = []

        def worker(host, seed):
            order = list(inputs)
            random.Random(seed).shuffle(order)
            for src in order:
                try:
                    msgs, out, outs, ran = self.ctx.run(host, src,
                                                        nginx.url())
                    if read(outs[0]) != read(src):
                        errors.append(f'wrong output for {src}')
                    if 'WARNING' in out:
                        errors.append(f'a warning:\n{out}')
                    results[host].append(msgs[0])
                except SystemExit:
                    errors.append('a run failed')

        threads = [threading.Thread(target=worker, args=(h, i * 2 + j))
                   for i, h in enumerate(hosts) for j in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(not errors, f'hammer: {errors[:3]}')
        uploads = already = 0
        for h in hosts:
            msgs = results[h]
            check(len(msgs) == 4 * len(inputs), 'hammer: missing runs')
            local = sum(m['result'] == 'hit' and m['source'] == 'local'
                        for m in msgs)
            remote = sum(m['result'] == 'hit' and m['source'] == 'remote'
                         for m in msgs)
            misses = sum(m['result'] == 'miss' for m in msgs)
            stored = sum(m.get('stored') == 'true' for m in msgs)
            c = self.ctx.counters(h)
            check(c.get('hits', 0) == local + remote and
                  c.get('misses', 0) == misses and
                  c.get('remote-hits', 0) == remote and
                  c.get('remote-hits', 0) + c.get('remote-misses', 0) ==
                  remote + misses and
                  c.get('remote-uploads', 0) +
                  c.get('remote-already-there', 0) == stored,
                  f'hammer: counters {c} against local {local}, remote '
                  f'{remote}, misses {misses}, stored {stored}')
            for bad in ('damaged', 'remote-damaged', 'remote-errors',
                        'remote-untrusted', 'errors'):
                check(bad not in c, f'hammer: {bad} {c}')
            self.ctx.tool(h, '--verify')
            uploads += c.get('remote-uploads', 0)
            already += c.get('remote-already-there', 0)
            print(f'hammer host: {local} local hits, {remote} remote hits, '
                  f'{misses} misses, {c.get("remote-uploads", 0)} uploads')
        puts = len(re.findall(r'"PUT [^"]*" 20[14] ', nginx.log()))
        check(puts - puts_before == uploads, f'hammer: {uploads} uploads '
              f'counted, {puts - puts_before} PUTs on the server')
        check(len(nginx.files()) == len(inputs), 'hammer: server entries')
        print(f'hammer: 8 processes, 2 hosts, exact outputs, {uploads} '
              f'uploads = PUTs, {already} already there')

    # 3. signing
    def signing(self, nginx):
        k1 = os.path.join(self.top, 'key1')
        k2 = os.path.join(self.top, 'key2')
        with open(k1, 'w') as f:
            f.write('first-secret-Zq81\n')
        with open(k2, 'w') as f:
            f.write('second-secret-Xw42\n')
        for writer_attr in (f'|key-file={k2}', ''):
            nginx.wipe()
            a, b = self.caches()
            src = self.new_input()
            self.miss_upload(a, src, nginx.url() + writer_attr)
            self.expect_fallback(b, src, nginx.url() + f'|key-file={k1}',
                                 'untrusted', 'remote-untrusted')
            print(f'signing: entry {"with another key" if writer_attr else "unsigned"}'
                  ' rejected (remote-untrusted=1)')
        nginx.wipe()
        a, b = self.caches()
        src = self.new_input()
        key = self.miss_upload(a, src, nginx.url() + f'|key-file={k1}')
        self.expect_remote_hit(b, src, nginx.url() + f'|key-file={k1}', key)
        # a reader without a key takes a signed entry (it checks the rest)
        _, c = self.caches()
        self.expect_remote_hit(c, src, nginx.url(), key)
        print('signing: the same key is trusted')
        return ['first-secret-Zq81', 'second-secret-Xw42']

    # 4. secrets, --show-stats, --check-remote
    def secrets_and_tool(self, nginx, redis, secrets):
        token = os.path.join(self.top, 'token')
        with open(token, 'w') as f:
            f.write('token-Vb7731\n')
        secrets = secrets + ['token-Vb7731', 'token-Redirect-5521',
                             redis.password]
        remote = (f'{nginx.url()}|bearer-token-file={token} '
                  f'redis://:{redis.password}@127.0.0.1:{redis.port}/0 '
                  f'http://127.0.0.1:{free_port()}/dead/')
        a, b = self.caches()
        src = self.new_input()
        self.ctx.run(a, src, remote, debug=True)
        self.ctx.run(b, src, remote, debug=True)
        self.ctx.tool(b, '--remote-storage', remote)
        stats = self.ctx.tool(b, '--show-stats').stdout
        check(f'{nginx.url()}' in stats and 'redis://127.0.0.1' in stats,
              f'--show-stats does not show the backends:\n{stats}')
        self.ctx.tool(b, '--show-stats', '--json')
        # --check-remote: all good, then one dead
        pwfile = os.path.join(self.top, 'redis-password')
        with open(pwfile, 'w') as f:
            f.write(redis.password + '\n')
        self.ctx.tool(b, '--remote-storage',
                      f'{nginx.url()} redis+unix:{redis.socket}'
                      f'|password-file={pwfile}|read-only')
        ok = self.ctx.tool(b, '--check-remote').stdout
        check(ok.count('ok ') == 2, f'--check-remote:\n{ok}')
        self.ctx.tool(b, '--remote-storage', remote)
        bad = self.ctx.tool(b, '--check-remote', expect=1).stdout
        check('FAILED' in bad, f'--check-remote on a dead one:\n{bad}')
        # a cache dir's configuration is used when the property is unset
        msgs = self.ctx.run(b, src, None)[0]
        check(msgs[0]['result'] == 'hit', f'config: {msgs}')
        self.ctx.tool(b, '--remote-storage', 'ftp://nowhere', expect=2)
        for text in self.ctx.outputs + [nginx.log()]:
            for s in secrets:
                check(s not in text, 'a secret in an output')
        print(f'secrets: none in {len(self.ctx.outputs)} outputs, logs and '
              'statistics; --show-stats and --check-remote')


def main():
    if len(sys.argv) != 3:
        print(__doc__ or 'usage: cache_remote.py TOOLS_DIR GST_CACHE')
        sys.exit(2)
    for prog in ('nginx', 'redis-server', 'redis-cli'):
        if shutil.which(prog) is None and not os.path.exists(
                f'/usr/sbin/{prog}'):
            print(f'SKIP: {prog} is not installed (scripts/deps)')
            sys.exit(77)
    os.environ['PATH'] += ':/usr/sbin'
    top = tempfile.mkdtemp(prefix='cache-remote-')
    os.chmod(top, 0o755)
    servers = []
    try:
        ctx = Ctx(sys.argv[1], sys.argv[2], top)
        nginx = Nginx(top)
        servers.append(nginx.proc)
        redis = Redis(top, password='pw-Rk9902')
        servers.append(redis.proc)
        redis_unix = Redis(top)
        servers.append(redis_unix.proc)
        t = Test(ctx, top)
        t.share(nginx, redis, redis_unix)
        t.failures(nginx)
        t.redis_limits(redis_unix)
        t.full_disk(nginx)
        t.hammer(nginx)
        secrets = t.signing(nginx)
        t.secrets_and_tool(nginx, redis, secrets)
    finally:
        for p in servers:
            stop(p)
        shutil.rmtree(top, ignore_errors=True)
    print('PASS')


if __name__ == '__main__':
    main()
