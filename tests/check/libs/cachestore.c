/* gst-reuse: unit tests of the cache store: limits, recency, eviction order,
 * memos, and entries truncated under their reader
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


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cachestoretest.h"
#include "reusetest.h"

static guint8 *
make_payload (gsize size, guint seed)
{
  guint8 *data = g_malloc (size);
  gsize i;

  for (i = 0; i < size; i++)
    data[i] = (i * 7 + seed) & 0xff;
  return data;
}

/* stores @size bytes under @key; FALSE with @error set when not stored */
static gboolean
store_entry (GstCacheStore * store, const guint8 key[GST_CACHE_KEY_SIZE],
    gsize size, guint64 max_size, const gchar * description, GError ** error)
{
  GstCacheWriter *w = gst_cache_writer_new (store, key, max_size, error);
  GKeyFile *meta = g_key_file_new ();
  guint8 *data = make_payload (size, key[31]);
  gboolean ok;

  fail_unless (w != NULL);
  g_key_file_set_string (meta, "entry", "description", description);
  ok = gst_cache_writer_append (w, data, size, error) &&
      gst_cache_writer_commit (w, GST_CACHE_ENTRY_KIND_BYTES, meta, max_size,
      0, NULL, error);
  gst_cache_writer_free (w);
  g_key_file_unref (meta);
  g_free (data);
  return ok;
}

static guint64
size_on_disk (const gchar * dir, guint * n)
{
  gchar *entries = g_build_filename (dir, "entries", NULL);
  GDir *top = g_dir_open (entries, 0, NULL);
  const gchar *shard, *name;
  guint64 total = 0;

  *n = 0;
  while (top && (shard = g_dir_read_name (top))) {
    gchar *sdir = g_build_filename (entries, shard, NULL);
    GDir *d = g_dir_open (sdir, 0, NULL);

    while (d && (name = g_dir_read_name (d))) {
      gchar *p = g_build_filename (sdir, name, NULL);
      GStatBuf st;

      if (g_stat (p, &st) == 0) {
        total += st.st_size;
        (*n)++;
      }
      g_free (p);
    }
    if (d)
      g_dir_close (d);
    g_free (sdir);
  }
  if (top)
    g_dir_close (top);
  g_free (entries);
  return total;
}

static gboolean
present (GstCacheStore * store, const guint8 key[GST_CACHE_KEY_SIZE])
{
  GstCacheEntry *e = gst_cache_store_lookup_full (store, key, FALSE, NULL);

  if (e)
    gst_cache_entry_unref (e);
  return e != NULL;
}

/* the limit counts the whole entry file (payload, metadata, footer): an
 * entry of 600,513 bytes does not fit in 599,500 */
/* Several openers of one new cache at once (the workers of a batch, or
 * processes started together) each get the cache: creating the index and
 * switching it to WAL must not fail any of them with "database is
 * locked". */
#define OPENERS 6

typedef struct
{
  GMutex lock;
  GCond cond;
  guint waiting;
  const gchar *dir;
} OpenRace;

static gpointer
open_racer (gpointer data)
{
  OpenRace *race = data;
  GError *err = NULL;
  GstCacheStore *store;

  g_mutex_lock (&race->lock);
  race->waiting++;
  g_cond_broadcast (&race->cond);
  while (race->waiting < OPENERS)
    g_cond_wait (&race->cond, &race->lock);
  g_mutex_unlock (&race->lock);
  store = gst_cache_store_open (race->dir, &err);
  if (store)
    gst_cache_store_free (store);
  return err ? g_strdup (err->message) : NULL;
}

GST_START_TEST (test_concurrent_first_open)
{
  guint round, i;

  for (round = 0; round < 20; round++) {
    gchar *top = cachestore_test_make_dir ();
    gchar *dir = g_build_filename (top, "cache", NULL);
    GThread *threads[OPENERS];
    OpenRace race = { 0, };

    /* the directory may exist already: cachebin remembers a chain's caps
     * in it while gst-launch-1.0 links, before any cache is opened */
    if (round % 2)
      fail_unless (g_mkdir_with_parents (dir, 0700) == 0);
    race.dir = dir;
    g_mutex_init (&race.lock);
    g_cond_init (&race.cond);
    for (i = 0; i < OPENERS; i++)
      threads[i] = g_thread_new ("opener", open_racer, &race);
    for (i = 0; i < OPENERS; i++) {
      gchar *failure = g_thread_join (threads[i]);

      fail_unless (failure == NULL, "round %u, opener %u: %s", round, i,
          failure);
    }
    g_mutex_clear (&race.lock);
    g_cond_clear (&race.cond);
    reuse_test_remove_tree (top);
    g_free (dir);
    g_free (top);
  }
}

