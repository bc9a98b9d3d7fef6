/* gst-reuse: the cache store: verification, clean-up and repair
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
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* make the index agree with the entry files */
static gboolean
reconcile (GstCacheStore * store, guint * adopted, guint * dropped,
    GError ** error)
{
  if (!gst_cache_store_begin (store, error))
    return FALSE;
  if (!gst_cache_dir_reconcile_locked (store->index, store->entries_dir,
          adopted, dropped, error)) {
    gst_cache_store_rollback (store);
    return FALSE;
  }
  return gst_cache_store_commit (store, error);
}

gboolean
gst_cache_store_clear (GstCacheStore * store, guint * removed, GError ** error)
{
  GPtrArray *paths;
  guint i, n = 0;

  if (!gst_cache_store_need_index (store, error) ||
      !gst_cache_store_begin (store, error))
    return FALSE;
  paths = gst_cache_dir_scan_entries (store->entries_dir);
  for (i = 0; i < paths->len; i++)
    if (g_unlink (g_ptr_array_index (paths, i)) == 0)
      n++;
  g_ptr_array_unref (paths);
  if (!gst_cache_index_remove (store->index, NULL, error)) {
    gst_cache_store_rollback (store);
    return FALSE;
  }
  if (!gst_cache_store_commit (store, error))
    return FALSE;
  /* the memos go too: canonical chains and stat manifests */
  gst_cache_store_prune_memos (store, NULL, TRUE);
  if (removed)
    *removed = n;
  return TRUE;
}

/* reads every entry whole: the lookup removes and counts damaged ones */
gboolean
gst_cache_store_verify (GstCacheStore * store, guint * checked,
    guint * damaged, GError ** error)
{
  GPtrArray *paths = gst_cache_dir_scan_entries (store->entries_dir);
  guint i, n_damaged = 0;

  for (i = 0; i < paths->len; i++) {
    gchar *hex = gst_cache_dir_path_key (g_ptr_array_index (paths, i));
    guint8 key[GST_CACHE_KEY_SIZE];
    GError *err = NULL;
    GstCacheEntry *entry;

    if (!gst_cache_hex_to_digest (hex, key, GST_CACHE_KEY_SIZE)) {
      g_unlink (g_ptr_array_index (paths, i));  /* not ours */
      g_free (hex);
      continue;
    }
    entry = gst_cache_store_lookup_full (store, key, FALSE, &err);
    if (entry)
      gst_cache_entry_unref (entry);
    else if (g_error_matches (err, GST_CACHE_STORE_ERROR,
            GST_CACHE_STORE_ERROR_DAMAGED))
      n_damaged++;
    g_clear_error (&err);
    g_free (hex);
  }
  if (checked)
    *checked = paths->len;
  if (damaged)
    *damaged = n_damaged;
  g_ptr_array_unref (paths);
  return store->index == NULL || reconcile (store, NULL, NULL, error);
}

/* a temporary file whose writer is gone: its pid does not run, or it is
 * older than an hour (pids are reused) */
static gboolean
stale_tmp (const gchar * dir, const gchar * name)
{
  gchar **f = g_strsplit (name, ".", 3);
  gchar *path = g_build_filename (dir, name, NULL);
  GStatBuf st;
  gboolean stale = TRUE;

  if (g_strv_length (f) == 3) {
    gint64 pid = g_ascii_strtoll (f[1], NULL, 10);

    if (pid > 0 && (kill ((pid_t) pid, 0) == 0 || errno == EPERM) &&
        g_stat (path, &st) == 0 && time (NULL) - st.st_mtime < 3600)
      stale = FALSE;
  }
  g_strfreev (f);
  g_free (path);
  return stale;
}

gboolean
gst_cache_store_cleanup (GstCacheStore * store, guint64 max_size,
    guint64 max_entries, guint * tmp_removed, guint * adopted,
    guint * dropped, guint * evicted, GError ** error)
{
  GDir *d = g_dir_open (store->tmp_dir, 0, NULL);
  const gchar *name;
  guint n = 0;

  while (d && (name = g_dir_read_name (d))) {
    if (stale_tmp (store->tmp_dir, name)) {
      gchar *path = g_build_filename (store->tmp_dir, name, NULL);

      if (g_unlink (path) == 0)
        n++;
      g_free (path);
    }
  }
  if (d)
    g_dir_close (d);
  if (tmp_removed)
    *tmp_removed = n;
  if (!gst_cache_store_need_index (store, error)
      || !reconcile (store, adopted, dropped, error))
    return FALSE;
  /* the memos back within their bounds, oldest first */
  gst_cache_store_prune_memos (store, NULL, FALSE);
  return gst_cache_store_evict (store, max_size, max_entries, 0, evicted,
      error);
}

/* the one key that starts with @prefix */
gchar *
gst_cache_store_find_key (GstCacheStore * store, const gchar * prefix,
    GError ** error)
{
  GPtrArray *paths = gst_cache_dir_scan_entries (store->entries_dir);
  gchar *found = NULL;
  guint i, n = 0;

  for (i = 0; i < paths->len; i++) {
    gchar *hex = gst_cache_dir_path_key (g_ptr_array_index (paths, i));

    if (g_str_has_prefix (hex, prefix) && n++ == 0)
      found = g_strdup (hex);
    g_free (hex);
  }
  g_ptr_array_unref (paths);
  if (n == 1)
    return found;
  g_free (found);
  g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
      n == 0 ? "No entry with key %s" : "Several entries start with %s",
      prefix);
  return NULL;
}

gboolean
gst_cache_key_from_hex (const gchar * hex, guint8 key[GST_CACHE_KEY_SIZE])
{
  return gst_cache_hex_to_digest (hex, key, GST_CACHE_KEY_SIZE);
}
