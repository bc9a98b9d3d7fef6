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
 * huge pages.
 *
 * Locking: one mutex per class, taken for a few pointer operations per
 * allocation or free; the frame-class table is read without a lock
 * (published with atomics) and grown under frame_lock; the statistics are
 * relaxed atomics. Trimming takes one class lock at a time and never while
 * another is held.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlayeredarena.h"
#include "gstlayeredlock.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

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
  Chunk *prev, *next;
};

struct _Class
{
  GMutex lock;
  gsize block_size;
  gsize natural_align;
  gboolean exact;
  Chunk *lists[N_LISTS];        /* lock */
  guint64 n_chunks;             /* lock */
  guint64 allocations;          /* lock */
  guint64 pool_hits;            /* lock */
  guint64 blocks_in_use;        /* lock */
  gint64 last_used;             /* atomic, monotonic µs */
};

/* small: 64..512 step 64 (8); then four per doubling to 1 MiB (44) */
#define N_GEO (8 + 4 * 11)
/* above 1 MiB: eight per doubling, up to 2^40 */
#define N_BIG (8 * 20)

struct _GstLayeredArena
{
  gsize min_align;
  guint64 max_class_size;
  gboolean huge_pages;
  gsize page_size;

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

  /* statistics, relaxed atomics */
  guint64 allocations;
  guint64 frees;
  guint64 pool_hits;
  guint64 system_allocations;
  guint64 system_frees;
  guint64 n_oversized;
  guint64 oversized_in_use;
  guint64 trims;
  guint64 bytes_in_use;
  guint64 peak_bytes_in_use;
  guint64 bytes_mapped;
};

#define LOAD(p) __atomic_load_n ((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n ((p), (v), __ATOMIC_RELAXED)
#define ADD(p, v) __atomic_add_fetch ((p), (v), __ATOMIC_RELAXED)
#define SUB(p, v) __atomic_sub_fetch ((p), (v), __ATOMIC_RELAXED)

void
gst_layered_arena_config_init (GstLayeredArenaConfig * config)
{
  config->min_align = 64;
  config->max_class_size = 256 * MiB;
  config->max_cached = 512 * MiB;
  config->idle_level = 64 * MiB;
  config->idle_timeout_us = 5 * G_USEC_PER_SEC;
  config->huge_pages = TRUE;
}

static gsize
lowest_bit (gsize v)
{
  return v & (~v + 1);
}

static void
class_init (Class * cls, gsize block_size, gsize natural_align, gboolean exact)
{
  g_mutex_init (&cls->lock);
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
  arena->huge_pages = config->huge_pages;
  arena->page_size = sysconf (_SC_PAGESIZE);
  arena->max_cached = config->max_cached;
  arena->idle_level = config->idle_level;
  arena->idle_timeout_us = config->idle_timeout_us;
  arena->next_idle_check = g_get_monotonic_time () + config->idle_timeout_us;
  g_mutex_init (&arena->frame_lock);
  g_mutex_init (&arena->oversized_lock);

  /* small classes: steps of 64 bytes */
  for (size = 64; size <= 512; size += 64)
    class_init (&arena->geo[i++], size, MIN (lowest_bit (size),
            arena->page_size), FALSE);
  /* medium and large: four per doubling, multiples of 64 */
  for (size = 512; size < GEO_MAX; size *= 2) {
    for (k = 1; k <= 4; k++) {
      gsize s = size + k * (size / 4);

      class_init (&arena->geo[i++], s, MIN (lowest_bit (s),
              arena->page_size), FALSE);
    }
  }
  g_assert (i == N_GEO);
  g_assert (arena->geo[N_GEO - 1].block_size == GEO_MAX);

  /* above 1 MiB, when the exact classes run out: eight per doubling,
   * page-rounded */
  for (size = GEO_MAX, i = 0; size < arena->max_class_size && i < N_BIG;
      size *= 2) {
    for (k = 1; k <= 8 && i < N_BIG; k++) {
      gsize s = size + k * (size / 8);

      s = (s + arena->page_size - 1) & ~(arena->page_size - 1);
      class_init (&arena->big[i++], s, arena->page_size, FALSE);
    }
  }
  arena->n_big = i;

  return arena;
}

static void
unmap_chunk (GstLayeredArena * arena, Chunk * chunk)
{
  munmap (chunk->base, chunk->size);
  SUB (&arena->bytes_mapped, chunk->size);
  ADD (&arena->system_frees, 1);
  g_free (chunk->free_idx);
  g_free (chunk);
}

