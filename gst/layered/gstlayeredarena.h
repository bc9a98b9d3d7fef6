/* gst-reuse: the size-classed block cache behind GstLayeredAllocator
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

#ifndef __GST_LAYERED_ARENA_H__
#define __GST_LAYERED_ARENA_H__

#include <glib.h>

G_BEGIN_DECLS

/*
 * GstLayeredArena:
 *
 * Blocks of memory in size classes, cached when freed, from chunks that are
 * mapped from the system and given back when idle or over a cap.
 *
 * - small classes, 64 B to 512 B in steps of 64 B, and medium and large
 *   classes to 1 MiB, four per doubling: blocks are cut from 2 MiB chunks;
 * - frame classes above 1 MiB: one class per page-rounded size asked for
 *   (frames repeat exact sizes), one block per chunk, up to
 *   GST_LAYERED_ARENA_MAX_FRAME_CLASSES of them; further sizes go to
 *   geometric classes, eight per doubling;
 * - above max-class-size: straight from the system, counted;
 * - a class whose chunk the cap cannot hold (a quarter of it kept for the
 *   thread caches) is not cached: its blocks pass through to the system
 *   allocator, so that a cap of 0 costs what malloc costs.
 *
 * Every block is aligned to at least min-align; larger alignments are met
 * by the class's natural alignment or by a slack inside the block. No
 * bookkeeping lives next to the data. Each class has its own lock; the
 * statistics are relaxed atomics. This module has no GStreamer code in it:
 * GstLayeredAllocator wraps it.
 */
typedef struct _GstLayeredArena GstLayeredArena;

typedef struct
{
  gsize min_align;              /* power of two, 16 to 4096 */
  guint64 max_class_size;       /* larger blocks come from the system */
  guint64 max_cached;           /* hard cap on cached bytes */
  guint64 idle_level;           /* cached bytes kept once idle */
  gint64 idle_timeout_us;       /* a class unused this long is idle */
  gboolean huge_pages;          /* MADV_HUGEPAGE on chunks >= 2 MiB */
  guint64 huge_pages_min_size;  /* and on classes of this size and more
                                 * (0: off) */
  GDestroyNotify tag_free;      /* for tags the arena drops (may be NULL) */
  gsize tag_size;               /* a block that passes through comes with
                                 * this many bytes for a tag in front of it,
                                 * in the same allocation: its tag */
} GstLayeredArenaConfig;

/* A block handed out: what is needed to give it back. @tag is the caller's:
 * a block kept in a thread cache keeps the tag it was released with, and
 * brings it back from the allocation that takes it again (the allocator
 * keeps its GstMemory header there); a block that passes through to the
 * system allocator comes with room for a tag (config's tag_size), which
 * goes with the block; otherwise alloc sets it to NULL. */
typedef struct
{
  guint8 *data;                 /* aligned as asked */
  gsize size;                   /* usable bytes from data */
  gpointer chunk;               /* opaque */
  guint index;
  gpointer tag;
} GstLayeredBlock;

typedef struct
{
  guint64 allocations;
  guint64 frees;
  guint64 pool_hits;            /* served from cached memory */
  guint64 system_allocations;   /* chunks mapped, and oversized blocks */
  guint64 system_frees;
  guint64 oversized;            /* blocks above max-class-size */
  guint64 oversized_in_use;
  guint64 pass_through;         /* blocks from the system allocator, as the
                                 * cap cannot hold their class's chunk */
  guint64 pass_through_in_use;
  guint64 trims;                /* chunks given back as idle or over cap */
  guint64 trim_passes;          /* walks over every class to trim to the cap */
  guint64 bytes_in_use;         /* in blocks handed out */
  guint64 peak_bytes_in_use;
  guint64 bytes_cached;         /* mapped but not handed out */
  guint64 bytes_mapped;
} GstLayeredArenaStats;

typedef struct
{
  gsize block_size;
  gboolean exact;               /* a frame class */
  guint64 allocations;
  guint64 pool_hits;
  guint64 blocks_in_use;
  guint64 blocks_cached;
  guint64 chunks;
} GstLayeredArenaClassStats;

#define GST_LAYERED_ARENA_MAX_FRAME_CLASSES 64
#define GST_LAYERED_ARENA_CHUNK_SIZE (2 * 1024 * 1024)

G_GNUC_INTERNAL
void             gst_layered_arena_config_init (GstLayeredArenaConfig * config);

G_GNUC_INTERNAL
GstLayeredArena * gst_layered_arena_new (const GstLayeredArenaConfig * config);

G_GNUC_INTERNAL
void             gst_layered_arena_free (GstLayeredArena * arena);

G_GNUC_INTERNAL
void             gst_layered_arena_set_limits (GstLayeredArena * arena,
                                               guint64 max_cached,
                                               guint64 idle_level,
                                               gint64 idle_timeout_us);

G_GNUC_INTERNAL
gboolean         gst_layered_arena_alloc (GstLayeredArena * arena,
                                          gsize size, gsize align_mask,
                                          GstLayeredBlock * block);

G_GNUC_INTERNAL
gboolean         gst_layered_arena_release (GstLayeredArena * arena,
                                            const GstLayeredBlock * block);

G_GNUC_INTERNAL
guint            gst_layered_arena_preallocate (GstLayeredArena * arena,
                                                gsize size, guint count,
                                                gboolean prefault);

G_GNUC_INTERNAL
guint64          gst_layered_arena_trim (GstLayeredArena * arena,
                                         guint64 keep);

G_GNUC_INTERNAL
void             gst_layered_arena_get_stats (GstLayeredArena * arena,
                                              GstLayeredArenaStats * stats);

G_GNUC_INTERNAL
GArray *         gst_layered_arena_get_class_stats (GstLayeredArena * arena);

G_GNUC_INTERNAL
gsize            gst_layered_arena_class_size_for (GstLayeredArena * arena,
                                                   gsize size);

G_END_DECLS

#endif /* __GST_LAYERED_ARENA_H__ */