GST_END_TEST;

GST_START_TEST (test_limit_counts_whole_file)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  gchar *description = g_strnfill (1000, 'd');
  guint8 key[GST_CACHE_KEY_SIZE];
  GError *err = NULL;
  guint64 bytes = 1, entries = 1;
  guint n;

  cachestore_test_make_key (key, 1);
  fail_unless (store != NULL);
  /* 599,400 payload bytes fit on their own; with about 1 kB of metadata
   * and the footer, the file does not */
  fail_if (store_entry (store, key, 599400, 599500, description, &err));
  fail_unless (g_error_matches (err, GST_CACHE_STORE_ERROR,
          GST_CACHE_STORE_ERROR_TOO_LARGE), "%s", err ? err->message : "");
  g_clear_error (&err);
  fail_if (present (store, key));
  fail_unless (gst_cache_store_totals (store, &bytes, &entries, NULL));
  fail_unless_equals_uint64 (bytes, 0);
  fail_unless_equals_uint64 (entries, 0);
  fail_unless_equals_uint64 (size_on_disk (dir, &n), 0);

  /* the same payload with a short description fits exactly or not at
   * all: whatever is kept is within the limit */
  store_entry (store, key, 599000, 599500, "short", NULL);
  fail_unless (size_on_disk (dir, &n) <= 599500);

  g_free (description);
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

static void
remove_index (const gchar * dir)
{
  const gchar *names[] = { "index.sqlite", "index.sqlite-wal",
    "index.sqlite-shm"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *p = g_build_filename (dir, names[i], NULL);

    g_unlink (p);
    g_free (p);
  }
}

/* a lost index is rebuilt from the entry files at once: every entry counts
 * toward the limit and can be evicted */
GST_START_TEST (test_missing_index_reconciled)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint8 key[GST_CACHE_KEY_SIZE];
  guint64 bytes, entries, disk;
  guint i, n;

  fail_unless (store != NULL);
  for (i = 0; i < 6; i++) {
    cachestore_test_make_key (key, i);
    fail_unless (store_entry (store, key, 100000, 0, "entry", NULL));
  }
  gst_cache_store_free (store);
  remove_index (dir);

  store = gst_cache_store_open (dir, NULL);
  fail_unless (store != NULL);
  fail_unless (gst_cache_store_totals (store, &bytes, &entries, NULL));
  disk = size_on_disk (dir, &n);
  fail_unless_equals_uint64 (entries, 6);
  fail_unless_equals_uint64 (bytes, disk);

  /* a store under a limit of about three entries: the cache fits, on disk */
  cachestore_test_make_key (key, 10);
  fail_unless (store_entry (store, key, 100000, 350000, "new", NULL));
  disk = size_on_disk (dir, &n);
  fail_unless (disk <= 350000, "%" G_GUINT64_FORMAT " bytes on disk", disk);
  fail_unless_equals_int (n, 3);
  fail_unless (present (store, key));

  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

/* the index's log stays between processes: an index deleted without it
 * is rebuilt from the entry files all the same, the old log unused */
GST_START_TEST (test_index_deleted_log_kept)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  gchar *path = g_build_filename (dir, "index.sqlite", NULL);
  gchar *wal = g_strconcat (path, "-wal", NULL);
  guint8 key[GST_CACHE_KEY_SIZE];
  guint64 bytes, entries;
  GStatBuf st;
  guint i, n;

  fail_unless (store != NULL);
  for (i = 0; i < 4; i++) {
    cachestore_test_make_key (key, i);
    fail_unless (store_entry (store, key, 10000, 0, "entry", NULL));
  }
  gst_cache_store_free (store);
  fail_unless_equals_int (g_stat (wal, &st), 0);
  fail_unless (st.st_size > 0, "the log was not kept");
  fail_unless_equals_int (g_unlink (path), 0);

  store = gst_cache_store_open (dir, NULL);
  fail_unless (store != NULL);
  fail_unless (gst_cache_store_totals (store, &bytes, &entries, NULL));
  fail_unless_equals_uint64 (entries, 4);
  fail_unless_equals_uint64 (bytes, size_on_disk (dir, &n));
  fail_unless_equals_uint64 (gst_cache_store_counter (store,
          "index-rebuilds"), 1);
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (wal);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

