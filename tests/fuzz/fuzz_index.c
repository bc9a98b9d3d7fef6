/* gst-reuse: fuzz target: the cache index reader
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

/* libFuzzer target for what reads the index: the input is index.sqlite of
 * a cache directory. Opening the store (which puts
 * a damaged index aside and rebuilds it), the totals, the listing, the
 * counters, a hit, an eviction and the cleanup must cope with whatever the
 * database holds. GST_CACHE_FUZZ_SEED_ENTRY names a real entry file to put
 * in the directory. */

#include "gstcachestore.h"
#include "gstcacheindex.h"

#include <glib/gstdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 * data, gsize size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

static gchar *dir;

static void
remove_index (void)
{
  static const gchar *names[] = { "index.sqlite", "index.sqlite-wal",
    "index.sqlite-shm", "index.sqlite.damaged"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *p = g_build_filename (dir, names[i], NULL);

    g_unlink (p);
    g_free (p);
  }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  const gchar *seed = g_getenv ("GST_CACHE_FUZZ_SEED_ENTRY");

  dir = g_dir_make_tmp ("gst-cache-fuzz-index-XXXXXX", NULL);
  if (seed) {
    /* one real entry, so that rows can name a file that exists */
    gchar *base = g_path_get_basename (seed);
    gchar *sub = g_strndup (base, 2);
    gchar *d = g_build_filename (dir, "entries", sub, NULL);
    gchar *to = g_build_filename (d, base, NULL);
    gchar *contents;
    gsize len;

    g_mkdir_with_parents (d, 0700);
    if (g_file_get_contents (seed, &contents, &len, NULL)) {
      g_file_set_contents (to, contents, len, NULL);
      g_free (contents);
    }
    g_free (to);
    g_free (d);
    g_free (sub);
    g_free (base);
  }
  g_assert (dir != NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 * data, gsize size)
{
  gchar *path = g_build_filename (dir, "index.sqlite", NULL);
  GstCacheStore *store;
  GArray *a;
  guint64 bytes, entries;
  guint8 key[GST_CACHE_KEY_SIZE];

  remove_index ();
  g_assert (g_file_set_contents_full (path, (const gchar *) data, size,
          G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  store = gst_cache_store_open (dir, NULL);
  if (store) {
    gst_cache_store_totals (store, &bytes, &entries, NULL);
    a = gst_cache_store_list (store, NULL);
    if (a) {
      if (a->len > 0 && gst_cache_key_from_hex (g_array_index (a,
                  GstCacheEntryInfo, 0).key, key)) {
        GstCacheEntry *e = gst_cache_store_lookup (store, key, NULL);

        if (e)
          gst_cache_entry_unref (e);
      }
      g_array_unref (a);
    }
    a = gst_cache_store_counters (store, NULL);
    if (a)
      g_array_unref (a);
    gst_cache_store_count (store, "hits", 1, NULL);
    gst_cache_store_evict (store, G_MAXUINT64 / 2, 1000, 0, NULL, NULL);
    gst_cache_store_cleanup (store, G_MAXUINT64 / 2, 0, NULL, NULL, NULL,
        NULL, NULL);
    gst_cache_store_free (store);
  }
  g_free (path);
  return 0;
}
