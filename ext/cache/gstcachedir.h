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

#ifndef __GST_CACHE_DIR_H__
#define __GST_CACHE_DIR_H__

/* Below the store, above the index: what a cache directory holds besides
 * the index, and how the index is made to agree with it. It knows
 * directories and the index, never the store, so that data flows one way:
 * gst-cache and cachebin -> store (gstcachestore.c, gstcachewriter.c) and
 * maintenance (gstcachemaint.c) -> this module -> index and helpers.
 *
 * - entries/XX/<key>.gstcache: entry files, scanned to rebuild the index.
 * - pending/: updates of recency and counters that a process could not
 *   write because another held the index's write lock; whoever next holds
 *   it folds them in, so a hit never waits for a writer.
 * - deferred updates: the recency and counters of a process, gathered in
 *   memory per cache directory and written in one transaction at most
 *   GST_CACHE_DEFERRED_DELAY_MS later (by a thread of their own, or by the
 *   next transaction of the process), and when the last store of the
 *   directory is freed; so a hit writes nothing to the index itself.
 * - stat/ and chains/: memos (stat manifests, canonical chains) that only
 *   save work; they are kept under a bound, oldest first. */

#include "gstcachestore.h"
#include "gstcacheindex.h"

#include "cache-prelude.h"

G_BEGIN_DECLS

#define GST_CACHE_ENTRY_SUFFIX ".gstcache"
#define GST_CACHE_ENTRY_MAGIC "GSTCACHE"

/* memo bounds: files in chains/, files in each stat/XX/ shard */
#define GST_CACHE_MAX_CHAIN_FILES 1000
#define GST_CACHE_MAX_STAT_FILES_PER_SHARD 64

GST_CACHE_API
gchar *gst_cache_dir_entry_path (const gchar * entries_dir,
    const guint8 key[GST_CACHE_KEY_SIZE], gchar ** dir_out);
/* every entry file's path */
GST_CACHE_API
GPtrArray *gst_cache_dir_scan_entries (const gchar * entries_dir);
/* the hex key of an entry file's path */
GST_CACHE_API
gchar *gst_cache_dir_path_key (const gchar * path);

/* in a transaction: rows for the entry files the index lacks (last use:
 * the file's mtime), none for files that are gone; files without even a
 * footer are removed */
GST_CACHE_API
gboolean gst_cache_dir_reconcile_locked (GstCacheIndex * index,
    const gchar * entries_dir, guint * adopted, guint * dropped,
    GError ** error);

/* a pending update: a small key file in pending/, written through tmp/ and
 * renamed, with groups [recency] (hex key = last use, ns) and [counters]
 * (name = delta) */
GST_CACHE_API
gboolean gst_cache_dir_pending_add (const gchar * pending_dir,
    const gchar * tmp_dir, GKeyFile * update);
GST_CACHE_API
gboolean gst_cache_dir_pending_exists (const gchar * pending_dir);
/* in a transaction: applies the pending updates and moves their files to
 * tmp/, adding the new names to @folded: unlink them after the commit, or
 * give them back with gst_cache_dir_pending_restore() after a rollback */
GST_CACHE_API
gboolean gst_cache_dir_pending_fold_locked (GstCacheIndex * index,
    const gchar * pending_dir, const gchar * tmp_dir, GPtrArray * folded,
    GError ** error);
GST_CACHE_API
void gst_cache_dir_pending_restore (const gchar * pending_dir,
    GPtrArray * folded);

/* recency and counters not written to the index yet: one per cache
 * directory and process, shared by its stores */
typedef struct _GstCacheDeferred GstCacheDeferred;

/* a use is recorded once per interval for each entry (the LRU order's
 * granularity); deferred updates are written at most this late */
#define GST_CACHE_RECENCY_INTERVAL_MS 10000
#define GST_CACHE_DEFERRED_DELAY_MS 200

GST_CACHE_API
GstCacheDeferred *gst_cache_deferred_get (const gchar * dir,
    const gchar * index_path, const gchar * pending_dir,
    const gchar * tmp_dir);
/* the last reference writes what is left through @index (or in pending/
 * when another process holds the write lock) */
GST_CACHE_API
void gst_cache_deferred_unref (GstCacheDeferred * deferred,
    GstCacheIndex * index);
GST_CACHE_API
void gst_cache_deferred_count (GstCacheDeferred * deferred,
    const gchar * counter, gint64 delta);
/* a use of the entry @hex: TRUE when it is to be recorded (it was not
 * within the recency interval), and then it is */
GST_CACHE_API
gboolean gst_cache_deferred_use (GstCacheDeferred * deferred,
    const gchar * hex);
/* in a transaction of the process, from its start (the write lock taken)
 * to its end: the thread takes nothing meanwhile, and a write of the
 * thread under way is waited for (it could not have the write lock: it is
 * in pending/ then, for the transaction to fold) */
GST_CACHE_API
void gst_cache_deferred_hold (GstCacheDeferred * deferred);
GST_CACHE_API
void gst_cache_deferred_release (GstCacheDeferred * deferred);
/* waits for a write of deferred updates under way (by the thread), then
 * tells whether any are left: so that a transaction or a reader of this
 * process sees every update the process made before it */
GST_CACHE_API
gboolean gst_cache_deferred_settle (GstCacheDeferred * deferred);
/* what is deferred, as a pending update ([recency], [counters]), or NULL;
 * apply it in a transaction, and give it back if that fails */
GST_CACHE_API
GKeyFile *gst_cache_deferred_take (GstCacheDeferred * deferred);
GST_CACHE_API
void gst_cache_deferred_give_back (GstCacheDeferred * deferred,
    GKeyFile * update);
/* for tests: the recency interval and the delay, in milliseconds */
GST_CACHE_API
void gst_cache_deferred_set_intervals (GstCacheDeferred * deferred,
    guint recency_ms, guint delay_ms);
/* in a transaction */
GST_CACHE_API
gboolean gst_cache_dir_update_apply_locked (GstCacheIndex * index,
    GKeyFile * update, GError ** error);

/* removes the oldest files (by mtime) of @dir until at most @max_files are
 * left; 0: all of them. Returns how many went. */
GST_CACHE_API
guint gst_cache_dir_prune (const gchar * dir, guint max_files);
/* the same for each subdirectory of @dir (stat/XX) */
GST_CACHE_API
guint gst_cache_dir_prune_shards (const gchar * dir, guint max_files);

G_END_DECLS

#endif /* __GST_CACHE_DIR_H__ */
