/* gst-reuse: unit tests for the arena behind GstLayeredAllocator
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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <string.h>
#include <unistd.h>

#include "reusetest.h"

#include "gstlayeredarena.h"

#define MiB (1024 * 1024)

static GstLayeredArena *
arena_new (void)
{
  GstLayeredArenaConfig config;

  gst_layered_arena_config_init (&config);
  return gst_layered_arena_new (&config);
}

static guint64
stat_in_use (GstLayeredArena * arena)
{
  GstLayeredArenaStats s;

  gst_layered_arena_get_stats (arena, &s);
  return s.bytes_in_use;
}

static guint64
stat_cached (GstLayeredArena * arena)
{
  GstLayeredArenaStats s;

  gst_layered_arena_get_stats (arena, &s);
  return s.bytes_cached;
}

static guint64
stat_trims (GstLayeredArena * arena)
{
  GstLayeredArenaStats s;

  gst_layered_arena_get_stats (arena, &s);
  return s.trims;
}

GST_START_TEST (test_classes)
{
  GstLayeredArena *arena = arena_new ();
  gsize page = sysconf (_SC_PAGESIZE);

  fail_unless_equals_int (gst_layered_arena_class_size_for (arena, 1), 64);
  fail_unless_equals_int (gst_layered_arena_class_size_for (arena, 64), 64);
  fail_unless_equals_int (gst_layered_arena_class_size_for (arena, 65), 128);
  fail_unless_equals_int (gst_layered_arena_class_size_for (arena, 512), 512);
  fail_unless_equals_int (gst_layered_arena_class_size_for (arena, 513), 640);
  fail_unless_equals_int (gst_layered_arena_class_size_for (arena, 1400), 1536);
  fail_unless_equals_int (gst_layered_arena_class_size_for (arena, 65536),
      65536);
  fail_unless_equals_int (gst_layered_arena_class_size_for (arena, MiB), MiB);
  /* frames: exact, page-rounded */
  fail_unless_equals_int (gst_layered_arena_class_size_for (arena, 3110400),
      (3110400 + page - 1) / page * page);
  fail_unless_equals_int (gst_layered_arena_class_size_for (arena, MiB + 1),
      MiB + page);
  /* above max-class-size: from the system */
  fail_unless_equals_int (gst_layered_arena_class_size_for (arena,
          257 * MiB), 0);

  /* four per doubling at most 25% waste between 1 KiB and 1 MiB */
  {
    gsize s;

    for (s = 1024; s <= MiB; s += 997) {
      gsize c = gst_layered_arena_class_size_for (arena, s);

      fail_unless (c >= s && c <= s + s / 4 + 64, "%" G_GSIZE_FORMAT
          " -> %" G_GSIZE_FORMAT, s, c);
    }
  }
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* Every block is aligned as asked, at least to 64, and big enough. */
GST_START_TEST (test_alignment)
{
  static const gsize sizes[] = { 1, 63, 64, 65, 100, 1000, 1400, 4095, 4096,
    4097, 65535, 65537, 300000, MiB, MiB + 1, 3110400, 12441600
  };
  GstLayeredArena *arena = arena_new ();
  gint i, bit;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    for (bit = 0; bit <= 12; bit++) {
      gsize mask = ((gsize) 1 << bit) - 1;
      GstLayeredBlock b;

      fail_unless (gst_layered_arena_alloc (arena, sizes[i], mask, &b));
      fail_unless (((guintptr) b.data & mask) == 0, "size %" G_GSIZE_FORMAT
          " mask %" G_GSIZE_FORMAT " at %p", sizes[i], mask, b.data);
      fail_unless (((guintptr) b.data & 63) == 0);
      fail_unless (b.size >= sizes[i]);
      /* the whole block is ours to write */
      memset (b.data, 0xab, sizes[i]);
      gst_layered_arena_release (arena, &b);
    }
  }
  fail_unless_equals_uint64 (stat_in_use (arena), 0);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* Freed blocks come back, last in first out; chunks are 2 MiB. */
