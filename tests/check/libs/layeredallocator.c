/* gst-reuse: GstLayeredAllocator tests
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

/* The "default" test case re-expresses what GStreamer core checks of
 * memory (tests/check/gst/gstmemory.c) with the layered allocator installed
 * as the default by gst_layered_memory_init(); the others check what the
 * layered allocator adds, and that it behaves as system memory does. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/layered/layered.h>

#include <string.h>

#include "reusetest.h"

#define MiB (1024 * 1024)

static guint64
stat_of (GstAllocator * allocator, const gchar * field)
{
  GstStructure *s =
      gst_layered_allocator_get_stats (GST_LAYERED_ALLOCATOR (allocator));
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (s, field, &v), "no field %s", field);
  gst_structure_free (s);
  return v;
}

static GstAllocator *
new_allocator (const gchar * config)
{
  GstStructure *s = config ? gst_structure_from_string (config, NULL) : NULL;
  GstAllocator *a;

  if (config)
    fail_unless (s != NULL, "bad config %s", config);
  a = gst_layered_allocator_new (s);
  if (s)
    gst_structure_free (s);
  return a;
}

/* --- the default allocator -------------------------------------------- */

static GstAllocator *layered;

static void
install_default (void)
{
  layered = gst_layered_memory_init (NULL);
}

static void
uninstall_default (void)
{
  gst_allocator_set_default (gst_allocator_find (GST_ALLOCATOR_SYSMEM));
  gst_object_unref (layered);
  layered = NULL;
}

GST_START_TEST (test_memory_init)
{
  GstAllocator *found = gst_allocator_find (NULL);
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 1000, NULL);

  fail_unless (found == layered);
  gst_object_unref (found);
  found = gst_allocator_find (GST_LAYERED_MEMORY_ALLOCATOR_NAME);
  fail_unless (found == layered);
  gst_object_unref (found);

  /* everything that does not ask for an allocator gets layered memory */
  fail_unless (gst_is_layered_memory (gst_buffer_peek_memory (buf, 0)));
  fail_unless (gst_memory_is_type (gst_buffer_peek_memory (buf, 0),
          GST_LAYERED_MEMORY_TYPE));
  gst_buffer_unref (buf);

  /* a second call keeps the same allocator */
  found = gst_layered_memory_init (NULL);
  fail_unless (found == layered);
  gst_object_unref (found);
}

GST_END_TEST;

GST_START_TEST (test_submemory)
{
  GstMemory *memory, *sub;
  GstMapInfo info, sinfo;

  memory = gst_allocator_alloc (NULL, 4, NULL);
  fail_unless (gst_is_layered_memory (memory));

  fail_unless (gst_memory_map (memory, &info, GST_MAP_WRITE));
  fail_unless_equals_int (info.size, 4);
  fail_unless (info.maxsize >= 4);
  memcpy (info.data, "abcd", 4);
  gst_memory_unmap (memory, &info);

  fail_unless (gst_memory_map (memory, &info, GST_MAP_READ));
  sub = gst_memory_share (memory, 1, 2);
  fail_unless (sub != NULL);
  fail_unless (sub->parent == memory);
  fail_unless (GST_MEMORY_IS_READONLY (sub));
  fail_unless (gst_memory_map (sub, &sinfo, GST_MAP_READ));
  fail_unless_equals_int (sinfo.size, 2);
  fail_unless (memcmp (sinfo.data, "bc", 2) == 0);
  gst_memory_unmap (sub, &sinfo);
  gst_memory_unref (sub);

  /* empty share; share of all */
  sub = gst_memory_share (memory, 1, 0);
  fail_unless_equals_int (gst_memory_get_sizes (sub, NULL, NULL), 0);
  gst_memory_unref (sub);
  sub = gst_memory_share (memory, 0, -1);
  fail_unless_equals_int (gst_memory_get_sizes (sub, NULL, NULL), 4);
  gst_memory_unref (sub);
  gst_memory_unmap (memory, &info);

  /* no share while mapped for writing */
  fail_unless (gst_memory_map (memory, &info, GST_MAP_WRITE));
  sub = gst_memory_share (memory, 0, 4);
  fail_unless (sub == NULL);
  gst_memory_unmap (memory, &info);
  gst_memory_unref (memory);
}

GST_END_TEST;

GST_START_TEST (test_is_span)
{
  GstMemory *memory = gst_allocator_alloc (NULL, 4, NULL);
  GstMemory *sub1 = gst_memory_share (memory, 0, 2);
  GstMemory *sub2 = gst_memory_share (memory, 2, 2);
  GstMemory *sub3 = gst_memory_share (memory, 3, 1);
  gsize offset = 99;

  fail_if (gst_memory_is_span (memory, sub2, NULL));
  fail_if (gst_memory_is_span (sub1, memory, NULL));
  fail_unless (gst_memory_is_span (sub1, sub2, &offset));
  fail_unless_equals_int (offset, 0);
  fail_if (gst_memory_is_span (sub1, sub3, NULL));

  gst_memory_unref (sub1);
  gst_memory_unref (sub2);
  gst_memory_unref (sub3);
  gst_memory_unref (memory);
}

GST_END_TEST;

