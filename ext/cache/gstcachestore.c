/* gst-reuse: the cache store: entries, input digests, statistics, eviction
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
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* temporary names in tmp/: "<key>.<pid>.<rest>", so that cleanup knows
 * whether their writer is still alive */
static gint evict_seq;


G_DEFINE_QUARK (gst - cache - store - error - quark, gst_cache_store_error);

gchar *
gst_cache_store_default_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "gstreamer-1.0",
      "cachebin", NULL);
}

/* the name of the network file system @dir is on, or NULL */
static const gchar *
network_fs (const gchar * dir)
{
  static const struct
  {
    guint64 magic;
    const gchar *name;
  } types[] = {
    {0x6969, "nfs"}, {0xff534d42, "cifs"}, {0xfe534d42, "smb2"},
    {0x517b, "smb"}, {0x65735546, "fuse"}, {0x00c36400, "ceph"},
    {0x01021997, "9p"}, {0x6b414653, "afs"}, {0x47504653, "gpfs"},
    {0x0bd00bd0, "lustre"}, {0x013111a8, "ibrix"},
  };
  const gchar *forced = g_getenv ("GST_CACHE_ASSUME_NETWORK_FS");
  struct statfs sf;
  guint i;

  if (forced && *forced)
    return forced;
  if (statfs (dir, &sf) != 0)
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (types); i++)
    if ((guint64) (guint32) sf.f_type == types[i].magic)
      return types[i].name;
  return NULL;
}

/* indexes the entry files of a new index, or of one whose rebuild was cut
 * short, at once: every entry counts toward the limits and can be
 * evicted */
static gboolean
rebuild_index (GstCacheStore * store, gboolean damaged, GError ** error)
{
  guint adopted = 0;

  if (!gst_cache_store_begin (store, error))
    return FALSE;
  if (!gst_cache_dir_reconcile_locked (store->index, store->entries_dir,
          &adopted, NULL, error) || ((damaged || adopted > 0) &&
          !gst_cache_index_add (store->index, "index-rebuilds", 1, error)) ||
      !gst_cache_index_set_ready (store->index, error)) {
    gst_cache_store_rollback (store);
    return FALSE;
  }
  return gst_cache_store_commit (store, error);
}

/* opens the index; a damaged one is put aside and rebuilt from the
 * entries */
static gboolean
open_index (GstCacheStore * store, GError ** error)
{
  gchar *path = g_build_filename (store->dir, "index.sqlite", NULL);
  gboolean corrupt = FALSE, fresh = FALSE, damaged = FALSE;
  GError *err = NULL;

  store->index = gst_cache_index_open (path, &corrupt, &fresh, &err);
  if (store->index == NULL && corrupt) {
    gchar *aside = g_strconcat (path, ".damaged", NULL);
    gchar *wal = g_strconcat (path, "-wal", NULL);
    gchar *shm = g_strconcat (path, "-shm", NULL);

    /* no g_warning from a library inside elements: the element or the tool
     * tells the user */
    store->notice = g_strdup_printf ("%s; put aside as %s and rebuilt from "
        "the entries", err->message, aside);
    g_clear_error (&err);
    g_rename (path, aside);
    g_unlink (wal);
    g_unlink (shm);
    g_free (aside);
    g_free (wal);
    g_free (shm);
    damaged = TRUE;
    store->index = gst_cache_index_open (path, &corrupt, &fresh, &err);
  }
  g_free (path);
  if (store->index == NULL) {
    g_propagate_error (error, err);
    return FALSE;
  }
  if (fresh && !rebuild_index (store, damaged, error)) {
    g_clear_pointer (&store->index, gst_cache_index_close);
    return FALSE;
  }
  return TRUE;
}

