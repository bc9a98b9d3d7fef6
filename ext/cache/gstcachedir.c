/* gst-reuse: the cache directory: entry files, pending updates, memos
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

#include "gstcachedir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gstcacheutil.h"

#define PENDING_SUFFIX ".pending"

static gint fold_seq;

gchar *
gst_cache_dir_entry_path (const gchar * entries_dir,
    const guint8 key[GST_CACHE_KEY_SIZE], gchar ** dir_out)
{
  gchar *hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  gchar shard[3] = { hex[0], hex[1], '\0' };
  gchar *name = g_strconcat (hex, GST_CACHE_ENTRY_SUFFIX, NULL);
  gchar *dir = g_build_filename (entries_dir, shard, NULL);
  gchar *path = g_build_filename (dir, name, NULL);

  if (dir_out)
    *dir_out = dir;
  else
    g_free (dir);
  g_free (name);
  g_free (hex);
  return path;
}

GPtrArray *
gst_cache_dir_scan_entries (const gchar * entries_dir)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GDir *top = g_dir_open (entries_dir, 0, NULL);
  const gchar *shard;

  while (top && (shard = g_dir_read_name (top))) {
    gchar *sdir = g_build_filename (entries_dir, shard, NULL);
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

gchar *
gst_cache_dir_path_key (const gchar * path)
{
  gchar *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, GST_CACHE_ENTRY_SUFFIX))
    base[strlen (base) - strlen (GST_CACHE_ENTRY_SUFFIX)] = '\0';
  return base;
}

/* the footer and metadata of an entry file, without checking its
 * checksum: enough to index it. The size indexed is the whole file's. */
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
    info->key = gst_cache_dir_path_key (path);
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

