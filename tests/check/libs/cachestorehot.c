/* gst-reuse: unit tests of the store's hit path: deferred recency and
 * counters
 * Copyright (C) 2026 The gst-reuse authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* A hit writes nothing to the index itself: its recency (once per
 * recency interval and entry) and the counters are written by the process
 * later, in one transaction. These tests check that nothing is lost or
 * counted twice (one process, two processes, a third holding the write
 * lock, a normal exit), what the index records of recency, and what a
 * process killed with SIGKILL can lose: only what it had not written yet,
 * never the index. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gstcachestore-private.h"
#include "reusetest.h"

static gchar *dir;

static void
setup (void)
{
  dir = g_dir_make_tmp ("cachestorehot-XXXXXX", NULL);
  fail_unless (dir != NULL);
}

static void
teardown (void)
{
  reuse_test_remove_tree (dir);
  g_clear_pointer (&dir, g_free);
}

static void
make_key (guint8 key[GST_CACHE_KEY_SIZE], guint i)
{
  memset (key, 0, GST_CACHE_KEY_SIZE);
  key[0] = 0x20 + i;
  key[31] = i;
}

static void
store_entry (GstCacheStore * store, guint i)
{
  guint8 key[GST_CACHE_KEY_SIZE], data[1000];
  GError *err = NULL;
  GstCacheWriter *w;
  GKeyFile *meta = g_key_file_new ();

  make_key (key, i);
  memset (data, i, sizeof (data));
  w = gst_cache_writer_new (store, key, 0, &err);
  fail_unless (w != NULL, "%s", err ? err->message : "?");
  g_key_file_set_string (meta, "entry", "description", "hot");
  fail_unless (gst_cache_writer_append (w, data, sizeof (data), &err));
  fail_unless (gst_cache_writer_commit (w, GST_CACHE_ENTRY_KIND_BYTES, meta,
          0, 0, NULL, &err), "%s", err ? err->message : "?");
  gst_cache_writer_free (w);
  g_key_file_unref (meta);
}

/* a lookup that finds entry @i, and its count, as cachebin makes them */
static gboolean
hit (GstCacheStore * store, guint i)
{
  guint8 key[GST_CACHE_KEY_SIZE];
  GstCacheEntry *entry;

  make_key (key, i);
  entry = gst_cache_store_lookup (store, key, NULL);
  if (entry == NULL)
    return FALSE;
  gst_cache_entry_unref (entry);
  gst_cache_store_count (store, "hits", (guint64) 1, "bytes-served",
      (guint64) 1000, NULL);
  return TRUE;
}

static gchar *
index_path (void)
{
  return g_build_filename (dir, "index.sqlite", NULL);
}

/* what the index holds, read with a connection of its own: neither the
 * pending updates nor what a store of this process deferred are written
 * by this */
static guint64
index_counter (const gchar * name)
{
  gchar *path = index_path ();
  gboolean corrupt, fresh;
  GstCacheIndex *index = gst_cache_index_open (path, &corrupt, &fresh, NULL);
  GArray *c;
  guint64 v = 0;
  guint i;

  fail_unless (index != NULL);
  fail_if (corrupt);
  c = gst_cache_index_counters (index, NULL);
  fail_unless (c != NULL);
  for (i = 0; i < c->len; i++)
    if (!strcmp (g_array_index (c, GstCacheCounter, i).name, name))
      v = g_array_index (c, GstCacheCounter, i).value;
  g_array_unref (c);
  gst_cache_index_close (index);
  g_free (path);
  return v;
}

static gint64
index_last_use (guint i)
{
  gchar *path = index_path ();
  gboolean corrupt, fresh;
  GstCacheIndex *index = gst_cache_index_open (path, &corrupt, &fresh, NULL);
  guint8 key[GST_CACHE_KEY_SIZE];
  gchar *hex;
  GArray *rows;
  gint64 v = -1;
  guint r;

  fail_unless (index != NULL);
  make_key (key, i);
  hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  rows = gst_cache_index_list (index, 0, NULL);
  fail_unless (rows != NULL);
  for (r = 0; r < rows->len; r++)
    if (!strcmp (g_array_index (rows, GstCacheEntryInfo, r).key, hex))
      v = g_array_index (rows, GstCacheEntryInfo, r).last_use_ns;
  g_array_unref (rows);
  gst_cache_index_close (index);
  g_free (hex);
  g_free (path);
  return v;
}

