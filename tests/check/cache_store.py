#!/usr/bin/env python3
# gst-reuse: the cache store with many processes, crashes, and gst-cache
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: cache_store.py TOOLS_DIR GST_CACHE
#
# 1. tool: gst-cache on a real cache that cachebin filled: --show-stats
#    (text and JSON) agrees with what the runs reported, --list, --inspect,
#    --verify finds a flipped byte (exit 1) and removes the entry,
#    --max-size is kept in the directory and cachebin obeys it, stale
#    temporary files go with --cleanup and live writers' files stay, a
#    damaged index is rebuilt from the entries, a cache on a network file
#    system is read but not written, --evict-older-than, --zero-stats,
#    --clear, bad arguments exit with 2.
# 2. crash: storing processes are killed with SIGKILL at random points of
#    the miss path (part way through the writing, in the commit and the
#    eviction it does, at random times); after
#    each kill, a lookup of that key either misses or replays the exact
#    result; afterwards --verify finds nothing damaged, --cleanup removes
#    every stale temporary file, and the index agrees with the entries.
# 2b. promises: a lost index is rebuilt from the entries at once, so a
#    store evicts what it must; the limit counts whole entry files; the
#    memo directories (chains/, stat/) are emptied by --clear and bounded
#    by --cleanup; a hit while another process holds the index's write
#    lock is served at once, and its recency and counters reach the index
#    afterwards; an entry truncated in place while it is replayed neither
#    kills the process nor changes what is replayed.
# 3. concurrency: 8 processes hammer a small cache (hits, misses and
#    evictions on every store): every output is exact, the cache is within
#    its size limit whenever anyone looks, nothing is damaged, and the
#    counters add up to what the processes saw.

import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from cachetest import fail, run_gst_cache, tool_env

RESULT = re.compile(r'cachebin, result=\(string\)(\w+), key=\(string\)(\w*), '
                    r'bytes=\(guint64\)(\d+)')


class Ctx:
    def __init__(self, tools_dir, gst_cache, work):
        self.launch = os.path.join(tools_dir, 'gst-launch-1.0')
        self.gst_cache = gst_cache
        self.work = work
        self.env = tool_env()

    def line(self, cache, src, out, extra=''):
        return [self.launch, '-m', 'filesrc', f'location={src}',
                'blocksize=16384', '!', 'cachebin', f'cache-dir={cache}'] + \
            extra.split() + ['description=identity', '!', 'filesink',
                             f'location={out}']

    def run(self, cache, src, out, extra='', full=False):
        """runs a cachebin pipeline; returns (result, key, bytes), and its
        output too with full=True"""
        proc = subprocess.run(self.line(cache, src, out, extra),
                              env=self.env, capture_output=True, text=True,
                              timeout=300)
        if proc.returncode != 0:
            fail(f'pipeline failed ({proc.returncode}):\n{proc.stdout}'
                 f'{proc.stderr}')
        found = RESULT.findall(proc.stdout)
        if len(found) != 1:
            fail(f'expected one cachebin message, got {found}:\n'
                 f'{proc.stdout}')
        res, key, nbytes = found[0]
        if full:
            return res, key, int(nbytes), proc.stdout
        return res, key, int(nbytes)

    def tool(self, cache, *args, expect=0):
        return run_gst_cache(self.gst_cache, cache, args, expect,
                             env=dict(os.environ))

    def stats(self, cache):
        return json.loads(self.tool(cache, '--show-stats', '--json').stdout)


def make_input(path, size, seed):
    rnd = random.Random(seed)
    with open(path, 'wb') as f:
        f.write(bytes(rnd.getrandbits(8) for _ in range(size)))


def same(a, b):
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        return fa.read() == fb.read()


def entry_files(cache):
    out = []
    for root, _, files in os.walk(os.path.join(cache, 'entries')):
        out += [os.path.join(root, f) for f in files]
    return out