GstCacheStore *
gst_cache_store_open (const gchar * dir, GError ** error)
{
  GstCacheStore *store;
  const gchar *subdirs[4];
  const gchar *fs;
  gchar *path;
  guint i;

  g_return_val_if_fail (dir != NULL && *dir != '\0', NULL);

  store = g_new0 (GstCacheStore, 1);
  store->dir = g_strdup (dir);
  store->entries_dir = g_build_filename (dir, "entries", NULL);
  store->tmp_dir = g_build_filename (dir, "tmp", NULL);
  store->stat_dir = g_build_filename (dir, "stat", NULL);
  store->chains_dir = g_build_filename (dir, "chains", NULL);
  store->pending_dir = g_build_filename (dir, "pending", NULL);
  store->folded = g_ptr_array_new_with_free_func (g_free);
  store->remote_warnings = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&store->remote_lock);

  subdirs[0] = store->entries_dir;
  subdirs[1] = store->tmp_dir;
  subdirs[2] = store->stat_dir;
  subdirs[3] = store->pending_dir;
  for (i = 0; i < G_N_ELEMENTS (subdirs); i++) {
    if (g_mkdir_with_parents (subdirs[i], 0700) != 0) {
      gst_cache_set_errno_error (error, errno,
          "Could not create the cache directory", subdirs[i]);
      gst_cache_store_free (store);
      return NULL;
    }
  }

  fs = network_fs (dir);
  if (fs != NULL) {
    /* SQLite's locks, and WAL's shared memory, do not work across the
     * machines of a network file system: entries, which are checked
     * before they are used, are read there; nothing is written */
    store->read_only_why = g_strdup_printf ("\"%s\" is on a network file "
        "system (%s): the cache is only read there", dir, fs);
    return store;
  }
  if (!open_index (store, error)) {
    gst_cache_store_free (store);
    return NULL;
  }
  path = g_build_filename (dir, "index.sqlite", NULL);
  store->deferred = gst_cache_deferred_get (dir, path, store->pending_dir,
      store->tmp_dir);
  g_free (path);
  return store;
}

void
gst_cache_store_free (GstCacheStore * store)
{
  if (store == NULL)
    return;
  /* the last store of the directory in this process writes what this
   * process deferred */
  gst_cache_deferred_unref (store->deferred, store->index);
  g_free (store->dir);
  g_free (store->entries_dir);
  g_free (store->tmp_dir);
  g_free (store->stat_dir);
  g_free (store->chains_dir);
  g_free (store->pending_dir);
  g_ptr_array_unref (store->folded);
  g_free (store->read_only_why);
  g_free (store->notice);
  if (store->remotes)
    g_ptr_array_unref (store->remotes);
  g_ptr_array_unref (store->remote_warnings);
  g_mutex_clear (&store->remote_lock);
  gst_cache_index_close (store->index);
  g_free (store);
}

const gchar *
gst_cache_store_read_only (GstCacheStore * store)
{
  return store->read_only_why;
}

const gchar *
gst_cache_store_get_notice (GstCacheStore * store)
{
  return store->notice;
}

const gchar *
gst_cache_store_get_dir (GstCacheStore * store)
{
  return store->dir;
}

static guint64
config_get (GstCacheStore * store, const gchar * name)
{
  gchar *path = g_build_filename (store->dir, "config", NULL);
  GKeyFile *kf = g_key_file_new ();
  guint64 v = 0;

  if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    v = g_key_file_get_uint64 (kf, "cache", name, NULL);
  g_key_file_unref (kf);
  g_free (path);
  return v;
}

/* a string of the config, or NULL when it is not set */
gchar *
gst_cache_store_get_config_string (GstCacheStore * store, const gchar * name)
{
  gchar *path = g_build_filename (store->dir, "config", NULL);
  GKeyFile *kf = g_key_file_new ();
  gchar *v = NULL;

  if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    v = g_key_file_get_string (kf, "cache", name, NULL);
  g_key_file_unref (kf);
  g_free (path);
  return v;
}

guint64
gst_cache_store_get_config_max_size (GstCacheStore * store)
{
  return config_get (store, "max-size");
}

guint64
gst_cache_store_get_config_max_entries (GstCacheStore * store)
{
  return config_get (store, "max-entries");
}