static guint
pending_files (void)
{
  gchar *pdir = g_build_filename (dir, "pending", NULL);
  GDir *d = g_dir_open (pdir, 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  if (d)
    g_dir_close (d);
  g_free (pdir);
  return n;
}

/* waits (at most 20 s: a loaded machine) until the index holds @value */
static gboolean
wait_index_counter (const gchar * name, guint64 value)
{
  gint i;

  for (i = 0; i < 2000; i++) {
    if (index_counter (name) == value)
      return TRUE;
    g_usleep (10 * G_TIME_SPAN_MILLISECOND);
  }
  return FALSE;
}

/* N hits in one process: the store's own reader sees them at once, the
 * index gets them from the process's thread, and all of them are there
 * after the store is freed */
GST_START_TEST (test_counts_one_process)
{
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  GstCacheStore *other;
  guint i;

  fail_unless (store != NULL);
  store_entry (store, 1);
  /* nothing written until asked: the deferred counts stay in memory */
  gst_cache_store_set_write_intervals (store, 10000, 3600 * 1000);
  for (i = 0; i < 500; i++)
    fail_unless (hit (store, 1));
  fail_unless_equals_uint64 (index_counter ("hits"), 0);

  /* a reader in this process, through another store, writes them first */
  other = gst_cache_store_open (dir, NULL);
  fail_unless (other != NULL);
  fail_unless_equals_uint64 (gst_cache_store_counter (other, "hits"), 500);
  fail_unless_equals_uint64 (gst_cache_store_counter (other, "bytes-served"),
      500 * 1000);
  gst_cache_store_free (other);
  fail_unless_equals_uint64 (index_counter ("hits"), 500);

  /* the thread writes them when they are due */
  gst_cache_store_set_write_intervals (store, 10000, 20);
  for (i = 0; i < 300; i++)
    fail_unless (hit (store, 1));
  fail_unless (wait_index_counter ("hits", 800));

  /* and the last store of the directory writes what is left */
  gst_cache_store_set_write_intervals (store, 10000, 3600 * 1000);
  for (i = 0; i < 200; i++)
    fail_unless (hit (store, 1));
  gst_cache_store_free (store);
  fail_unless_equals_uint64 (index_counter ("hits"), 1000);
  fail_unless_equals_uint64 (index_counter ("bytes-served"), 1000 * 1000);
  fail_unless_equals_uint64 (index_counter ("stores"), 1);
  fail_unless_equals_int (pending_files (), 0);
}

GST_END_TEST;

/* while the process's thread writes all the time (a delay of 0), a reader
 * of the process sees every hit made before it: none is in flight */
GST_START_TEST (test_reader_sees_all)
{
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  GstCacheStore *other;
  guint i;

  fail_unless (store != NULL);
  store_entry (store, 1);
  gst_cache_store_set_write_intervals (store, 0, 0);
  other = gst_cache_store_open (dir, NULL);
  fail_unless (other != NULL);
  for (i = 1; i <= 1000; i++) {
    fail_unless (hit (store, 1));
    if (i % 3 == 0)
      g_usleep (100);
    fail_unless_equals_uint64 (gst_cache_store_counter (other, "hits"), i);
  }
  gst_cache_store_free (other);
  gst_cache_store_free (store);
}

GST_END_TEST;

/* a child: @n hits on entry 1, one at a time with the write intervals of
 * @delay_ms, then a normal exit; 0 when all were hits */
static void
hits_child (guint n, guint delay_ms)
{
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint i, missed = 0;

  if (store == NULL)
    _exit (2);
  gst_cache_store_set_write_intervals (store, 0, delay_ms);
  for (i = 0; i < n; i++) {
    if (!hit (store, 1))
      missed++;
    if (i % 50 == 0)
      g_usleep (1000);
  }
  gst_cache_store_free (store);
  _exit (missed ? 1 : 0);
}

static void
wait_child (GPid pid)
{
  gint status;

  fail_unless_equals_int (waitpid (pid, &status, 0), pid);
  fail_unless (WIFEXITED (status), "child killed");
  fail_unless_equals_int (WEXITSTATUS (status), 0);
}

/* two processes hit at once, while a third holds the index's write lock
 * for a while (their updates wait in pending/): every hit is counted once,
 * once both have exited normally */
GST_START_TEST (test_counts_two_processes)
{
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  gchar *path = index_path ();
  GstCacheIndex *writer;
  gboolean corrupt, fresh;
  GPid a, b;

  fail_unless (store != NULL);
  store_entry (store, 1);
  gst_cache_store_free (store);

  a = fork ();
  fail_if (a < 0);
  if (a == 0)
    hits_child (1500, 5);
  b = fork ();
  fail_if (b < 0);
  if (b == 0)
    hits_child (1500, 0);

  /* the write lock, held with an uncommitted change, for 300 ms */
  writer = gst_cache_index_open (path, &corrupt, &fresh, NULL);
  fail_unless (writer != NULL);
  fail_unless (gst_cache_index_begin (writer, NULL));
  fail_unless (gst_cache_index_add (writer, "writer", 1, NULL));
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  fail_unless (gst_cache_index_commit (writer, NULL));
  gst_cache_index_close (writer);

  wait_child (a);
  wait_child (b);
  store = gst_cache_store_open (dir, NULL);
  fail_unless (store != NULL);
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "hits"), 3000);
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "bytes-served"),
      3000 * 1000);
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "writer"), 1);
  fail_unless_equals_int (pending_files (), 0);
  gst_cache_store_free (store);
  g_free (path);
}