GST_START_TEST (test_copy)
{
  GstMemory *memory, *copy;
  GstMapInfo info, cinfo;

  memory = gst_allocator_alloc (NULL, 4, NULL);
  fail_unless (gst_memory_map (memory, &info, GST_MAP_WRITE));
  memcpy (info.data, "wxyz", 4);
  gst_memory_unmap (memory, &info);

  copy = gst_memory_copy (memory, 1, 2);
  ASSERT_MINI_OBJECT_REFCOUNT (memory, "memory", 1);
  ASSERT_MINI_OBJECT_REFCOUNT (copy, "copy", 1);
  fail_if (copy == memory);
  /* copies come from the layered allocator too */
  fail_unless (gst_is_layered_memory (copy));
  fail_if (GST_MEMORY_IS_READONLY (copy));
  fail_unless (gst_memory_map (copy, &cinfo, GST_MAP_READ));
  fail_unless_equals_int (cinfo.size, 2);
  fail_unless (memcmp (cinfo.data, "xy", 2) == 0);
  gst_memory_unmap (copy, &cinfo);
  gst_memory_unref (copy);
  gst_memory_unref (memory);

  /* copying an empty memory */
  memory = gst_allocator_alloc (NULL, 0, NULL);
  fail_unless (gst_memory_map (memory, &info, GST_MAP_READ));
  fail_unless_equals_int (info.size, 0);
  gst_memory_unmap (memory, &info);
  copy = gst_memory_copy (memory, 0, -1);
  fail_unless (gst_memory_map (copy, &info, GST_MAP_READ));
  fail_unless_equals_int (info.size, 0);
  gst_memory_unmap (copy, &info);
  gst_memory_unref (copy);
  gst_memory_unref (memory);
}

GST_END_TEST;

GST_START_TEST (test_large_and_empty)
{
  GstMemory *mem;
  GstMapInfo info;
  gsize size = 640 * 480 * 4;

  mem = gst_allocator_alloc (NULL, 0, NULL);
  fail_unless (mem != NULL);
  gst_memory_unref (mem);

  mem = gst_allocator_alloc (NULL, size, NULL);
  fail_unless (gst_memory_map (mem, &info, GST_MAP_WRITE));
  fail_unless_equals_int (info.size, size);
  info.data[size - 1] = 0xff;
  info.data[0] = 0xfe;
  gst_memory_unmap (mem, &info);
  gst_memory_unref (mem);
}

GST_END_TEST;

GST_START_TEST (test_resize)
{
  GstMemory *mem = gst_allocator_alloc (NULL, 100, NULL);
  gsize size, offset, maxalloc, maxsize;

  size = gst_memory_get_sizes (mem, &offset, &maxalloc);
  fail_unless_equals_int (size, 100);
  fail_unless_equals_int (offset, 0);
  fail_unless (maxalloc >= 100);

  ASSERT_CRITICAL (gst_memory_resize (mem, 200, 50));
  ASSERT_CRITICAL (gst_memory_resize (mem, 0, 150 + maxalloc));
  ASSERT_CRITICAL (gst_memory_resize (mem, 1, maxalloc));
  ASSERT_CRITICAL (gst_memory_resize (mem, maxalloc, 1));

  gst_memory_resize (mem, 0, 50);
  size = gst_memory_get_sizes (mem, &offset, &maxsize);
  fail_unless_equals_int (size, 50);
  fail_unless_equals_int (offset, 0);
  fail_unless_equals_int (maxsize, maxalloc);

  gst_memory_resize (mem, 10, 40);
  size = gst_memory_get_sizes (mem, &offset, &maxsize);
  fail_unless_equals_int (size, 40);
  fail_unless_equals_int (offset, 10);

  gst_memory_resize (mem, -10, 100);
  size = gst_memory_get_sizes (mem, &offset, NULL);
  fail_unless_equals_int (size, 100);
  fail_unless_equals_int (offset, 0);
  gst_memory_unref (mem);
}

GST_END_TEST;

GST_START_TEST (test_map_nested)
{
  GstMemory *mem = gst_allocator_alloc (NULL, 100, NULL);
  GstMapInfo info1, info2, info3;

  fail_unless (gst_memory_map (mem, &info1, GST_MAP_READ));
  fail_unless (gst_memory_map (mem, &info2, GST_MAP_READ));
  fail_unless (info1.data == info2.data);
  /* a write map while a read map is held fails */
  fail_if (gst_memory_map (mem, &info3, GST_MAP_WRITE));
  gst_memory_unmap (mem, &info1);
  gst_memory_unmap (mem, &info2);

  fail_unless (gst_memory_map (mem, &info1, GST_MAP_READWRITE));
  fail_unless (gst_memory_map (mem, &info2, GST_MAP_READ));
  gst_memory_unmap (mem, &info2);
  gst_memory_unmap (mem, &info1);
  gst_memory_unref (mem);
}

GST_END_TEST;

