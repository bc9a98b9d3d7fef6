/* gst-reuse: the layered arena's internals
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

/* Shared by gstlayeredarena.c, gstlayeredsystem.c and
 * gstlayeredthreadcache.c only. */

#ifndef __GST_LAYERED_ARENA_PRIVATE_H__
#define __GST_LAYERED_ARENA_PRIVATE_H__

#include "gstlayeredarena.h"

G_BEGIN_DECLS

#define KiB ((gsize) 1024)
#define MiB (1024 * KiB)
#define HUGE_PAGE (2 * MiB)
#define GEO_MAX (1 * MiB)

enum
{
  LIST_PARTIAL,
  LIST_FULL,
  LIST_EMPTY,
  N_LISTS
};

typedef struct _Chunk Chunk;
typedef struct _Class Class;

struct _Chunk
{
  Class *cls;                   /* NULL for an oversized block */
  guint8 *base;
  gsize size;                   /* mapped length */
  guint capacity;               /* blocks */
  guint bumped;                 /* blocks from here on were never used */
  guint n_used;
  guint *free_idx;
  guint n_free_idx;
  guint free_cap;
  gint list;
  gboolean promised;            /* preallocated, never used: no idle trim */
  Chunk *prev, *next;
  gpointer tag;                 /* while parked in a thread cache */
};

struct _Class
{
  GMutex lock;
  gsize block_size;
  gsize natural_align;
  gboolean exact;
  guint tc_index;               /* in the thread caches' tables */
  guint tc_limit;               /* blocks a thread cache keeps */
  Chunk *lists[N_LISTS];        /* lock */
  guint64 n_chunks;             /* changed with the lock, atomically */
  guint64 allocations;          /* lock */
  guint64 pool_hits;            /* lock */
  guint64 blocks_in_use;        /* lock */
  gint64 last_used;             /* atomic, monotonic µs */
};

/* small: 64..512 step 64 (8); then four per doubling to 1 MiB (44) */
#define N_GEO (8 + 4 * 11)
/* above 1 MiB: eight per doubling, up to 2^40 */
#define N_BIG (8 * 20)
/* every class: geo, big, frame */
#define N_TC (N_GEO + N_BIG + GST_LAYERED_ARENA_MAX_FRAME_CLASSES)

typedef struct _ThreadCache ThreadCache;

struct _GstLayeredArena
{
  gsize min_align;
  guint64 max_class_size;
  gboolean huge_pages;          /* any chunk gets huge pages */
  gsize huge_min;               /* chunks of this size and more do */
  gsize page_size;
  GDestroyNotify tag_free;
  gsize tag_size;

  /* atomics */
  guint64 max_cached;
  guint64 idle_level;
  gint64 idle_timeout_us;
  gint64 next_idle_check;

  Class geo[N_GEO];
  Class big[N_BIG];
  guint n_big;

  GMutex frame_lock;
  Class *frame[GST_LAYERED_ARENA_MAX_FRAME_CLASSES];    /* published */
  gint n_frame;                 /* atomic */

  GMutex oversized_lock;
  Chunk *oversized;             /* oversized_lock */

  /* statistics, relaxed atomics (without what the thread caches hold) */
  guint64 allocations;
  guint64 frees;
  guint64 pool_hits;
  guint64 system_allocations;
  guint64 system_frees;
  guint64 n_oversized;
  guint64 oversized_in_use;
  guint64 n_pass_through;
  guint64 pass_through_frees;
  guint64 pass_through_bytes;   /* in use */
  guint64 trims;
  guint64 trim_passes;
  guint64 empty_chunks;         /* on the classes' empty lists */
  guint64 bytes_in_use;         /* handed out: to users and thread caches */
  guint64 user_in_use;          /* handed out to users */
  guint64 peak_bytes_in_use;    /* of user_in_use */
  guint64 bytes_mapped;

  guint64 tc_reserved;          /* atomic: what thread caches may hold */
  ThreadCache *tcs;             /* tc_lock */
};

#define IS_GEO(arena, cls) ((cls) >= (arena)->geo && \
    (cls) < (arena)->geo + N_GEO)

#define LOAD(p) __atomic_load_n ((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n ((p), (v), __ATOMIC_RELAXED)
#define ADD(p, v) __atomic_add_fetch ((p), (v), __ATOMIC_RELAXED)
#define SUB(p, v) __atomic_sub_fetch ((p), (v), __ATOMIC_RELAXED)

/* Adds @delta to the bytes in use by users; @delta_max is the largest
 * value that the change went through on its way (the peak candidate). */