GST_END_TEST;

/* pending files are never replaced by a later one: many updates left
 * pending by one process at once (GLib's temporary names come from the
 * clock and a counter, and repeat; each name in pending/ must not) are
 * all folded */
GST_START_TEST (test_pending_names_unique)
{
  gchar *pdir = g_build_filename (dir, "pending", NULL);
  gchar *tdir = g_build_filename (dir, "tmp", NULL);
  GKeyFile *update = g_key_file_new ();
  GstCacheStore *store;
  guint i, n = 20000;

  store = gst_cache_store_open (dir, NULL);
  fail_unless (store != NULL);
  gst_cache_store_free (store);
  g_key_file_set_int64 (update, "counters", "many", 1);
  for (i = 0; i < n; i++)
    fail_unless (gst_cache_dir_pending_add (pdir, tdir, update));
  fail_unless_equals_int (pending_files (), n);
  store = gst_cache_store_open (dir, NULL);
  fail_unless (store != NULL);
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "many"), n);
  fail_unless_equals_int (pending_files (), 0);
  gst_cache_store_free (store);
  g_key_file_unref (update);
  g_free (tdir);
  g_free (pdir);
}

GST_END_TEST;

/* a use is recorded at the first hit, and not again within the recency
 * interval: neither the index's last use nor the file's mtime changes */
