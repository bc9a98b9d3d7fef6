/* gst-reuse: the cache store: the writer of entries
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

#include "gstcachestore-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* xxHash returns its 128-bit hashes as structures, by value */
#pragma GCC diagnostic ignored "-Waggregate-return"
#define XXH_INLINE_ALL
#include <xxhash.h>

/* an entry is written in tmp/ as "<key>.<pid>.XXXXXX" (so that cleanup
 * knows whether its writer is alive), fsynced, and renamed into place */
struct _GstCacheWriter
{
  GstCacheStore *store;
  guint8 key[GST_CACHE_KEY_SIZE];
  gint fd;
  gchar *tmp_path;
  guint64 size;
  guint64 max_size;
};

GstCacheWriter *
gst_cache_writer_new (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], guint64 max_size, GError ** error)
{
  GstCacheWriter *w;
  gchar *hex, *name;

  if (store->read_only_why) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "%s", store->read_only_why);
    return NULL;
  }
  w = g_new0 (GstCacheWriter, 1);
  hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  name = g_strdup_printf ("%s.%d.XXXXXX", hex, (gint) getpid ());

  w->store = store;
  memcpy (w->key, key, GST_CACHE_KEY_SIZE);
  w->max_size = max_size;
  w->tmp_path = g_build_filename (store->tmp_dir, name, NULL);
  g_free (name);
  g_free (hex);

  w->fd = g_mkstemp_full (w->tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (w->fd < 0) {
    gst_cache_set_errno_error (error, errno, "Could not create", w->tmp_path);
    g_free (w->tmp_path);
    g_free (w);
    return NULL;
  }
  return w;
}

gboolean
gst_cache_writer_write_at (GstCacheWriter * w, guint64 offset,
    gconstpointer data, gsize size, GError ** error)
{
  /* the limit counts whole entry files: the footer at least comes on top
   * of the payload (the metadata too, checked at the commit) */
  if (w->max_size > 0 && offset + size + GST_CACHE_FOOTER_SIZE > w->max_size) {
    g_set_error (error, GST_CACHE_STORE_ERROR,
        GST_CACHE_STORE_ERROR_TOO_LARGE,
        "The result is larger than the cache (%" G_GUINT64_FORMAT " bytes)",
        w->max_size);
    return FALSE;
  }
  if (!gst_cache_pwrite_all (w->fd, data, size, offset, w->tmp_path, error))
    return FALSE;
  w->size = MAX (w->size, offset + size);
  return TRUE;
}

gboolean
gst_cache_writer_append (GstCacheWriter * w, gconstpointer data, gsize size,
    GError ** error)
{
  return gst_cache_writer_write_at (w, w->size, data, size, error);
}

guint64
gst_cache_writer_get_size (GstCacheWriter * w)
{
  return w->size;
}

/* the complete entry file in tmp/ (@size bytes, fsynced) goes into place
 * with its index row; @stored: a new result (the stores counters) */
static gboolean
install (GstCacheWriter * w, guint64 size, guint64 payload_size,
    GKeyFile * meta, guint64 max_size, guint64 max_entries, gboolean stored,
    guint * evicted, gchar ** path_out, GError ** error)
{
  GstCacheStore *store = w->store;
  GPtrArray *doomed = g_ptr_array_new_with_free_func (g_free);
  GstCacheEntryInfo info = { NULL, };
  guint64 freed = 0;
  guint n_evicted = 0;
  gchar *dir = NULL, *path = NULL;
  gboolean new_dir;
  gchar shard[3];

  path = gst_cache_store_entry_path (store, w->key, &dir);
  new_dir = !g_file_test (dir, G_FILE_TEST_IS_DIR);
  if (new_dir && g_mkdir_with_parents (dir, 0700) != 0) {
    gst_cache_set_errno_error (error, errno, "Could not create", dir);
    goto failed;
  }

  /* under the index's write lock: the row goes in, least recently used
   * entries go out until the cache fits again, and the entry file is
   * renamed into place last, just before the commit; so the index never
   * exceeds the limits at a commit, every process sees files and rows
   * change together, and a writer killed before its commit leaves at most
   * rows without files (an over-count: harmless) or, if it dies between
   * its rename and its commit, an entry that gst-cache --cleanup indexes */
  if (!gst_cache_store_begin (store, error))
    goto failed;
  info.key = gst_cache_digest_to_hex (w->key, GST_CACHE_KEY_SIZE);
  info.size = size;
  info.last_use_ns = g_get_real_time () * 1000;
  info.created_s = g_key_file_get_int64 (meta, "entry", "created", NULL);
  info.name_space = g_key_file_get_string (meta, "entry", "namespace", NULL);
  info.description = g_key_file_get_string (meta, "entry", "description", NULL);
  if (!gst_cache_index_put (store->index, &info, error) ||
      !gst_cache_store_evict_locked (store, max_size, max_entries, 0,
          info.key, doomed, &n_evicted, &freed, error) ||
      (stored && !gst_cache_index_add (store->index, "stores", 1, error)) ||
      (stored && !gst_cache_index_add (store->index, "bytes-stored",
              payload_size, error)) || (n_evicted > 0
          && (!gst_cache_index_add (store->index, "evictions", n_evicted, error)
              || !gst_cache_index_add (store->index, "bytes-evicted", freed,
                  error)))) {
    gst_cache_store_rollback (store);
    gst_cache_entry_info_clear (&info);
    goto failed;
  }
  if (g_rename (w->tmp_path, path) != 0) {
    gst_cache_set_errno_error (error, errno, "Could not rename into", path);
    gst_cache_store_rollback (store);
    gst_cache_entry_info_clear (&info);
    goto failed;
  }
  if (!gst_cache_store_commit (store, error)) {
    /* the entry is in place and valid: gst-cache --cleanup indexes it */
    gst_cache_entry_info_clear (&info);
    goto failed_after_rename;
  }
  /* the rename is durable once the directory is */
  gst_cache_fsync_dir (dir);
  if (new_dir)
    gst_cache_fsync_dir (store->entries_dir);
  gst_cache_store_unlink_all (doomed);
  /* the memos stay bounded: chains/, and the stat/ shard of this key's
   * first byte (keys are uniform, so every shard's turn comes) */
  shard[0] = info.key[0];
  shard[1] = info.key[1];
  shard[2] = '\0';
  gst_cache_store_prune_memos (store, shard, FALSE);
  gst_cache_entry_info_clear (&info);
  if (evicted)
    *evicted = n_evicted;

  g_ptr_array_unref (doomed);
  g_free (dir);
  *path_out = path;
  close (w->fd);
  w->fd = -1;
  g_free (w->tmp_path);
  w->tmp_path = NULL;
  return TRUE;

failed_after_rename:
  g_clear_pointer (&w->tmp_path, g_free);
failed:
  g_ptr_array_unref (doomed);
  g_free (dir);
  g_free (path);
  return FALSE;
}