GST_START_TEST (test_reuse_and_chunks)
{
  GstLayeredArena *arena = arena_new ();
  GstLayeredBlock a, b, c;
  GstLayeredBlock *many;
  GstLayeredArenaStats s;
  guint i, per_chunk = GST_LAYERED_ARENA_CHUNK_SIZE / 64;

  fail_unless (gst_layered_arena_alloc (arena, 40, 0, &a));
  fail_unless (gst_layered_arena_alloc (arena, 40, 0, &b));
  fail_unless (b.data == a.data + 64);
  gst_layered_arena_release (arena, &a);
  fail_unless (gst_layered_arena_alloc (arena, 40, 0, &c));
  fail_unless (c.data == a.data);
  gst_layered_arena_release (arena, &b);
  gst_layered_arena_release (arena, &c);

  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.allocations, 3);
  fail_unless_equals_uint64 (s.pool_hits, 2);
  fail_unless_equals_uint64 (s.system_allocations, 1);
  fail_unless_equals_uint64 (s.bytes_mapped, GST_LAYERED_ARENA_CHUNK_SIZE);
  fail_unless_equals_uint64 (s.bytes_cached, GST_LAYERED_ARENA_CHUNK_SIZE);

  /* one block past a chunk needs a second chunk */
  many = g_new (GstLayeredBlock, per_chunk + 1);
  for (i = 0; i < per_chunk + 1; i++)
    fail_unless (gst_layered_arena_alloc (arena, 64, 0, &many[i]));
  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.system_allocations, 2);
  fail_unless_equals_uint64 (s.bytes_in_use, (guint64) (per_chunk + 1) * 64);
  for (i = 0; i < per_chunk + 1; i++)
    gst_layered_arena_release (arena, &many[i]);
  g_free (many);
  fail_unless_equals_uint64 (stat_in_use (arena), 0);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* The statistics after a scripted sequence, exactly. */
GST_START_TEST (test_stats_exact)
{
  GstLayeredArenaConfig config;
  GstLayeredArena *arena;
  GstLayeredBlock f1, f2, f3, small, big;
  GstLayeredArenaStats s;
  GArray *classes;
  gsize page = sysconf (_SC_PAGESIZE);
  gsize frame = (3110400 + page - 1) / page * page;
  guint i;

  gst_layered_arena_config_init (&config);
  config.max_class_size = 8 * MiB;
  arena = gst_layered_arena_new (&config);

  fail_unless (gst_layered_arena_alloc (arena, 3110400, 0, &f1));       /* map */
  fail_unless (gst_layered_arena_alloc (arena, 3110400, 0, &f2));       /* map */
  gst_layered_arena_release (arena, &f1);
  fail_unless (gst_layered_arena_alloc (arena, 3110400, 0, &f3));       /* hit */
  fail_unless (f3.data == f1.data);
  fail_unless (gst_layered_arena_alloc (arena, 100, 0, &small));        /* map */
  fail_unless (gst_layered_arena_alloc (arena, 9 * MiB, 0, &big));      /* system */

  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.allocations, 5);
  fail_unless_equals_uint64 (s.pool_hits, 1);
  fail_unless_equals_uint64 (s.system_allocations, 4);
  fail_unless_equals_uint64 (s.oversized, 1);
  fail_unless_equals_uint64 (s.oversized_in_use, 1);
  fail_unless_equals_uint64 (s.bytes_in_use, 2 * frame + 128 + 9 * MiB);
  fail_unless_equals_uint64 (s.peak_bytes_in_use, s.bytes_in_use);
  fail_unless_equals_uint64 (s.bytes_mapped, 2 * frame +
      GST_LAYERED_ARENA_CHUNK_SIZE + 9 * MiB);
  fail_unless_equals_uint64 (s.bytes_cached, GST_LAYERED_ARENA_CHUNK_SIZE -
      128);

  gst_layered_arena_release (arena, &big);
  gst_layered_arena_release (arena, &f2);
  gst_layered_arena_release (arena, &f3);
  gst_layered_arena_release (arena, &small);
  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.frees, 5);
  fail_unless_equals_uint64 (s.system_frees, 1);
  fail_unless_equals_uint64 (s.oversized_in_use, 0);
  fail_unless_equals_uint64 (s.bytes_in_use, 0);
  fail_unless_equals_uint64 (s.peak_bytes_in_use, 2 * frame + 128 + 9 * MiB);
  fail_unless_equals_uint64 (s.bytes_cached, 2 * frame +
      GST_LAYERED_ARENA_CHUNK_SIZE);

  classes = gst_layered_arena_get_class_stats (arena);
  fail_unless_equals_int (classes->len, 2);
  for (i = 0; i < classes->len; i++) {
    GstLayeredArenaClassStats *c =
        &g_array_index (classes, GstLayeredArenaClassStats, i);

    if (c->block_size == frame) {
      fail_unless (c->exact);
      fail_unless_equals_uint64 (c->allocations, 3);
      fail_unless_equals_uint64 (c->pool_hits, 1);
      fail_unless_equals_uint64 (c->chunks, 2);
      fail_unless_equals_uint64 (c->blocks_cached, 2);
      fail_unless_equals_uint64 (c->blocks_in_use, 0);
    } else {
      fail_unless_equals_uint64 (c->block_size, 128);
      fail_unless_equals_uint64 (c->allocations, 1);
      fail_unless_equals_uint64 (c->blocks_cached,
          GST_LAYERED_ARENA_CHUNK_SIZE / 128);
    }
  }
  g_array_unref (classes);

  /* trimming gives every empty chunk back */
  fail_unless_equals_uint64 (gst_layered_arena_trim (arena, 0),
      2 * frame + GST_LAYERED_ARENA_CHUNK_SIZE);
  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.bytes_mapped, 0);
  fail_unless_equals_uint64 (s.trims, 3);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* The cache never holds more than max-cached once memory is freed. */