def test_tool(ctx):
    cache = os.path.join(ctx.work, 'tool-cache')
    ins = []
    for i in range(3):
        p = os.path.join(ctx.work, f'tool-in{i}.bin')
        make_input(p, 100000 + i * 1000, i)
        ins.append(p)
    out = os.path.join(ctx.work, 'tool-out.bin')
    keys = []
    for p in ins:
        res, key, nbytes = ctx.run(cache, p, out)
        if res != 'miss' or not same(p, out):
            fail(f'tool: first run of {p}: {res}')
        keys.append(key)
    res, key, served = ctx.run(cache, ins[0], out)
    if res != 'hit' or key != keys[0] or not same(ins[0], out):
        fail(f'tool: second run: {res}')

    st = ctx.stats(cache)
    c = st['counters']
    if (c.get('misses'), c.get('stores'), c.get('hits')) != (3, 3, 1):
        fail(f'tool: counters {c}')
    if c.get('bytes-served') != served or served != 100000:
        fail(f'tool: bytes-served {c.get("bytes-served")}, run said {served}')
    if st['entries'] != 3 or st['size'] != sum(
            os.path.getsize(f) for f in entry_files(cache)):
        fail(f'tool: size {st["size"]} and entries {st["entries"]} do not '
             'match the files')
    text = ctx.tool(cache, '-s').stdout
    if 'Hits:             1 / 4 (25.00 %)' not in text:
        fail('tool: --show-stats text:\n' + text)

    listed = json.loads(ctx.tool(cache, '--list', '--json').stdout)
    if sorted(e['key'] for e in listed) != sorted(keys) or \
            any(e['description'] != 'identity' for e in listed):
        fail(f'tool: --list {listed}')
    if listed[-1]['key'] != keys[0]:
        fail('tool: the entry hit last is not the most recently used')
    text = ctx.tool(cache, '--inspect', keys[1][:12]).stdout
    if 'intact' not in text or 'input-length: 101000' not in text:
        fail('tool: --inspect:\n' + text)
    ctx.tool(cache, '--inspect', 'ffffffffffff', expect=2)

    # a flipped byte: found, removed, exit 1; then all is well
    victim = [f for f in entry_files(cache) if keys[2] in f][0]
    with open(victim, 'r+b') as f:
        f.seek(5000)
        b = f.read(1)
        f.seek(5000)
        f.write(bytes([b[0] ^ 0x40]))
    text = ctx.tool(cache, '--verify', expect=1).stdout
    if 'Checked 3 entries: 1 damaged' not in text:
        fail('tool: --verify:\n' + text)
    ctx.tool(cache, '--verify', expect=0)
    if ctx.stats(cache)['entries'] != 2:
        fail('tool: the damaged entry is still indexed')

    # the limit lives in the directory; cachebin follows it
    ctx.tool(cache, '--max-size', '150k')
    st = ctx.stats(cache)
    if st['max_size'] != 150000 or st['size'] > 150000 or st['entries'] != 1:
        fail(f'tool: after --max-size 150k: {st}')
    for p in ins:
        ctx.run(cache, p, out)
        st = ctx.stats(cache)
        if st['size'] > 150000:
            fail(f'tool: cachebin went past the configured limit: {st}')

    # stale temporary files go, a live writer's stay
    tmp = os.path.join(cache, 'tmp')
    dead = os.path.join(tmp, f'{keys[0]}.999999999.abcdef')
    live = os.path.join(tmp, f'{keys[0]}.{os.getpid()}.abcdef')
    for p in (dead, live):
        with open(p, 'wb') as f:
            f.write(b'partial')
    text = ctx.tool(cache, '--cleanup').stdout
    if os.path.exists(dead) or not os.path.exists(live):
        fail('tool: --cleanup:\n' + text)
    os.unlink(live)

    # an index that is not a database is rebuilt from the entries
    n = len(entry_files(cache))
    with open(os.path.join(cache, 'index.sqlite'), 'wb') as f:
        f.write(b'this is not a database' * 100)
    for suffix in ('-wal', '-shm'):
        try:
            os.unlink(os.path.join(cache, 'index.sqlite' + suffix))
        except FileNotFoundError:
            pass
    proc = ctx.tool(cache, '--show-stats', '--json')
    st = json.loads(proc.stdout)
    if st['entries'] != n or n == 0:
        fail(f'tool: rebuilt index has {st["entries"]} entries, files {n}')
    if 'rebuilt from the entries' not in proc.stderr:
        fail('tool: the rebuild was not reported:\n' + proc.stderr)

    # on a network file system the cache is only read: hits are served,
    # nothing is stored (statfs decides; the variable stands in for NFS)
    res, _, _ = ctx.run(cache, ins[2], out)
    net_env = dict(ctx.env, GST_CACHE_ASSUME_NETWORK_FS='nfs')
    proc = subprocess.run(ctx.line(cache, ins[2], out), env=net_env,
                          capture_output=True, text=True, timeout=300)
    if 'result=(string)hit' not in proc.stdout or not same(ins[2], out):
        fail('tool: no hit from a cache on a network file system:\n' +
             proc.stdout)
    fresh = os.path.join(ctx.work, 'tool-in-new.bin')
    make_input(fresh, 5000, 99)
    proc = subprocess.run(ctx.line(cache, fresh, out), env=net_env,
                          capture_output=True, text=True, timeout=300)
    if 'stored=(boolean)false' not in proc.stdout or \
            'network file system (nfs)' not in proc.stdout or \
            not same(fresh, out):
        fail('tool: a cache on a network file system was written to:\n' +
             proc.stdout)

    time.sleep(0.05)
    text = ctx.tool(cache, '--evict-older-than', '0s').stdout
    if ctx.stats(cache)['entries'] != 0 or entry_files(cache):
        fail('tool: --evict-older-than 0s left entries:\n' + text)
    ctx.run(cache, ins[0], out)
    ctx.tool(cache, '--zero-stats')
    if ctx.stats(cache)['counters']:
        fail('tool: --zero-stats')
    text = ctx.tool(cache, '--clear').stdout
    if entry_files(cache) or 'Removed 1 entries' not in text:
        fail('tool: --clear:\n' + text)
    ctx.tool(cache, '--max-size', 'lots', expect=2)
    ctx.tool(cache, '--evict-older-than', '3 weeks', expect=2)
    ctx.tool(cache, '--no-such-option', expect=2)
    if 'EXIT STATUS' not in ctx.tool(cache, '--help').stdout:
        fail('tool: --help')
    print('tool: ok')


