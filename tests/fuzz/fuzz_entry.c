/* gst-reuse: fuzz target: the cache entry reader
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

/* libFuzzer target for what reads a cache entry: the footer, lengths, key
 * and checksum checks of the lookup, the metadata, the records of a stream
 * entry, and the index's reconciliation, which reads footers and metadata
 * without the checksum. The first byte of the input picks the mode: even,
 * the bytes are the entry as they are; odd, the footer's checksum is made
 * right first, so that the fuzzer reaches the metadata and records behind
 * it (an entry written whole by a faulty writer). */

#include "gstcachestore.h"

#include <glib/gstdio.h>
#include <string.h>

#define XXH_INLINE_ALL
#pragma GCC diagnostic ignored "-Waggregate-return"
#include <xxhash.h>

int LLVMFuzzerTestOneInput (const guint8 * data, gsize size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

static gchar *dir;
static GstCacheStore *store;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  GError *err = NULL;

  dir = g_dir_make_tmp ("gst-cache-fuzz-entry-XXXXXX", NULL);
  g_assert (dir != NULL);
  store = gst_cache_store_open (dir, &err);
  g_assert_no_error (err);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 * data, gsize size)
{
  guint8 key[GST_CACHE_KEY_SIZE] = { 0, };
  guint8 *entry;
  gsize n;
  gchar *hex, *sub, *path, *name;
  GstCacheEntry *e;
  GError *err = NULL;

  if (size < 1)
    return 0;
  n = size - 1;
  entry = g_memdup2 (data + 1, n);
  /* the key the footer claims, so that the key check passes */
  if (n >= GST_CACHE_FOOTER_SIZE)
    memcpy (key, entry + n - GST_CACHE_FOOTER_SIZE + 32, GST_CACHE_KEY_SIZE);
  if ((data[0] & 1) && n >= GST_CACHE_FOOTER_SIZE) {
    XXH128_canonical_t c;

    XXH128_canonicalFromHash (&c, XXH3_128bits (entry,
            n - GST_CACHE_DIGEST_SIZE));
    memcpy (entry + n - GST_CACHE_DIGEST_SIZE, c.digest, GST_CACHE_DIGEST_SIZE);
  }

  hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  sub = g_strndup (hex, 2);
  name = g_strconcat (hex, ".gstcache", NULL);
  path = g_build_filename (dir, "entries", sub, name, NULL);
  {
    gchar *d = g_path_get_dirname (path);

    g_mkdir_with_parents (d, 0700);
    g_free (d);
  }
  g_assert (g_file_set_contents_full (path, (const gchar *) entry, n,
          G_FILE_SET_CONTENTS_NONE, 0600, NULL));

  e = gst_cache_store_lookup_full (store, key, TRUE, &err);
  g_clear_error (&err);
  if (e) {
    gsize psize;
    const guint8 *p = gst_cache_entry_get_payload (e, &psize);
    GKeyFile *meta = gst_cache_entry_get_meta (e);
    gchar *s;

    if (gst_cache_entry_get_kind (e) == GST_CACHE_ENTRY_KIND_STREAM)
      gst_cache_records_valid (p, psize);
    s = g_key_file_get_string (meta, "entry", "caps", NULL);
    g_free (s);
    s = g_key_file_get_string (meta, "entry", "record", NULL);
    g_free (s);
    gst_cache_entry_unref (e);
  }
  /* reconciliation reads the footer and metadata of every entry file */
  gst_cache_store_cleanup (store, 0, 0, NULL, NULL, NULL, NULL, NULL);
  gst_cache_store_verify (store, NULL, NULL, NULL);
  g_unlink (path);

  g_free (path);
  g_free (name);
  g_free (sub);
  g_free (hex);
  g_free (entry);
  return 0;
}