GST_START_TEST (test_cap)
{
  GstLayeredArenaConfig config;
  GstLayeredArena *arena;
  GstLayeredBlock frames[20];
  gint i, round;

  gst_layered_arena_config_init (&config);
  config.max_cached = 10 * MiB;
  arena = gst_layered_arena_new (&config);

  for (round = 0; round < 3; round++) {
    for (i = 0; i < G_N_ELEMENTS (frames); i++)
      fail_unless (gst_layered_arena_alloc (arena, 2 * MiB, 0, &frames[i]));
    for (i = 0; i < G_N_ELEMENTS (frames); i++) {
      gst_layered_arena_release (arena, &frames[i]);
      fail_unless (stat_cached (arena) <= 10 * MiB);
    }
  }
  fail_unless (stat_trims (arena) > 0);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* A size that goes out of use gives its memory back once idle. */
GST_START_TEST (test_idle_trim)
{
  GstLayeredArenaConfig config;
  GstLayeredArena *arena;
  GstLayeredBlock a[4], b;
  gsize page = sysconf (_SC_PAGESIZE);
  gint i;

  gst_layered_arena_config_init (&config);
  config.idle_timeout_us = 50000;
  config.idle_level = 0;
  arena = gst_layered_arena_new (&config);

  /* "4K" frames, then a switch to "1080p" */
  for (i = 0; i < 4; i++)
    fail_unless (gst_layered_arena_alloc (arena, 12441600, 0, &a[i]));
  for (i = 0; i < 4; i++)
    gst_layered_arena_release (arena, &a[i]);
  fail_unless (stat_cached (arena) >= 4 * 12441600);

  g_usleep (120000);
  for (i = 0; i < 3; i++) {
    fail_unless (gst_layered_arena_alloc (arena, 3110400, 0, &b));
    gst_layered_arena_release (arena, &b);
    g_usleep (30000);
  }
  /* only the frame in use now stays cached */
  fail_unless_equals_uint64 (stat_cached (arena),
      (3110400 + page - 1) / page * page);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

GST_START_TEST (test_preallocate)
{
  GstLayeredArena *arena = arena_new ();
  GstLayeredBlock b[4];
  GstLayeredArenaStats s;
  gint i;

  fail_unless (gst_layered_arena_preallocate (arena, 3110400, 4, TRUE) >= 4);
  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.system_allocations, 4);
  for (i = 0; i < 4; i++)
    fail_unless (gst_layered_arena_alloc (arena, 3110400, 0, &b[i]));
  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.system_allocations, 4);
  fail_unless_equals_uint64 (s.pool_hits, 4);
  for (i = 0; i < 4; i++)
    gst_layered_arena_release (arena, &b[i]);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* Once the exact classes are used up, sizes share geometric classes. */
GST_START_TEST (test_many_frame_sizes)
{
  GstLayeredArena *arena = arena_new ();
  gsize page = sysconf (_SC_PAGESIZE);
  gint i;

  for (i = 0; i < GST_LAYERED_ARENA_MAX_FRAME_CLASSES + 10; i++) {
    gsize size = 2 * MiB + i * page * 3;
    gsize c;
    GstLayeredBlock b;

    fail_unless (gst_layered_arena_alloc (arena, size, 0, &b));
    c = gst_layered_arena_class_size_for (arena, size);
    if (i < GST_LAYERED_ARENA_MAX_FRAME_CLASSES) {
      fail_unless_equals_uint64 (c, size);
    } else {
      fail_unless (c >= size && c <= size + size / 8 + page);
    }
    fail_unless (b.size >= size);
    gst_layered_arena_release (arena, &b);
  }
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* A cap too small to hold a chunk (0 says "do not cache"): memory passes
 * straight through to the system allocator. No chunk is mapped, so no
 * free trims, walks the classes or gives a chunk back (today's cost of a
 * cap below 1 MiB was a 2 MiB mmap and munmap around every small block). */
GST_START_TEST (test_small_cap_passes_through)
{
  static const guint64 caps[] = { 0, 64 * 1024, 512 * 1024 };
  static const gsize sizes[] = { 40, 1400, 70000, MiB, 3110400 };
  static const gsize masks[] = { 0, 63, 4095, 8191 };
  guint c;

  for (c = 0; c < G_N_ELEMENTS (caps); c++) {
    GstLayeredArenaConfig config;
    GstLayeredArena *arena;
    GstLayeredArenaStats s;
    GArray *classes;
    guint round, i, n = 0;

    gst_layered_arena_config_init (&config);
    config.max_cached = caps[c];
    arena = gst_layered_arena_new (&config);

    for (round = 0; round < 50; round++) {
      for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
        gsize mask = masks[(round + i) % G_N_ELEMENTS (masks)];
        GstLayeredBlock b;

        fail_unless (gst_layered_arena_alloc (arena, sizes[i], mask, &b));
        fail_unless (((guintptr) b.data & (mask | 63)) == 0);
        fail_unless (b.size >= sizes[i]);
        b.data[0] = 1;
        b.data[sizes[i] - 1] = 2;
        gst_layered_arena_release (arena, &b);
        n++;
      }
    }

    gst_layered_arena_get_stats (arena, &s);
    fail_unless_equals_uint64 (s.allocations, n);
    fail_unless_equals_uint64 (s.frees, n);
    fail_unless_equals_uint64 (s.pool_hits, 0);
    fail_unless_equals_uint64 (s.pass_through, n);
    fail_unless_equals_uint64 (s.pass_through_in_use, 0);
    fail_unless_equals_uint64 (s.system_allocations, n);
    fail_unless_equals_uint64 (s.system_frees, n);
    /* nothing was cached, so nothing was trimmed, and no free looked */
    fail_unless_equals_uint64 (s.trims, 0);
    fail_unless_equals_uint64 (s.trim_passes, 0);
    fail_unless_equals_uint64 (s.bytes_in_use, 0);
    fail_unless_equals_uint64 (s.bytes_mapped, 0);
    fail_unless_equals_uint64 (s.bytes_cached, 0);
    /* no class ever had a chunk */
    classes = gst_layered_arena_get_class_stats (arena);
    for (i = 0; i < classes->len; i++)
      fail_unless_equals_uint64 (g_array_index (classes,
              GstLayeredArenaClassStats, i).chunks, 0);
    g_array_unref (classes);
    gst_layered_arena_free (arena);
  }
}

GST_END_TEST;

/* Over the cap with no chunk wholly free, nothing can go back: frees then
 * do not walk every class looking for one; once chunks are free, they go. */
GST_START_TEST (test_over_cap_without_empty_chunk)
{
  GstLayeredArenaConfig config;
  GstLayeredArena *arena;
  GstLayeredArenaStats s;
  GstLayeredBlock *b;
  const guint per_chunk = GST_LAYERED_ARENA_CHUNK_SIZE / 65536, n_chunks = 5;
  guint i;

  gst_layered_arena_config_init (&config);
  config.max_cached = 8 * MiB;
  arena = gst_layered_arena_new (&config);

  b = g_new (GstLayeredBlock, per_chunk * n_chunks);
  for (i = 0; i < per_chunk * n_chunks; i++)
    fail_unless (gst_layered_arena_alloc (arena, 65536, 0, &b[i]));
  /* all but one block of each chunk: the cache goes over the cap */
  for (i = 0; i < per_chunk * n_chunks; i++) {
    if (i % per_chunk != 0)
      gst_layered_arena_release (arena, &b[i]);
  }
  gst_layered_arena_get_stats (arena, &s);
  fail_unless (s.bytes_cached > 8 * MiB);
  fail_unless_equals_uint64 (s.trims, 0);
  fail_unless_equals_uint64 (s.trim_passes, 0);

  for (i = 0; i < per_chunk * n_chunks; i += per_chunk)
    gst_layered_arena_release (arena, &b[i]);
  gst_layered_arena_get_stats (arena, &s);
  fail_unless (s.trims > 0);
  fail_unless (s.trim_passes <= n_chunks);
  fail_unless (s.bytes_cached <= 8 * MiB);
  fail_unless_equals_uint64 (s.bytes_in_use, 0);
  g_free (b);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* Preallocated blocks are a promise: the idle trim leaves them alone
 * until they are first used; once used, they are cached memory like any
 * other, and go when idle. */
GST_START_TEST (test_prealloc_kept_until_used)
{
  GstLayeredArenaConfig config;
  GstLayeredArena *arena;
  GstLayeredArenaStats s;
  GstLayeredBlock b[4], other;
  gsize page = sysconf (_SC_PAGESIZE);
  gsize frame = (3110400 + page - 1) / page * page;
  guint64 mapped;
  gint i;

  gst_layered_arena_config_init (&config);
  config.idle_timeout_us = 50000;
  config.idle_level = 0;
  arena = gst_layered_arena_new (&config);

  fail_unless (gst_layered_arena_preallocate (arena, 3110400, 4, FALSE) >= 4);
  gst_layered_arena_get_stats (arena, &s);
  mapped = s.system_allocations;

  /* long after, other frames come and go: the idle check runs */
  g_usleep (120000);
  for (i = 0; i < 4; i++) {
    fail_unless (gst_layered_arena_alloc (arena, 8294400, 0, &other));
    gst_layered_arena_release (arena, &other);
    g_usleep (30000);
  }
  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.trims, 0);
  fail_unless (s.bytes_cached >= 4 * frame);

  /* the first four frames come from the preallocation */
  for (i = 0; i < 4; i++)
    fail_unless (gst_layered_arena_alloc (arena, 3110400, 0, &b[i]));
  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.system_allocations, mapped + 1);
  fail_unless_equals_uint64 (s.pool_hits, 3 + 4);
  for (i = 0; i < 4; i++)
    gst_layered_arena_release (arena, &b[i]);

  /* used, then idle: given back */
  g_usleep (120000);
  for (i = 0; i < 4; i++) {
    fail_unless (gst_layered_arena_alloc (arena, 8294400, 0, &other));
    gst_layered_arena_release (arena, &other);
    g_usleep (30000);
  }
  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.trims, 4);
  fail_unless (s.bytes_cached < frame + 8294400 + page);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* Alignments of a page and more, for blocks above max-class-size and for
 * sizes just under it that the alignment's slack pushes over. */