/* the log kept between processes stays bounded: each open, count and
 * close is a process's life (the last connection's close leaves the log,
 * the next first connection reads it again) */
GST_START_TEST (test_index_log_bounded)
{
  gchar *dir = cachestore_test_make_dir ();
  gchar *wal = g_build_filename (dir, "index.sqlite-wal", NULL);
  GstCacheStore *store;
  GStatBuf st;
  goffset largest = 0;
  guint i;

  for (i = 0; i < 300; i++) {
    store = gst_cache_store_open (dir, NULL);
    fail_unless (store != NULL);
    gst_cache_store_count (store, "hits", (guint64) 1, NULL);
    gst_cache_store_free (store);
    fail_unless_equals_int (g_stat (wal, &st), 0);
    largest = MAX (largest, st.st_size);
  }
  /* 128 pages of 4 KiB and their frame headers, and one commit more */
  fail_unless (largest <= 140 * (4096 + 24), "the log grew to %"
      G_GOFFSET_FORMAT " bytes", largest);
  store = gst_cache_store_open (dir, NULL);
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "hits"), 300);
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (wal);
  g_free (dir);
}

GST_END_TEST;

/* an index whose rebuild was cut short (created, its entries not indexed
 * yet) is rebuilt at the next open */
GST_START_TEST (test_interrupted_rebuild)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  gchar *path = g_build_filename (dir, "index.sqlite", NULL);
  guint8 key[GST_CACHE_KEY_SIZE];
  gboolean corrupt, fresh;
  GstCacheIndex *index;
  guint64 bytes, entries;
  guint i;

  for (i = 0; i < 3; i++) {
    cachestore_test_make_key (key, i);
    fail_unless (store_entry (store, key, 1000, 0, "entry", NULL));
  }
  gst_cache_store_free (store);
  remove_index (dir);
  /* what a process killed during the rebuild leaves: the schema, no rows */
  index = gst_cache_index_open (path, &corrupt, &fresh, NULL);
  fail_unless (index != NULL && fresh);
  gst_cache_index_close (index);

  store = gst_cache_store_open (dir, NULL);
  fail_unless (gst_cache_store_totals (store, &bytes, &entries, NULL));
  fail_unless_equals_uint64 (entries, 3);
  gst_cache_store_free (store);

  g_free (path);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

/* eviction removes the least recently used entry: a hit makes an old entry
 * recent, so the next store evicts the one after it */
GST_START_TEST (test_eviction_order)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint8 k[4][GST_CACHE_KEY_SIZE];
  GstCacheEntry *e;
  guint i, n;
  guint64 one;

  for (i = 0; i < 4; i++)
    cachestore_test_make_key (k[i], i);
  fail_unless (store_entry (store, k[0], 10000, 0, "entry", NULL));
  one = size_on_disk (dir, &n);
  fail_unless (store_entry (store, k[1], 10000, 0, "entry", NULL));
  fail_unless (store_entry (store, k[2], 10000, 0, "entry", NULL));
  g_usleep (2000);
  /* the oldest becomes the most recent */
  e = gst_cache_store_lookup (store, k[0], NULL);
  fail_unless (e != NULL);
  gst_cache_entry_unref (e);
  g_usleep (2000);
  /* room for three: one goes, the least recently used, k[1] */
  fail_unless (store_entry (store, k[3], 10000, 3 * one + 10, "entry", NULL));
  fail_unless (present (store, k[0]));
  fail_if (present (store, k[1]));
  fail_unless (present (store, k[2]));
  fail_unless (present (store, k[3]));

  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

