/* gst-reuse: benchmark: cache store lookups and eviction
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

/* Fills a cache directory with --entries entries of --payload bytes, then
 * times --lookups hits (each opens the entry, checks its footer, key and
 * checksum, and makes it the most recently used in the index), as many
 * misses (absent keys), and one eviction of --evict entries (the least
 * recently used, in one transaction, files unlinked after the commit).
 * Prints a line of key=value pairs: microseconds per hit, per miss, per
 * evicted entry, per store. With --writer-holds-lock, a child process holds the
 * index's write lock (with an uncommitted change) during the hits, as a
 * process storing an entry does: a hit must not wait for it.
 *
 * It checks what it does, against what it stored, untimed: every hit must
 * find its entry with the payload bytes stored for that key, every miss
 * must find none, every entry must read back before the eviction, and the
 * eviction must remove exactly --evict entries, those that were used
 * least recently (in the order the store records uses: the entries that
 * no hit found, in the order they were stored, then the others in the
 * order of their first hit), and keep the others. A second line, the same
 * for every number of entries and directory, says what was checked: the
 * hits that found their entry and the misses that found none, the bytes
 * the hits read, an XXH3-128 digest of the payloads of the first 100
 * keys as read back through the store, and the eviction's outcome. The
 * program exits with 1 and says what differed on standard error if
 * anything did (--debug-wrong-expectation=payload or =lru makes it expect
 * something wrong, to see that). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachestore-private.h"
#include "../check/reusetest.h"

#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* the keys whose payloads are digested: they exist with every --entries
 * that scripts/bench runs */
#define COMMON_KEYS 100
/* the store remembers the uses of this many entries (MAX_RECORDED in
 * gstcachedir.c); past that it forgets them all and records again, and
 * the LRU order is no longer that of first hits */
#define MAX_HIT_ENTRIES 4096

static gint n_entries = 10000, n_lookups = 2000, n_evict = 1000;
static gint payload = 4096;
static gchar *dir;
static gboolean writer_holds_lock;
static gchar *debug_wrong;

static GOptionEntry options[] = {
  {"entries", 0, 0, G_OPTION_ARG_INT, &n_entries, "Entries", "N"},
  {"lookups", 0, 0, G_OPTION_ARG_INT, &n_lookups, "Hits, and misses", "N"},
  {"evict", 0, 0, G_OPTION_ARG_INT, &n_evict, "Entries to evict", "N"},
  {"payload", 0, 0, G_OPTION_ARG_INT, &payload, "Bytes per entry", "N"},
  {"dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Cache directory (made "
        "afresh)", "DIR"},
  {"writer-holds-lock", 0, 0, G_OPTION_ARG_NONE, &writer_holds_lock,
      "Another process holds the index's write lock during the hits", NULL},
  /* to see the checks fail: "payload" expects one wrong byte in the
   * payload of the first key hit, "lru" expects the eviction to take the
   * least recent entry but one instead of the least recent */
  {"debug-wrong-expectation", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING,
        &debug_wrong, "Expect something wrong, to see a check fail",
      "payload|lru"},
  {NULL}
};

static guint failures;

static void
fail (const gchar * format, ...)
{
  va_list ap;

  /* the first ones tell enough */
  if (++failures > 10)
    return;
  va_start (ap, format);
  fprintf (stderr, "gst-reuse-bench-cachestore: ");
  vfprintf (stderr, format, ap);
  fprintf (stderr, "\n");
  va_end (ap);
}

static void
fail_error (const gchar * what, GError * err)
{
  fprintf (stderr, "gst-reuse-bench-cachestore: %s: %s\n", what,
      err ? err->message : "failed");
  exit (1);
}

static void
make_key (guint8 key[GST_CACHE_KEY_SIZE], guint i)
{
  gchar *s = g_strdup_printf ("bench-entry-%u", i);
  GChecksum *c = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = GST_CACHE_KEY_SIZE;

  g_checksum_update (c, (const guchar *) s, -1);
  g_checksum_get_digest (c, key, &len);
  g_checksum_free (c);
  g_free (s);
}

/* the payload of entry @i: its number, then a pattern of its own */
static void
make_payload (guint8 * data, guint i)
{
  gint j;

  for (j = 0; j < payload; j++)
    data[j] = j * 7 + i * 13;
  for (j = 0; j < 4 && j < payload; j++)
    data[j] = i >> (8 * j);
}