GST_START_TEST (test_alloc_params)
{
  GstAllocationParams params;
  GstMemory *mem;
  GstMapInfo info;
  gsize size, offset, maxsize;

  gst_allocation_params_init (&params);
  params.prefix = 10;
  params.padding = 20;
  params.flags = GST_MEMORY_FLAG_ZERO_PREFIXED | GST_MEMORY_FLAG_ZERO_PADDED;
  mem = gst_allocator_alloc (NULL, 70, &params);
  size = gst_memory_get_sizes (mem, &offset, &maxsize);
  fail_unless_equals_int (size, 70);
  fail_unless_equals_int (offset, 10);
  fail_unless_equals_int (maxsize, 100);
  fail_unless (GST_MEMORY_FLAG_IS_SET (mem, GST_MEMORY_FLAG_ZERO_PREFIXED));

  gst_memory_resize (mem, -10, 100);
  fail_unless (gst_memory_map (mem, &info, GST_MAP_READ));
  {
    gint i;

    for (i = 0; i < 10; i++)
      fail_unless_equals_int (info.data[i], 0);
    for (i = 80; i < 100; i++)
      fail_unless_equals_int (info.data[i], 0);
  }
  gst_memory_unmap (mem, &info);
  gst_memory_unref (mem);
}

GST_END_TEST;

GST_START_TEST (test_lock)
{
  GstMemory *mem = gst_allocator_alloc (NULL, 10, NULL);

  fail_unless (gst_memory_lock (mem, GST_LOCK_FLAG_EXCLUSIVE));
  /* exclusive lock makes it not writable */
  fail_unless (gst_memory_lock (mem, GST_LOCK_FLAG_READ));
  fail_if (gst_memory_lock (mem, GST_LOCK_FLAG_WRITE));
  gst_memory_unlock (mem, GST_LOCK_FLAG_READ);
  gst_memory_unlock (mem, GST_LOCK_FLAG_EXCLUSIVE);
  fail_unless (gst_memory_lock (mem, GST_LOCK_FLAG_WRITE));
  gst_memory_unlock (mem, GST_LOCK_FLAG_WRITE);
  gst_memory_unref (mem);
}

GST_END_TEST;

/* Copy-on-write of a shared buffer (what tee + an in-place element does)
 * gets its copy from the layered allocator, and recycles it. */
GST_START_TEST (test_copy_on_write_recycles)
{
  const gsize frame = 1920 * 1080 * 3 / 2;
  gint i;

  for (i = 0; i < 10; i++) {
    GstBuffer *buf = gst_buffer_new_allocate (NULL, frame, NULL);
    GstBuffer *other = gst_buffer_ref (buf);
    GstMapInfo info;

    /* a write map of a buffer someone else holds: a copy */
    buf = gst_buffer_make_writable (buf);
    fail_unless (gst_buffer_map (buf, &info, GST_MAP_WRITE));
    info.data[0] = i;
    gst_buffer_unmap (buf, &info);
    fail_unless (gst_is_layered_memory (gst_buffer_peek_memory (buf, 0)));
    gst_buffer_unref (buf);
    gst_buffer_unref (other);
  }
  /* two frames' worth of blocks served everything after the first round */
  fail_unless_equals_uint64 (stat_of (layered, "allocations"), 20);
  fail_unless_equals_uint64 (stat_of (layered, "pool-hits"), 18);
}

GST_END_TEST;

/* --- alignment, flags and classes ------------------------------------------ */

GST_START_TEST (test_alignment)
{
  static const gsize sizes[] = { 0, 1, 7, 64, 1000, 1400, 4096, 65539,
    MiB, 3110400, 12441600, 66355200, 300 * MiB
  };
  static const gsize prefixes[] = { 0, 1, 33 };
  GstAllocator *a = new_allocator (NULL);
  gint s, bit, p;

  for (s = 0; s < G_N_ELEMENTS (sizes); s++) {
    for (bit = 0; bit <= 12; bit++) {
      for (p = 0; p < G_N_ELEMENTS (prefixes); p++) {
        GstAllocationParams params = { 0, ((gsize) 1 << bit) - 1,
          prefixes[p], 0,
        };
        GstMemory *mem = gst_allocator_alloc (a, sizes[s], &params);
        GstMapInfo info;
        guint8 *start;

        fail_unless (mem != NULL);
        fail_unless (gst_memory_map (mem, &info, GST_MAP_WRITE));
        /* as system memory: the start of the whole area is aligned */
        start = info.data - prefixes[p];
        fail_unless (((guintptr) start & params.align) == 0,
            "size %" G_GSIZE_FORMAT " align %" G_GSIZE_FORMAT " at %p",
            sizes[s], params.align, start);
        fail_unless (((guintptr) start & 63) == 0);
        fail_unless_equals_int (info.size, sizes[s]);
        if (sizes[s] > 0) {
          info.data[0] = 1;
          info.data[sizes[s] - 1] = 2;
        }
        gst_memory_unmap (mem, &info);
        gst_memory_unref (mem);
      }
    }
  }
  /* 300 MiB is above the default max-class-size: from the system */
  fail_unless_equals_uint64 (stat_of (a, "oversized"), 13 * 3);
  fail_unless_equals_uint64 (stat_of (a, "bytes-in-use"), 0);
  gst_object_unref (a);
}

GST_END_TEST;

GST_START_TEST (test_min_align)
{
  GstAllocator *a = new_allocator ("layered, min-align=(uint)4096");
  guint v;
  gint i;

  g_object_get (a, "min-align", &v, NULL);
  fail_unless_equals_int (v, 4096);
  for (i = 0; i < 20; i++) {
    GstMemory *mem = gst_allocator_alloc (a, 10 + i * 100, NULL);
    GstMapInfo info;

    gst_memory_map (mem, &info, GST_MAP_READ);
    fail_unless (((guintptr) info.data & 4095) == 0);
    gst_memory_unmap (mem, &info);
    gst_memory_unref (mem);
  }
  gst_object_unref (a);
}