/* a child process that holds the index's write lock until told to go */
static GPid
hold_write_lock (const gchar * dir, gint * release)
{
  gint ready[2], go[2];
  gchar c;
  pid_t pid;

  fail_unless (pipe (ready) == 0 && pipe (go) == 0);
  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    GstCacheStore *store;
    gboolean ok;

    close (ready[0]);
    close (go[1]);
    store = gst_cache_store_open (dir, NULL);
    ok = store && gst_cache_index_begin (store->index, NULL) &&
        gst_cache_index_add (store->index, "writer", 1, NULL);
    c = ok ? 'y' : 'n';
    if (write (ready[1], &c, 1) != 1 || read (go[0], &c, 1) < 0)
      _exit (2);
    gst_cache_index_rollback (store->index);
    _exit (ok ? 0 : 1);
  }
  close (ready[1]);
  close (go[0]);
  fail_unless (read (ready[0], &c, 1) == 1 && c == 'y');
  close (ready[0]);
  *release = go[1];
  return pid;
}

static void
release_write_lock (GPid pid, gint release)
{
  gint status;

  close (release);
  fail_unless (waitpid (pid, &status, 0) == pid);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

/* a hit does not wait for a writer: while another process holds the
 * index's write lock, the entry is served, and its recency and the
 * counters reach the index afterwards */
GST_START_TEST (test_hit_while_writer_holds_lock)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint8 a[GST_CACHE_KEY_SIZE], b[GST_CACHE_KEY_SIZE];
  GstCacheEntry *e;
  GArray *rows;
  gsize size;
  gint release;
  GPid pid;
  gint64 t0;

  cachestore_test_make_key (a, 1);
  cachestore_test_make_key (b, 2);
  fail_unless (store_entry (store, a, 5000, 0, "a", NULL));
  g_usleep (2000);
  fail_unless (store_entry (store, b, 5000, 0, "b", NULL));
  g_usleep (2000);

  pid = hold_write_lock (dir, &release);
  t0 = g_get_monotonic_time ();
  e = gst_cache_store_lookup (store, a, NULL);
  fail_unless (e != NULL);
  gst_cache_entry_get_payload (e, &size);
  fail_unless_equals_uint64 (size, 5000);
  gst_cache_store_count (store, "hits", (guint64) 1, "bytes-served",
      (guint64) size, NULL);
  GST_INFO ("a hit and its counters with the write lock held elsewhere: "
      "%" G_GINT64_FORMAT " us", g_get_monotonic_time () - t0);
  gst_cache_entry_unref (e);
  /* a new process opens the store and hits too */
  {
    GstCacheStore *other = gst_cache_store_open (dir, NULL);

    fail_unless (other != NULL);
    e = gst_cache_store_lookup (other, b, NULL);
    fail_unless (e != NULL);
    gst_cache_entry_unref (e);
    gst_cache_store_free (other);
  }
  release_write_lock (pid, release);

  /* what was left pending is in the index once anyone looks */
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "hits"), 1);
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "bytes-served"),
      5000);
  fail_unless_equals_uint64 (gst_cache_store_counter (store, "writer"), 0);
  rows = gst_cache_store_list (store, NULL);
  fail_unless (rows != NULL && rows->len == 2);
  /* b was hit last */
  fail_unless (g_str_has_prefix (g_array_index (rows, GstCacheEntryInfo,
              1).key, "12"));
  g_array_unref (rows);

  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

/* a small entry is read whole into memory at its lookup: cut short in
 * place afterwards, it is still read whole (without SIGBUS) */
GST_START_TEST (test_entry_truncated_under_reader)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  const gsize size = 1024 * 1024;
  guint8 key[GST_CACHE_KEY_SIZE];
  guint8 *expect = NULL;
  const guint8 *payload;
  GstCacheEntry *e;
  gsize got;

  cachestore_test_make_key (key, 3);
  expect = make_payload (size, key[31]);
  fail_unless (store_entry (store, key, size, 0, "big", NULL));
  e = gst_cache_store_lookup (store, key, NULL);
  fail_unless (e != NULL);
  fail_if (gst_cache_entry_is_streamed (e));
  fail_unless (truncate (gst_cache_entry_get_path (e), 4096) == 0);
  payload = gst_cache_entry_get_payload (e, &got);
  fail_unless_equals_uint64 (got, size);
  fail_unless (memcmp (payload, expect, size) == 0);
  gst_cache_entry_unref (e);
  /* and the next lookup finds it damaged: a miss */
  fail_if (present (store, key));

  g_free (expect);
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

