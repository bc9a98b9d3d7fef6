/* gst-reuse: the cache index: entries and counters in SQLite
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

#ifndef __GST_CACHE_INDEX_H__
#define __GST_CACHE_INDEX_H__

/* The index of a cache directory: a row per entry (key, size, last use,
 * creation time, namespace, description) and the counters, in an SQLite
 * database in WAL mode. The entry files are the truth: the index can be
 * rebuilt from them at any time. Writers take the write lock first
 * (BEGIN IMMEDIATE) and wait for it (busy timeout), so every transaction
 * sees a consistent cache. Internal to the store. */

#include <glib.h>

#include "cache-prelude.h"

G_BEGIN_DECLS

typedef struct _GstCacheIndex GstCacheIndex;

typedef struct
{
  gchar *key;                   /* 64 hex digits */
  guint64 size;                 /* bytes of the entry file */
  gint64 last_use_ns;           /* wall clock */
  gint64 created_s;
  gchar *name_space;
  gchar *description;
} GstCacheEntryInfo;

GST_CACHE_API
void gst_cache_entry_info_clear (GstCacheEntryInfo * info);

/* @fresh: the index is new, or its rebuild never finished: index the entry
 * files, and call gst_cache_index_set_ready() in the same transaction */
GST_CACHE_API
GstCacheIndex *gst_cache_index_open (const gchar * path, gboolean * corrupt,
    gboolean * fresh, GError ** error);
GST_CACHE_API
gboolean gst_cache_index_set_ready (GstCacheIndex * index, GError ** error);
GST_CACHE_API
void gst_cache_index_close (GstCacheIndex * index);

GST_CACHE_API
gboolean gst_cache_index_begin (GstCacheIndex * index, GError ** error);
/* BEGIN IMMEDIATE without waiting: *@busy when another process holds the
 * write lock */
GST_CACHE_API
gboolean gst_cache_index_try_begin (GstCacheIndex * index, gboolean * busy,
    GError ** error);
GST_CACHE_API
gboolean gst_cache_index_commit (GstCacheIndex * index, GError ** error);
GST_CACHE_API
void gst_cache_index_rollback (GstCacheIndex * index);

GST_CACHE_API
gboolean gst_cache_index_put (GstCacheIndex * index,
    const GstCacheEntryInfo * info, GError ** error);
/* last use = MAX (last use, @now_ns) */
GST_CACHE_API
gboolean gst_cache_index_touch (GstCacheIndex * index, const gchar * key,
    gint64 now_ns, gboolean * found, GError ** error);
GST_CACHE_API
gboolean gst_cache_index_remove (GstCacheIndex * index, const gchar * key,
    GError ** error);
GST_CACHE_API
gboolean gst_cache_index_totals (GstCacheIndex * index, guint64 * bytes,
    guint64 * entries, GError ** error);
/* entries, least recently used first; @limit 0: all */
GST_CACHE_API
GArray *gst_cache_index_list (GstCacheIndex * index, guint limit,
    GError ** error);

GST_CACHE_API
gboolean gst_cache_index_add (GstCacheIndex * index, const gchar * counter,
    gint64 delta, GError ** error);
GST_CACHE_API
GArray *gst_cache_index_counters (GstCacheIndex * index, GError ** error);
GST_CACHE_API
gboolean gst_cache_index_zero (GstCacheIndex * index, GError ** error);

typedef struct
{
  gchar *name;
  guint64 value;
} GstCacheCounter;

G_END_DECLS

#endif /* __GST_CACHE_INDEX_H__ */
