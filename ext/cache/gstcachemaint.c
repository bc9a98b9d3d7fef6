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

/* every entry file: (hex key, path) */
static GPtrArray *
scan_entries (GstCacheStore * store)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GDir *top = g_dir_open (store->entries_dir, 0, NULL);
  const gchar *shard;

  while (top && (shard = g_dir_read_name (top))) {
    gchar *sdir = g_build_filename (store->entries_dir, shard, NULL);
    GDir *d = g_dir_open (sdir, 0, NULL);
    const gchar *name;

    while (d && (name = g_dir_read_name (d)))
      if (g_str_has_suffix (name, GST_CACHE_ENTRY_SUFFIX))
        g_ptr_array_add (paths, g_build_filename (sdir, name, NULL));
    if (d)
      g_dir_close (d);
    g_free (sdir);
  }
  if (top)
    g_dir_close (top);
  return paths;
}

static gchar *
path_key (const gchar * path)
{
  gchar *base = g_path_get_basename (path);

  base[strlen (base) - strlen (GST_CACHE_ENTRY_SUFFIX)] = '\0';
  return base;
}

gboolean
gst_cache_store_clear (GstCacheStore * store, guint * removed, GError ** error)
{
  GPtrArray *paths;
  guint i, n = 0;

  if (!gst_cache_store_need_index (store, error) ||
      !gst_cache_index_begin (store->index, error))
    return FALSE;
  paths = scan_entries (store);
  for (i = 0; i < paths->len; i++)
    if (g_unlink (g_ptr_array_index (paths, i)) == 0)
      n++;
  g_ptr_array_unref (paths);
  if (!gst_cache_index_remove (store->index, NULL, error) ||
      !gst_cache_index_commit (store->index, error)) {
    gst_cache_index_rollback (store->index);
    return FALSE;
  }
  if (removed)
    *removed = n;
  return TRUE;
}

/* the footer and metadata of an entry file, without checking its
 * checksum: enough to index it */
static gboolean
read_entry_info (const gchar * path, GstCacheEntryInfo * info)
{
  guint8 footer[GST_CACHE_FOOTER_SIZE];
  struct stat st;
  guint64 payload, meta_size;
  GKeyFile *kf;
  gchar *meta;
  gboolean ok = FALSE;
  gint fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0 || st.st_size < GST_CACHE_FOOTER_SIZE ||
      pread (fd, footer, sizeof (footer), st.st_size - sizeof (footer)) !=
      sizeof (footer) || memcmp (footer, GST_CACHE_ENTRY_MAGIC, 8) != 0) {
    close (fd);
    return FALSE;
  }
  payload = gst_cache_get_le64 (footer + 16);
  meta_size = gst_cache_get_le64 (footer + 24);
  if (payload > (guint64) st.st_size || meta_size > (guint64) st.st_size ||
      payload + meta_size + GST_CACHE_FOOTER_SIZE != (guint64) st.st_size) {
    close (fd);
    return FALSE;
  }
  meta = g_malloc (meta_size + 1);
  kf = g_key_file_new ();
  if (pread (fd, meta, meta_size, payload) == (gssize) meta_size &&
      g_key_file_load_from_data (kf, meta, meta_size, G_KEY_FILE_NONE, NULL)) {
    info->key = path_key (path);
    info->size = st.st_size;
    info->last_use_ns = st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
        st.st_mtim.tv_nsec;
    info->created_s = g_key_file_get_int64 (kf, "entry", "created", NULL);
    info->name_space = g_key_file_get_string (kf, "entry", "namespace", NULL);
    info->description = g_key_file_get_string (kf, "entry", "description",
        NULL);
    ok = TRUE;
  }
  g_key_file_unref (kf);
  g_free (meta);
  close (fd);
  return ok;
}

/* make the index agree with the entry files: rows for files it lacks
 * (last use: the file's mtime), no rows for files that are gone */
gboolean
gst_cache_store_reconcile (GstCacheStore * store, guint * adopted,
    guint * dropped, GError ** error)
{
  GPtrArray *paths;
  GHashTable *rows;
  GHashTableIter iter;
  GArray *list;
  gpointer k, v;
  guint i, n_adopted = 0, n_dropped = 0;

  if (!gst_cache_index_begin (store->index, error))
    return FALSE;
  list = gst_cache_index_list (store->index, 0, error);
  if (list == NULL) {
    gst_cache_index_rollback (store->index);
    return FALSE;
  }
  rows = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; i < list->len; i++) {
    GstCacheEntryInfo *e = &g_array_index (list, GstCacheEntryInfo, i);

    g_hash_table_insert (rows, e->key, e);
  }
  paths = scan_entries (store);
  for (i = 0; i < paths->len; i++) {
    const gchar *path = g_ptr_array_index (paths, i);
    gchar *hex = path_key (path);
    GstCacheEntryInfo *row = g_hash_table_lookup (rows, hex);
    GStatBuf st;

    if (row && g_stat (path, &st) == 0 && (guint64) st.st_size == row->size) {
      g_hash_table_remove (rows, hex);
    } else {
      GstCacheEntryInfo info = { NULL, };

      if (row)
        g_hash_table_remove (rows, hex);
      if (read_entry_info (path, &info)) {
        gst_cache_index_put (store->index, &info, NULL);
        n_adopted++;
      } else {
        g_unlink (path);        /* not even a footer: damaged */
      }
      gst_cache_entry_info_clear (&info);
    }
    g_free (hex);
  }
  /* rows left have no file */
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, &k, &v)) {
    gst_cache_index_remove (store->index, k, NULL);
    n_dropped++;
  }
  g_hash_table_unref (rows);
  g_array_unref (list);
  g_ptr_array_unref (paths);
  if (!gst_cache_index_commit (store->index, error))
    return FALSE;
  if (adopted)
    *adopted = n_adopted;
  if (dropped)
    *dropped = n_dropped;
  return TRUE;
}

/* reads every entry whole: the lookup removes and counts damaged ones */
gboolean
gst_cache_store_verify (GstCacheStore * store, guint * checked,
    guint * damaged, GError ** error)
{
  GPtrArray *paths = scan_entries (store);
  guint i, n_damaged = 0;

  for (i = 0; i < paths->len; i++) {
    gchar *hex = path_key (g_ptr_array_index (paths, i));
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
  return store->index == NULL || gst_cache_store_reconcile (store, NULL, NULL,
      error);
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
      || !gst_cache_store_reconcile (store, adopted, dropped, error))
    return FALSE;
  return gst_cache_store_evict (store, max_size, max_entries, 0, evicted,
      error);
}

/* the one key that starts with @prefix */
gchar *
gst_cache_store_find_key (GstCacheStore * store, const gchar * prefix,
    GError ** error)
{
  GPtrArray *paths = scan_entries (store);
  gchar *found = NULL;
  guint i, n = 0;

  for (i = 0; i < paths->len; i++) {
    gchar *hex = path_key (g_ptr_array_index (paths, i));

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