static void
make_memos (const gchar * dir, guint n, gint64 first_s)
{
  guint i;

  g_mkdir_with_parents (dir, 0700);
  for (i = 0; i < n; i++) {
    gchar *name = g_strdup_printf ("memo-%04u", i);
    gchar *p = g_build_filename (dir, name, NULL);
    struct timespec ts[2];

    fail_unless (g_file_set_contents (p, "memo", -1, NULL));
    ts[0].tv_sec = ts[1].tv_sec = first_s + i;
    ts[0].tv_nsec = ts[1].tv_nsec = 0;
    fail_unless (utimensat (AT_FDCWD, p, ts, 0) == 0);
    g_free (p);
    g_free (name);
  }
}

static guint
count_files (const gchar * dir, const gchar * oldest_kept)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;
  guint n = 0;

  while (d && (name = g_dir_read_name (d))) {
    n++;
    if (oldest_kept)
      fail_if (strcmp (name, oldest_kept) < 0, "%s was kept", name);
  }
  if (d)
    g_dir_close (d);
  return n;
}

/* chains/ and stat/ are bounded at a store and by cleanup, oldest first,
 * and emptied by clear */
GST_START_TEST (test_memo_bounds)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  gchar *chains = g_build_filename (dir, "chains", NULL);
  gchar *shard_ab = g_build_filename (dir, "stat", "ab", NULL);
  gchar *shard_cd = g_build_filename (dir, "stat", "cd", NULL);
  guint8 key[GST_CACHE_KEY_SIZE];

  make_memos (chains, GST_CACHE_MAX_CHAIN_FILES + 100, 1000000);
  make_memos (shard_ab, GST_CACHE_MAX_STAT_FILES_PER_SHARD + 10, 1000000);
  make_memos (shard_cd, GST_CACHE_MAX_STAT_FILES_PER_SHARD + 20, 1000000);

  /* a store whose key starts with ab bounds chains/ and stat/ab */
  cachestore_test_make_key (key, 0);
  key[0] = 0xab;
  fail_unless (store_entry (store, key, 100, 0, "entry", NULL));
  fail_unless_equals_int (count_files (chains, "memo-0100"),
      GST_CACHE_MAX_CHAIN_FILES);
  fail_unless_equals_int (count_files (shard_ab, "memo-0010"),
      GST_CACHE_MAX_STAT_FILES_PER_SHARD);
  fail_unless_equals_int (count_files (shard_cd, NULL),
      GST_CACHE_MAX_STAT_FILES_PER_SHARD + 20);

  /* cleanup bounds every shard */
  fail_unless (gst_cache_store_cleanup (store, 0, 0, NULL, NULL, NULL, NULL,
          NULL));
  fail_unless_equals_int (count_files (shard_cd, "memo-0020"),
      GST_CACHE_MAX_STAT_FILES_PER_SHARD);

  /* clear empties them */
  fail_unless (gst_cache_store_clear (store, NULL, NULL));
  fail_unless_equals_int (count_files (chains, NULL), 0);
  fail_unless_equals_int (count_files (shard_ab, NULL), 0);
  fail_unless_equals_int (count_files (shard_cd, NULL), 0);

  g_free (chains);
  g_free (shard_ab);
  g_free (shard_cd);
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
cachestore_suite (void)
{
  Suite *s = suite_create ("cachestore");
  TCase *tc_chain = tcase_create ("general");

  suite_add_tcase (s, tc_chain);
  tcase_add_test (tc_chain, test_concurrent_first_open);
  tcase_add_test (tc_chain, test_limit_counts_whole_file);
  tcase_add_test (tc_chain, test_missing_index_reconciled);
  tcase_add_test (tc_chain, test_index_deleted_log_kept);
  tcase_add_test (tc_chain, test_index_log_bounded);
  tcase_add_test (tc_chain, test_interrupted_rebuild);
  tcase_add_test (tc_chain, test_eviction_order);
  tcase_add_test (tc_chain, test_hit_while_writer_holds_lock);
  tcase_add_test (tc_chain, test_entry_truncated_under_reader);
  tcase_add_test (tc_chain, test_memo_bounds);

  return s;
}

GST_CHECK_MAIN (cachestore);