def test_crash(ctx, rounds):
    cache = os.path.join(ctx.work, 'crash-cache')
    src = os.path.join(ctx.work, 'crash-in.bin')
    out = os.path.join(ctx.work, 'crash-out.bin')
    make_input(src, 2 * 1024 * 1024, 7)
    size = os.path.getsize(src)
    # each store evicts: the limit, kept in the directory, holds about two
    # results
    limit = int(size * 2.5)
    os.makedirs(cache)
    ctx.tool(cache, '--max-size', str(limit))
    extra = ''
    slow = 'description=identity sleep-time=1000'

    def line(ns):
        cmd = ctx.line(cache, src, out, f'{extra} namespace=crash{ns}')
        return [slow if a == 'description=identity' else a for a in cmd]

    t0 = time.monotonic()
    proc = subprocess.run(line('timing'), env=ctx.env, capture_output=True)
    full = time.monotonic() - t0
    if proc.returncode != 0:
        fail('crash: timing run failed')

    seed = int(os.environ.get('GST_REUSE_TEST_SEED', time.time()))
    rnd = random.Random(seed)
    print(f'crash: {rounds} kills, seed {seed}, full run {full:.2f} s')
    killed_before_end = 0
    after = {'hit': 0, 'miss': 0}
    tmp = os.path.join(cache, 'tmp')

    def written(pid):
        """bytes in the temporary file of process pid, or None"""
        for name in os.listdir(tmp):
            if f'.{pid}.' in name and 'evicted' not in name:
                try:
                    return os.path.getsize(os.path.join(tmp, name))
                except FileNotFoundError:
                    return None
        return None

    for i in range(rounds):
        p = subprocess.Popen(line(i), env=ctx.env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        # where to kill: by progress, so that a loaded machine moves the
        # points with the work: part way through the writing, when all the
        # result is written (the commit: footer, fsync, index, eviction,
        # rename), or at a random time
        mode = i % 3
        target = rnd.uniform(0.05, 0.95) * size if mode == 0 else size
        deadline = time.monotonic() + (rnd.uniform(0.0, full) if mode == 2
                                       else 60)
        while p.poll() is None and time.monotonic() < deadline:
            n = written(p.pid)
            if mode != 2 and n is not None and n >= target:
                if mode == 1:
                    time.sleep(rnd.uniform(0.0, 0.02))
                break
            time.sleep(0.0005)
        p.send_signal(signal.SIGKILL)
        if p.wait() == -signal.SIGKILL:
            killed_before_end += 1
        # the key either misses or replays the exact bytes
        proc = subprocess.run(
            [a for a in line(i) if a != 'sleep-time=1000'],
            env=ctx.env, capture_output=True, text=True, timeout=300)
        found = RESULT.findall(proc.stdout)
        if proc.returncode != 0 or len(found) != 1 or \
                found[0][0] not in ('hit', 'miss') or not same(src, out):
            fail(f'crash: round {i}: lookup after the kill: {found}\n'
                 f'{proc.stdout}{proc.stderr}')
        after[found[0][0]] += 1
    # most kills land before the end; a few may come late on a loaded
    # machine, but a kill window that misses the work is a broken test
    if killed_before_end < rounds // 5:
        fail(f'crash: only {killed_before_end} of {rounds} kills came '
             'before the end: the kill window is wrong')
    text = ctx.tool(cache, '--verify', expect=0).stdout
    if ' 0 damaged' not in text:
        fail('crash: --verify:\n' + text)
    # an entry appears whole by rename or not at all: no lookup after a
    # kill may have found one damaged (and removed it, which --verify
    # would not see)
    damaged = ctx.stats(cache)['counters'].get('damaged', 0)
    if damaged != 0:
        fail(f'crash: {damaged} damaged entries were found after the kills')
    ctx.tool(cache, '--cleanup')
    if os.listdir(os.path.join(cache, 'tmp')):
        fail(f'crash: temporary files left: '
             f'{os.listdir(os.path.join(cache, "tmp"))}')
    st = ctx.stats(cache)
    files = entry_files(cache)
    if st['entries'] != len(files) or \
            st['size'] != sum(os.path.getsize(f) for f in files):
        fail(f'crash: index {st} disagrees with the files {files}')
    if st['size'] > limit:
        fail(f'crash: the cache is over its limit: {st}')
    print(f'crash: ok ({killed_before_end} of {rounds} killed before the '
          f'end; then {after["hit"]} hits, {after["miss"]} misses)')

def files_under(path):
    out = []
    for root, _, files in os.walk(path):
        out += [os.path.join(root, f) for f in files]
    return out


def test_promises(ctx):
    # a lost index: rebuilt from the entry files when the store opens, so
    # that the next store evicts down to the limit
    cache = os.path.join(ctx.work, 'promise-cache')
    out = os.path.join(ctx.work, 'promise-out.bin')
    ins = []
    for i in range(5):
        p = os.path.join(ctx.work, f'promise-in{i}.bin')
        make_input(p, 100000 + i, 300 + i)
        ins.append(p)
    for p in ins[:4]:
        if ctx.run(cache, p, out)[0] != 'miss':
            fail('promises: first runs')
    for suffix in ('', '-wal', '-shm'):
        try:
            os.unlink(os.path.join(cache, 'index.sqlite' + suffix))
        except FileNotFoundError:
            pass
    res, _, _ = ctx.run(cache, ins[4], out, 'max-size=250000')
    disk = sum(os.path.getsize(f) for f in entry_files(cache))
    if res != 'miss' or disk > 250000:
        fail(f'promises: {disk} bytes of entries on disk after a store '
             'under max-size=250000 with a lost index')
    st = ctx.stats(cache)
    if st['entries'] != len(entry_files(cache)) or st['size'] != disk:
        fail(f'promises: the rebuilt index {st} disagrees with the files')
    if st['counters'].get('index-rebuilds') != 1:
        fail(f'promises: the rebuild was not counted: {st["counters"]}')

    # the limit counts the whole entry file: payload, metadata, footer
    small = os.path.join(ctx.work, 'promise-limit')
    src = os.path.join(ctx.work, 'promise-599400.bin')
    make_input(src, 599400, 400)
    res, _, _, text = ctx.run(small, src, out, 'max-size=599500', full=True)
    if res != 'miss' or not same(src, out):
        fail('promises: run under max-size=599500')
    sizes = [os.path.getsize(f) for f in entry_files(small)]
    if any(size > 599500 for size in sizes) or \
            'stored=(boolean)false' not in text:
        fail(f'promises: entries of {sizes} bytes kept under '
             f'max-size=599500:\n{text}')
    if ctx.stats(small)['counters'].get('too-large') != 1:
        fail(f'promises: too-large not counted: {ctx.stats(small)}')

    # memos: --cleanup bounds them (oldest first), --clear empties them
    # (whatever cachebin wrote, and as many old files as a long-lived cache
    # gathers)
    chains = os.path.join(cache, 'chains')
    shard = os.path.join(cache, 'stat', 'ab')
    for d, n in ((chains, 1100), (shard, 100)):
        os.makedirs(d, exist_ok=True)
        for i in range(n):
            p = os.path.join(d, f'old-{i:04}')
            with open(p, 'w') as f:
                f.write('memo')
            os.utime(p, (1000 + i, 1000 + i))
    ctx.tool(cache, '--cleanup')
    for d, bound in ((chains, 1000), (shard, 64)):
        left = os.listdir(d)
        if len(left) > bound or 'old-0000' in left:
            fail(f'promises: --cleanup left {len(left)} files in {d}')
    ctx.tool(cache, '--clear')
    left = files_under(chains) + files_under(os.path.join(cache, 'stat'))
    if left:
        fail(f'promises: --clear left memos: {left[:3]}')

    # a hit while another process holds the index's write lock (with
    # uncommitted changes): served, and its recency and counters reach
    # the index once the writer is done
    hot = os.path.join(ctx.work, 'promise-hot')
    for p in ins[:2]:
        ctx.run(hot, p, out)
    ctx.tool(hot, '--zero-stats')
    db = sqlite3.connect(os.path.join(hot, 'index.sqlite'), timeout=0,
                         isolation_level=None)
    db.execute('BEGIN IMMEDIATE')
    db.execute("UPDATE counters SET value = value + 1000 WHERE name = 'x'")
    db.execute("INSERT INTO counters VALUES ('writer', 1)")
    try:
        res, key, _, text = ctx.run(hot, ins[0], out, full=True)
    finally:
        db.execute('ROLLBACK')
        db.close()
    lookup = re.search(r'lookup-time=\(guint64\)(\d+)', text)
    if res != 'hit' or not same(ins[0], out):
        fail(f'promises: no hit while a writer held the lock:\n{text}')
    print(f'promises: a hit with the write lock held elsewhere: lookup '
          f'{int(lookup.group(1)) / 1e6:.2f} ms' if lookup else '')
    st = ctx.stats(hot)
    listed = json.loads(ctx.tool(hot, '--list', '--json').stdout)
    if st['counters'].get('hits') != 1 or 'writer' in st['counters']:
        fail(f'promises: counters after the writer: {st["counters"]}')
    if listed[-1]['key'] != key:
        fail('promises: the hit made while the lock was held did not make '
             'its entry the most recently used')

    # an entry truncated in place by another process while it is replayed
    big = os.path.join(ctx.work, 'promise-big.bin')
    with open(big, 'wb') as f:
        f.write(random.Random(500).randbytes(8 * 1024 * 1024))
    bigcache = os.path.join(ctx.work, 'promise-big')
    # checksumsink reads every byte in the process (a write() of a
    # truncated mapping would fail with EFAULT in the kernel instead) and
    # prints a SHA-1 per buffer: cachebin replays 1 MiB buffers
    line = ctx.line(bigcache, big, out)
    at = line.index('filesink')
    line = line[:at] + ['identity', 'sleep-time=200000', '!', 'checksumsink']
    sha = re.compile(r'99:99:99\.999999999 ([0-9a-f]{40})')
    proc = subprocess.run(line, env=ctx.env, capture_output=True, text=True,
                          timeout=300)
    if 'result=(string)miss' not in proc.stdout:
        fail(f'promises: first run of the big input:\n{proc.stdout}')
    entry = entry_files(bigcache)[0]
    proc = subprocess.Popen(line, env=ctx.env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    text = ''
    while proc.poll() is None:
        text += proc.stdout.readline()
        if sha.search(text):
            break
    truncated_early = proc.poll() is None
    os.truncate(entry, 4096)
    rest, _ = proc.communicate(timeout=300)
    text += rest
    got = sha.findall(text)
    with open(big, 'rb') as f:
        data = f.read()
    expect = [hashlib.sha1(data[i:i + 1048576]).hexdigest()
              for i in range(0, len(data), 1048576)]
    if proc.returncode < 0 or proc.returncode > 128:
        fail(f'promises: the replay of a truncated entry died with '
             f'{proc.returncode}:\n{text}')
    if proc.returncode == 0 and (got != expect or
                                 'result=(string)hit' not in text):
        fail('promises: the replay of a truncated entry completed with '
             f'other data than the entry held:\n{text}')
    if proc.returncode != 0 and 'ERROR' not in text:
        fail(f'promises: a failed replay posted no error:\n{text}')
    if not truncated_early:
        fail('promises: the replay ended before the truncation: the test '
             'proved nothing')
    print('promises: ok')


def test_concurrency(ctx, workers, runs):
    cache = os.path.join(ctx.work, 'conc-cache')
    ins = []
    for i in range(6):
        p = os.path.join(ctx.work, f'conc-in{i}.bin')
        make_input(p, 60000 + 977 * i, 100 + i)
        ins.append(p)
    limit = 200000
    extra = f'max-size={limit}'
    lock = threading.Lock()
    seen = {'hit': 0, 'miss': 0, 'bypass': 0, 'served': 0}
    errors = []

    def worker(w):
        rnd = random.Random(w)
        for r in range(runs):
            src = rnd.choice(ins)
            out = os.path.join(ctx.work, f'conc-out{w}.bin')
            try:
                res, _, nbytes = ctx.run(cache, src, out, extra)
                st = ctx.stats(cache)
            except SystemExit:
                errors.append(f'worker {w}: run {r} failed')
                return
            if not same(src, out):
                errors.append(f'worker {w}: wrong output for {src}')
            if st['size'] > limit:
                errors.append(f'worker {w}: cache at {st["size"]} bytes')
            with lock:
                seen[res] += 1
                if res == 'hit':
                    seen['served'] += nbytes

    threads = [threading.Thread(target=worker, args=(w,))
               for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        fail('concurrency: ' + '; '.join(errors[:5]))
    ctx.tool(cache, '--verify', expect=0)
    st = ctx.stats(cache)
    c = st['counters']
    total = workers * runs
    if c.get('hits', 0) != seen['hit'] or c.get('misses', 0) != seen['miss']:
        fail(f'concurrency: counters {c} against what the runs saw {seen}')
    if c.get('hits', 0) + c.get('misses', 0) + c.get('bypasses', 0) != total:
        fail(f'concurrency: {c} do not add up to {total} runs')
    if c.get('bytes-served', 0) != seen['served']:
        fail(f'concurrency: bytes-served {c.get("bytes-served")} against '
             f'{seen["served"]}')
    if c.get('stores', 0) > c.get('misses', 0) or \
            st['entries'] + c.get('evictions', 0) > c.get('stores', 0):
        fail(f'concurrency: stores, evictions and entries disagree: {st}')
    if c.get('evictions', 0) == 0:
        fail('concurrency: no eviction happened: the test is too weak')
    if c.get('damaged', 0) or c.get('errors', 0):
        fail(f'concurrency: damaged entries or errors: {c}')
    print(f'concurrency: ok ({total} runs: {seen["hit"]} hits, '
          f'{seen["miss"]} misses, {c.get("evictions")} evictions)')


def main():
    tools_dir, gst_cache = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix='gst-reuse-cache-')
    try:
        ctx = Ctx(tools_dir, gst_cache, work)
        test_tool(ctx)
        test_promises(ctx)
        test_crash(ctx, 30)
        test_concurrency(ctx, 8, 6)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print('cache_store: all passed')


if __name__ == '__main__':
    main()