gboolean
gst_cache_writer_commit (GstCacheWriter * w, GstCacheEntryKind kind,
    GKeyFile * meta, guint64 max_size, guint64 max_entries, guint * evicted,
    GError ** error)
{
  GstCacheStore *store = w->store;
  guint8 footer[GST_CACHE_FOOTER_SIZE];
  gsize meta_size;
  gchar *meta_text = g_key_file_to_data (meta, &meta_size, NULL);
  guint64 payload_size = w->size;
  gsize body = payload_size + meta_size;
  XXH3_state_t state;
  XXH128_canonical_t canon;
  gchar *path = NULL;
  guint8 *map = NULL;

  if (max_size > 0 && body + GST_CACHE_FOOTER_SIZE > max_size) {
    g_set_error (error, GST_CACHE_STORE_ERROR,
        GST_CACHE_STORE_ERROR_TOO_LARGE, "The entry (%" G_GUINT64_FORMAT
        " bytes with its metadata and footer) is larger than the cache (%"
        G_GUINT64_FORMAT " bytes)", (guint64) body + GST_CACHE_FOOTER_SIZE,
        max_size);
    goto failed;
  }
  if (!gst_cache_pwrite_all (w->fd, (const guint8 *) meta_text, meta_size,
          payload_size, w->tmp_path, error))
    goto failed;

  memset (footer, 0, sizeof (footer));
  memcpy (footer, GST_CACHE_ENTRY_MAGIC, 8);
  gst_cache_put_le32 (footer + 8, GST_CACHE_ENTRY_VERSION);
  gst_cache_put_le32 (footer + 12, kind);
  gst_cache_put_le64 (footer + 16, payload_size);
  gst_cache_put_le64 (footer + 24, meta_size);
  memcpy (footer + 32, w->key, GST_CACHE_KEY_SIZE);

  /* checksum what is on disk, not what was meant to be written: byte
   * streams are written out of order, and rewritten */
  XXH3_INITSTATE (&state);
  XXH3_128bits_reset (&state);
  if (body > 0) {
    map = mmap (NULL, body, PROT_READ, MAP_SHARED, w->fd, 0);
    if (map == MAP_FAILED) {
      gst_cache_set_errno_error (error, errno, "Could not map", w->tmp_path);
      goto failed;
    }
    XXH3_128bits_update (&state, map, body);
    munmap (map, body);
  }
  XXH3_128bits_update (&state, footer, 64);
  XXH128_canonicalFromHash (&canon, XXH3_128bits_digest (&state));
  memcpy (footer + 64, canon.digest, GST_CACHE_DIGEST_SIZE);

  if (!gst_cache_pwrite_all (w->fd, footer, sizeof (footer), body, w->tmp_path,
          error))
    goto failed;
  if (fsync (w->fd) != 0) {
    gst_cache_set_errno_error (error, errno, "Could not flush", w->tmp_path);
    goto failed;
  }

  g_free (meta_text);
  meta_text = NULL;
  if (!install (w, body + GST_CACHE_FOOTER_SIZE, payload_size, meta, max_size,
          max_entries, TRUE, evicted, &path, error))
    goto failed;
  /* write-through: the remote backends get the new entry */
  if (store->remotes && store->remotes->len > 0)
    gst_cache_tier_upload (store, w->key, path);
  g_free (path);
  return TRUE;

failed:
  g_free (meta_text);
  return FALSE;
}

gint
gst_cache_writer_get_fd (GstCacheWriter * w)
{
  return w->fd;
}

gboolean
gst_cache_writer_install (GstCacheWriter * w, guint64 size,
    guint64 payload_size, GKeyFile * meta, guint64 max_size,
    guint64 max_entries, gchar ** path_out, GError ** error)
{
  if (fsync (w->fd) != 0) {
    gst_cache_set_errno_error (error, errno, "Could not flush", w->tmp_path);
    return FALSE;
  }
  return install (w, size, payload_size, meta, max_size, max_entries, FALSE,
      NULL, path_out, error);
}

void
gst_cache_writer_free (GstCacheWriter * w)
{
  if (w == NULL)
    return;
  if (w->fd >= 0)
    close (w->fd);
  if (w->tmp_path != NULL)
    g_unlink (w->tmp_path);
  g_free (w->tmp_path);
  g_free (w);
}