static void
class_clear (GstLayeredArena * arena, Class * cls)
{
  gint l;

  for (l = 0; l < N_LISTS; l++) {
    while (cls->lists[l]) {
      Chunk *c = cls->lists[l];

      cls->lists[l] = c->next;
      unmap_chunk (arena, c);
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
    unmap_chunk (arena, c);
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

/* Maps @size bytes, at a 2 MiB boundary and advised MADV_HUGEPAGE when
 * @huge, page-aligned otherwise. */
static guint8 *
map_memory (gsize size, gboolean huge)
{
  guintptr start, aligned, end;
  guint8 *reserve;

  if (!huge) {
    reserve = mmap (NULL, size, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return reserve == MAP_FAILED ? NULL : reserve;
  }

  reserve = mmap (NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (reserve == MAP_FAILED)
    return NULL;

  start = (guintptr) reserve;
  aligned = (start + HUGE_PAGE - 1) & ~((guintptr) HUGE_PAGE - 1);
  end = aligned + size;
  if (aligned > start)
    munmap (reserve, aligned - start);
  if (start + size + HUGE_PAGE > end)
    munmap ((void *) end, start + size + HUGE_PAGE - end);
#ifdef MADV_HUGEPAGE
  madvise ((void *) aligned, size, MADV_HUGEPAGE);
#endif
  return (guint8 *) aligned;
}

static void
list_remove (Class * cls, Chunk * c)
{
  if (c->prev)
    c->prev->next = c->next;
  else
    cls->lists[c->list] = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->prev = c->next = NULL;
}

static void
list_push (Class * cls, Chunk * c, gint list)
{
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
  guint8 *base;
  gboolean huge;

  if (cls->exact || cls->block_size > GEO_MAX) {
    size = cls->block_size;
    huge = arena->huge_pages && size >= HUGE_PAGE;
  } else {
    size = GST_LAYERED_ARENA_CHUNK_SIZE;
    huge = FALSE;
  }

  base = map_memory (size, huge);
  if (base == NULL)
    return NULL;

  c = g_new0 (Chunk, 1);
  c->cls = cls;
  c->base = base;
  c->size = size;
  c->capacity = size / cls->block_size;
  cls->n_chunks++;
  ADD (&arena->bytes_mapped, size);
  ADD (&arena->system_allocations, 1);

  return c;
}

static void
note_in_use (GstLayeredArena * arena, gsize size)
{
  guint64 now = ADD (&arena->bytes_in_use, size);
  guint64 peak = LOAD (&arena->peak_bytes_in_use);

  while (now > peak && !__atomic_compare_exchange_n (&arena->peak_bytes_in_use,
          &peak, now, TRUE, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
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
    return find_geo (arena->geo, N_GEO, size);
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
    class_init (cls, rounded, arena->page_size, TRUE);
    arena->frame[n] = cls;
    __atomic_store_n (&arena->n_frame, n + 1, __ATOMIC_RELEASE);
  }
  gst_layered_unlock (&arena->frame_lock);

  return cls ? cls : find_geo (arena->big, arena->n_big, rounded);
}

static gboolean
alloc_oversized (GstLayeredArena * arena, gsize size, gsize align_mask,
    GstLayeredBlock * block)
{
  gsize rounded = (size + arena->page_size - 1) & ~(arena->page_size - 1);
  gboolean huge = arena->huge_pages && rounded >= HUGE_PAGE;
  Chunk *c;
  guint8 *base;

  /* mappings are page- or 2 MiB-aligned: enough for any GstMemory align */
  g_return_val_if_fail (align_mask < arena->page_size, FALSE);

  base = map_memory (rounded, huge);
  if (base == NULL)
    return FALSE;

  c = g_new0 (Chunk, 1);
  c->base = base;
  c->size = rounded;
  c->capacity = 1;
  c->n_used = 1;
  gst_layered_lock (&arena->oversized_lock);
  c->next = arena->oversized;
  if (c->next)
    c->next->prev = c;
  arena->oversized = c;
  gst_layered_unlock (&arena->oversized_lock);

  ADD (&arena->bytes_mapped, rounded);
  ADD (&arena->system_allocations, 1);
  ADD (&arena->n_oversized, 1);
  ADD (&arena->oversized_in_use, 1);
  ADD (&arena->allocations, 1);
  note_in_use (arena, rounded);

  block->data = base;
  block->size = rounded;
  block->chunk = c;
  block->index = 0;
  return TRUE;
}

static void maybe_trim (GstLayeredArena * arena);

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
  Class *cls;
  Chunk *c;
  guint idx;

  align_mask |= arena->min_align - 1;
  cls = lookup_class (arena, need);
  /* a class whose blocks are not aligned enough: ask for slack */
  if (cls && cls->natural_align <= align_mask) {
    need += align_mask;
    cls = lookup_class (arena, need);
  }
  if (cls == NULL)
    return alloc_oversized (arena, size, align_mask, block);

  gst_layered_lock (&cls->lock);
  c = cls->lists[LIST_PARTIAL];
  if (c == NULL && (c = cls->lists[LIST_EMPTY])) {
    list_remove (cls, c);
    list_push (cls, c, LIST_PARTIAL);
  }
  if (c == NULL) {
    c = new_chunk (arena, cls);
    if (c == NULL) {
      gst_layered_unlock (&cls->lock);
      return FALSE;
    }
    list_push (cls, c, LIST_PARTIAL);
    hit = FALSE;
  }

  if (c->n_free_idx > 0)
    idx = c->free_idx[--c->n_free_idx];
  else
    idx = c->bumped++;
  c->n_used++;
  if (c->n_used == c->capacity) {
    list_remove (cls, c);
    list_push (cls, c, LIST_FULL);
  }
  cls->allocations++;
  cls->blocks_in_use++;
  if (hit)
    cls->pool_hits++;
  gst_layered_unlock (&cls->lock);

  STORE (&cls->last_used, g_get_monotonic_time ());
  ADD (&arena->allocations, 1);
  if (hit)
    ADD (&arena->pool_hits, 1);
  note_in_use (arena, cls->block_size);

  block->chunk = c;
  block->index = idx;
  block->data = c->base + (gsize) idx *cls->block_size;
  block->size = cls->block_size;
  if ((guintptr) block->data & align_mask) {
    gsize skip = (align_mask + 1) - ((guintptr) block->data & align_mask);

    block->data += skip;
    block->size -= skip;
  }
  return TRUE;
}

/**
 * gst_layered_arena_release:
 *
 * Gives a block back. It is cached, unless that puts the cached bytes over
 * the cap, in which case empty chunks go back to the system, those of the
 * classes used least recently first.
 */
void
gst_layered_arena_release (GstLayeredArena * arena,
    const GstLayeredBlock * block)
{
  Chunk *c = block->chunk;
  Class *cls = c->cls;

  ADD (&arena->frees, 1);

  if (cls == NULL) {
    gsize size = c->size;

    gst_layered_lock (&arena->oversized_lock);
    if (c->prev)
      c->prev->next = c->next;
    else
      arena->oversized = c->next;
    if (c->next)
      c->next->prev = c->prev;
    gst_layered_unlock (&arena->oversized_lock);
    SUB (&arena->bytes_in_use, size);
    SUB (&arena->oversized_in_use, 1);
    unmap_chunk (arena, c);
    return;
  }

  gst_layered_lock (&cls->lock);
  if (c->n_free_idx == c->free_cap) {
    c->free_cap = MAX (16, c->free_cap * 2);
    c->free_idx = g_renew (guint, c->free_idx, c->free_cap);
  }
  c->free_idx[c->n_free_idx++] = block->index;
  if (c->n_used-- == c->capacity) {
    list_remove (cls, c);
    list_push (cls, c, LIST_PARTIAL);
  }
  if (c->n_used == 0) {
    /* all of it is free: forget the indices, start bumping again */
    c->n_free_idx = 0;
    c->bumped = 0;
    list_remove (cls, c);
    list_push (cls, c, LIST_EMPTY);
  }
  cls->blocks_in_use--;
  gst_layered_unlock (&cls->lock);

  STORE (&cls->last_used, g_get_monotonic_time ());
  SUB (&arena->bytes_in_use, cls->block_size);

  maybe_trim (arena);
}

/* Releases the empty chunks of @cls, while the cached bytes exceed @keep.
 * Returns the bytes given back. */
static guint64
trim_class (GstLayeredArena * arena, Class * cls, guint64 keep)
{
  guint64 freed = 0;

  gst_layered_lock (&cls->lock);
  while (cls->lists[LIST_EMPTY]) {
    Chunk *c = cls->lists[LIST_EMPTY];
    guint64 cached = LOAD (&arena->bytes_mapped) - LOAD (&arena->bytes_in_use);

    if (cached <= keep)
      break;
    list_remove (cls, c);
    cls->n_chunks--;
    freed += c->size;
    ADD (&arena->trims, 1);
    unmap_chunk (arena, c);
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

/**
 * gst_layered_arena_trim:
 * @keep: cached bytes to keep at most
 *
 * Gives empty chunks back to the system, least recently used classes
 * first, until no more than @keep bytes are cached or no empty chunk is
 * left. (Free blocks in chunks that are partly in use stay.)
 *
 * Returns: the bytes given back.
 */
guint64
gst_layered_arena_trim (GstLayeredArena * arena, guint64 keep)
{
  GPtrArray *all = classes_by_age (arena);
  guint64 freed = 0;
  guint i;

  for (i = 0; i < all->len; i++)
    freed += trim_class (arena, g_ptr_array_index (all, i), keep);
  g_ptr_array_unref (all);
  return freed;
}

/* Over the cap: trim to it. Once in a while: give the memory of classes
 * idle for idle-timeout back, down to idle-level. */
static void
maybe_trim (GstLayeredArena * arena)
{
  guint64 cached = LOAD (&arena->bytes_mapped) - LOAD (&arena->bytes_in_use);
  gint64 now, next;

  if (cached > LOAD (&arena->max_cached)) {
    gst_layered_arena_trim (arena, LOAD (&arena->max_cached));
    return;
  }

  next = LOAD (&arena->next_idle_check);
  now = g_get_monotonic_time ();
  if (now < next || cached <= LOAD (&arena->idle_level))
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
      trim_class (arena, cls, LOAD (&arena->idle_level));
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
 * max-class-size nothing can be cached).
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
    list_push (cls, c, LIST_EMPTY);
    have += c->capacity;
  }
  gst_layered_unlock (&cls->lock);
  STORE (&cls->last_used, g_get_monotonic_time ());

  return have;
}

void
gst_layered_arena_get_stats (GstLayeredArena * arena,
    GstLayeredArenaStats * stats)
{
  stats->allocations = LOAD (&arena->allocations);
  stats->frees = LOAD (&arena->frees);
  stats->pool_hits = LOAD (&arena->pool_hits);
  stats->system_allocations = LOAD (&arena->system_allocations);
  stats->system_frees = LOAD (&arena->system_frees);
  stats->oversized = LOAD (&arena->n_oversized);
  stats->oversized_in_use = LOAD (&arena->oversized_in_use);
  stats->trims = LOAD (&arena->trims);
  stats->bytes_in_use = LOAD (&arena->bytes_in_use);
  stats->peak_bytes_in_use = LOAD (&arena->peak_bytes_in_use);
  stats->bytes_mapped = LOAD (&arena->bytes_mapped);
  stats->bytes_cached = stats->bytes_mapped > stats->bytes_in_use ?
      stats->bytes_mapped - stats->bytes_in_use : 0;
}

static void
append_class_stats (GArray * out, Class * cls)
{
  GstLayeredArenaClassStats s;
  Chunk *c;
  gint l;

  gst_layered_lock (&cls->lock);
  if (cls->allocations == 0 && cls->n_chunks == 0) {
    gst_layered_unlock (&cls->lock);
    return;
  }
  s.block_size = cls->block_size;
  s.exact = cls->exact;
  s.allocations = cls->allocations;
  s.pool_hits = cls->pool_hits;
  s.blocks_in_use = cls->blocks_in_use;
  s.chunks = cls->n_chunks;
  s.blocks_cached = 0;
  for (l = 0; l < N_LISTS; l++) {
    for (c = cls->lists[l]; c; c = c->next)
      s.blocks_cached += c->capacity - c->n_used;
  }
  gst_layered_unlock (&cls->lock);
  g_array_append_val (out, s);
}

/**
 * gst_layered_arena_get_class_stats:
 *
 * Returns: (transfer full): a #GArray of #GstLayeredArenaClassStats for
 * every class that was ever used, by block size.
 */
GArray *
gst_layered_arena_get_class_stats (GstLayeredArena * arena)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (GstLayeredArenaClassStats));
  gint i, n = __atomic_load_n (&arena->n_frame, __ATOMIC_ACQUIRE);

  for (i = 0; i < N_GEO; i++)
    append_class_stats (out, &arena->geo[i]);
  for (i = 0; i < arena->n_big; i++)
    append_class_stats (out, &arena->big[i]);
  for (i = 0; i < n; i++)
    append_class_stats (out, arena->frame[i]);
  return out;
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
