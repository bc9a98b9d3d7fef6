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

/*
 * Layout
 *
 * A class owns chunks, each on one of three lists: partial (some blocks
 * free), full, and empty (every block free: cached memory that can go back
 * to the system). A chunk hands out never-used blocks from a bump index
 * and returned ones from a small stack of indices, so its bookkeeping grows
 * only with what was really used. Chunks of the small, medium and large
 * classes are 2 MiB and page-aligned; a frame-class chunk is one
 * page-rounded block, mapped at a 2 MiB boundary (and advised
 * MADV_HUGEPAGE) when it is that large, so that the kernel can back it with
 * huge pages. Chunks that preallocation mapped are "promised" until a block
 * of theirs is first handed out: the idle trim leaves them alone.
 *
 * A class whose chunk the cap cannot hold (beside the thread caches'
 * quarter) is not cached at all: its blocks come from malloc and go back
 * to it, so that a cap of 0 costs what system memory costs, instead of a
 * chunk mapped and unmapped around every block. What comes from the system
 * (chunks, oversized blocks, blocks passed through) is gstlayeredsystem.c;
 * the types are shared through gstlayeredarena-private.h.
 *
 * Per-thread caches: each thread keeps a few freed blocks of the small,
 * medium and large classes (at most TC_SLOTS and TC_CLASS_BYTES per class,
 * TC_MAX_BYTES in all) and takes them again without a lock or an atomic
 * read-modify-write, as glibc's tcache does. Its statistics are its own,
 * read by the others with relaxed loads; its bytes in use are added to the
 * arena's in batches of TC_FOLD (keeping, with the largest pending value
 * seen, the peak exact when one thread allocates). What the thread caches
 * may hold is reserved from max-cached, so the cap stays a hard one. A
 * thread's cache serves one arena at a time (the first it used, until that
 * one is freed); it goes back to its arena when the thread exits.
 *
 * Locking: one mutex per class, taken for a few pointer operations per
 * allocation or free; the frame-class table is read without a lock
 * (published with atomics) and grown under frame_lock; the statistics are
 * relaxed atomics. Trimming takes one class lock at a time and never while
 * another is held. gst_layered_arena_tc_lock (process-wide) guards the
 * links between thread caches and arenas, and is taken before any class
 * lock. The thread caches, but for their fast path, are
 * gstlayeredthreadcache.c.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlayeredarena-private.h"
#include "gstlayeredlock.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* Idle times are seconds: the coarse clock is enough, and reading it costs
 * no more than a memory load (the precise one can cost far more in a
 * virtual machine). */
static gint64
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC_COARSE, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The small, medium or large class for 1 <= @size <= GEO_MAX: 64-byte
 * steps to 512, then quarters of each doubling. */
static inline guint
geo_index (gsize size)
{
  guint lg;
  gsize quarter;

  if (size <= 512)
    return (size + 63) / 64 - 1;
  /* 2^lg < size <= 2^(lg + 1) */
  lg = 63 - __builtin_clzll ((guint64) size - 1);
  quarter = ((gsize) 1 << lg) / 4;
  return 8 + 4 * (lg - 9) + (size - ((gsize) 1 << lg) - 1) / quarter;
}

void
gst_layered_arena_config_init (GstLayeredArenaConfig * config)
{
  config->min_align = 64;
  config->max_class_size = 256 * MiB;
  config->max_cached = 512 * MiB;
  config->idle_level = 64 * MiB;
  config->idle_timeout_us = 5 * G_USEC_PER_SEC;
  config->huge_pages = FALSE;
  config->huge_pages_min_size = 0;
  config->tag_free = NULL;
  config->tag_size = 0;
}

static gsize
lowest_bit (gsize v)
{
  return v & (~v + 1);
}

static void
class_init (Class * cls, guint tc_index, gsize block_size,
    gsize natural_align, gboolean exact)
{
  g_mutex_init (&cls->lock);
  cls->tc_index = tc_index;
  cls->tc_limit = CLAMP (TC_CLASS_BYTES / block_size, 1, TC_SLOTS);
  cls->block_size = block_size;
  cls->natural_align = natural_align;
  cls->exact = exact;
}