GST_START_TEST (test_recency_coalesced)
{
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint8 key[GST_CACHE_KEY_SIZE];
  gchar *entry;
  struct stat st1, st2;
  gint64 stored, first_use, again_use;

  fail_unless (store != NULL);
  store_entry (store, 1);
  make_key (key, 1);
  entry = gst_cache_store_entry_path (store, key, NULL);
  stored = index_last_use (1);
  fail_unless (stored > 0);
  gst_cache_store_set_write_intervals (store, 3600 * 1000, 3600 * 1000);

  g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  fail_unless (hit (store, 1));
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "hits"), 1);
  first_use = index_last_use (1);
  fail_unless (first_use > stored, "the first use was not recorded");
  fail_unless_equals_int (g_stat (entry, &st1), 0);

  /* within the interval: recorded neither in the index nor in the file */
  g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  fail_unless (hit (store, 1));
  fail_unless (hit (store, 1));
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "hits"), 3);
  again_use = index_last_use (1);
  fail_unless_equals_int64 (again_use, first_use);
  fail_unless_equals_int (g_stat (entry, &st2), 0);
  fail_unless_equals_int64 (st2.st_mtim.tv_sec, st1.st_mtim.tv_sec);
  fail_unless_equals_int64 (st2.st_mtim.tv_nsec, st1.st_mtim.tv_nsec);

  /* past the interval (0 here): recorded again */
  gst_cache_store_set_write_intervals (store, 0, 3600 * 1000);
  g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  fail_unless (hit (store, 1));
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "hits"), 4);
  fail_unless (index_last_use (1) > first_use, "a later use not recorded");

  gst_cache_store_free (store);
  g_free (entry);
}

GST_END_TEST;

/* the LRU order with coalesced uses: the entry hit long ago and not since
 * goes first, before entries hit later (also within their interval) */
GST_START_TEST (test_recency_eviction)
{
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint8 key[GST_CACHE_KEY_SIZE];
  GstCacheEntry *entry;
  guint evicted = 0, i;

  fail_unless (store != NULL);
  for (i = 1; i <= 3; i++)
    store_entry (store, i);
  gst_cache_store_set_write_intervals (store, 3600 * 1000, 3600 * 1000);
  /* 1 and 2 hit after 3 was stored, 3 before 1 and 2 were hit again */
  g_usleep (10 * G_TIME_SPAN_MILLISECOND);
  fail_unless (hit (store, 3));
  g_usleep (10 * G_TIME_SPAN_MILLISECOND);
  fail_unless (hit (store, 1));
  g_usleep (10 * G_TIME_SPAN_MILLISECOND);
  fail_unless (hit (store, 2));
  fail_unless (hit (store, 1));
  fail_unless (hit (store, 2));

  fail_unless (gst_cache_store_evict (store, 0, 2, 0, &evicted, NULL));
  fail_unless_equals_int (evicted, 1);
  make_key (key, 3);
  entry = gst_cache_store_lookup (store, key, NULL);
  fail_unless (entry == NULL, "the least recently used entry is still there");
  for (i = 1; i <= 2; i++)
    fail_unless (hit (store, i), "entry %u evicted", i);
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "hits"), 7);
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "evictions"), 1);
  gst_cache_store_free (store);
}

GST_END_TEST;

/* a process that exits (exit(), or returning from main()) without freeing
 * its store loses nothing either */
GST_START_TEST (test_exit_without_free)
{
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  GPid pid;

  fail_unless (store != NULL);
  store_entry (store, 1);
  gst_cache_store_free (store);

  pid = fork ();
  fail_if (pid < 0);
  if (pid == 0) {
    guint i;

    store = gst_cache_store_open (dir, NULL);
    if (store == NULL)
      _exit (2);
    gst_cache_store_set_write_intervals (store, 0, 3600 * 1000);
    for (i = 0; i < 321; i++)
      if (!hit (store, 1))
        _exit (1);
    exit (0);
  }
  wait_child (pid);
  fail_unless_equals_uint64 (index_counter ("hits"), 321);
  fail_unless_equals_uint64 (index_counter ("bytes-served"), 321 * 1000);
}

GST_END_TEST;

/* a child that hits until it is killed, telling the parent of each hit
 * through @fd */
static void
hit_until_killed (gint fd, guint delay_ms)
{
  GstCacheStore *store = gst_cache_store_open (dir, NULL);

  if (store == NULL)
    _exit (2);
  gst_cache_store_set_write_intervals (store, 0, delay_ms);
  for (;;) {
    if (!hit (store, 1) || write (fd, "h", 1) != 1)
      _exit (1);
    g_usleep (500);
  }
}

static guint
read_all (gint fd)
{
  gchar buf[4096];
  guint n = 0;
  gssize r;

  while ((r = read (fd, buf, sizeof (buf))) > 0 || (r < 0 && errno == EINTR))
    n += MAX (r, 0);
  return n;
}

