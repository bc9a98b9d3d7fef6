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

/* removes the oldest files (by mtime) of @dir until at most @max_files are
 * left; 0: all of them. Returns how many went. */
GST_CACHE_API
guint gst_cache_dir_prune (const gchar * dir, guint max_files);
/* the same for each subdirectory of @dir (stat/XX) */
GST_CACHE_API
guint gst_cache_dir_prune_shards (const gchar * dir, guint max_files);

G_END_DECLS

#endif /* __GST_CACHE_DIR_H__ */