GST_END_TEST;

/* ZERO_PREFIXED and ZERO_PADDED zero what they say, even in recycled
 * memory, and nothing else is promised without them. */
GST_START_TEST (test_zero_flags)
{
  GstAllocator *a = new_allocator (NULL);
  GstAllocationParams params = { 0, 0, 16, 32, };
  GstMemory *mem;
  GstMapInfo info;
  gint i;

  /* dirty a block */
  mem = gst_allocator_alloc (a, 1000 - 48, &params);
  gst_memory_resize (mem, -16, 1000);
  gst_memory_map (mem, &info, GST_MAP_WRITE);
  memset (info.data, 0xff, 1000);
  gst_memory_unmap (mem, &info);
  gst_memory_unref (mem);

  /* the same block comes back: without the flags it is not zeroed */
  mem = gst_allocator_alloc (a, 1000 - 48, &params);
  gst_memory_resize (mem, -16, 1000);
  gst_memory_map (mem, &info, GST_MAP_READ);
  fail_unless_equals_int (info.data[0], 0xff);
  gst_memory_unmap (mem, &info);
  gst_memory_unref (mem);

  params.flags = GST_MEMORY_FLAG_ZERO_PREFIXED | GST_MEMORY_FLAG_ZERO_PADDED;
  mem = gst_allocator_alloc (a, 1000 - 48, &params);
  gst_memory_resize (mem, -16, 1000);
  gst_memory_map (mem, &info, GST_MAP_READ);
  for (i = 0; i < 16; i++)
    fail_unless_equals_int (info.data[i], 0);
  for (i = 16; i < 1000 - 32; i++)
    fail_unless_equals_int (info.data[i], 0xff);
  for (i = 1000 - 32; i < 1000; i++)
    fail_unless_equals_int (info.data[i], 0);
  gst_memory_unmap (mem, &info);
  gst_memory_unref (mem);
  gst_object_unref (a);
}

GST_END_TEST;

/* Every class gets used and counted; frame sizes get exact classes. */
GST_START_TEST (test_every_class)
{
  GstAllocator *a = new_allocator (NULL);
  GstStructure *stats;
  const GValue *classes;
  gsize size;
  guint n = 0, exact = 0, i;

  for (size = 1; size <= MiB; size = size * 5 / 4 + 1) {
    GstMemory *mem = gst_allocator_alloc (a, size, NULL);

    gst_memory_unref (mem);
    n++;
  }
  for (i = 0; i < 5; i++) {
    GstMemory *mem = gst_allocator_alloc (a, 3110400 + i * 10000, NULL);

    gst_memory_unref (mem);
  }

  stats = gst_layered_allocator_get_stats (GST_LAYERED_ALLOCATOR (a));
  classes = gst_structure_get_value (stats, "classes");
  for (i = 0; i < gst_value_list_get_size (classes); i++) {
    const GstStructure *c =
        gst_value_get_structure (gst_value_list_get_value (classes, i));
    gboolean is_exact;
    guint64 in_use;

    gst_structure_get (c, "exact", G_TYPE_BOOLEAN, &is_exact,
        "blocks-in-use", G_TYPE_UINT64, &in_use, NULL);
    fail_unless_equals_uint64 (in_use, 0);
    exact += is_exact;
  }
  fail_unless (gst_value_list_get_size (classes) > 30);
  fail_unless_equals_int (exact, 5);
  gst_structure_free (stats);
  gst_object_unref (a);
}

GST_END_TEST;

GST_START_TEST (test_oversized_counted)
{
  GstAllocator *a = new_allocator ("layered, max-class-size=(guint64)2097152");
  GstMemory *big = gst_allocator_alloc (a, 4 * MiB, NULL);
  GstMemory *small = gst_allocator_alloc (a, MiB, NULL);

  fail_unless_equals_uint64 (stat_of (a, "oversized"), 1);
  fail_unless_equals_uint64 (stat_of (a, "system-allocations"), 2);
  gst_memory_unref (big);
  fail_unless_equals_uint64 (stat_of (a, "system-frees"), 1);
  gst_memory_unref (small);
  fail_unless_equals_uint64 (stat_of (a, "system-frees"), 1);
  gst_object_unref (a);
}

GST_END_TEST;