GstLayeredArena *
gst_layered_arena_new (const GstLayeredArenaConfig * config)
{
  GstLayeredArena *arena = g_new0 (GstLayeredArena, 1);
  gsize size;
  guint i = 0, k;

  g_return_val_if_fail (config->min_align >= 16 &&
      config->min_align <= 4096 &&
      (config->min_align & (config->min_align - 1)) == 0, NULL);

  arena->min_align = config->min_align;
  arena->max_class_size = MAX (config->max_class_size, GEO_MAX);
  /* the smallest chunk that gets huge pages (G_MAXSIZE: none) */
  arena->huge_min = config->huge_pages ? HUGE_PAGE :
      config->huge_pages_min_size == 0 ? G_MAXSIZE :
      (gsize) MIN (MAX (config->huge_pages_min_size, HUGE_PAGE), G_MAXSIZE);
  arena->huge_pages = arena->huge_min != G_MAXSIZE;
  arena->tag_free = config->tag_free;
  /* the data after the tag stays aligned as malloc aligns */
  arena->tag_size = (config->tag_size + 15) & ~(gsize) 15;
  arena->page_size = sysconf (_SC_PAGESIZE);
  arena->max_cached = config->max_cached;
  arena->idle_level = config->idle_level;
  arena->idle_timeout_us = config->idle_timeout_us;
  arena->next_idle_check = now_us () + config->idle_timeout_us;
  g_mutex_init (&arena->frame_lock);
  g_mutex_init (&arena->oversized_lock);

  /* small classes: steps of 64 bytes */
  for (size = 64; size <= 512; size += 64) {
    class_init (&arena->geo[i], i, size, MIN (lowest_bit (size),
            arena->page_size), FALSE);
    i++;
  }
  /* medium and large: four per doubling, multiples of 64 */
  for (size = 512; size < GEO_MAX; size *= 2) {
    for (k = 1; k <= 4; k++) {
      gsize s = size + k * (size / 4);

      class_init (&arena->geo[i], i, s, MIN (lowest_bit (s),
              arena->page_size), FALSE);
      i++;
    }
  }
  g_assert (i == N_GEO);
  g_assert (arena->geo[N_GEO - 1].block_size == GEO_MAX);
  for (i = 0; i < N_GEO; i++) {
    g_assert (geo_index (arena->geo[i].block_size) == i);
    g_assert (i == 0 || geo_index (arena->geo[i - 1].block_size + 1) == i);
  }

  /* above 1 MiB, when the exact classes run out: eight per doubling,
   * page-rounded */
  for (size = GEO_MAX, i = 0; size < arena->max_class_size && i < N_BIG;
      size *= 2) {
    for (k = 1; k <= 8 && i < N_BIG; k++) {
      gsize s = size + k * (size / 8);

      s = (s + arena->page_size - 1) & ~(arena->page_size - 1);
      class_init (&arena->big[i], N_GEO + i, s, arena->page_size, FALSE);
      i++;
    }
  }
  arena->n_big = i;

  return arena;
}

static void
class_clear (GstLayeredArena * arena, Class * cls)
{
  gint l;

  for (l = 0; l < N_LISTS; l++) {
    while (cls->lists[l]) {
      Chunk *c = cls->lists[l];

      cls->lists[l] = c->next;
      gst_layered_arena_unmap_chunk (arena, c);
    }
  }
  g_mutex_clear (&cls->lock);
}

/**
 * gst_layered_arena_free:
 *
 * Gives every chunk back to the system, including those with blocks still
 * handed out: the caller reports such leaks first.
 */