GST_START_TEST (test_oversized_large_align)
{
  static const gsize sizes[] = { 3110400, 8 * MiB - 4096, 8 * MiB - 1,
    8 * MiB, 8 * MiB + 1, 9 * MiB + 17
  };
  static const gsize masks[] = { 0, 4095, 8191, 65535, 2 * MiB - 1 };
  GstLayeredArenaConfig config;
  GstLayeredArena *arena;
  GstLayeredArenaStats s;
  guint i, m;

  gst_layered_arena_config_init (&config);
  config.max_class_size = 8 * MiB;
  arena = gst_layered_arena_new (&config);

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    for (m = 0; m < G_N_ELEMENTS (masks); m++) {
      GstLayeredBlock b;

      fail_unless (gst_layered_arena_alloc (arena, sizes[i], masks[m], &b),
          "size %" G_GSIZE_FORMAT " mask %" G_GSIZE_FORMAT, sizes[i], masks[m]);
      fail_unless (((guintptr) b.data & masks[m]) == 0,
          "size %" G_GSIZE_FORMAT " mask %" G_GSIZE_FORMAT " at %p",
          sizes[i], masks[m], b.data);
      fail_unless (b.size >= sizes[i]);
      b.data[0] = 1;
      b.data[sizes[i] - 1] = 2;
      gst_layered_arena_release (arena, &b);
    }
  }
  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.bytes_in_use, 0);
  fail_unless_equals_uint64 (s.oversized_in_use, 0);
  fail_unless (s.oversized > 0);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