/* The statistics after a scripted sequence, exactly. */
GST_START_TEST (test_stats_exact)
{
  GstAllocator *a = new_allocator (NULL);
  GstMemory *m1, *m2, *m3, *sub, *copy;
  GstStructure *s;
  gdouble hit_rate;

  m1 = gst_allocator_alloc (a, 3110400, NULL);  /* system */
  m2 = gst_allocator_alloc (a, 3110400, NULL);  /* system */
  gst_memory_unref (m1);
  m3 = gst_allocator_alloc (a, 3110400, NULL);  /* hit */
  sub = gst_memory_share (m3, 0, 10);   /* no allocation */
  copy = gst_memory_copy (m2, 0, -1);   /* hit: m1's old block... no, m1's
                                         * block went to m3; a new one */
  gst_memory_unref (sub);

  s = gst_layered_allocator_get_stats (GST_LAYERED_ALLOCATOR (a));
  {
    guint64 allocs, frees, hits, sys;

    gst_structure_get (s, "allocations", G_TYPE_UINT64, &allocs,
        "frees", G_TYPE_UINT64, &frees, "pool-hits", G_TYPE_UINT64, &hits,
        "system-allocations", G_TYPE_UINT64, &sys,
        "hit-rate", G_TYPE_DOUBLE, &hit_rate, NULL);
    fail_unless_equals_uint64 (allocs, 4);
    fail_unless_equals_uint64 (frees, 1);
    fail_unless_equals_uint64 (hits, 1);
    fail_unless_equals_uint64 (sys, 3);
    fail_unless (G_APPROX_VALUE (hit_rate, 0.25, 1e-9));
  }
  gst_structure_free (s);

  gst_memory_unref (m2);
  gst_memory_unref (m3);
  gst_memory_unref (copy);
  fail_unless_equals_uint64 (stat_of (a, "frees"), 4);
  fail_unless_equals_uint64 (stat_of (a, "bytes-in-use"), 0);
  fail_unless_equals_uint64 (stat_of (a, "bytes-cached"), stat_of (a,
          "bytes-mapped"));
  fail_unless (stat_of (a, "peak-bytes-in-use") >= 3 * 3110400);
  gst_object_unref (a);
}

GST_END_TEST;

/* --- the same semantics as system memory -------------------------------- */

/* Runs a fixed sequence of operations and records what each one did. */
static gchar *
semantics_of (GstAllocator * allocator)
{
  GString *log = g_string_new (NULL);
  GstAllocationParams params = { 0, 15, 8, 8, };
  GstMemory *mem, *sub, *sub2, *copy;
  GstMapInfo info;
  gsize size, offset, maxsize;

  mem = gst_allocator_alloc (allocator, 100, &params);
  size = gst_memory_get_sizes (mem, &offset, &maxsize);
  g_string_append_printf (log, "alloc %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT
      " %d;", size, offset, maxsize >= 116);
  g_string_append_printf (log, "ro %d;", GST_MEMORY_IS_READONLY (mem));
  g_string_append_printf (log, "wmap %d;",
      gst_memory_map (mem, &info, GST_MAP_WRITE));
  memset (info.data, 7, info.size);
  gst_memory_unmap (mem, &info);

  sub = gst_memory_share (mem, 10, 20);
  g_string_append_printf (log, "share %d %d %d %d;",
      (gint) gst_memory_get_sizes (sub, NULL, NULL),
      GST_MEMORY_IS_READONLY (sub), sub->parent == mem,
      gst_memory_map (sub, &info, GST_MAP_WRITE));
  sub2 = gst_memory_share (sub, 20, -1);
  g_string_append_printf (log, "share2 %d %d %d;",
      (gint) gst_memory_get_sizes (sub2, NULL, NULL), sub2->parent == mem,
      gst_memory_is_span (sub, sub2, NULL));
  g_string_append_printf (log, "parent-writable %d;",
      gst_memory_is_writable (mem));

  copy = gst_memory_copy (sub, 5, 10);
  g_string_append_printf (log, "copy %d %d %d %d;",
      (gint) gst_memory_get_sizes (copy, &offset, NULL), (gint) offset,
      GST_MEMORY_IS_READONLY (copy), copy->allocator == allocator);
  gst_memory_map (copy, &info, GST_MAP_READ);
  g_string_append_printf (log, "copy-data %d;", info.data[0]);
  gst_memory_unmap (copy, &info);

  gst_memory_unref (sub2);
  gst_memory_unref (sub);
  gst_memory_unref (copy);
  g_string_append_printf (log, "writable-again %d;",
      gst_memory_is_writable (mem));

  gst_memory_resize (mem, -8, 116);
  size = gst_memory_get_sizes (mem, &offset, NULL);
  g_string_append_printf (log, "resize %d %d;", (gint) size, (gint) offset);
  gst_memory_unref (mem);

  return g_string_free (log, FALSE);
}

GST_START_TEST (test_same_semantics_as_sysmem)
{
  GstAllocator *sysmem = gst_allocator_find (GST_ALLOCATOR_SYSMEM);
  GstAllocator *a = new_allocator (NULL);
  gchar *expected = semantics_of (sysmem);
  gchar *got = semantics_of (a);

  fail_unless_equals_string (got, expected);
  g_free (expected);
  g_free (got);
  gst_object_unref (sysmem);
  gst_object_unref (a);
}

GST_END_TEST;

/* Each alignment asked for is honoured, for every kind of memory: small,
 * medium and large classes, frame classes, sizes just under
 * max-class-size (which the alignment's slack pushes over it) and sizes
 * above it, with masks up to and beyond a page. */
