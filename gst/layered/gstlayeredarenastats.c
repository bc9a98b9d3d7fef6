/* gst-reuse: the layered arena's statistics
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

/* What gstlayeredarena.c and its thread caches (gstlayeredthreadcache.c)
 * have counted, summed for gst_layered_arena_get_stats() and per class for
 * gst_layered_arena_get_class_stats(). Never on the allocation path. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlayeredarena-private.h"
#include "gstlayeredlock.h"

/**
 * gst_layered_arena_get_stats:
 *
 * A snapshot, the thread caches included. Exact when no other thread is
 * allocating; the peak is exact when one thread allocates, and otherwise
 * may be high by up to TC_FOLD per thread cache.
 */
void
gst_layered_arena_get_stats (GstLayeredArena * arena,
    GstLayeredArenaStats * stats)
{
  guint64 in_use, peak, pt_frees;
  gint64 pending = 0, pending_max = 0;
  ThreadCache *tc;
  guint i;

  gst_layered_lock (&gst_layered_arena_tc_lock);
  stats->allocations = LOAD (&arena->allocations);
  stats->frees = LOAD (&arena->frees);
  stats->pool_hits = LOAD (&arena->pool_hits);
  in_use = LOAD (&arena->user_in_use);
  peak = LOAD (&arena->peak_bytes_in_use);
  for (tc = arena->tcs; tc; tc = tc->next) {
    pending += LOAD (&tc->pending);
    pending_max += LOAD (&tc->pending_max);
    stats->frees += LOAD (&tc->frees);
    for (i = 0; i < N_TC; i++) {
      stats->allocations += LOAD (&tc->counts[i].allocations);
      stats->pool_hits += LOAD (&tc->counts[i].pool_hits);
    }
  }
  gst_layered_unlock (&gst_layered_arena_tc_lock);

  /* memory that passed through is from the system, allocated and freed */
  pt_frees = LOAD (&arena->pass_through_frees);
  stats->pass_through = LOAD (&arena->n_pass_through);
  pt_frees = MIN (pt_frees, stats->pass_through);
  stats->pass_through_in_use = stats->pass_through - pt_frees;
  stats->allocations += stats->pass_through;
  stats->frees += pt_frees;

  stats->system_allocations = LOAD (&arena->system_allocations) +
      stats->pass_through;
  stats->system_frees = LOAD (&arena->system_frees) + pt_frees;
  stats->oversized = LOAD (&arena->n_oversized);
  stats->oversized_in_use = LOAD (&arena->oversized_in_use);
  stats->trims = LOAD (&arena->trims);
  stats->trim_passes = LOAD (&arena->trim_passes);
  stats->bytes_in_use = in_use + pending;
  stats->peak_bytes_in_use = MAX (peak, in_use + pending_max);
  stats->bytes_mapped = LOAD (&arena->bytes_mapped) +
      LOAD (&arena->pass_through_bytes);
  stats->bytes_cached = stats->bytes_mapped > stats->bytes_in_use ?
      stats->bytes_mapped - stats->bytes_in_use : 0;
}

/* With gst_layered_arena_tc_lock. */
static void
append_class_stats (GArray * out, GstLayeredArena * arena, Class * cls)
{
  GstLayeredArenaClassStats s;
  guint64 tc_allocations = 0, tc_hits = 0, tc_blocks = 0;
  ThreadCache *tc;
  Chunk *c;
  gint l;

  for (tc = arena->tcs; tc; tc = tc->next) {
    tc_allocations += LOAD (&tc->counts[cls->tc_index].allocations);
    tc_hits += LOAD (&tc->counts[cls->tc_index].pool_hits);
    if (IS_GEO (arena, cls))
      tc_blocks += LOAD (&tc->stacks[cls->tc_index].n);
    else if (LOAD (&tc->parks[cls->tc_index - N_GEO].parked))
      tc_blocks++;
  }

  gst_layered_lock (&cls->lock);
  if (cls->allocations == 0 && cls->n_chunks == 0 && tc_allocations == 0) {
    gst_layered_unlock (&cls->lock);
    return;
  }
  s.block_size = cls->block_size;
  s.exact = cls->exact;
  s.allocations = cls->allocations + tc_allocations;
  s.pool_hits = cls->pool_hits + tc_hits;
  /* blocks in thread caches are handed out by the chunks, but cached */
  s.blocks_in_use = cls->blocks_in_use - MIN (tc_blocks, cls->blocks_in_use);
  s.chunks = cls->n_chunks;
  s.blocks_cached = tc_blocks;
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

  gst_layered_lock (&gst_layered_arena_tc_lock);
  for (i = 0; i < N_GEO; i++)
    append_class_stats (out, arena, &arena->geo[i]);
  for (i = 0; i < arena->n_big; i++)
    append_class_stats (out, arena, &arena->big[i]);
  for (i = 0; i < n; i++)
    append_class_stats (out, arena, arena->frame[i]);
  gst_layered_unlock (&gst_layered_arena_tc_lock);
  return out;
}