/* a buffer for the expected payload, one for a streamed entry's */
static guint8 *want, *got;
static gint wrong_payload_key = -1;

/* TRUE if @e holds the payload stored for entry @i; its bytes go into
 * @hasher, if given */
static gboolean
check_payload (GstCacheEntry * e, guint i, const gchar * what,
    GstCacheHasher * hasher)
{
  GError *err = NULL;
  const guint8 *p;
  gsize size;
  gint j;

  if (gst_cache_entry_get_kind (e) != GST_CACHE_ENTRY_KIND_BYTES) {
    fail ("%s of entry %u: kind %d, stored %d", what, i,
        gst_cache_entry_get_kind (e), GST_CACHE_ENTRY_KIND_BYTES);
    return FALSE;
  }
  p = gst_cache_entry_get_payload (e, &size);
  if (size != (gsize) payload) {
    fail ("%s of entry %u: %" G_GSIZE_FORMAT " bytes, stored %d", what, i,
        size, payload);
    return FALSE;
  }
  if (p == NULL) {
    if (!gst_cache_entry_read (e, 0, got, size, &err)) {
      fail ("%s of entry %u: %s", what, i, err->message);
      g_error_free (err);
      return FALSE;
    }
    p = got;
  }
  /* what the store returned, right or wrong */
  if (hasher)
    gst_cache_hasher_update (hasher, p, size);
  make_payload (want, i);
  if ((gint) i == wrong_payload_key)
    want[payload / 2] ^= 0x5a;
  if (memcmp (p, want, size) != 0) {
    for (j = 0; p[j] == want[j]; j++);
    fail ("%s of entry %u: byte %d is 0x%02x, expected 0x%02x", what, i, j,
        p[j], want[j]);
    return FALSE;
  }
  return TRUE;
}