void
gst_layered_arena_free (GstLayeredArena * arena)
{
  gint i;

  /* thread caches that serve this arena forget it (their blocks go with
   * the chunks); a thread that exits now waits for this */
  gst_layered_lock (&gst_layered_arena_tc_lock);
  while (arena->tcs) {
    ThreadCache *tc = arena->tcs;

    gst_layered_arena_tc_unlink_locked (arena, tc);
    for (i = 0; i < N_GEO; i++) {
      guint k;

      for (k = 0; k < tc->stacks[i].n; k++) {
        if (tc->stacks[i].slots[k].tag && arena->tag_free)
          arena->tag_free (tc->stacks[i].slots[k].tag);
      }
    }
    for (i = 0; i < N_TC - N_GEO; i++) {
      Chunk *c = tc->parks[i].parked;

      if (c && c->tag && arena->tag_free)
        arena->tag_free (c->tag);
    }
    memset (tc->counts, 0, sizeof (tc->counts));
    memset (tc->stacks, 0, sizeof (tc->stacks));
    memset (tc->parks, 0, sizeof (tc->parks));
    STORE (&tc->held, 0);
    STORE (&tc->reserved, 0);
    STORE (&tc->park_reserved, 0);
    STORE (&tc->pending, 0);
    STORE (&tc->pending_max, 0);
    STORE (&tc->frees, 0);
  }
  gst_layered_unlock (&gst_layered_arena_tc_lock);

  for (i = 0; i < N_GEO; i++)
    class_clear (arena, &arena->geo[i]);
  for (i = 0; i < arena->n_big; i++)
    class_clear (arena, &arena->big[i]);
  for (i = 0; i < arena->n_frame; i++) {
    class_clear (arena, arena->frame[i]);
    g_free (arena->frame[i]);
  }
  while (arena->oversized) {
    Chunk *c = arena->oversized;

    arena->oversized = c->next;
    gst_layered_arena_unmap_chunk (arena, c);
  }
  g_mutex_clear (&arena->frame_lock);
  g_mutex_clear (&arena->oversized_lock);
  g_free (arena);
}

void
gst_layered_arena_set_limits (GstLayeredArena * arena, guint64 max_cached,
    guint64 idle_level, gint64 idle_timeout_us)
{
  STORE (&arena->max_cached, max_cached);
  STORE (&arena->idle_level, idle_level);
  STORE (&arena->idle_timeout_us, idle_timeout_us);
}

static void
list_remove (GstLayeredArena * arena, Class * cls, Chunk * c)
{
  if (c->list == LIST_EMPTY)
    SUB (&arena->empty_chunks, 1);
  if (c->prev)
    c->prev->next = c->next;
  else
    cls->lists[c->list] = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->prev = c->next = NULL;
}

static void
list_push (GstLayeredArena * arena, Class * cls, Chunk * c, gint list)
{
  if (list == LIST_EMPTY)
    ADD (&arena->empty_chunks, 1);
  c->list = list;
  c->prev = NULL;
  c->next = cls->lists[list];
  if (c->next)
    c->next->prev = c;
  cls->lists[list] = c;
}

/* with the class lock */
static Chunk *
new_chunk (GstLayeredArena * arena, Class * cls)
{
  gsize size;
  Chunk *c;
  gboolean huge;

  if (cls->exact || cls->block_size > GEO_MAX) {
    size = cls->block_size;
    huge = size >= arena->huge_min;
  } else {
    size = GST_LAYERED_ARENA_CHUNK_SIZE;
    huge = FALSE;
  }

  c = gst_layered_arena_map_chunk (arena, size, 0, huge);
  if (c == NULL)
    return NULL;
  c->cls = cls;
  c->capacity = size / cls->block_size;
  ADD (&cls->n_chunks, 1);

  return c;
}