static gboolean
set_config (GstCacheStore * store, const gchar * name, guint64 value,
    const gchar * string, GError ** error)
{
  gchar *path = g_build_filename (store->dir, "config", NULL);
  GKeyFile *kf = g_key_file_new ();
  gchar *data;
  gsize len;
  gboolean ok;

  g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
  if (string)
    g_key_file_set_string (kf, "cache", name, string);
  else
    g_key_file_set_uint64 (kf, "cache", name, value);
  data = g_key_file_to_data (kf, &len, NULL);
  ok = gst_cache_replace_file (path, data, len);
  if (!ok)
    gst_cache_set_errno_error (error, errno, "Could not write", path);
  g_free (data);
  g_key_file_unref (kf);
  g_free (path);
  return ok;
}

gboolean
gst_cache_store_set_config (GstCacheStore * store, const gchar * name,
    guint64 value, GError ** error)
{
  return set_config (store, name, value, NULL, error);
}

gboolean
gst_cache_store_set_config_string (GstCacheStore * store, const gchar * name,
    const gchar * value, GError ** error)
{
  return set_config (store, name, 0, value, error);
}

/* entries */

gchar *
gst_cache_store_entry_path (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], gchar ** dir_out)
{
  return gst_cache_dir_entry_path (store->entries_dir, key, dir_out);
}

/* transactions: whoever holds the write lock folds in the updates that
 * others left pending because they would not wait for it */

static gboolean
fold_pending (GstCacheStore * store, GError ** error)
{
  if (gst_cache_dir_pending_fold_locked (store->index, store->pending_dir,
          store->tmp_dir, store->folded, error))
    return TRUE;
  gst_cache_store_rollback (store);
  return FALSE;
}

/* and the updates this process deferred (recency and counters of hits,
 * counters of everything), in the same transaction */
static gboolean
fold_deferred (GstCacheStore * store, GError ** error)
{
  if (store->deferred == NULL)
    return TRUE;
  store->draining = gst_cache_deferred_take (store->deferred);
  if (store->draining == NULL ||
      gst_cache_dir_update_apply_locked (store->index, store->draining, error))
    return TRUE;
  gst_cache_store_rollback (store);
  return FALSE;
}

static void
give_back_deferred (GstCacheStore * store)
{
  if (store->draining)
    gst_cache_deferred_give_back (store->deferred,
        g_steal_pointer (&store->draining));
}

gboolean
gst_cache_store_begin (GstCacheStore * store, GError ** error)
{
  if (!gst_cache_index_begin (store->index, error))
    return FALSE;
  /* what the process's thread is writing now is in the index, or (it
   * cannot have the write lock now) in pending/, before this transaction
   * folds them; it takes nothing more until the transaction ends */
  if (store->deferred)
    gst_cache_deferred_hold (store->deferred);
  return fold_pending (store, error) && fold_deferred (store, error);
}

static void
release_deferred (GstCacheStore * store)
{
  if (store->deferred)
    gst_cache_deferred_release (store->deferred);
}

gboolean
gst_cache_store_commit (GstCacheStore * store, GError ** error)
{
  if (!gst_cache_index_commit (store->index, error)) {
    gst_cache_dir_pending_restore (store->pending_dir, store->folded);
    give_back_deferred (store);
    release_deferred (store);
    return FALSE;
  }
  g_clear_pointer (&store->draining, g_key_file_unref);
  release_deferred (store);
  gst_cache_store_unlink_all (store->folded);
  g_ptr_array_set_size (store->folded, 0);
  return TRUE;
}

void
gst_cache_store_rollback (GstCacheStore * store)
{
  gst_cache_index_rollback (store->index);
  gst_cache_dir_pending_restore (store->pending_dir, store->folded);
  give_back_deferred (store);
  release_deferred (store);
}

/* readers that show the index (gst-cache) see the pending updates, and
 * those this process deferred, too */
static gboolean
fold_for_reader (GstCacheStore * store, GError ** error)
{
  if (!gst_cache_store_need_index (store, error))
    return FALSE;
  if (!(store->deferred && gst_cache_deferred_settle (store->deferred)) &&
      !gst_cache_dir_pending_exists (store->pending_dir))
    return TRUE;
  return gst_cache_store_begin (store, error) &&
      gst_cache_store_commit (store, error);
}