/* a child that holds the index's write lock until @release is closed */
static pid_t
hold_write_lock (gint * release)
{
  gint ready[2], go[2];
  gchar c = 'n';
  pid_t pid;

  if (pipe (ready) != 0 || pipe (go) != 0)
    g_error ("pipe");
  pid = fork ();
  if (pid == 0) {
    GstCacheStore *store;

    close (ready[0]);
    close (go[1]);
    store = gst_cache_store_open (dir, NULL);
    if (store && gst_cache_index_begin (store->index, NULL) &&
        gst_cache_index_add (store->index, "bench-writer", 1, NULL))
      c = 'y';
    if (write (ready[1], &c, 1) != 1 || read (go[0], &c, 1) < 0)
      _exit (2);
    _exit (0);
  }
  close (ready[1]);
  close (go[0]);
  if (read (ready[0], &c, 1) != 1 || c != 'y')
    g_error ("the writer could not take the lock");
  close (ready[0]);
  *release = go[1];
  return pid;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new (NULL);
  GError *err = NULL;
  GstCacheStore *store;
  GstCacheHasher *hasher;
  guint8 key[GST_CACHE_KEY_SIZE], digest[GST_CACHE_DIGEST_SIZE];
  guint8 *data;
  GRand *rand;
  gint64 t0, t1, t_store, t_hit, t_check = 0, t_miss, t_evict;
  guint evicted = 0, hits_found = 0, misses_empty = 0, n_hit_entries = 0;
  guint unread = 0, lru_gone = 0, mru_kept = 0, wrong_gone = 0;
  guint wrong_kept = 0;
  guint *first_hits, *order;
  gboolean *hit, *doomed;
  gint release = -1;
  pid_t writer = 0;
  guint64 bytes, entries, entries_left, hit_bytes = 0;
  gchar *hex;
  gboolean eviction_ok;
  gint i, n;

  g_option_context_add_main_entries (ctx, options, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &err) || dir == NULL) {
    fprintf (stderr, "%s\n", err ? err->message : "--dir is needed");
    return 2;
  }
  g_option_context_free (ctx);
  if (n_entries < 1 || n_evict < 1 || n_evict >= n_entries ||
      n_lookups < 1 || n_lookups > MAX_HIT_ENTRIES || payload < 4) {
    fprintf (stderr, "--entries and --lookups must be at least 1, --evict "
        "between 1 and --entries - 1, --lookups at most %d (the entries "
        "the store remembers the uses of), --payload at least 4\n",
        MAX_HIT_ENTRIES);
    return 2;
  }
  if (g_strcmp0 (debug_wrong, "payload") == 0)
    wrong_payload_key = -2;     /* the first key hit */
  else if (debug_wrong && g_strcmp0 (debug_wrong, "lru") != 0) {
    fprintf (stderr, "--debug-wrong-expectation: payload or lru\n");
    return 2;
  }
  reuse_test_remove_tree (dir);
  store = gst_cache_store_open (dir, &err);
  if (store == NULL)
    fail_error ("Could not open the store", err);
  /* a use of an entry is recorded once per recency interval (10 s): once
   * in this run, whatever the speed of the machine, so that the LRU order
   * is that of first uses; a hit does the same work */
  gst_cache_store_set_write_intervals (store, 24 * 3600 * 1000,
      GST_CACHE_DEFERRED_DELAY_MS);

  data = g_malloc (payload);
  want = g_malloc (payload);
  got = g_malloc (payload);
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n_entries; i++) {
    GstCacheWriter *w;
    GKeyFile *meta = g_key_file_new ();

    make_key (key, i);
    make_payload (data, i);
    g_key_file_set_string (meta, "entry", "description", "bench");
    g_key_file_set_int64 (meta, "entry", "created", i);
    w = gst_cache_writer_new (store, key, 0, &err);
    if (w == NULL || !gst_cache_writer_append (w, data, payload, &err) ||
        !gst_cache_writer_commit (w, GST_CACHE_ENTRY_KIND_BYTES, meta,
            0, 0, NULL, &err))
      fail_error ("Could not store an entry", err);
    gst_cache_writer_free (w);
    g_key_file_unref (meta);
  }
  t_store = g_get_monotonic_time () - t0;

  /* the entries in the order of their first hit */
  hit = g_new0 (gboolean, n_entries);
  first_hits = g_new (guint, n_lookups);
  rand = g_rand_new_with_seed (1);
  if (writer_holds_lock)
    writer = hold_write_lock (&release);
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n_lookups; i++) {
    GstCacheEntry *e;
    guint k = g_rand_int_range (rand, 0, n_entries);

    make_key (key, k);
    e = gst_cache_store_lookup (store, key, &err);
    /* the checks are not timed */
    t1 = g_get_monotonic_time ();
    if (wrong_payload_key == -2)
      wrong_payload_key = k;
    if (e == NULL) {
      fail ("hit %d: entry %u not found%s%s", i, k, err ? ": " : "",
          err ? err->message : "");
      g_clear_error (&err);
    } else {
      hits_found++;
      if (check_payload (e, k, "hit", NULL))
        hit_bytes += payload;
    }
    if (!hit[k]) {
      hit[k] = TRUE;
      first_hits[n_hit_entries++] = k;
    }
    t_check += g_get_monotonic_time () - t1;
    if (e)
      gst_cache_entry_unref (e);
  }
  t_hit = g_get_monotonic_time () - t0 - t_check;
  if (writer > 0) {
    close (release);
    waitpid (writer, NULL, 0);
  }
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n_lookups; i++) {
    GstCacheEntry *e;

    make_key (key, n_entries + i);
    e = gst_cache_store_lookup (store, key, &err);
    if (e == NULL && err == NULL)
      misses_empty++;
    else if (e)
      gst_cache_entry_unref (e);
    g_clear_error (&err);
  }
  t_miss = g_get_monotonic_time () - t0;
  if (misses_empty != (guint) n_lookups)
    fail ("%u of %d misses found an entry or failed",
        n_lookups - misses_empty, n_lookups);

  /* every entry reads back (without being used); the payloads of the
   * first keys are digested in key order */
  hasher = gst_cache_hasher_new ();
  for (i = 0; i < n_entries; i++) {
    GstCacheEntry *e;

    make_key (key, i);
    e = gst_cache_store_lookup_full (store, key, FALSE, &err);
    if (e == NULL) {
      unread++;
      fail ("entry %d not found after the hits%s%s", i, err ? ": " : "",
          err ? err->message : "");
      g_clear_error (&err);
      continue;
    }
    if (!check_payload (e, i, "reading back", i < COMMON_KEYS ? hasher : NULL))
      unread++;
    gst_cache_entry_unref (e);
  }
  gst_cache_hasher_finish (hasher, digest);
  gst_cache_hasher_free (hasher);

  if (!gst_cache_store_totals (store, &bytes, &entries, &err))
    fail_error ("Could not read the index's totals", err);
  if (entries != (guint64) n_entries)
    fail ("the index counts %" G_GUINT64_FORMAT " entries, %d were stored",
        entries, n_entries);
  t0 = g_get_monotonic_time ();
  if (!gst_cache_store_evict (store, 0, entries - n_evict, 0, &evicted, &err))
    fail_error ("Could not evict", err);
  t_evict = g_get_monotonic_time () - t0;

  /* least recently used first: the entries no hit found, in the order
   * they were stored (each store is a use), then those hit, in the order
   * of their first hit */
  order = g_new (guint, n_entries);
  for (i = 0, n = 0; i < n_entries; i++)
    if (!hit[i])
      order[n++] = i;
  memcpy (order + n, first_hits, n_hit_entries * sizeof (guint));
  if (g_strcmp0 (debug_wrong, "lru") == 0) {
    guint tmp = order[n_evict - 1];

    order[n_evict - 1] = order[n_evict];
    order[n_evict] = tmp;
  }
  doomed = g_new0 (gboolean, n_entries);
  for (i = 0; i < n_evict; i++)
    doomed[order[i]] = TRUE;
  for (i = 0; i < n_entries; i++) {
    GstCacheEntry *e;

    make_key (key, i);
    e = gst_cache_store_lookup_full (store, key, FALSE, &err);
    if (err) {
      fail ("entry %d after the eviction: %s", i, err->message);
      g_clear_error (&err);
    }
    if (e && check_payload (e, i, "after the eviction", NULL)) {
      if (doomed[i])
        wrong_kept++;
      else
        mru_kept++;
    } else if (e == NULL) {
      if (doomed[i])
        lru_gone++;
      else
        wrong_gone++;
    }
    if (e)
      gst_cache_entry_unref (e);
  }
  if (!gst_cache_store_totals (store, &bytes, &entries_left, &err))
    fail_error ("Could not read the index's totals", err);
  eviction_ok = evicted == (guint) n_evict && lru_gone == (guint) n_evict &&
      mru_kept == (guint) (n_entries - n_evict) && wrong_gone == 0 &&
      wrong_kept == 0 && entries_left == (guint64) (n_entries - n_evict);
  if (!eviction_ok) {
    /* told even after many other failures */
    fprintf (stderr, "gst-reuse-bench-cachestore: eviction: expected %d of "
        "%d entries to go, the least recently used; %u went; of those "
        "expected to go %u went, %u stayed; of those expected to stay %u "
        "stayed (payload checked), %u went; the index counts %"
        G_GUINT64_FORMAT " entries, expected %d\n", n_evict, n_entries,
        evicted, lru_gone, wrong_kept, mru_kept, wrong_gone, entries_left,
        n_entries - n_evict);
    failures++;
  }

  printf ("%sentries=%d store_us=%.1f hit_us=%.1f miss_us=%.1f "
      "evict_us_per_entry=%.1f evict_ms=%.1f\n",
      writer_holds_lock ? "writer-holds-lock " : "", n_entries,
      (double) t_store / n_entries, (double) t_hit / n_lookups,
      (double) t_miss / n_lookups, (double) t_evict / evicted,
      t_evict / 1000.0);
  hex = gst_cache_digest_to_hex (digest, sizeof (digest));
  /* the same for every number of entries and directory */
  printf ("checked: hits-found=%u/%d hit-bytes-as-stored=%" G_GUINT64_FORMAT
      " misses-empty=%u/%d read-back=%s payloads-xxh3-128(keys 0-%d)=%s "
      "eviction=%s\n", hits_found, n_lookups, hit_bytes, misses_empty,
      n_lookups, unread == 0 ? "all" : "FAILED", MIN (n_entries,
          COMMON_KEYS) - 1, hex, eviction_ok ? "exactly-the-lru" : "WRONG");
  g_free (hex);

  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_rand_free (rand);
  g_free (first_hits);
  g_free (order);
  g_free (hit);
  g_free (doomed);
  g_free (data);
  g_free (want);
  g_free (got);
  g_free (dir);
  g_free (debug_wrong);
  if (failures > 0) {
    fprintf (stderr, "gst-reuse-bench-cachestore: %u check%s failed\n",
        failures, failures > 1 ? "s" : "");
    return 1;
  }
  return 0;
}
