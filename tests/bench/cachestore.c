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
 * Prints key=value lines: microseconds per hit, per miss, per evicted
 * entry, per store. With --writer-holds-lock, a child process holds the
 * index's write lock (with an uncommitted change) during the hits, as a
 * process storing an entry does: a hit must not wait for it. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachestore-private.h"
#include "../check/reusetest.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static gint n_entries = 10000, n_lookups = 2000, n_evict = 1000;
static gint payload = 4096;
static gchar *dir;
static gboolean writer_holds_lock;

static GOptionEntry options[] = {
  {"entries", 0, 0, G_OPTION_ARG_INT, &n_entries, "Entries", "N"},
  {"lookups", 0, 0, G_OPTION_ARG_INT, &n_lookups, "Hits, and misses", "N"},
  {"evict", 0, 0, G_OPTION_ARG_INT, &n_evict, "Entries to evict", "N"},
  {"payload", 0, 0, G_OPTION_ARG_INT, &payload, "Bytes per entry", "N"},
  {"dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Cache directory (made "
        "afresh)", "DIR"},
  {"writer-holds-lock", 0, 0, G_OPTION_ARG_NONE, &writer_holds_lock,
      "Another process holds the index's write lock during the hits", NULL},
  {NULL}
};

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
  guint8 key[GST_CACHE_KEY_SIZE];
  guint8 *data;
  GRand *rand;
  gint64 t0, t_store, t_hit, t_miss, t_evict;
  guint evicted = 0;
  gint release = -1;
  pid_t writer = 0;
  guint64 bytes, entries;
  gint i;

  g_option_context_add_main_entries (ctx, options, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &err) || dir == NULL) {
    fprintf (stderr, "%s\n", err ? err->message : "--dir is needed");
    return 2;
  }
  g_option_context_free (ctx);
  reuse_test_remove_tree (dir);
  store = gst_cache_store_open (dir, &err);
  g_assert_no_error (err);

  data = g_malloc (payload);
  for (i = 0; i < payload; i++)
    data[i] = i * 7;
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n_entries; i++) {
    GstCacheWriter *w;
    GKeyFile *meta = g_key_file_new ();

    make_key (key, i);
    g_key_file_set_string (meta, "entry", "description", "bench");
    g_key_file_set_int64 (meta, "entry", "created", i);
    w = gst_cache_writer_new (store, key, 0, &err);
    g_assert_no_error (err);
    g_assert (gst_cache_writer_append (w, data, payload, &err));
    g_assert (gst_cache_writer_commit (w, GST_CACHE_ENTRY_KIND_BYTES, meta,
            0, 0, NULL, &err));
    gst_cache_writer_free (w);
    g_key_file_unref (meta);
  }
  t_store = g_get_monotonic_time () - t0;

  rand = g_rand_new_with_seed (1);
  if (writer_holds_lock)
    writer = hold_write_lock (&release);
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n_lookups; i++) {
    GstCacheEntry *e;

    make_key (key, g_rand_int_range (rand, 0, n_entries));
    e = gst_cache_store_lookup (store, key, &err);
    g_assert (e != NULL);
    gst_cache_entry_unref (e);
  }
  t_hit = g_get_monotonic_time () - t0;
  if (writer > 0) {
    close (release);
    waitpid (writer, NULL, 0);
  }
  t0 = g_get_monotonic_time ();
  for (i = 0; i < n_lookups; i++) {
    make_key (key, n_entries + i);
    g_assert (gst_cache_store_lookup (store, key, &err) == NULL);
    g_assert_no_error (err);
  }
  t_miss = g_get_monotonic_time () - t0;

  g_assert (gst_cache_store_totals (store, &bytes, &entries, &err));
  t0 = g_get_monotonic_time ();
  g_assert (gst_cache_store_evict (store, bytes / entries * (entries -
              n_evict), 0, 0, &evicted, &err));
  t_evict = g_get_monotonic_time () - t0;
  /* entries differ by a few bytes of metadata: about n_evict go */
  g_assert_cmpuint (evicted, >=, n_evict);

  printf ("%sentries=%d store_us=%.1f hit_us=%.1f miss_us=%.1f "
      "evict_us_per_entry=%.1f evict_ms=%.1f\n",
      writer_holds_lock ? "writer-holds-lock " : "", n_entries,
      (double) t_store / n_entries, (double) t_hit / n_lookups,
      (double) t_miss / n_lookups, (double) t_evict / evicted,
      t_evict / 1000.0);

  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_rand_free (rand);
  g_free (data);
  g_free (dir);
  return 0;
}