static inline void
gst_layered_arena_user_in_use_add (GstLayeredArena * arena, gint64 delta, gint64 delta_max)
{
  guint64 now = ADD (&arena->user_in_use, (guint64) delta);
  guint64 high = now - (guint64) delta + (guint64) delta_max;
  guint64 peak = LOAD (&arena->peak_bytes_in_use);

  while (high > peak && !__atomic_compare_exchange_n (&arena->peak_bytes_in_use,
          &peak, high, TRUE, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

/* A block leaves the arena for a user. */
static inline void
gst_layered_arena_note_in_use (GstLayeredArena * arena, gsize size)
{
  ADD (&arena->bytes_in_use, size);
  gst_layered_arena_user_in_use_add (arena, size, size);
}

/* gstlayeredsystem.c */
G_GNUC_INTERNAL extern Chunk gst_layered_arena_pass_through_chunk;

G_GNUC_INTERNAL
Chunk *    gst_layered_arena_map_chunk (GstLayeredArena * arena, gsize size,
                                        gsize align, gboolean huge);

G_GNUC_INTERNAL
void       gst_layered_arena_unmap_chunk (GstLayeredArena * arena,
                                          Chunk * chunk);

G_GNUC_INTERNAL
gboolean   gst_layered_arena_alloc_oversized (GstLayeredArena * arena,
                                              gsize size, gsize align_mask,
                                              GstLayeredBlock * block);

G_GNUC_INTERNAL
void       gst_layered_arena_release_oversized (GstLayeredArena * arena,
                                                const GstLayeredBlock * block);

G_GNUC_INTERNAL
gboolean   gst_layered_arena_alloc_pass_through (GstLayeredArena * arena,
                                                 gsize size, gsize align_mask,
                                                 GstLayeredBlock * block);

G_GNUC_INTERNAL
gboolean   gst_layered_arena_release_pass_through (GstLayeredArena * arena,
                                                   const GstLayeredBlock * block);

/* Thread caches: up to TC_SLOTS blocks and TC_CLASS_BYTES per small,
 * medium or large class, TC_MAX_BYTES in all, reserved from the cap
 * TC_RESERVE_STEP at a time; one parked block per class above 1 MiB,
 * reserved one by one. A cache's pending bytes in use are added to the
 * arena's every TC_FOLD_OPS operations, or once they reach TC_FOLD. */
#define TC_SLOTS 8
#define TC_CLASS_BYTES (256 * KiB)
#define TC_MAX_BYTES (2 * MiB)
#define TC_RESERVE_STEP (256 * KiB)
#define TC_FOLD_OPS 64
#define TC_FOLD (64 * MiB)

typedef struct
{
  Chunk *chunk;
  guint index;
  gpointer tag;
} TcEntry;

/* Written by the owning thread only, read by others with relaxed loads. */
typedef struct
{
  guint64 allocations;
  guint64 pool_hits;
} TcCount;

typedef struct
{
  guint n;
  TcEntry slots[TC_SLOTS];
} TcStack;

/* A block above 1 MiB, parked: the owner parks and takes it, and the idle
 * trim may take it from any thread (atomic exchanges). */
typedef struct
{
  Chunk *parked;                /* atomic */
  guint64 reserved;             /* owner: bytes of the cap reserved */
} TcPark;

struct _ThreadCache
{
  GstLayeredArena *arena;       /* atomic; changed under tc_lock */
  ThreadCache *prev, *next;     /* tc_lock: the arena's list */
  guint64 held;                 /* bytes in the stacks */
  guint64 reserved;             /* for the stacks, of arena->tc_reserved */
  guint64 park_reserved;        /* for the parks, of arena->tc_reserved */
  gint64 pending;               /* bytes in use not yet added to the arena */
  gint64 pending_max;           /* the largest value of pending since then */
  guint ops;                    /* since the last fold */
  guint64 frees;
  TcCount counts[N_TC];
  TcStack stacks[N_GEO];
  TcPark parks[N_TC - N_GEO];
};

/* Takes the block parked in @park, if any, from any thread. */
static inline Chunk *
tc_unpark (TcPark * park)
{
  if (__atomic_load_n (&park->parked, __ATOMIC_RELAXED) == NULL)
    return NULL;
  return __atomic_exchange_n (&park->parked, NULL, __ATOMIC_ACQ_REL);
}

/* gstlayeredarena.c */
G_GNUC_INTERNAL
void       gst_layered_arena_release_to_chunk (GstLayeredArena * arena,
                                               Class * cls, Chunk * c,
                                               guint index);

G_GNUC_INTERNAL
void       gst_layered_arena_maybe_trim (GstLayeredArena * arena,
                                         gboolean have_tc_lock);

/* gstlayeredthreadcache.c: the thread caches' lock (process-wide, taken
 * before any class lock) and the calling thread's cache */
G_GNUC_INTERNAL extern GMutex gst_layered_arena_tc_lock;
G_GNUC_INTERNAL extern __thread ThreadCache *gst_layered_arena_tc_self;

G_GNUC_INTERNAL
Class *    gst_layered_arena_class_of_tc_index (GstLayeredArena * arena,
                                                guint i);

G_GNUC_INTERNAL
ThreadCache * gst_layered_arena_tc_bind (GstLayeredArena * arena);

G_GNUC_INTERNAL
void       gst_layered_arena_tc_fold (GstLayeredArena * arena,
                                      ThreadCache * tc);

G_GNUC_INTERNAL
gboolean   gst_layered_arena_reserve_for_caches (GstLayeredArena * arena,
                                                 guint64 size);

G_GNUC_INTERNAL
gboolean   gst_layered_arena_tc_reserve (GstLayeredArena * arena,
                                         ThreadCache * tc, gsize size);

G_GNUC_INTERNAL
guint      gst_layered_arena_steal_parked_locked (GstLayeredArena * arena,
                                                  Class * cls);

G_GNUC_INTERNAL
void       gst_layered_arena_tc_unlink_locked (GstLayeredArena * arena,
                                               ThreadCache * tc);

G_GNUC_INTERNAL
void       gst_layered_arena_tc_flush_locked (GstLayeredArena * arena,
                                              ThreadCache * tc);

G_END_DECLS

#endif /* __GST_LAYERED_ARENA_PRIVATE_H__ */