#define N_THREADS 4
#define N_ROUNDS 3000

typedef struct
{
  GstLayeredArena *arena;
  ReuseTestQueue *to_consumer;
  guint seed;
} Producer;

typedef struct
{
  GstLayeredBlock b;
  gsize size;
  guint tag;
} Item;

/* depends on who wrote it: a block handed to two owners at once shows */
static guint8
pat (guint tag, gsize i)
{
  return (guint8) ((tag * 2654435761u) >> 7) + i * 31;
}

/* Allocates blocks of many sizes, fills them, passes them on. */
static gpointer
producer (gpointer data)
{
  Producer *p = data;
  GRand *rand = g_rand_new_with_seed (p->seed);
  gint i;

  for (i = 0; i < N_ROUNDS; i++) {
    static const gsize sizes[] = { 40, 1400, 9000, 70000, 600000,
      3110400
    };
    Item *item = g_new (Item, 1);
    GstLayeredBlock *b = &item->b;
    gsize size = sizes[g_rand_int_range (rand, 0, G_N_ELEMENTS (sizes))];
    gsize mask = ((gsize) 1 << g_rand_int_range (rand, 0, 13)) - 1;
    gsize j, n = MIN (size - 1, 256);

    item->size = size;
    item->tag = (p->seed << 16) | i;
    fail_unless (gst_layered_arena_alloc (p->arena, size, mask, b));
    fail_unless (((guintptr) b->data & mask) == 0);
    for (j = 0; j < n; j++)
      b->data[j] = pat (item->tag, j);
    b->data[size - 1] = 0x5a;
    reuse_test_queue_push (p->to_consumer, item);
  }
  g_rand_free (rand);
  return NULL;
}

