/* gst-reuse: the cache store's internals, shared by its modules
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

#ifndef __GST_CACHE_STORE_PRIVATE_H__
#define __GST_CACHE_STORE_PRIVATE_H__

/* Not installed, not for the element: what the store's own modules share.
 * Data flows one way: gstcachestore.c (open, entries, counters, eviction)
 * and gstcachewriter.c (the writer) are used by gstcachemaint.c
 * (verification and repair) and gstcacheinput.c (input digests); all of
 * them use gstcachedir.c (the directory, pending updates, memos), which
 * uses only the index (gstcacheindex.c) and the helpers (gstcacheutil.c). */

#include "gstcachestore.h"
#include "gstcachedir.h"
#include "gstcacheindex.h"
#include "gstcacheutil.h"

G_BEGIN_DECLS

struct _GstCacheStore
{
  gchar *dir;
  gchar *entries_dir;
  gchar *tmp_dir;
  gchar *stat_dir;
  gchar *chains_dir;
  gchar *pending_dir;
  GstCacheIndex *index;         /* NULL on a network file system */
  gchar *read_only_why;
  gchar *notice;                /* the index was rebuilt: why */
  GPtrArray *folded;            /* pending updates folded into this
                                 * transaction */
  GstCacheDeferred *deferred;   /* this process's recency and counters not
                                 * written yet, or NULL (no index) */
  GKeyFile *draining;           /* deferred updates in this transaction */
  GPtrArray *remotes;           /* GstCacheRemote, process-wide, or NULL */
  GMutex remote_lock;           /* remote_warnings */
  GPtrArray *remote_warnings;   /* for the element or the tool to tell */
};

/* gstcachestore.c */
GstCacheEntry *gst_cache_store_lookup_local (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], gboolean touch, gboolean * missing,
    GError ** error);
/* gstcacheentry.c: an entry checked, and read whole into memory or
 * (large ones) kept open to be streamed; gst_cache_entry_get_data() reads
 * a streamed entry's whole file into memory (checked again) */
GstCacheEntry *gst_cache_store_load_entry (const guint8 key[GST_CACHE_KEY_SIZE],
    gint fd, gsize size, const gchar ** why, GError ** error);
void gst_cache_entry_set_origin (GstCacheEntry * entry, const gchar * path,
    const gchar * remote, guint64 remote_ns);
const guint8 *gst_cache_entry_get_data (GstCacheEntry * entry, gsize * size);
gchar *gst_cache_store_entry_path (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], gchar ** dir_out);
gboolean gst_cache_store_need_index (GstCacheStore * store, GError ** error);
/* a use of the entry file @path of @key that was not looked up (a memo of
 * its content): recorded as a lookup's is; TRUE when the file's mtime was
 * set (its ctime changed) */
gboolean gst_cache_store_note_use (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], const gchar * path);
/* for tests: how often a use of an entry is recorded, and how late
 * recency and counters are written, in milliseconds */
void gst_cache_store_set_write_intervals (GstCacheStore * store,
    guint recency_ms, guint delay_ms);
/* the index's write lock, waiting for it; pending updates are folded in */
gboolean gst_cache_store_begin (GstCacheStore * store, GError ** error);
gboolean gst_cache_store_commit (GstCacheStore * store, GError ** error);
void gst_cache_store_rollback (GstCacheStore * store);
gboolean gst_cache_store_evict_locked (GstCacheStore * store,
    guint64 max_size, guint64 max_entries, gint64 used_before_ns,
    const gchar * keep, GPtrArray * doomed, guint * evicted, guint64 * freed,
    GError ** error);
void gst_cache_store_unlink_all (GPtrArray * doomed);
/* keeps chains/ and the stat/ shard @shard (NULL: all) within their
 * bounds, oldest first; @empty: removes them all */
guint gst_cache_store_prune_memos (GstCacheStore * store,
    const gchar * shard, gboolean empty);

/* gstcachewriter.c: a writer's temporary file, and its installation as it
 * is (a complete entry file of @size bytes, from a remote backend) */
gint gst_cache_writer_get_fd (GstCacheWriter * writer);
gboolean gst_cache_writer_install (GstCacheWriter * writer, guint64 size,
    guint64 payload_size, GKeyFile * meta, guint64 max_size,
    guint64 max_entries, gchar ** path_out, GError ** error);

/* gstcachetier.c: the remote backends, below the local cache */
GstCacheEntry *gst_cache_tier_fetch (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE]);
void gst_cache_tier_upload (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], const gchar * path);

G_END_DECLS

#endif /* __GST_CACHE_STORE_PRIVATE_H__ */
