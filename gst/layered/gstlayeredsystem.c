/* gst-reuse: memory for the layered arena straight from the system
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
 * What the arena takes from the system: chunks mapped (page-aligned, or at
 * a larger alignment or a 2 MiB boundary), blocks above max-class-size
 * mapped one by one at the alignment asked for, and blocks of the classes
 * that the cap is too small to cache, from malloc.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlayeredarena-private.h"
#include "gstlayeredlock.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The chunk of every block that passed through to the system allocator. */
Chunk gst_layered_arena_pass_through_chunk;

/* Maps @size bytes (a multiple of the page size) at a multiple of @align
 * (a power of two; at most a page means page-aligned), and at a 2 MiB
 * boundary, advised MADV_HUGEPAGE, when @huge. */
static guint8 *
map_memory (gsize size, gsize align, gboolean huge)
{
  guintptr start, aligned, end;
  guint8 *reserve;

  if (huge)
    align = MAX (align, HUGE_PAGE);
  if (align <= (gsize) sysconf (_SC_PAGESIZE)) {
    reserve = mmap (NULL, size, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return reserve == MAP_FAILED ? NULL : reserve;
  }

  /* more than asked for, then the ends that are not needed go back */
  if (size > G_MAXSIZE - align)
    return NULL;
  reserve = mmap (NULL, size + align, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (reserve == MAP_FAILED)
    return NULL;

  start = (guintptr) reserve;
  aligned = (start + align - 1) & ~((guintptr) align - 1);
  end = aligned + size;
  if (aligned > start)
    munmap (reserve, aligned - start);
  if (start + size + align > end)
    munmap ((void *) end, start + size + align - end);
#ifdef MADV_HUGEPAGE
  if (huge)
    madvise ((void *) aligned, size, MADV_HUGEPAGE);
#endif
  return (guint8 *) aligned;
}

/* A chunk of @size bytes from the system, aligned to @align (0: a page),
 * counted. */
Chunk *
gst_layered_arena_map_chunk (GstLayeredArena * arena, gsize size, gsize align,
    gboolean huge)
{
  guint8 *base = map_memory (size, align, huge);
  Chunk *c;

  if (base == NULL)
    return NULL;
  c = g_new0 (Chunk, 1);
  c->base = base;
  c->size = size;
  ADD (&arena->bytes_mapped, size);
  ADD (&arena->system_allocations, 1);
  return c;
}

void
gst_layered_arena_unmap_chunk (GstLayeredArena * arena, Chunk * chunk)
{
  munmap (chunk->base, chunk->size);
  SUB (&arena->bytes_mapped, chunk->size);
  ADD (&arena->system_frees, 1);
  g_free (chunk->free_idx);
  g_free (chunk);
}

gboolean
gst_layered_arena_alloc_oversized (GstLayeredArena * arena, gsize size,
    gsize align_mask, GstLayeredBlock * block)
{
  gsize rounded;
  gboolean huge;
  Chunk *c;

  if (size > G_MAXSIZE - arena->page_size)
    return FALSE;
  rounded = (size + arena->page_size - 1) & ~(arena->page_size - 1);
  huge = rounded >= arena->huge_min;
  /* mapped at a multiple of the alignment: no slack needed */
  c = gst_layered_arena_map_chunk (arena, rounded, align_mask + 1, huge);
  if (c == NULL)
    return FALSE;
  c->capacity = 1;
  c->n_used = 1;
  gst_layered_lock (&arena->oversized_lock);
  c->next = arena->oversized;
  if (c->next)
    c->next->prev = c;
  arena->oversized = c;
  gst_layered_unlock (&arena->oversized_lock);

  ADD (&arena->n_oversized, 1);
  ADD (&arena->oversized_in_use, 1);
  ADD (&arena->allocations, 1);
  gst_layered_arena_note_in_use (arena, rounded);

  block->data = c->base;
  block->size = rounded;
  block->chunk = c;
  block->index = 0;
  block->tag = NULL;
  return TRUE;
}

/* An oversized block: its mapping goes back at once. */
void
gst_layered_arena_release_oversized (GstLayeredArena * arena,
    const GstLayeredBlock * block)
{
  Chunk *c = block->chunk;
  gsize size = c->size;

  gst_layered_lock (&arena->oversized_lock);
  if (c->prev)
    c->prev->next = c->next;
  else
    arena->oversized = c->next;
  if (c->next)
    c->next->prev = c->prev;
  gst_layered_unlock (&arena->oversized_lock);
  ADD (&arena->frees, 1);
  SUB (&arena->bytes_in_use, size);
  gst_layered_arena_user_in_use_add (arena, -(gint64) size, 0);
  SUB (&arena->oversized_in_use, 1);
  gst_layered_arena_unmap_chunk (arena, c);
}

/* As system memory does it: one malloc for the tag (the caller's header)
 * and the data, with the slack for the alignment (the offset of the data
 * from the start is kept in @block->index). Counted apart from the chunks,
 * with as few atomic operations as can be: the statistics add these
 * counters in. */
gboolean
gst_layered_arena_alloc_pass_through (GstLayeredArena * arena, gsize size,
    gsize align_mask, GstLayeredBlock * block)
{
  guint8 *p;
  gsize skip;

  if (size > G_MAXSIZE - align_mask - arena->tag_size ||
      align_mask + arena->tag_size > G_MAXUINT)
    return FALSE;
  if ((p = malloc (arena->tag_size + size + align_mask)) == NULL)
    return FALSE;
  skip = arena->tag_size;
  skip += (align_mask + 1 - ((guintptr) (p + skip) & align_mask)) & align_mask;
  ADD (&arena->n_pass_through, 1);
  ADD (&arena->pass_through_bytes, size);
  gst_layered_arena_user_in_use_add (arena, size, size);

  block->data = p + skip;
  block->size = size;
  block->chunk = &gst_layered_arena_pass_through_chunk;
  block->index = skip;
  block->tag = arena->tag_size ? p : NULL;
  return TRUE;
}

/* Returns: whether the tag went with the block (@block may have been in
 * it: it is not read after the free). */
gboolean
gst_layered_arena_release_pass_through (GstLayeredArena * arena,
    const GstLayeredBlock * block)
{
  gsize size = block->size;

  free (block->data - block->index);
  ADD (&arena->pass_through_frees, 1);
  SUB (&arena->pass_through_bytes, size);
  gst_layered_arena_user_in_use_add (arena, -(gint64) size, 0);
  return arena->tag_size > 0;
}