/* Checks what the producers wrote and frees it, in another thread. */
static gpointer
consumer (gpointer data)
{
  Producer *p = data;
  gint i;

  for (i = 0; i < N_ROUNDS * N_THREADS / 2; i++) {
    Item *item = reuse_test_queue_pop (p->to_consumer);
    GstLayeredBlock *b = &item->b;
    gsize j;

    /* nobody else wrote into the block meanwhile */
    for (j = 0; j < MIN (item->size - 1, 256); j++)
      fail_unless_equals_int (b->data[j], pat (item->tag, j));
    fail_unless_equals_int (b->data[item->size - 1], 0x5a);
    gst_layered_arena_release (p->arena, b);
    g_free (item);
  }
  return NULL;
}

GST_START_TEST (test_threads)
{
  GstLayeredArenaConfig config;
  GThread *threads[N_THREADS + 2];
  Producer p[N_THREADS];
  ReuseTestQueue *queue = reuse_test_queue_new ();
  GstLayeredArenaStats s;
  gint i;

  gst_layered_arena_config_init (&config);
  config.max_cached = 64 * MiB;
  config.idle_timeout_us = 1000;
  config.idle_level = 8 * MiB;

  p[0].arena = gst_layered_arena_new (&config);
  for (i = 0; i < N_THREADS; i++) {
    p[i].arena = p[0].arena;
    p[i].to_consumer = queue;
    p[i].seed = i + 1;
    threads[i] = g_thread_new ("producer", producer, &p[i]);
  }
  threads[N_THREADS] = g_thread_new ("consumer", consumer, &p[0]);
  threads[N_THREADS + 1] = g_thread_new ("consumer", consumer, &p[0]);
  for (i = 0; i < N_THREADS + 2; i++)
    g_thread_join (threads[i]);

  gst_layered_arena_get_stats (p[0].arena, &s);
  fail_unless_equals_uint64 (s.allocations, N_THREADS * N_ROUNDS);
  fail_unless_equals_uint64 (s.frees, N_THREADS * N_ROUNDS);
  fail_unless_equals_uint64 (s.bytes_in_use, 0);
  fail_unless (s.bytes_cached <= 64 * MiB);
  fail_unless (s.pool_hits > s.allocations / 2);
  gst_layered_arena_free (p[0].arena);
  reuse_test_queue_free (queue);
}

GST_END_TEST;

/* --- thread caches --------------------------------------------------------- */

/* A small block freed by a thread is the next one it gets, without the
 * arena's lock; statistics count it as a pool hit, cached, not in use. */
GST_START_TEST (test_thread_cache_stats)
{
  GstLayeredArena *arena = arena_new ();
  GstLayeredBlock a, b;
  GstLayeredArenaStats s;
  GArray *classes;
  GstLayeredArenaClassStats *c;

  fail_unless (gst_layered_arena_alloc (arena, 1000, 0, &a));
  gst_layered_arena_release (arena, &a);
  fail_unless (gst_layered_arena_alloc (arena, 1000, 0, &b));
  fail_unless (b.data == a.data);
  fail_unless (gst_layered_arena_alloc (arena, 1000, 0, &a));
  gst_layered_arena_release (arena, &b);

  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.allocations, 3);
  fail_unless_equals_uint64 (s.pool_hits, 2);
  fail_unless_equals_uint64 (s.frees, 2);
  fail_unless_equals_uint64 (s.bytes_in_use, 1024);
  fail_unless_equals_uint64 (s.peak_bytes_in_use, 2048);
  fail_unless_equals_uint64 (s.bytes_cached,
      GST_LAYERED_ARENA_CHUNK_SIZE - 1024);

  classes = gst_layered_arena_get_class_stats (arena);
  fail_unless_equals_int (classes->len, 1);
  c = &g_array_index (classes, GstLayeredArenaClassStats, 0);
  fail_unless_equals_uint64 (c->block_size, 1024);
  fail_unless_equals_uint64 (c->allocations, 3);
  fail_unless_equals_uint64 (c->pool_hits, 2);
  fail_unless_equals_uint64 (c->blocks_in_use, 1);
  fail_unless_equals_uint64 (c->blocks_cached,
      GST_LAYERED_ARENA_CHUNK_SIZE / 1024 - 1);
  g_array_unref (classes);

  gst_layered_arena_release (arena, &a);
  fail_unless_equals_uint64 (stat_in_use (arena), 0);
  /* the caller's cache goes back first: every chunk can go */
  fail_unless_equals_uint64 (gst_layered_arena_trim (arena, 0),
      GST_LAYERED_ARENA_CHUNK_SIZE);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