gboolean
gst_cache_dir_reconcile_locked (GstCacheIndex * index,
    const gchar * entries_dir, guint * adopted, guint * dropped,
    GError ** error)
{
  GPtrArray *paths;
  GHashTable *rows;
  GHashTableIter iter;
  GArray *list;
  gpointer k, v;
  guint i, n_adopted = 0, n_dropped = 0;
  gboolean ok = TRUE;

  list = gst_cache_index_list (index, 0, error);
  if (list == NULL)
    return FALSE;
  rows = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; i < list->len; i++) {
    GstCacheEntryInfo *e = &g_array_index (list, GstCacheEntryInfo, i);

    g_hash_table_insert (rows, e->key, e);
  }
  paths = gst_cache_dir_scan_entries (entries_dir);
  for (i = 0; ok && i < paths->len; i++) {
    const gchar *path = g_ptr_array_index (paths, i);
    gchar *hex = gst_cache_dir_path_key (path);
    GstCacheEntryInfo *row = g_hash_table_lookup (rows, hex);
    GStatBuf st;

    if (row && g_stat (path, &st) == 0 && (guint64) st.st_size == row->size) {
      g_hash_table_remove (rows, hex);
    } else {
      GstCacheEntryInfo info = { NULL, };

      if (row)
        g_hash_table_remove (rows, hex);
      if (read_entry_info (path, &info)) {
        ok = gst_cache_index_put (index, &info, error);
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
  while (ok && g_hash_table_iter_next (&iter, &k, &v)) {
    ok = gst_cache_index_remove (index, k, error);
    n_dropped++;
  }
  g_hash_table_unref (rows);
  g_array_unref (list);
  g_ptr_array_unref (paths);
  if (ok && adopted)
    *adopted = n_adopted;
  if (ok && dropped)
    *dropped = n_dropped;
  return ok;
}

/* pending updates */

/* Moves the complete file @tmp into @pending_dir under a name no other
 * file there has, never replacing one: the temporary names of
 * g_mkstemp() come from the clock and a counter and repeat (20,000
 * updates left pending at once replaced 128 files before this), and a
 * rename would replace a pending update that is not folded yet.
 * link() fails with EEXIST instead; the name then changes. */
static gboolean
pending_link (const gchar * tmp, const gchar * pending_dir)
{
  gboolean ok = FALSE;
  guint attempt;

  for (attempt = 0; !ok && attempt < 100; attempt++) {
    gchar *path = g_strdup_printf ("%s" G_DIR_SEPARATOR_S "pending.%d.%08x%08x"
        PENDING_SUFFIX, pending_dir, (gint) getpid (), g_random_int (),
        g_random_int ());

    if (link (tmp, path) == 0)
      ok = TRUE;
    else if (errno == ENOENT && attempt == 0)
      g_mkdir_with_parents (pending_dir, 0700);
    else if (errno != EEXIST && errno != ENOENT) {
      g_free (path);
      break;
    }
    g_free (path);
  }
  return ok;
}

gboolean
gst_cache_dir_pending_add (const gchar * pending_dir, const gchar * tmp_dir,
    GKeyFile * update)
{
  gchar *name = g_strdup_printf ("pending.%d.XXXXXX", (gint) getpid ());
  gchar *tmp = g_build_filename (tmp_dir, name, NULL);
  gsize len;
  gchar *data = g_key_file_to_data (update, &len, NULL);
  gboolean ok = FALSE;
  gint fd;

  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ok = gst_cache_pwrite_all (fd, (const guint8 *) data, len, 0, tmp, NULL);
    close (fd);
    ok = ok && pending_link (tmp, pending_dir);
    g_unlink (tmp);
  }
  g_free (data);
  g_free (tmp);
  g_free (name);
  return ok;
}

gboolean
gst_cache_dir_pending_exists (const gchar * pending_dir)
{
  GDir *d = g_dir_open (pending_dir, 0, NULL);
  const gchar *name;
  gboolean found = FALSE;

  while (d && !found && (name = g_dir_read_name (d)))
    found = g_str_has_suffix (name, PENDING_SUFFIX);
  if (d)
    g_dir_close (d);
  return found;
}

gboolean
gst_cache_dir_update_apply_locked (GstCacheIndex * index, GKeyFile * kf,
    GError ** error)
{
  gchar **keys;
  guint i;
  gboolean ok = TRUE;

  keys = g_key_file_get_keys (kf, "recency", NULL, NULL);
  for (i = 0; ok && keys && keys[i]; i++) {
    gint64 ns = g_key_file_get_int64 (kf, "recency", keys[i], NULL);
    gboolean found;

    ok = gst_cache_index_touch (index, keys[i], ns, &found, error);
  }
  g_strfreev (keys);
  keys = g_key_file_get_keys (kf, "counters", NULL, NULL);
  for (i = 0; ok && keys && keys[i]; i++)
    ok = gst_cache_index_add (index, keys[i],
        g_key_file_get_int64 (kf, "counters", keys[i], NULL), error);
  g_strfreev (keys);
  return ok;
}

gboolean
gst_cache_dir_pending_fold_locked (GstCacheIndex * index,
    const gchar * pending_dir, const gchar * tmp_dir, GPtrArray * folded,
    GError ** error)
{
  GDir *d = g_dir_open (pending_dir, 0, NULL);
  const gchar *name;
  gboolean ok = TRUE;

  while (d && ok && (name = g_dir_read_name (d))) {
    gchar *path, *aside_name, *aside;
    GKeyFile *kf;

    if (!g_str_has_suffix (name, PENDING_SUFFIX))
      continue;
    path = g_build_filename (pending_dir, name, NULL);
    /* a name that cleanup treats as a file of this process: if we die
     * after the commit, it is removed, never folded twice */
    aside_name = g_strdup_printf ("folded.%d.%d.%s", (gint) getpid (),
        g_atomic_int_add (&fold_seq, 1), name);
    aside = g_build_filename (tmp_dir, aside_name, NULL);
    kf = g_key_file_new ();
    /* another process may have folded it first: then it is gone */
    if (g_rename (path, aside) == 0) {
      if (g_key_file_load_from_file (kf, aside, G_KEY_FILE_NONE, NULL))
        ok = gst_cache_dir_update_apply_locked (index, kf, error);
      g_ptr_array_add (folded, g_steal_pointer (&aside));
    }
    g_key_file_unref (kf);
    g_free (aside);
    g_free (aside_name);
    g_free (path);
  }
  if (d)
    g_dir_close (d);
  return ok;
}

void
gst_cache_dir_pending_restore (const gchar * pending_dir, GPtrArray * folded)
{
  guint i;

  for (i = 0; i < folded->len; i++) {
    const gchar *aside = g_ptr_array_index (folded, i);
    gchar *base = g_path_get_basename (aside);
    gchar **f = g_strsplit (base, ".", 4);

    if (g_strv_length (f) == 4) {
      gchar *path = g_build_filename (pending_dir, f[3], NULL);

      g_rename (aside, path);
      g_free (path);
    }
    g_strfreev (f);
    g_free (base);
  }
  g_ptr_array_set_size (folded, 0);
}

/* deferred updates */

/* entries whose last recorded use is remembered, at most */
#define MAX_RECORDED 4096

struct _GstCacheDeferred
{
  gint refcount;                /* under registry_lock */
  gchar *dir;
  gchar *index_path;
  gchar *pending_dir;
  gchar *tmp_dir;

  GMutex lock;
  GCond cond;
  GKeyFile *update;             /* NULL: nothing deferred */
  gint64 since_us;              /* monotonic; the oldest deferred change */
  GHashTable *recorded;         /* hex key -> gint64 *, monotonic us */
  gint64 recency_us;
  gint64 delay_us;
  GThread *thread;              /* writes deferred updates when they are due */
  gboolean writing;             /* the thread writes what it took */
  guint held;                   /* transactions of the process under way:
                                 * the thread takes nothing meanwhile */
  GCond idle;                   /* signalled when it has written it */
  GPid pid;                     /* the process of the thread */
  gboolean quit;
  GstCacheIndex *own;           /* the thread's connection */
  gboolean own_failed;
};

static GMutex registry_lock;
static GHashTable *registry;    /* dir -> GstCacheDeferred */

GstCacheDeferred *
gst_cache_deferred_get (const gchar * dir, const gchar * index_path,
    const gchar * pending_dir, const gchar * tmp_dir)
{
  GstCacheDeferred *d;
  gchar *real = realpath (dir, NULL);
  /* one per directory, however its name is spelt */
  gchar *name = real ? g_strdup (real) : g_canonicalize_filename (dir, NULL);

  free (real);
  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  d = g_hash_table_lookup (registry, name);
  /* one inherited through fork() has no thread here: left to the parent */
  if (d && d->pid == getpid ()) {
    d->refcount++;
    g_mutex_unlock (&registry_lock);
    g_free (name);
    return d;
  }
  d = g_new0 (GstCacheDeferred, 1);
  d->refcount = 1;
  d->dir = name;
  d->index_path = g_strdup (index_path);
  d->pending_dir = g_strdup (pending_dir);
  d->tmp_dir = g_strdup (tmp_dir);
  g_mutex_init (&d->lock);
  g_cond_init (&d->cond);
  g_cond_init (&d->idle);
  d->recorded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  d->recency_us = GST_CACHE_RECENCY_INTERVAL_MS * G_GINT64_CONSTANT (1000);
  d->delay_us = GST_CACHE_DEFERRED_DELAY_MS * G_GINT64_CONSTANT (1000);
  d->pid = getpid ();
  g_hash_table_replace (registry, d->dir, d);
  g_mutex_unlock (&registry_lock);
  return d;
}

/* into the index now if the write lock is free, else into pending/: never
 * waits for another process */
static void
write_update (GstCacheDeferred * d, GstCacheIndex * index, GKeyFile * update)
{
  gboolean busy = FALSE;

  if (index && gst_cache_index_try_begin (index, &busy, NULL)) {
    if (gst_cache_dir_update_apply_locked (index, update, NULL) &&
        gst_cache_index_commit (index, NULL))
      return;
    gst_cache_index_rollback (index);
  }
  gst_cache_dir_pending_add (d->pending_dir, d->tmp_dir, update);
}

static GstCacheIndex *
own_index (GstCacheDeferred * d)
{
  gboolean corrupt, fresh;

  if (d->own == NULL && !d->own_failed) {
    d->own = gst_cache_index_open (d->index_path, &corrupt, &fresh, NULL);
    /* an index being rebuilt is not ours to write: pending/ then */
    if (d->own && fresh)
      g_clear_pointer (&d->own, gst_cache_index_close);
    d->own_failed = d->own == NULL;
  }
  return d->own;
}

static gpointer
deferred_thread (GstCacheDeferred * d)
{
  g_mutex_lock (&d->lock);
  while (!d->quit) {
    GKeyFile *update;

    if (d->since_us == 0 || d->held > 0) {
      g_cond_wait (&d->cond, &d->lock);
      continue;
    }
    if (g_get_monotonic_time () < d->since_us + d->delay_us) {
      g_cond_wait_until (&d->cond, &d->lock, d->since_us + d->delay_us);
      continue;
    }
    update = g_steal_pointer (&d->update);
    d->since_us = 0;
    d->writing = update != NULL;
    g_mutex_unlock (&d->lock);
    if (update) {
      write_update (d, own_index (d), update);
      g_key_file_unref (update);
    }
    g_mutex_lock (&d->lock);
    d->writing = FALSE;
    g_cond_broadcast (&d->idle);
  }
  g_mutex_unlock (&d->lock);
  return NULL;
}

/* under the lock: something is deferred */
static void
mark_dirty (GstCacheDeferred * d)
{
  if (d->since_us != 0)
    return;
  d->since_us = g_get_monotonic_time ();
  if (d->pid != getpid ()) {
    /* inherited through fork(): the thread stayed in the parent */
    d->thread = NULL;
    d->own = NULL;
    d->pid = getpid ();
  }
  if (d->thread == NULL)
    d->thread = g_thread_try_new ("gstcache-defer",
        (GThreadFunc) deferred_thread, d, NULL);
  g_cond_signal (&d->cond);
}

static GKeyFile *
ensure_update (GstCacheDeferred * d)
{
  if (d->update == NULL)
    d->update = g_key_file_new ();
  return d->update;
}

void
gst_cache_deferred_count (GstCacheDeferred * d, const gchar * counter,
    gint64 delta)
{
  GKeyFile *u;

  g_mutex_lock (&d->lock);
  u = ensure_update (d);
  g_key_file_set_int64 (u, "counters", counter, delta +
      g_key_file_get_int64 (u, "counters", counter, NULL));
  mark_dirty (d);
  g_mutex_unlock (&d->lock);
}

static gboolean
recorded_stale (gpointer key, gpointer value, gpointer data)
{
  return *(gint64 *) value < *(gint64 *) data;
}

gboolean
gst_cache_deferred_use (GstCacheDeferred * d, const gchar * hex)
{
  gint64 now = g_get_monotonic_time ();
  gint64 now_ns = g_get_real_time () * 1000;
  gint64 *last, before;
  GKeyFile *u;

  g_mutex_lock (&d->lock);
  last = g_hash_table_lookup (d->recorded, hex);
  if (last && now - *last < d->recency_us) {
    g_mutex_unlock (&d->lock);
    return FALSE;
  }
  if (last == NULL && g_hash_table_size (d->recorded) >= MAX_RECORDED) {
    before = now - d->recency_us;
    g_hash_table_foreach_remove (d->recorded, recorded_stale, &before);
    if (g_hash_table_size (d->recorded) >= MAX_RECORDED)
      g_hash_table_remove_all (d->recorded);
  }
  g_hash_table_replace (d->recorded, g_strdup (hex), g_memdup2 (&now,
          sizeof (now)));
  u = ensure_update (d);
  g_key_file_set_int64 (u, "recency", hex, MAX (now_ns,
          g_key_file_get_int64 (u, "recency", hex, NULL)));
  mark_dirty (d);
  g_mutex_unlock (&d->lock);
  return TRUE;
}

void
gst_cache_deferred_hold (GstCacheDeferred * d)
{
  g_mutex_lock (&d->lock);
  d->held++;
  while (d->writing)
    g_cond_wait (&d->idle, &d->lock);
  g_mutex_unlock (&d->lock);
}

void
gst_cache_deferred_release (GstCacheDeferred * d)
{
  g_mutex_lock (&d->lock);
  if (d->held > 0 && --d->held == 0)
    g_cond_signal (&d->cond);
  g_mutex_unlock (&d->lock);
}

gboolean
gst_cache_deferred_settle (GstCacheDeferred * d)
{
  gboolean dirty;

  g_mutex_lock (&d->lock);
  while (d->writing)
    g_cond_wait (&d->idle, &d->lock);
  dirty = d->update != NULL;
  g_mutex_unlock (&d->lock);
  return dirty;
}

GKeyFile *
gst_cache_deferred_take (GstCacheDeferred * d)
{
  GKeyFile *u;

  g_mutex_lock (&d->lock);
  u = g_steal_pointer (&d->update);
  d->since_us = 0;
  g_mutex_unlock (&d->lock);
  return u;
}

void
gst_cache_deferred_give_back (GstCacheDeferred * d, GKeyFile * update)
{
  static const gchar *const groups[] = { "recency", "counters" };
  GKeyFile *u;
  guint g, i;

  if (update == NULL)
    return;
  g_mutex_lock (&d->lock);
  u = ensure_update (d);
  for (g = 0; g < G_N_ELEMENTS (groups); g++) {
    gchar **keys = g_key_file_get_keys (update, groups[g], NULL, NULL);

    for (i = 0; keys && keys[i]; i++) {
      gint64 v = g_key_file_get_int64 (update, groups[g], keys[i], NULL);
      gint64 old = g_key_file_get_int64 (u, groups[g], keys[i], NULL);

      g_key_file_set_int64 (u, groups[g], keys[i], g == 0 ? MAX (v, old) :
          v + old);
    }
    g_strfreev (keys);
  }
  mark_dirty (d);
  g_mutex_unlock (&d->lock);
  g_key_file_unref (update);
}

void
gst_cache_deferred_set_intervals (GstCacheDeferred * d, guint recency_ms,
    guint delay_ms)
{
  g_mutex_lock (&d->lock);
  d->recency_us = recency_ms * G_GINT64_CONSTANT (1000);
  d->delay_us = delay_ms * G_GINT64_CONSTANT (1000);
  g_cond_signal (&d->cond);
  g_mutex_unlock (&d->lock);
}

/* a process that exits without freeing its stores (exit(), or returning
 * from main()) writes what it deferred all the same: the threads stop
 * after their current write, and what is left is written through a
 * connection of its own (or into pending/) */
static void
stop_and_write (GstCacheDeferred * d)
{
  GKeyFile *update;

  g_mutex_lock (&d->lock);
  d->quit = TRUE;
  g_cond_signal (&d->cond);
  g_mutex_unlock (&d->lock);
  if (d->thread)
    g_thread_join (d->thread);
  d->thread = NULL;
  update = gst_cache_deferred_take (d);
  if (update) {
    write_update (d, own_index (d), update);
    g_key_file_unref (update);
  }
}

#ifdef __GNUC__
static void deferred_at_exit (void) __attribute__((destructor));

static void
deferred_at_exit (void)
{
  GPtrArray *mine = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  guint i;

  g_mutex_lock (&registry_lock);
  if (registry) {
    g_hash_table_iter_init (&iter, registry);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      if (((GstCacheDeferred *) value)->pid == getpid ())
        g_ptr_array_add (mine, value);
  }
  g_mutex_unlock (&registry_lock);
  for (i = 0; i < mine->len; i++)
    stop_and_write (g_ptr_array_index (mine, i));
  g_ptr_array_unref (mine);
}
#endif

void
gst_cache_deferred_unref (GstCacheDeferred * d, GstCacheIndex * index)
{
  GKeyFile *update;

  if (d == NULL)
    return;
  g_mutex_lock (&registry_lock);
  if (--d->refcount > 0) {
    g_mutex_unlock (&registry_lock);
    return;
  }
  if (registry && g_hash_table_lookup (registry, d->dir) == d)
    g_hash_table_remove (registry, d->dir);
  g_mutex_unlock (&registry_lock);

  g_mutex_lock (&d->lock);
  d->quit = TRUE;
  g_cond_signal (&d->cond);
  g_mutex_unlock (&d->lock);
  if (d->thread && d->pid == getpid ())
    g_thread_join (d->thread);
  update = gst_cache_deferred_take (d);
  if (update) {
    write_update (d, index, update);
    g_key_file_unref (update);
  }
  if (d->pid == getpid ())
    gst_cache_index_close (d->own);
  g_hash_table_unref (d->recorded);
  g_mutex_clear (&d->lock);
  g_cond_clear (&d->cond);
  g_cond_clear (&d->idle);
  g_free (d->dir);
  g_free (d->index_path);
  g_free (d->pending_dir);
  g_free (d->tmp_dir);
  g_free (d);
}

/* memos */

typedef struct
{
  gchar *path;
  gint64 mtime_ns;
} MemoFile;

static gint
memo_older (gconstpointer a, gconstpointer b)
{
  const MemoFile *x = a, *y = b;

  if (x->mtime_ns != y->mtime_ns)
    return x->mtime_ns < y->mtime_ns ? -1 : 1;
  return strcmp (x->path, y->path);
}

static void
memo_file_clear (MemoFile * f)
{
  g_free (f->path);
}

guint
gst_cache_dir_prune (const gchar * dir, guint max_files)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GArray *files;
  const gchar *name;
  guint i, removed = 0;

  while (d && (name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  if (d)
    g_dir_close (d);
  /* the common case costs one directory read, no stat */
  if (names->len <= max_files) {
    g_ptr_array_unref (names);
    return 0;
  }
  files = g_array_new (FALSE, TRUE, sizeof (MemoFile));
  g_array_set_clear_func (files, (GDestroyNotify) memo_file_clear);
  for (i = 0; i < names->len; i++) {
    MemoFile f;
    GStatBuf st;

    f.path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
    if (g_lstat (f.path, &st) != 0 || !S_ISREG (st.st_mode)) {
      g_free (f.path);
      continue;
    }
    f.mtime_ns = st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
        st.st_mtim.tv_nsec;
    g_array_append_val (files, f);
  }
  g_array_sort (files, memo_older);
  for (i = 0; files->len > max_files && i < files->len - max_files; i++)
    if (g_unlink (g_array_index (files, MemoFile, i).path) == 0)
      removed++;
  g_array_unref (files);
  g_ptr_array_unref (names);
  return removed;
}

guint
gst_cache_dir_prune_shards (const gchar * dir, guint max_files)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;
  guint removed = 0;

  while (d && (name = g_dir_read_name (d))) {
    gchar *sub = g_build_filename (dir, name, NULL);

    if (g_file_test (sub, G_FILE_TEST_IS_DIR))
      removed += gst_cache_dir_prune (sub, max_files);
    g_free (sub);
  }
  if (d)
    g_dir_close (d);
  return removed;
}