/* count a damaged entry, and remove it, unless another process replaced it
 * meanwhile */
static void
remove_damaged (GstCacheStore * store, const guint8 key[GST_CACHE_KEY_SIZE],
    const gchar * path, const struct stat *seen)
{
  struct stat st;
  gchar *hex;

  if (store->read_only_why)
    return;
  if (store->index && !gst_cache_store_begin (store, NULL))
    return;
  if (store->index)
    gst_cache_index_add (store->index, "damaged", 1, NULL);
  if (g_stat (path, &st) == 0 && st.st_ino == seen->st_ino &&
      st.st_dev == seen->st_dev && g_unlink (path) == 0 && store->index) {
    hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
    gst_cache_index_remove (store->index, hex, NULL);
    g_free (hex);
  }
  if (store->index)
    gst_cache_store_commit (store, NULL);
}

/* a hit is a use: the entry goes to the end of the LRU order. An entry
 * that the index does not know is not indexed here: it may be one that an
 * eviction moved away after this reader opened it. Files left unindexed by
 * a writer that died between its rename and its commit are indexed by
 * gst-cache --cleanup and --verify. A hit writes nothing to the index
 * itself: a use of each entry is recorded at most once per recency
 * interval (GST_CACHE_RECENCY_INTERVAL_MS, the file's mtime with it), and
 * the new last use is deferred, written with the counters at most
 * GST_CACHE_DEFERRED_DELAY_MS later, never waiting for another process
 * (gstcachedir.c). */
static gboolean
touch_entry (GstCacheStore * store, const guint8 key[GST_CACHE_KEY_SIZE],
    gint fd, const gchar * path)
{
  gchar *hex;
  gboolean record;

  if (store->deferred == NULL) {
    /* no index: the file's mtime tells */
    record = TRUE;
  } else {
    hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
    record = gst_cache_deferred_use (store->deferred, hex);
    g_free (hex);
  }
  if (record) {
    if (fd >= 0)
      futimens (fd, NULL);
    else
      utimensat (AT_FDCWD, path, NULL, 0);
  }
  return record;
}

gboolean
gst_cache_store_note_use (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], const gchar * path)
{
  return touch_entry (store, key, -1, path);
}

void
gst_cache_store_set_write_intervals (GstCacheStore * store, guint recency_ms,
    guint delay_ms)
{
  if (store->deferred)
    gst_cache_deferred_set_intervals (store->deferred, recency_ms, delay_ms);
}

/* the local cache first; on a miss, the remote backends (gstcachetier.c) */
GstCacheEntry *
gst_cache_store_lookup (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], GError ** error)
{
  GstCacheEntry *entry;
  gboolean missing = FALSE;

  entry = gst_cache_store_lookup_local (store, key, TRUE, &missing, error);
  if (entry == NULL && missing && store->remotes && store->remotes->len > 0)
    entry = gst_cache_tier_fetch (store, key);
  return entry;
}

GstCacheEntry *
gst_cache_store_lookup_full (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], gboolean touch, GError ** error)
{
  return gst_cache_store_lookup_local (store, key, touch, NULL, error);
}

GstCacheEntry *
gst_cache_store_lookup_local (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], gboolean touch, gboolean * missing,
    GError ** error)
{
  GstCacheEntry *entry;
  gchar *path = gst_cache_store_entry_path (store, key, NULL);
  const gchar *why = NULL;
  GError *err = NULL;
  struct stat st;
  gint fd;

  if (missing)
    *missing = FALSE;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT)
      gst_cache_set_errno_error (error, errno, "Could not open cache entry",
          path);
    else if (missing)
      *missing = TRUE;
    g_free (path);
    return NULL;
  }
  if (fstat (fd, &st) != 0) {
    gst_cache_set_errno_error (error, errno, "Could not stat cache entry",
        path);
    close (fd);
    g_free (path);
    return NULL;
  }
  entry = gst_cache_store_load_entry (key, fd, st.st_size, &why, &err);
  if (entry == NULL && why == NULL) {
    g_set_error (error, err->domain, err->code, "%s (\"%s\")", err->message,
        path);
    g_error_free (err);
    close (fd);
    g_free (path);
    return NULL;
  }
  if (entry == NULL) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_DAMAGED,
        "Damaged cache entry \"%s\" (%s): removed", path, why);
    remove_damaged (store, key, path, &st);
    close (fd);
    g_free (path);
    return NULL;
  }
  if (touch)
    touch_entry (store, key, fd, path);
  close (fd);
  gst_cache_entry_set_origin (entry, path, NULL, 0);
  g_free (path);
  return entry;
}