typedef struct
{
  GstLayeredArena *arena;
  gsize size;
  guint count;
  gboolean wait;
  /* pthread, not GLib, locks: ThreadSanitizer sees them */
  pthread_mutex_t lock;
  pthread_cond_t cond;
  gboolean parked, go;
} CacheUser;

static void
cache_user_init (CacheUser * u)
{
  pthread_mutex_init (&u->lock, NULL);
  pthread_cond_init (&u->cond, NULL);
}

static void
cache_user_clear (CacheUser * u)
{
  pthread_mutex_destroy (&u->lock);
  pthread_cond_destroy (&u->cond);
}

/* Allocates @count blocks, frees them (into its cache), then, with @wait,
 * stays alive until told to go. */
static gpointer
cache_user (gpointer data)
{
  CacheUser *u = data;
  GstLayeredBlock *b = g_new (GstLayeredBlock, u->count);
  guint i;

  for (i = 0; i < u->count; i++)
    fail_unless (gst_layered_arena_alloc (u->arena, u->size, 0, &b[i]));
  for (i = 0; i < u->count; i++)
    gst_layered_arena_release (u->arena, &b[i]);
  g_free (b);

  pthread_mutex_lock (&u->lock);
  u->parked = TRUE;
  pthread_cond_signal (&u->cond);
  while (u->wait && !u->go)
    pthread_cond_wait (&u->cond, &u->lock);
  pthread_mutex_unlock (&u->lock);
  return NULL;
}

static void
cache_user_wait_parked (CacheUser * u)
{
  pthread_mutex_lock (&u->lock);
  while (!u->parked)
    pthread_cond_wait (&u->cond, &u->lock);
  pthread_mutex_unlock (&u->lock);
}

static void
cache_user_go (CacheUser * u)
{
  pthread_mutex_lock (&u->lock);
  u->go = TRUE;
  pthread_cond_signal (&u->cond);
  pthread_mutex_unlock (&u->lock);
}

/* What a thread kept in its cache goes back to the arena when the thread
 * exits: every chunk can then be trimmed, and the counts stay exact. */
GST_START_TEST (test_thread_cache_exit)
{
  GstLayeredArena *arena = arena_new ();
  CacheUser u = { arena, 200, 5, FALSE };
  GstLayeredArenaStats s;
  GThread *t;

  cache_user_init (&u);
  t = g_thread_new ("cache-user", cache_user, &u);
  g_thread_join (t);

  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.allocations, 5);
  fail_unless_equals_uint64 (s.frees, 5);
  fail_unless_equals_uint64 (s.bytes_in_use, 0);
  fail_unless_equals_uint64 (s.peak_bytes_in_use, 5 * 256);
  fail_unless_equals_uint64 (gst_layered_arena_trim (arena, 0),
      GST_LAYERED_ARENA_CHUNK_SIZE);
  gst_layered_arena_get_stats (arena, &s);
  fail_unless_equals_uint64 (s.bytes_mapped, 0);

  cache_user_clear (&u);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* A frame parked in the cache of a thread that then sleeps is not pinned:
 * once its class is idle, the idle trim takes it back from that thread. */
