/* gst-reuse: the layered arena's per-thread caches
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

/* The per-thread caches of gstlayeredarena.c (see there for what they
 * keep and how they are locked): a thread's cache bound to an arena, its
 * reservations from the cap, the blocks parked above 1 MiB and stolen
 * back, and the flush when the thread exits or the arena trims. Taking
 * from and putting into the calling thread's cache, the fast path, stays
 * in gstlayeredarena.c. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlayeredarena-private.h"
#include "gstlayeredlock.h"

GMutex gst_layered_arena_tc_lock;
static void tc_thread_exit (gpointer data);
static GPrivate tc_key = G_PRIVATE_INIT (tc_thread_exit);
__thread ThreadCache *gst_layered_arena_tc_self;

/* The class with that index in the thread caches' tables, if it exists. */
Class *
gst_layered_arena_class_of_tc_index (GstLayeredArena * arena, guint i)
{
  if (i < N_GEO)
    return &arena->geo[i];
  if (i < N_GEO + N_BIG)
    return i - N_GEO < arena->n_big ? &arena->big[i - N_GEO] : NULL;
  i -= N_GEO + N_BIG;
  return i < (guint) __atomic_load_n (&arena->n_frame, __ATOMIC_ACQUIRE) ?
      arena->frame[i] : NULL;
}

/* Gives the calling thread a cache for @arena, unless its cache serves
 * another arena. */
ThreadCache *
gst_layered_arena_tc_bind (GstLayeredArena * arena)
{
  ThreadCache *tc = gst_layered_arena_tc_self;

  if (tc && LOAD (&tc->arena) != NULL)
    return NULL;

  gst_layered_lock (&gst_layered_arena_tc_lock);
  if (tc == NULL) {
    tc = g_new0 (ThreadCache, 1);
    gst_layered_arena_tc_self = tc;
    g_private_set (&tc_key, tc);
  }
  tc->prev = NULL;
  tc->next = arena->tcs;
  if (tc->next)
    tc->next->prev = tc;
  arena->tcs = tc;
  STORE (&tc->arena, arena);
  gst_layered_unlock (&gst_layered_arena_tc_lock);

  return tc;
}

/* Adds the cache's pending bytes in use to the arena's. Owner only. */
void
gst_layered_arena_tc_fold (GstLayeredArena * arena, ThreadCache * tc)
{
  gint64 pending = LOAD (&tc->pending);
  gint64 pending_max = LOAD (&tc->pending_max);

  if (pending == 0 && pending_max == 0)
    return;
  gst_layered_arena_user_in_use_add (arena, pending, pending_max);
  STORE (&tc->pending, 0);
  STORE (&tc->pending_max, 0);
  tc->ops = 0;
}

/* Takes @size bytes of the cap for the thread caches, which together may
 * hold a quarter of max-cached. */