/* counters */

/* add to counters: pairs of (const gchar *name, guint64 delta), NULL.
 * Deferred (gstcachedir.c): written in one transaction with the others of
 * this process at most GST_CACHE_DEFERRED_DELAY_MS later, with its next
 * transaction, or when its last store of the directory is freed; a reader
 * of the index in this process (gst_cache_store_counters()) writes them
 * first. Never waits: if another process holds the index's write lock,
 * the deltas are left pending for the next writer. */
void
gst_cache_store_count (GstCacheStore * store, const gchar * counter,
    guint64 delta, ...)
{
  va_list ap;

  if (store->deferred == NULL)
    return;
  va_start (ap, delta);
  while (counter != NULL) {
    gst_cache_deferred_count (store->deferred, counter, (gint64) delta);
    counter = va_arg (ap, const gchar *);
    if (counter != NULL)
      delta = va_arg (ap, guint64);
  }
  va_end (ap);
}

gboolean
gst_cache_store_need_index (GstCacheStore * store, GError ** error)
{
  if (store->index)
    return TRUE;
  g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
      "%s", store->read_only_why);
  return FALSE;
}

GArray *
gst_cache_store_counters (GstCacheStore * store, GError ** error)
{
  if (!fold_for_reader (store, error))
    return NULL;
  return gst_cache_index_counters (store->index, error);
}

guint64
gst_cache_store_counter (GstCacheStore * store, const gchar * name)
{
  GArray *c = gst_cache_store_counters (store, NULL);
  guint64 v = 0;
  guint i;

  for (i = 0; c && i < c->len; i++)
    if (!strcmp (g_array_index (c, GstCacheCounter, i).name, name))
      v = g_array_index (c, GstCacheCounter, i).value;
  if (c)
    g_array_unref (c);
  return v;
}

gboolean
gst_cache_store_zero_stats (GstCacheStore * store, GError ** error)
{
  /* what was counted before, pending or deferred, is zeroed too */
  if (!gst_cache_store_need_index (store, error) ||
      !gst_cache_store_begin (store, error))
    return FALSE;
  if (!gst_cache_index_zero (store->index, error)) {
    gst_cache_store_rollback (store);
    return FALSE;
  }
  return gst_cache_store_commit (store, error);
}

gboolean
gst_cache_store_totals (GstCacheStore * store, guint64 * bytes,
    guint64 * entries, GError ** error)
{
  return fold_for_reader (store, error) &&
      gst_cache_index_totals (store->index, bytes, entries, error);
}

GArray *
gst_cache_store_list (GstCacheStore * store, GError ** error)
{
  if (!fold_for_reader (store, error))
    return NULL;
  return gst_cache_index_list (store->index, 0, error);
}

/* eviction */

static gchar *
key_path (GstCacheStore * store, const gchar * hex)
{
  guint8 key[GST_CACHE_KEY_SIZE];

  if (!gst_cache_hex_to_digest (hex, key, GST_CACHE_KEY_SIZE))
    return NULL;
  return gst_cache_store_entry_path (store, key, NULL);
}

/* moves an entry out of the way: a reader that has it open keeps it, a
 * writer of the same key cannot come in between (both hold the index's
 * write lock); the file is unlinked after the commit */