GST_START_TEST (test_parked_frame_idle)
{
  GstLayeredArenaConfig config;
  GstLayeredArena *arena;
  CacheUser u = { NULL, 12441600, 1, TRUE };
  GstLayeredBlock b;
  GThread *t;
  gsize page = sysconf (_SC_PAGESIZE);
  gsize frame = (3110400 + page - 1) / page * page;
  gint i;

  gst_layered_arena_config_init (&config);
  config.idle_timeout_us = 50000;
  config.idle_level = 0;
  arena = gst_layered_arena_new (&config);
  u.arena = arena;
  cache_user_init (&u);

  t = g_thread_new ("cache-user", cache_user, &u);
  cache_user_wait_parked (&u);
  /* the 4K frame is parked in the sleeping thread's cache */
  fail_unless (stat_cached (arena) >= 12441600);

  g_usleep (120000);
  for (i = 0; i < 3; i++) {
    fail_unless (gst_layered_arena_alloc (arena, 3110400, 0, &b));
    gst_layered_arena_release (arena, &b);
    g_usleep (30000);
  }
  fail_unless_equals_uint64 (stat_cached (arena), frame);

  cache_user_go (&u);
  g_thread_join (t);
  cache_user_clear (&u);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

/* The cap holds with blocks in thread caches: they may hold a quarter of
 * it, and the arena keeps the rest within the other three quarters. */
GST_START_TEST (test_thread_cache_cap)
{
  GstLayeredArenaConfig config;
  GstLayeredArena *arena;
  CacheUser u[6];
  GThread *t[6];
  gint i;

  gst_layered_arena_config_init (&config);
  config.max_cached = 8 * MiB;
  arena = gst_layered_arena_new (&config);

  for (i = 0; i < 6; i++) {
    CacheUser init = { arena, i % 2 ? 3000000 : 60000, 40, TRUE };

    u[i] = init;
    cache_user_init (&u[i]);
    t[i] = g_thread_new ("cache-user", cache_user, &u[i]);
  }
  for (i = 0; i < 6; i++)
    cache_user_wait_parked (&u[i]);
  /* every thread is alive, holding what its cache kept */
  fail_unless (stat_cached (arena) <= 8 * MiB, "%" G_GUINT64_FORMAT,
      stat_cached (arena));
  fail_unless_equals_uint64 (stat_in_use (arena), 0);

  for (i = 0; i < 6; i++) {
    cache_user_go (&u[i]);
    g_thread_join (t[i]);
    cache_user_clear (&u[i]);
  }
  fail_unless (stat_cached (arena) <= 8 * MiB);
  gst_layered_arena_free (arena);
}

GST_END_TEST;

static void
count_tag_free (gpointer tag)
{
  g_atomic_int_inc ((gint *) tag);
}

/* Tags stay with cached blocks and come back with them; an arena freed
 * while a live thread's cache holds its blocks drops their tags, and that
 * thread's cache then serves the next arena it uses. */
GST_START_TEST (test_thread_cache_tags_and_rebinding)
{
  GstLayeredArenaConfig config;
  GstLayeredArena *arena, *other;
  GstLayeredBlock a, b;
  gint dropped = 0;

  gst_layered_arena_config_init (&config);
  config.tag_free = count_tag_free;
  arena = gst_layered_arena_new (&config);

  fail_unless (gst_layered_arena_alloc (arena, 100, 0, &a));
  fail_unless (a.tag == NULL);
  a.tag = &dropped;
  /* kept: in the thread's cache, with the tag */
  fail_unless (gst_layered_arena_release (arena, &a));
  fail_unless (gst_layered_arena_alloc (arena, 100, 0, &b));
  fail_unless (b.data == a.data);
  fail_unless (b.tag == &dropped);
  /* a frame is parked with its tag too */
  fail_unless (gst_layered_arena_alloc (arena, 3110400, 0, &a));
  a.tag = &dropped;
  fail_unless (gst_layered_arena_release (arena, &a));
  b.tag = &dropped;
  fail_unless (gst_layered_arena_release (arena, &b));

  /* freed with both in this thread's cache: both tags dropped */
  gst_layered_arena_free (arena);
  fail_unless_equals_int (dropped, 2);

  /* this thread's cache now serves another arena */
  other = gst_layered_arena_new (&config);
  fail_unless (gst_layered_arena_alloc (other, 100, 0, &a));
  a.tag = &dropped;
  fail_unless (gst_layered_arena_release (other, &a));
  fail_unless (gst_layered_arena_alloc (other, 100, 0, &b));
  fail_unless (b.tag == &dropped);
  b.tag = NULL;
  gst_layered_arena_release (other, &b);

  /* while it serves another arena, this one is served without a cache */
  arena = gst_layered_arena_new (&config);
  fail_unless (gst_layered_arena_alloc (arena, 100, 0, &a));
  a.tag = &dropped;
  fail_unless (!gst_layered_arena_release (arena, &a));
  gst_layered_arena_free (arena);
  gst_layered_arena_free (other);
  fail_unless_equals_int (dropped, 2);
}

GST_END_TEST;

static Suite *
layeredarena_suite (void)
{
  Suite *s = suite_create ("layeredarena");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_classes);
  tcase_add_test (tc, test_alignment);
  tcase_add_test (tc, test_reuse_and_chunks);
  tcase_add_test (tc, test_stats_exact);
  tcase_add_test (tc, test_cap);
  tcase_add_test (tc, test_idle_trim);
  tcase_add_test (tc, test_preallocate);
  tcase_add_test (tc, test_many_frame_sizes);
  tcase_add_test (tc, test_small_cap_passes_through);
  tcase_add_test (tc, test_over_cap_without_empty_chunk);
  tcase_add_test (tc, test_prealloc_kept_until_used);
  tcase_add_test (tc, test_oversized_large_align);
  tcase_add_test (tc, test_threads);
  tcase_add_test (tc, test_thread_cache_stats);
  tcase_add_test (tc, test_thread_cache_exit);
  tcase_add_test (tc, test_parked_frame_idle);
  tcase_add_test (tc, test_thread_cache_cap);
  tcase_add_test (tc, test_thread_cache_tags_and_rebinding);

  return s;
}

GST_CHECK_MAIN (layeredarena);