static Class *
find_geo (Class * classes, guint n, gsize size)
{
  guint lo = 0, hi = n;

  /* the first class that holds @size */
  while (lo < hi) {
    guint mid = (lo + hi) / 2;

    if (classes[mid].block_size < size)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n ? &classes[lo] : NULL;
}

/* The class for blocks of @size bytes, or NULL if they are oversized. */
static Class *
lookup_class (GstLayeredArena * arena, gsize size)
{
  gsize rounded;
  gint n, i;
  Class *cls = NULL;

  if (size <= GEO_MAX)
    return &arena->geo[geo_index (size)];
  if (size > arena->max_class_size)
    return NULL;

  rounded = (size + arena->page_size - 1) & ~(arena->page_size - 1);
  n = __atomic_load_n (&arena->n_frame, __ATOMIC_ACQUIRE);
  for (i = 0; i < n; i++) {
    if (arena->frame[i]->block_size == rounded)
      return arena->frame[i];
  }

  /* a size not seen before: a new frame class while there is room */
  gst_layered_lock (&arena->frame_lock);
  n = arena->n_frame;
  for (i = 0; i < n && !cls; i++) {
    if (arena->frame[i]->block_size == rounded)
      cls = arena->frame[i];
  }
  if (!cls && n < GST_LAYERED_ARENA_MAX_FRAME_CLASSES) {
    cls = g_new0 (Class, 1);
    class_init (cls, N_GEO + N_BIG + n, rounded, arena->page_size, TRUE);
    arena->frame[n] = cls;
    __atomic_store_n (&arena->n_frame, n + 1, __ATOMIC_RELEASE);
  }
  gst_layered_unlock (&arena->frame_lock);

  return cls ? cls : find_geo (arena->big, arena->n_big, rounded);
}

/* The bytes of the chunks of @cls. */
static inline gsize
chunk_bytes (Class * cls)
{
  return cls->exact || cls->block_size > GEO_MAX ? cls->block_size :
      GST_LAYERED_ARENA_CHUNK_SIZE;
}

/* Whether memory of @cls passes straight through to the system allocator:
 * when the cap cannot hold one of its chunks beside what the thread caches
 * may hold (a quarter), caching would only map and unmap a chunk around
 * every block. A class that still has chunks (preallocated, or from before
 * the cap shrank) uses them. */
static inline gboolean
passes_through (GstLayeredArena * arena, Class * cls)
{
  guint64 cap = LOAD (&arena->max_cached);

  return G_UNLIKELY (chunk_bytes (cls) > cap - cap / 4) &&
      LOAD (&cls->n_chunks) == 0;
}

static void
fill_block (GstLayeredBlock * block, Class * cls, Chunk * c, guint idx,
    gsize align_mask)
{
  block->chunk = c;
  block->index = idx;
  block->tag = NULL;
  block->data = c->base + (gsize) idx *cls->block_size;
  block->size = cls->block_size;
  if ((guintptr) block->data & align_mask) {
    gsize skip = (align_mask + 1) - ((guintptr) block->data & align_mask);

    block->data += skip;
    block->size -= skip;
  }
}

/* Notes that @cls was used at @now. The coarse clock changes every few
 * milliseconds: most calls only read the shared cache line. */
static inline void
touch_class (Class * cls, gint64 now)
{
  if (LOAD (&cls->last_used) != now)
    STORE (&cls->last_used, now);
}

/* --- per-thread caches: the fast path (the rest is
 * gstlayeredthreadcache.c) ------------------------------------------- */

/* The calling thread's cache, if it serves @arena. */
static inline ThreadCache *
tc_get (GstLayeredArena * arena)
{
  ThreadCache *tc = gst_layered_arena_tc_self;

  return G_LIKELY (tc && LOAD (&tc->arena) == arena) ? tc : NULL;
}

static inline void
tc_note (GstLayeredArena * arena, ThreadCache * tc, gint64 delta)
{
  gint64 pending = LOAD (&tc->pending) + delta;

  STORE (&tc->pending, pending);
  if (pending > LOAD (&tc->pending_max))
    STORE (&tc->pending_max, pending);
  if (++tc->ops >= TC_FOLD_OPS || pending >= (gint64) TC_FOLD ||
      pending <= -(gint64) TC_FOLD)
    gst_layered_arena_tc_fold (arena, tc);
}

static inline void
tc_count (ThreadCache * tc, Class * cls)
{
  TcCount *count = &tc->counts[cls->tc_index];

  STORE (&count->allocations, count->allocations + 1);
  STORE (&count->pool_hits, count->pool_hits + 1);
}

/* --- allocation ----------------------------------------------------------- */

/* A class above 1 MiB was used from a thread cache: it is not idle, and
 * the idle check may be due (parking or taking a block cannot take the
 * cache over the cap, reservations see to that). */
static inline void
tc_touch (GstLayeredArena * arena, Class * cls)
{
  gint64 now = now_us ();

  touch_class (cls, now);
  if (G_UNLIKELY (now >= LOAD (&arena->next_idle_check)))
    gst_layered_arena_maybe_trim (arena, FALSE);
}

/* From the calling thread's cache: a block of @cls, or %FALSE. */
static inline gboolean
tc_take (GstLayeredArena * arena, ThreadCache * tc, Class * cls,
    gsize align_mask, GstLayeredBlock * block)
{
  if (IS_GEO (arena, cls)) {
    TcStack *stack = &tc->stacks[cls->tc_index];
    guint n = stack->n;
    TcEntry e;

    if (n == 0)
      return FALSE;
    e = stack->slots[n - 1];
    STORE (&stack->n, n - 1);
    STORE (&tc->held, tc->held - cls->block_size);
    tc_count (tc, cls);
    tc_note (arena, tc, cls->block_size);
    fill_block (block, cls, e.chunk, e.index, align_mask);
    block->tag = e.tag;
  } else {
    Chunk *c = tc_unpark (&tc->parks[cls->tc_index - N_GEO]);

    if (c == NULL)
      return FALSE;
    tc_count (tc, cls);
    tc_note (arena, tc, cls->block_size);
    fill_block (block, cls, c, 0, align_mask);
    block->tag = c->tag;
    c->tag = NULL;
    tc_touch (arena, cls);
  }
  return TRUE;
}

/* Into the calling thread's cache, if there is room. */
static inline gboolean
tc_put (GstLayeredArena * arena, ThreadCache * tc, Class * cls,
    const GstLayeredBlock * block)
{
  if (IS_GEO (arena, cls)) {
    TcStack *stack = &tc->stacks[cls->tc_index];
    guint n = stack->n;

    if (n >= cls->tc_limit || (tc->held + cls->block_size > tc->reserved
            && !gst_layered_arena_tc_reserve (arena, tc, cls->block_size)))
      return FALSE;
    stack->slots[n].chunk = block->chunk;
    stack->slots[n].index = block->index;
    stack->slots[n].tag = block->tag;
    STORE (&stack->n, n + 1);
    STORE (&tc->held, tc->held + cls->block_size);
    STORE (&tc->frees, tc->frees + 1);
    tc_note (arena, tc, -(gint64) cls->block_size);
  } else {
    TcPark *park = &tc->parks[cls->tc_index - N_GEO];
    Chunk *c = block->chunk;

    if (__atomic_load_n (&park->parked, __ATOMIC_RELAXED) != NULL)
      return FALSE;
    if (park->reserved == 0) {
      if (!gst_layered_arena_reserve_for_caches (arena, cls->block_size))
        return FALSE;
      park->reserved = cls->block_size;
      STORE (&tc->park_reserved, tc->park_reserved + cls->block_size);
    }
    c->tag = block->tag;
    /* only the owner parks, into an empty place */
    __atomic_store_n (&park->parked, c, __ATOMIC_RELEASE);
    STORE (&tc->frees, tc->frees + 1);
    tc_note (arena, tc, -(gint64) cls->block_size);
    tc_touch (arena, cls);
  }
  return TRUE;
}

/**
 * gst_layered_arena_alloc:
 * @size: bytes needed
 * @align_mask: alignment mask for @block->data (2^n - 1); min-align is
 *   always applied too
 *
 * Returns: %FALSE if the system refused memory.
 */
gboolean
gst_layered_arena_alloc (GstLayeredArena * arena, gsize size,
    gsize align_mask, GstLayeredBlock * block)
{
  gboolean hit = TRUE;
  gsize need = MAX (size, 1);
  ThreadCache *tc;
  Class *cls;
  Chunk *c;
  guint idx;

  align_mask |= arena->min_align - 1;
  cls = G_LIKELY (need <= GEO_MAX) ? &arena->geo[geo_index (need)] :
      lookup_class (arena, need);
  /* a class whose blocks are not aligned enough: ask for slack */
  if (cls && cls->natural_align <= align_mask) {
    if (need > G_MAXSIZE - align_mask)
      return FALSE;
    need += align_mask;
    cls = lookup_class (arena, need);
  }
  if (cls == NULL)
    return gst_layered_arena_alloc_oversized (arena, MAX (size, 1), align_mask,
        block);
  if (passes_through (arena, cls))
    return gst_layered_arena_alloc_pass_through (arena, MAX (size, 1),
        align_mask, block);

  tc = tc_get (arena);
  if (tc && tc_take (arena, tc, cls, align_mask, block))
    return TRUE;
  if (tc == NULL)
    tc = gst_layered_arena_tc_bind (arena);
  /* in order with what the arena counts next */
  if (tc)
    gst_layered_arena_tc_fold (arena, tc);

  gst_layered_lock (&cls->lock);
  c = cls->lists[LIST_PARTIAL];
  if (c == NULL && (c = cls->lists[LIST_EMPTY])) {
    list_remove (arena, cls, c);
    list_push (arena, cls, c, LIST_PARTIAL);
  }
  if (c)
    c->promised = FALSE;
  if (c == NULL) {
    c = new_chunk (arena, cls);
    if (c == NULL) {
      gst_layered_unlock (&cls->lock);
      return FALSE;
    }
    list_push (arena, cls, c, LIST_PARTIAL);
    hit = FALSE;
  }

  if (c->n_free_idx > 0)
    idx = c->free_idx[--c->n_free_idx];
  else
    idx = c->bumped++;
  c->n_used++;
  if (c->n_used == c->capacity) {
    list_remove (arena, cls, c);
    list_push (arena, cls, c, LIST_FULL);
  }
  cls->allocations++;
  cls->blocks_in_use++;
  if (hit)
    cls->pool_hits++;
  gst_layered_unlock (&cls->lock);

  touch_class (cls, now_us ());
  ADD (&arena->allocations, 1);
  if (hit)
    ADD (&arena->pool_hits, 1);
  gst_layered_arena_note_in_use (arena, cls->block_size);

  fill_block (block, cls, c, idx, align_mask);
  return TRUE;
}

/* Puts a block back in its chunk (it leaves the arena's bytes in use). */
void
gst_layered_arena_release_to_chunk (GstLayeredArena * arena, Class * cls,
    Chunk * c, guint index)
{
  gst_layered_lock (&cls->lock);
  if (c->n_free_idx == c->free_cap) {
    c->free_cap = MAX (16, c->free_cap * 2);
    c->free_idx = g_renew (guint, c->free_idx, c->free_cap);
  }
  c->free_idx[c->n_free_idx++] = index;
  if (c->n_used-- == c->capacity) {
    list_remove (arena, cls, c);
    list_push (arena, cls, c, LIST_PARTIAL);
  }
  if (c->n_used == 0) {
    /* all of it is free: forget the indices, start bumping again */
    c->n_free_idx = 0;
    c->bumped = 0;
    list_remove (arena, cls, c);
    list_push (arena, cls, c, LIST_EMPTY);
  }
  cls->blocks_in_use--;
  gst_layered_unlock (&cls->lock);

  touch_class (cls, now_us ());
  SUB (&arena->bytes_in_use, cls->block_size);
}

/**
 * gst_layered_arena_release:
 *
 * Gives a block back. It is cached, unless that puts the cached bytes over
 * the cap, in which case empty chunks go back to the system, those of the
 * classes used least recently first.
 *
 * Returns: %TRUE if the arena keeps @block->tag (it comes back with an
 * allocation, or goes to the config's tag_free); %FALSE if the caller
 * still owns it.
 */
gboolean
gst_layered_arena_release (GstLayeredArena * arena,
    const GstLayeredBlock * block)
{
  Chunk *c = block->chunk;
  Class *cls = c->cls;
  ThreadCache *tc;

  if (c == &gst_layered_arena_pass_through_chunk)
    return gst_layered_arena_release_pass_through (arena, block);
  if (cls == NULL) {
    gst_layered_arena_release_oversized (arena, block);
    return FALSE;
  }

  tc = tc_get (arena);
  if (tc == NULL)
    tc = gst_layered_arena_tc_bind (arena);
  if (tc) {
    if (tc_put (arena, tc, cls, block))
      return TRUE;
    gst_layered_arena_tc_fold (arena, tc);
  }

  ADD (&arena->frees, 1);
  gst_layered_arena_user_in_use_add (arena, -(gint64) cls->block_size, 0);
  gst_layered_arena_release_to_chunk (arena, cls, c, block->index);

  gst_layered_arena_maybe_trim (arena, FALSE);
  return FALSE;
}

/* Releases the empty chunks of @cls, while the cached bytes exceed @keep;
 * with @keep_promised, not those preallocated and never used. Returns the
 * bytes given back. */
static guint64
trim_class (GstLayeredArena * arena, Class * cls, guint64 keep,
    gboolean keep_promised)
{
  guint64 freed = 0;
  Chunk *c, *next;

  gst_layered_lock (&cls->lock);
  for (c = cls->lists[LIST_EMPTY]; c; c = next) {
    guint64 cached = LOAD (&arena->bytes_mapped) - LOAD (&arena->bytes_in_use);

    next = c->next;
    if (cached <= keep)
      break;
    if (keep_promised && c->promised)
      continue;
    list_remove (arena, cls, c);
    SUB (&cls->n_chunks, 1);
    freed += c->size;
    ADD (&arena->trims, 1);
    gst_layered_arena_unmap_chunk (arena, c);
  }
  gst_layered_unlock (&cls->lock);
  return freed;
}

static gint
compare_last_used (gconstpointer a, gconstpointer b)
{
  gint64 la = LOAD (&(*(Class **) a)->last_used);
  gint64 lb = LOAD (&(*(Class **) b)->last_used);

  return la < lb ? -1 : la > lb;
}

/* Every class, least recently used first. */
static GPtrArray *
classes_by_age (GstLayeredArena * arena)
{
  GPtrArray *all = g_ptr_array_new ();
  gint i, n = __atomic_load_n (&arena->n_frame, __ATOMIC_ACQUIRE);

  for (i = 0; i < n; i++)
    g_ptr_array_add (all, arena->frame[i]);
  for (i = 0; i < arena->n_big; i++)
    g_ptr_array_add (all, &arena->big[i]);
  for (i = 0; i < N_GEO; i++)
    g_ptr_array_add (all, &arena->geo[i]);
  g_ptr_array_sort (all, compare_last_used);
  return all;
}

/* Trims until the arena itself (without the thread caches) caches no more
 * than @keep bytes. */
static guint64
trim_to (GstLayeredArena * arena, guint64 keep)
{
  GPtrArray *all = classes_by_age (arena);
  guint64 freed = 0;
  guint i;

  ADD (&arena->trim_passes, 1);
  for (i = 0; i < all->len; i++)
    freed += trim_class (arena, g_ptr_array_index (all, i), keep, FALSE);
  g_ptr_array_unref (all);
  return freed;
}

/* What the arena itself may cache: the cap less the thread caches' part. */
static guint64
arena_cap (GstLayeredArena * arena)
{
  guint64 cap = LOAD (&arena->max_cached);
  guint64 reserved = LOAD (&arena->tc_reserved);

  return cap > reserved ? cap - reserved : 0;
}

/**
 * gst_layered_arena_trim:
 * @keep: cached bytes to keep at most
 *
 * Gives the calling thread's cached blocks and every thread's parked
 * blocks back to the arena, then empty chunks back to the system, least
 * recently used classes first, until no more than @keep bytes are cached
 * or no empty chunk is left. (Free blocks in chunks that are partly in use
 * stay, and so do the few small blocks that other threads keep in their
 * caches.)
 *
 * Returns: the bytes given back.
 */
guint64
gst_layered_arena_trim (GstLayeredArena * arena, guint64 keep)
{
  ThreadCache *tc = tc_get (arena);
  guint64 reserved;
  guint i;

  gst_layered_lock (&gst_layered_arena_tc_lock);
  if (tc)
    gst_layered_arena_tc_flush_locked (arena, tc);
  for (i = N_GEO; i < N_TC; i++) {
    Class *cls = gst_layered_arena_class_of_tc_index (arena, i);

    if (cls)
      gst_layered_arena_steal_parked_locked (arena, cls);
  }
  gst_layered_unlock (&gst_layered_arena_tc_lock);

  reserved = LOAD (&arena->tc_reserved);
  return trim_to (arena, keep > reserved ? keep - reserved : 0);
}

/* Over the cap: trim to it. Once in a while: give the memory of classes
 * idle for idle-timeout back, down to idle-level, blocks parked in thread
 * caches included. */
void
gst_layered_arena_maybe_trim (GstLayeredArena * arena, gboolean have_tc_lock)
{
  guint64 cached = LOAD (&arena->bytes_mapped) - LOAD (&arena->bytes_in_use);
  guint64 cap = arena_cap (arena);
  gint64 now, next;

  /* what only chunks with blocks in use hold cannot go back: no pass over
   * every class for nothing (the idle check may still free some) */
  if (cached > cap && LOAD (&arena->empty_chunks) > 0) {
    trim_to (arena, cap);
    return;
  }

  next = LOAD (&arena->next_idle_check);
  if (G_LIKELY ((now = now_us ()) < next))
    return;
  /* one thread does the check */
  if (!__atomic_compare_exchange_n (&arena->next_idle_check, &next,
          now + MAX (LOAD (&arena->idle_timeout_us) / 2, 1), FALSE,
          __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    return;

  {
    GPtrArray *all = classes_by_age (arena);
    gint64 idle_before = now - LOAD (&arena->idle_timeout_us);
    guint i;

    for (i = 0; i < all->len; i++) {
      Class *cls = g_ptr_array_index (all, i);

      if (LOAD (&cls->last_used) > idle_before)
        break;
      if (!IS_GEO (arena, cls)) {
        if (!have_tc_lock)
          gst_layered_lock (&gst_layered_arena_tc_lock);
        gst_layered_arena_steal_parked_locked (arena, cls);
        if (!have_tc_lock)
          gst_layered_unlock (&gst_layered_arena_tc_lock);
      }
      trim_class (arena, cls, LOAD (&arena->idle_level), TRUE);
    }
    g_ptr_array_unref (all);
  }
}

/**
 * gst_layered_arena_preallocate:
 * @prefault: also fault the pages in (MADV_POPULATE_WRITE), so that the
 *   first use pays no page faults
 *
 * Makes sure @count blocks for @size bytes are cached (for sizes above
 * max-class-size nothing can be cached). The chunks mapped for this are
 * kept until their first use, however long that takes: the idle trim
 * leaves them alone. They count against max-cached like any cached memory
 * (what is over the cap goes back at the next free), and
 * gst_layered_arena_trim() gives them back.
 *
 * Returns: how many blocks are now cached for that class.
 */
guint
gst_layered_arena_preallocate (GstLayeredArena * arena, gsize size,
    guint count, gboolean prefault)
{
  Class *cls = lookup_class (arena, MAX (size, 1));
  guint have = 0;
  Chunk *c;
  gint l;

  if (cls == NULL)
    return 0;

  gst_layered_lock (&cls->lock);
  for (l = LIST_PARTIAL; l < N_LISTS; l++) {
    for (c = cls->lists[l]; c; c = c->next)
      have += c->capacity - c->n_used;
  }
  while (have < count) {
    c = new_chunk (arena, cls);
    if (c == NULL)
      break;
    if (prefault)
      madvise (c->base, c->size, MADV_POPULATE_WRITE);
    c->promised = TRUE;
    list_push (arena, cls, c, LIST_EMPTY);
    have += c->capacity;
  }
  gst_layered_unlock (&cls->lock);
  touch_class (cls, now_us ());

  return have;
}

/**
 * gst_layered_arena_class_size_for:
 *
 * Returns: the block size of the class that serves @size bytes with the
 * minimum alignment, or 0 if such blocks come from the system.
 */
gsize
gst_layered_arena_class_size_for (GstLayeredArena * arena, gsize size)
{
  Class *cls = lookup_class (arena, MAX (size, 1));

  return cls ? cls->block_size : 0;
}