GST_START_TEST (test_alignment_masks)
{
  static const gsize masks[] = { 0, 7, 15, 63, 127, 4095, 8191, 65535,
    2 * MiB - 1
  };
  static const gsize sizes[] = { 1, 100, 1400, 65539, MiB - 100, MiB,
    3110400, 16 * MiB - 4096, 16 * MiB - 1, 16 * MiB, 16 * MiB + 1,
    20 * MiB + 3
  };
  static const gsize prefixes[] = { 0, 48 };
  GstAllocator *a = new_allocator ("layered, max-class-size=(guint64)16777216");
  guint m, i, p;

  for (m = 0; m < G_N_ELEMENTS (masks); m++) {
    for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
      for (p = 0; p < G_N_ELEMENTS (prefixes); p++) {
        GstAllocationParams params = { 0, masks[m], prefixes[p], 16, };
        GstMemory *mem = gst_allocator_alloc (a, sizes[i], &params);
        GstMapInfo info;

        fail_unless (mem != NULL, "size %" G_GSIZE_FORMAT " align %"
            G_GSIZE_FORMAT, sizes[i], masks[m]);
        fail_unless ((mem->align & masks[m]) == masks[m]);
        fail_unless (gst_memory_map (mem, &info, GST_MAP_WRITE));
        /* the mapped data, less the prefix: as system memory */
        fail_unless ((((guintptr) info.data - prefixes[p]) & masks[m]) == 0,
            "size %" G_GSIZE_FORMAT " align %" G_GSIZE_FORMAT " prefix %"
            G_GSIZE_FORMAT " at %p", sizes[i], masks[m], prefixes[p],
            info.data);
        fail_unless_equals_int (info.size, sizes[i]);
        info.data[0] = 1;
        info.data[sizes[i] - 1] = 2;
        gst_memory_unmap (mem, &info);
        gst_memory_unref (mem);
      }
    }
  }
  fail_unless_equals_uint64 (stat_of (a, "bytes-in-use"), 0);
  fail_unless (stat_of (a, "oversized") > 0);
  gst_object_unref (a);

  /* the cases found with the default max-class-size: 256 MiB - 4096 and
   * 300 MiB with a mask of 8191 */
  a = new_allocator (NULL);
  for (i = 0; i < 2; i++) {
    GstAllocationParams params = { 0, 8191, 0, 0, };
    gsize size = i ? 300 * MiB : 256 * MiB - 4096;
    GstMemory *mem = gst_allocator_alloc (a, size, &params);
    GstMapInfo info;

    fail_unless (mem != NULL);
    fail_unless (gst_memory_map (mem, &info, GST_MAP_WRITE));
    fail_unless (((guintptr) info.data & 8191) == 0);
    info.data[size - 1] = 1;
    gst_memory_unmap (mem, &info);
    gst_memory_unref (mem);
  }
  fail_unless_equals_uint64 (stat_of (a, "bytes-in-use"), 0);
  fail_unless_equals_uint64 (stat_of (a, "bytes-mapped"), 0);
  gst_object_unref (a);
}

GST_END_TEST;

/* max-cached=0 ("do not cache", as layeredmem(max-size=0) says it) costs
 * what the system allocator costs: memory passes through, no chunk is
 * mapped, and no free trims (before, every free of a small memory gave a
 * 2 MiB chunk back and the next allocation mapped it again). */
GST_START_TEST (test_zero_cap)
{
  static const gsize sizes[] = { 10, 1400, 200000, 3110400 };
  GstAllocator *a = new_allocator ("layered, max-cached=(guint64)0");
  GstStructure *stats;
  const GValue *classes;
  guint i, round;

  for (round = 0; round < 100; round++) {
    for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
      static const gsize masks[] = { 0, 7, 63, 4095, 8191 };
      GstAllocationParams params = { 0, masks[round % G_N_ELEMENTS (masks)],
        0, 0,
      };
      GstMemory *mem = gst_allocator_alloc (a, sizes[i], &params);
      GstMapInfo info;

      fail_unless (gst_is_layered_memory (mem));
      fail_unless (gst_memory_map (mem, &info, GST_MAP_WRITE));
      fail_unless (((guintptr) info.data & (params.align | 63)) == 0);
      memset (info.data, 0x5a, info.size);
      gst_memory_unmap (mem, &info);
      gst_memory_unref (mem);
    }
  }
  fail_unless_equals_uint64 (stat_of (a, "allocations"), 400);
  fail_unless_equals_uint64 (stat_of (a, "frees"), 400);
  fail_unless_equals_uint64 (stat_of (a, "pass-through"), 400);
  fail_unless_equals_uint64 (stat_of (a, "system-allocations"), 400);
  fail_unless_equals_uint64 (stat_of (a, "trims"), 0);
  fail_unless_equals_uint64 (stat_of (a, "bytes-mapped"), 0);
  fail_unless_equals_uint64 (stat_of (a, "bytes-in-use"), 0);

  /* no class has a chunk */
  stats = gst_layered_allocator_get_stats (GST_LAYERED_ALLOCATOR (a));
  classes = gst_structure_get_value (stats, "classes");
  for (i = 0; i < gst_value_list_get_size (classes); i++) {
    const GstStructure *c =
        gst_value_get_structure (gst_value_list_get_value (classes, i));
    guint64 chunks = 1;

    fail_unless (gst_structure_get_uint64 (c, "chunks", &chunks));
    fail_unless_equals_uint64 (chunks, 0);
  }
  gst_structure_free (stats);

  /* memory that passed through shares, copies and shows as a leak */
  {
    GstMemory *mem = gst_allocator_alloc (a, 1000, NULL);
    GstMemory *sub = gst_memory_share (mem, 10, 100);
    GstMemory *copy = gst_memory_copy (mem, 0, -1);
    GstStructure *leaks;
    guint64 blocks = 0, bytes = 0;
    gchar *report;

    leaks = gst_layered_allocator_get_leaks (GST_LAYERED_ALLOCATOR (a));
    gst_structure_get (leaks, "blocks", G_TYPE_UINT64, &blocks,
        "bytes", G_TYPE_UINT64, &bytes, NULL);
    fail_unless_equals_uint64 (blocks, 2);
    fail_unless_equals_uint64 (bytes, 2000);
    gst_structure_free (leaks);
    report = gst_layered_allocator_leak_report (GST_LAYERED_ALLOCATOR (a));
    fail_unless (strstr (report, "2 block(s) straight from the system") !=
        NULL, "%s", report);
    g_free (report);
    gst_memory_unref (mem);
    gst_memory_unref (copy);
    gst_memory_unref (sub);
  }
  fail_unless_equals_uint64 (stat_of (a, "bytes-in-use"), 0);
  gst_object_unref (a);
}