static void
doom (GstCacheStore * store, const gchar * hex, GPtrArray * doomed)
{
  gchar *path = key_path (store, hex);
  gchar *name = g_strdup_printf ("%s.%d.evicted-%d", hex, (gint) getpid (),
      g_atomic_int_add (&evict_seq, 1));
  gchar *aside = g_build_filename (store->tmp_dir, name, NULL);

  if (path && g_rename (path, aside) == 0)
    g_ptr_array_add (doomed, g_steal_pointer (&aside));
  g_free (aside);
  g_free (name);
  g_free (path);
}

void
gst_cache_store_unlink_all (GPtrArray * doomed)
{
  guint i;

  for (i = 0; i < doomed->len; i++)
    g_unlink (g_ptr_array_index (doomed, i));
}

/* in a transaction: least recently used first, until the entries fit in
 * @max_size bytes and @max_entries entries (0: no limit), and all that were
 * last used before @used_before_ns (0: none) */
gboolean
gst_cache_store_evict_locked (GstCacheStore * store, guint64 max_size,
    guint64 max_entries, gint64 used_before_ns, const gchar * keep,
    GPtrArray * doomed, guint * evicted, guint64 * freed, GError ** error)
{
  guint64 bytes, entries;

  if (!gst_cache_index_totals (store->index, &bytes, &entries, error))
    return FALSE;
  while ((max_size && bytes > max_size) || (max_entries &&
          entries > max_entries) || used_before_ns) {
    GArray *rows = gst_cache_index_list (store->index, 64, error);
    gboolean progress = FALSE;
    guint i;

    if (rows == NULL)
      return FALSE;
    for (i = 0; i < rows->len; i++) {
      GstCacheEntryInfo *e = &g_array_index (rows, GstCacheEntryInfo, i);
      gboolean over = (max_size && bytes > max_size) ||
          (max_entries && entries > max_entries);

      if (!over && !(used_before_ns && e->last_use_ns < used_before_ns))
        break;
      if (keep && !strcmp (e->key, keep))
        continue;
      if (!gst_cache_index_remove (store->index, e->key, error)) {
        g_array_unref (rows);
        return FALSE;
      }
      doom (store, e->key, doomed);
      bytes -= MIN (bytes, e->size);
      entries--;
      *freed += e->size;
      (*evicted)++;
      progress = TRUE;
    }
    g_array_unref (rows);
    if (!progress)
      break;
  }
  return TRUE;
}

gboolean
gst_cache_store_evict (GstCacheStore * store, guint64 max_size,
    guint64 max_entries, gint64 used_before_ns, guint * evicted,
    GError ** error)
{
  GPtrArray *doomed;
  guint n = 0;
  guint64 freed = 0;

  if (!gst_cache_store_need_index (store, error) ||
      !gst_cache_store_begin (store, error))
    return FALSE;
  doomed = g_ptr_array_new_with_free_func (g_free);
  if (!gst_cache_store_evict_locked (store, max_size, max_entries,
          used_before_ns, NULL, doomed, &n, &freed, error) || (n > 0
          && (!gst_cache_index_add (store->index, "evictions", n, error)
              || !gst_cache_index_add (store->index, "bytes-evicted", freed,
                  error))) || !gst_cache_store_commit (store, error)) {
    gst_cache_store_rollback (store);
    g_ptr_array_unref (doomed);
    return FALSE;
  }
  gst_cache_store_unlink_all (doomed);
  g_ptr_array_unref (doomed);
  if (evicted)
    *evicted = n;
  return TRUE;
}

/* memos */

guint
gst_cache_store_prune_memos (GstCacheStore * store, const gchar * shard,
    gboolean empty)
{
  guint n;

  n = gst_cache_dir_prune (store->chains_dir, empty ? 0 :
      GST_CACHE_MAX_CHAIN_FILES);
  if (shard) {
    gchar *sdir = g_build_filename (store->stat_dir, shard, NULL);

    n += gst_cache_dir_prune (sdir, empty ? 0 :
        GST_CACHE_MAX_STAT_FILES_PER_SHARD);
    g_free (sdir);
  } else {
    n += gst_cache_dir_prune_shards (store->stat_dir, empty ? 0 :
        GST_CACHE_MAX_STAT_FILES_PER_SHARD);
  }
  return n;
}