gboolean
gst_layered_arena_reserve_for_caches (GstLayeredArena * arena, guint64 size)
{
  guint64 cur = LOAD (&arena->tc_reserved);

  do {
    if (cur + size > LOAD (&arena->max_cached) / 4)
      return FALSE;
  } while (!__atomic_compare_exchange_n (&arena->tc_reserved, &cur,
          cur + size, TRUE, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
  /* the arena's own part of the cap shrank */
  gst_layered_arena_maybe_trim (arena, FALSE);
  return TRUE;
}

/* Room for @size more bytes in the stacks, reserved in steps of a 32nd of
 * the cap (TC_RESERVE_STEP at most), so that several threads get some of
 * a small cap's quarter. */
gboolean
gst_layered_arena_tc_reserve (GstLayeredArena * arena, ThreadCache * tc,
    gsize size)
{
  guint64 step = MIN (TC_RESERVE_STEP, LOAD (&arena->max_cached) / 32);

  step = MAX (step, size);

  if (tc->reserved + step > TC_MAX_BYTES
      || !gst_layered_arena_reserve_for_caches (arena, step))
    return FALSE;
  STORE (&tc->reserved, tc->reserved + step);
  return TRUE;
}

/* A parked block goes back to its chunk. */
static void
drop_parked (GstLayeredArena * arena, Chunk * c)
{
  gpointer tag = c->tag;

  c->tag = NULL;
  gst_layered_arena_release_to_chunk (arena, c->cls, c, 0);
  if (tag && arena->tag_free)
    arena->tag_free (tag);
}

/* Takes the blocks of class @cls parked in every thread's cache. With
 * gst_layered_arena_tc_lock. Returns how many. */
guint
gst_layered_arena_steal_parked_locked (GstLayeredArena * arena, Class * cls)
{
  ThreadCache *tc;
  guint n = 0;

  for (tc = arena->tcs; tc; tc = tc->next) {
    Chunk *c = tc_unpark (&tc->parks[cls->tc_index - N_GEO]);

    if (c) {
      drop_parked (arena, c);
      n++;
    }
  }
  return n;
}

/* Gives every cached block back to the arena, and the reservations. With
 * gst_layered_arena_tc_lock, by the owner. */
void
gst_layered_arena_tc_flush_locked (GstLayeredArena * arena, ThreadCache * tc)
{
  guint i;

  for (i = 0; i < N_GEO; i++) {
    TcStack *stack = &tc->stacks[i];

    while (stack->n > 0) {
      TcEntry e = stack->slots[stack->n - 1];

      STORE (&stack->n, stack->n - 1);
      STORE (&tc->held, tc->held - arena->geo[i].block_size);
      gst_layered_arena_release_to_chunk (arena, &arena->geo[i], e.chunk,
          e.index);
      if (e.tag && arena->tag_free)
        arena->tag_free (e.tag);
    }
  }
  for (i = 0; i < N_TC - N_GEO; i++) {
    Chunk *c = tc_unpark (&tc->parks[i]);

    if (c)
      drop_parked (arena, c);
    tc->parks[i].reserved = 0;
  }
  SUB (&arena->tc_reserved, tc->reserved + tc->park_reserved);
  STORE (&tc->reserved, 0);
  STORE (&tc->park_reserved, 0);
}

void
gst_layered_arena_tc_unlink_locked (GstLayeredArena * arena, ThreadCache * tc)
{
  if (tc->prev)
    tc->prev->next = tc->next;
  else
    arena->tcs = tc->next;
  if (tc->next)
    tc->next->prev = tc->prev;
  tc->prev = tc->next = NULL;
  STORE (&tc->arena, NULL);
}

/* A thread with a cache exits: everything goes back to the arena. */
static void
tc_thread_exit (gpointer data)
{
  ThreadCache *tc = data;
  GstLayeredArena *arena;
  guint i;

  gst_layered_lock (&gst_layered_arena_tc_lock);
  arena = LOAD (&tc->arena);
  if (arena) {
    gst_layered_arena_tc_flush_locked (arena, tc);
    gst_layered_arena_tc_fold (arena, tc);
    ADD (&arena->frees, tc->frees);
    for (i = 0; i < N_TC; i++) {
      TcCount *count = &tc->counts[i];
      Class *cls;

      if (count->allocations == 0
          || !(cls = gst_layered_arena_class_of_tc_index (arena, i)))
        continue;
      ADD (&arena->allocations, count->allocations);
      ADD (&arena->pool_hits, count->pool_hits);
      gst_layered_lock (&cls->lock);
      cls->allocations += count->allocations;
      cls->pool_hits += count->pool_hits;
      gst_layered_unlock (&cls->lock);
    }
    gst_layered_arena_tc_unlink_locked (arena, tc);
    /* while gst_layered_arena_tc_lock keeps the arena alive */
    gst_layered_arena_maybe_trim (arena, TRUE);
  }
  gst_layered_unlock (&gst_layered_arena_tc_lock);
  gst_layered_arena_tc_self = NULL;
  g_free (tc);
}