GST_END_TEST;

/* --- configuration, caps, leaks ------------------------------------------- */

GST_START_TEST (test_config)
{
  GstAllocator *a = new_allocator ("layered, min-align=(uint)128, "
      "max-cached=(guint64)1000000, huge-pages=true, "
      "idle-level=(string)\"4096\", prealloc=(string)\"8192:3\"");
  GstStructure *change;
  guint align;
  guint64 cap, level;
  gboolean huge;

  g_object_get (a, "min-align", &align, "max-cached", &cap, "huge-pages",
      &huge, "idle-level", &level, NULL);
  fail_unless_equals_int (align, 128);
  fail_unless_equals_uint64 (cap, 1000000);
  fail_unless_equals_uint64 (level, 4096);
  fail_unless (huge);
  /* preallocated: three 8 KiB blocks are cached */
  fail_unless (stat_of (a, "bytes-cached") >= 3 * 8192);

  change = gst_structure_from_string ("layered, max-cached=(guint64)5", NULL);
  fail_unless (gst_layered_allocator_configure (GST_LAYERED_ALLOCATOR (a),
          change));
  gst_structure_free (change);
  g_object_get (a, "max-cached", &cap, NULL);
  fail_unless_equals_uint64 (cap, 5);

  /* construct-only settings cannot change, unknown ones are refused */
  change = gst_structure_from_string ("layered, min-align=(uint)256", NULL);
  fail_if (gst_layered_allocator_configure (GST_LAYERED_ALLOCATOR (a), change));
  gst_structure_free (change);
  change = gst_structure_from_string ("layered, no-such-thing=1", NULL);
  fail_if (gst_layered_allocator_configure (GST_LAYERED_ALLOCATOR (a), change));
  gst_structure_free (change);
  g_object_get (a, "min-align", &align, NULL);
  fail_unless_equals_int (align, 128);
  gst_object_unref (a);
}

GST_END_TEST;

/* Threads hammer a small cap: once all is freed, the cache is within it. */
#define N_CAP_THREADS 4

static gpointer
cap_worker (gpointer data)
{
  GstAllocator *a = data;
  gint i;

  for (i = 0; i < 200; i++) {
    GstMemory *m[3];
    gint k;

    for (k = 0; k < 3; k++)
      m[k] = gst_allocator_alloc (a, (2 + (i + k) % 5) * MiB, NULL);
    for (k = 0; k < 3; k++)
      gst_memory_unref (m[k]);
  }
  return NULL;
}

GST_START_TEST (test_cap_under_load)
{
  GstAllocator *a = new_allocator ("layered, max-cached=(guint64)16777216");
  GThread *threads[N_CAP_THREADS];
  gint i;

  for (i = 0; i < N_CAP_THREADS; i++)
    threads[i] = g_thread_new ("cap", cap_worker, a);
  for (i = 0; i < N_CAP_THREADS; i++)
    g_thread_join (threads[i]);

  fail_unless_equals_uint64 (stat_of (a, "bytes-in-use"), 0);
  fail_unless (stat_of (a, "bytes-cached") <= 16 * MiB, "%" G_GUINT64_FORMAT
      " bytes cached", stat_of (a, "bytes-cached"));
  fail_unless (stat_of (a, "trims") > 0);
  fail_unless_equals_uint64 (stat_of (a, "allocations"), stat_of (a, "frees"));
  gst_object_unref (a);
}

GST_END_TEST;