/* SIGKILL: the counts already written stay, the ones not written yet are
 * lost (never more than the process made), the index is whole, and the
 * next process counts on exactly */
GST_START_TEST (test_sigkill)
{
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint round, done;
  guint64 counted = 0, now;
  gint fds[2], status;
  GPid pid;

  fail_unless (store != NULL);
  store_entry (store, 1);
  gst_cache_store_free (store);

  for (round = 0; round < 6; round++) {
    fail_unless_equals_int (pipe (fds), 0);
    pid = fork ();
    fail_if (pid < 0);
    if (pid == 0) {
      close (fds[0]);
      hit_until_killed (fds[1], round % 2 ? 5 : 200);
    }
    close (fds[1]);
    g_usleep ((50 + 40 * round) * G_TIME_SPAN_MILLISECOND);
    fail_unless_equals_int (kill (pid, SIGKILL), 0);
    fail_unless_equals_int (waitpid (pid, &status, 0), pid);
    fail_unless (WIFSIGNALED (status));
    done = read_all (fds[0]);
    close (fds[0]);

    store = gst_cache_store_open (dir, NULL);
    fail_unless (store != NULL);
    fail_unless (gst_cache_store_get_notice (store) == NULL,
        "the index was rebuilt: %s", gst_cache_store_get_notice (store));
    now = gst_cache_store_counter (store, "hits");
    /* at most the hits made (and one whose report the kill cut off) */
    fail_unless (now >= counted && now <= counted + done + 1,
        "round %u: %" G_GUINT64_FORMAT " counted, %" G_GUINT64_FORMAT
        " before, %u made", round, now, counted, done);
    fail_unless (hit (store, 1));
    fail_unless_equals_uint64 (gst_cache_store_counter (store, "hits"),
        now + 1);
    counted = now + 1;
    gst_cache_store_free (store);
  }
  fail_unless_equals_uint64 (index_counter ("hits"), counted);
}

GST_END_TEST;

/* a killed process loses nothing that was due before it was killed: its
 * thread had written it */
GST_START_TEST (test_sigkill_after_due)
{
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  gint fds[2], status;
  GPid pid;
  gchar c;

  fail_unless (store != NULL);
  store_entry (store, 1);
  gst_cache_store_free (store);

  fail_unless_equals_int (pipe (fds), 0);
  pid = fork ();
  fail_if (pid < 0);
  if (pid == 0) {
    guint i;

    close (fds[0]);
    store = gst_cache_store_open (dir, NULL);
    if (store == NULL)
      _exit (2);
    gst_cache_store_set_write_intervals (store, 0, 20);
    for (i = 0; i < 250; i++)
      if (!hit (store, 1))
        _exit (1);
    if (write (fds[1], "d", 1) != 1)
      _exit (1);
    for (;;)
      g_usleep (G_USEC_PER_SEC);
  }
  close (fds[1]);
  fail_unless_equals_int (read (fds[0], &c, 1), 1);
  close (fds[0]);
  fail_unless (wait_index_counter ("hits", 250));
  fail_unless_equals_int (kill (pid, SIGKILL), 0);
  fail_unless_equals_int (waitpid (pid, &status, 0), pid);
  fail_unless_equals_uint64 (index_counter ("hits"), 250);
}

GST_END_TEST;

static Suite *
cachestorehot_suite (void)
{
  Suite *s = suite_create ("cachestorehot");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_counts_one_process);
  tcase_add_test (tc, test_reader_sees_all);
  tcase_add_test (tc, test_counts_two_processes);
  tcase_add_test (tc, test_pending_names_unique);
  tcase_add_test (tc, test_recency_coalesced);
  tcase_add_test (tc, test_recency_eviction);
  tcase_add_test (tc, test_exit_without_free);
  tcase_add_test (tc, test_sigkill);
  tcase_add_test (tc, test_sigkill_after_due);
  return s;
}

GST_CHECK_MAIN (cachestorehot);