/* The leak report lists exactly what a test leaks on purpose. */
GST_START_TEST (test_leak_report)
{
  GstAllocator *a = new_allocator ("layered, backtraces=true");
  GstMemory *keep1 = gst_allocator_alloc (a, 3110400, NULL);
  GstMemory *keep2 = gst_allocator_alloc (a, 100, NULL);
  GstMemory *gone = gst_allocator_alloc (a, 100, NULL);
  GstStructure *leaks;
  const GValue *classes, *traces;
  guint64 blocks, bytes;
  gchar *report;

  gst_memory_unref (gone);
  leaks = gst_layered_allocator_get_leaks (GST_LAYERED_ALLOCATOR (a));
  gst_structure_get (leaks, "blocks", G_TYPE_UINT64, &blocks,
      "bytes", G_TYPE_UINT64, &bytes, NULL);
  fail_unless_equals_uint64 (blocks, 2);
  classes = gst_structure_get_value (leaks, "classes");
  fail_unless_equals_int (gst_value_list_get_size (classes), 2);
  traces = gst_structure_get_value (leaks, "backtraces");
  fail_unless (traces != NULL);
  fail_unless_equals_int (gst_value_list_get_size (traces), 2);
  gst_structure_free (leaks);

  report = gst_layered_allocator_leak_report (GST_LAYERED_ALLOCATOR (a));
  fail_unless (strstr (report, "1 block(s) of class 128") != NULL, "%s",
      report);
  fail_unless (strstr (report, "1 block(s) of class 3112960") != NULL, "%s",
      report);
  g_free (report);

  gst_memory_unref (keep1);
  gst_memory_unref (keep2);
  report = gst_layered_allocator_leak_report (GST_LAYERED_ALLOCATOR (a));
  fail_unless_equals_string (report, "no memory in use");
  g_free (report);
  leaks = gst_layered_allocator_get_leaks (GST_LAYERED_ALLOCATOR (a));
  fail_if (gst_structure_has_field (leaks, "backtraces"));
  gst_structure_free (leaks);
  gst_object_unref (a);
}

GST_END_TEST;

/* Producers allocate, fill and copy buffers; consumers in other threads
 * check and free them. */
#define N_PRODUCERS 3
#define N_ITEMS 2000

static gpointer
produce (gpointer data)
{
  ReuseTestQueue *queue = data;
  gint i;

  for (i = 0; i < N_ITEMS; i++) {
    static const gsize sizes[] = { 100, 1400, 65536, 460800, 3110400 };
    gsize size = sizes[i % G_N_ELEMENTS (sizes)];
    GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL);
    GstBuffer *copy;

    gst_buffer_memset (buf, 0, i & 0xff, size);
    copy = gst_buffer_copy_deep (buf);
    gst_buffer_unref (buf);
    reuse_test_queue_push (queue, copy);
  }
  return NULL;
}

static gpointer
consume (gpointer data)
{
  ReuseTestQueue *queue = data;
  gint i;

  for (i = 0; i < N_ITEMS * N_PRODUCERS / 2; i++) {
    GstBuffer *buf = reuse_test_queue_pop (queue);
    GstMapInfo info;

    gst_buffer_map (buf, &info, GST_MAP_READ);
    fail_unless_equals_int (info.data[0], info.data[info.size - 1]);
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
  }
  return NULL;
}

GST_START_TEST (test_stress_threads)
{
  ReuseTestQueue *queue = reuse_test_queue_new ();
  GThread *threads[N_PRODUCERS + 2];
  gint i;

  for (i = 0; i < N_PRODUCERS; i++)
    threads[i] = g_thread_new ("producer", produce, queue);
  threads[N_PRODUCERS] = g_thread_new ("consumer", consume, queue);
  threads[N_PRODUCERS + 1] = g_thread_new ("consumer", consume, queue);
  for (i = 0; i < N_PRODUCERS + 2; i++)
    g_thread_join (threads[i]);
  reuse_test_queue_free (queue);

  fail_unless_equals_uint64 (stat_of (layered, "allocations"),
      2 * N_PRODUCERS * N_ITEMS);
  fail_unless_equals_uint64 (stat_of (layered, "frees"),
      2 * N_PRODUCERS * N_ITEMS);
  fail_unless_equals_uint64 (stat_of (layered, "bytes-in-use"), 0);
  fail_unless (stat_of (layered, "pool-hits") > N_PRODUCERS * N_ITEMS);
}

GST_END_TEST;

static Suite *
layeredallocator_suite (void)
{
  Suite *s = suite_create ("layeredallocator");
  TCase *tc_default = tcase_create ("default");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc_default);
  tcase_add_checked_fixture (tc_default, install_default, uninstall_default);
  tcase_add_test (tc_default, test_memory_init);
  tcase_add_test (tc_default, test_submemory);
  tcase_add_test (tc_default, test_is_span);
  tcase_add_test (tc_default, test_copy);
  tcase_add_test (tc_default, test_large_and_empty);
  tcase_add_test (tc_default, test_resize);
  tcase_add_test (tc_default, test_map_nested);
  tcase_add_test (tc_default, test_alloc_params);
  tcase_add_test (tc_default, test_lock);
  tcase_add_test (tc_default, test_copy_on_write_recycles);
  tcase_add_test (tc_default, test_stress_threads);

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_alignment);
  tcase_add_test (tc, test_alignment_masks);
  tcase_add_test (tc, test_zero_cap);
  tcase_add_test (tc, test_min_align);
  tcase_add_test (tc, test_zero_flags);
  tcase_add_test (tc, test_every_class);
  tcase_add_test (tc, test_oversized_counted);
  tcase_add_test (tc, test_stats_exact);
  tcase_add_test (tc, test_same_semantics_as_sysmem);
  tcase_add_test (tc, test_config);
  tcase_add_test (tc, test_cap_under_load);
  tcase_add_test (tc, test_leak_report);

  return s;
}

GST_CHECK_MAIN (layeredallocator);
