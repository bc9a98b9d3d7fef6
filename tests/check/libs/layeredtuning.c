/* gst-reuse: layered memory's process tuning: huge pages by size class and
 * glibc's malloc
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

/* Each test runs in a process of its own (check forks), so the malloc
 * settings one test makes do not reach the others. Under AddressSanitizer
 * malloc is its own, not glibc's: there the tuning must change nothing and
 * say so, as with any other malloc. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/layered/layered.h>

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1024 * 1024)

static GstAllocator *
new_allocator (const gchar * desc)
{
  GstStructure *config = gst_structure_from_string (desc, NULL);
  GstAllocator *a;

  fail_unless (config != NULL, "bad config %s", desc);
  a = gst_layered_allocator_new (config);
  gst_structure_free (config);
  fail_unless (a != NULL);
  return a;
}

static guint64
stat_of (GstAllocator * a, const gchar * field)
{
  GstStructure *s = gst_layered_allocator_get_stats (GST_LAYERED_ALLOCATOR (a));
  guint64 v = 0;

  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  return v;
}

/* Whether the mapping that holds @addr was advised MADV_HUGEPAGE (the
 * "hg" flag in /proc/self/smaps): what the allocator asked for, whatever
 * the kernel's transparent huge page setting makes of it. */
static gboolean
advised_huge (gconstpointer addr)
{
  gchar *smaps = NULL, **lines, **l;
  gboolean inside = FALSE, huge = FALSE, found = FALSE;
  guintptr a = (guintptr) addr;

  fail_unless (g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL));
  lines = g_strsplit (smaps, "\n", -1);
  for (l = lines; *l && !found; l++) {
    guint64 start, end;

    if (sscanf (*l, "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x",
            &start, &end) == 2 && strchr (*l, ' ')
        && strchr (*l, '-') < strchr (*l, ' ')) {
      inside = a >= start && a < end;
    } else if (inside && g_str_has_prefix (*l, "VmFlags:")) {
      huge = strstr (*l, " hg") != NULL;
      found = TRUE;
    }
  }
  g_strfreev (lines);
  g_free (smaps);
  fail_unless (found, "no mapping holds %p", addr);
  return huge;
}

static gpointer
data_of (GstMemory * mem)
{
  GstMapInfo info;
  gpointer data;

  fail_unless (gst_memory_map (mem, &info, GST_MAP_WRITE));
  /* touch it, as a frame would be */
  memset (info.data, 1, info.size);
  data = info.data;
  gst_memory_unmap (mem, &info);
  return data;
}

/* Frame classes at and above huge-pages-min-size get huge pages, the
 * others do not; the cap holds either way. */
GST_START_TEST (test_huge_pages_by_class)
{
  GstAllocator *a = new_allocator ("layered, "
      "huge-pages-min-size=(guint64)33554432, max-cached=(guint64)134217728");
  GstMemory *big, *small, *above;
  guint64 min;
  gint i;

  g_object_get (a, "huge-pages-min-size", &min, NULL);
  fail_unless_equals_uint64 (min, 32 * MiB);

  big = gst_allocator_alloc (a, 40 * MiB, NULL);
  small = gst_allocator_alloc (a, 8 * MiB, NULL);
  /* above max-class-size (256 MiB by default) comes from the system: by
   * size too */
  above = gst_allocator_alloc (a, 300 * MiB, NULL);
  fail_unless (advised_huge (data_of (big)));
  fail_unless (!advised_huge (data_of (small)));
  fail_unless (advised_huge (data_of (above)));
  gst_memory_unref (big);
  gst_memory_unref (small);
  gst_memory_unref (above);

  /* under the cap: however many huge-page frames come and go, at most
   * max-cached of them stay cached */
  for (i = 0; i < 6; i++) {
    GstMemory *m[3];
    gint j;

    for (j = 0; j < 3; j++)
      m[j] = gst_allocator_alloc (a, (33 + i) * MiB, NULL);
    for (j = 0; j < 3; j++)
      gst_memory_unref (m[j]);
    fail_unless (stat_of (a, "bytes-cached") <= 128 * MiB,
        "%" G_GUINT64_FORMAT " bytes cached", stat_of (a, "bytes-cached"));
  }
  fail_unless_equals_uint64 (stat_of (a, "bytes-in-use"), 0);
  gst_object_unref (a);
}

GST_END_TEST;

/* The default asks for no huge pages; huge-pages=true for every chunk of
 * 2 MiB and more, whatever huge-pages-min-size says. */
GST_START_TEST (test_huge_pages_defaults)
{
  GstAllocator *a = new_allocator ("layered");
  GstMemory *mem;
  guint64 min;
  gboolean huge;

  g_object_get (a, "huge-pages", &huge, "huge-pages-min-size", &min, NULL);
  fail_if (huge);
  fail_unless_equals_uint64 (min, 0);
  mem = gst_allocator_alloc (a, 40 * MiB, NULL);
  fail_unless (!advised_huge (data_of (mem)));
  gst_memory_unref (mem);
  gst_object_unref (a);

  a = new_allocator ("layered, huge-pages=true, "
      "huge-pages-min-size=(guint64)1073741824");
  mem = gst_allocator_alloc (a, 4 * MiB, NULL);
  fail_unless (advised_huge (data_of (mem)));
  gst_memory_unref (mem);
  gst_object_unref (a);
}

GST_END_TEST;

/* glibc's counters: bytes in blocks mapped on their own, bytes of heap */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Waggregate-return"
static gsize
mapped_bytes (void)
{
  return mallinfo2 ().hblkhd;
}

static gsize
heap_bytes (void)
{
  return mallinfo2 ().arena;
}

#pragma GCC diagnostic pop

/* whether a new @size-byte malloc gets a mapping of its own */
static gboolean
malloc_maps (gsize size)
{
  gsize before = mapped_bytes ();
  gpointer p = malloc (size);
  gboolean mapped;

  fail_unless (p != NULL);
  memset (p, 1, 4096);
  mapped = mapped_bytes () >= before + size;
  free (p);
  return mapped;
}

/* malloc-tuning in gst_layered_memory_init(): glibc keeps what codec
 * libraries allocate, and says so; without it, malloc is left alone. */
/* AddressSanitizer's malloc refuses mallopt(); ThreadSanitizer passes it
 * on to glibc's malloc, which it does not use: nothing to observe there */
#ifdef __SANITIZE_ADDRESS__
#define OTHER_MALLOC 1
#else
#define OTHER_MALLOC 0
#endif
#ifdef __SANITIZE_THREAD__
#define UNOBSERVABLE_MALLOC 1
#else
#define UNOBSERVABLE_MALLOC 0
#endif

GST_START_TEST (test_malloc_tuning)
{
  GstStructure *config, *tuning;
  GstAllocator *a;
  guint64 v = 0;
  gpointer p;

  if (UNOBSERVABLE_MALLOC)
    return;
  if (OTHER_MALLOC) {
    config = gst_structure_from_string ("layered, malloc-tuning=true", NULL);
    a = gst_layered_memory_init (config);
    gst_structure_free (config);
    gst_object_unref (a);
    fail_unless (gst_layered_malloc_get_tuning () == NULL);
    return;
  }

  /* glibc's own behaviour first: 16 MiB gets a mapping (freeing it moves
   * glibc's threshold to just above 16 MiB) */
  fail_unless (malloc_maps (16 * MiB));
  fail_unless (gst_layered_malloc_get_tuning () == NULL);

  /* without the option nothing changes */
  a = gst_layered_memory_init (NULL);
  gst_object_unref (a);
  fail_unless (gst_layered_malloc_get_tuning () == NULL);
  fail_unless (malloc_maps (24 * MiB));

  config = gst_structure_from_string ("layered, malloc-tuning=true, "
      "max-cached=(guint64)268435456", NULL);
  a = gst_layered_memory_init (config);
  gst_structure_free (config);
  /* the other settings went to the allocator */
  g_object_get (a, "max-cached", &v, NULL);
  fail_unless_equals_uint64 (v, 256 * MiB);
  gst_object_unref (a);

  /* reported */
  tuning = gst_layered_malloc_get_tuning ();
  fail_unless (tuning != NULL);
  fail_unless (gst_structure_has_name (tuning, "layered-malloc-tuning"));
  fail_unless (gst_structure_get_uint64 (tuning, "mmap-threshold", &v));
  fail_unless_equals_uint64 (v, 32 * MiB);
  fail_unless (gst_structure_get_uint64 (tuning, "trim-threshold", &v));
  fail_unless_equals_uint64 (v, 256 * MiB);
  gst_structure_free (tuning);

  /* applied: 24 MiB now comes from the heap, and freeing it leaves the
   * heap as large as it was (below the trim threshold) */
  fail_if (malloc_maps (24 * MiB));
  p = malloc (24 * MiB);
  memset (p, 1, 24 * MiB);
  free (p);
  fail_unless (heap_bytes () >= 24 * MiB);
}

GST_END_TEST;

/* gst_layered_malloc_tune() with settings: 0 leaves a parameter alone and
 * is not reported as set. */
GST_START_TEST (test_malloc_tune_settings)
{
  GstStructure *settings = gst_structure_from_string ("settings, "
      "mmap-threshold=(guint64)0, trim-threshold=(guint64)134217728, "
      "arena-max=(guint)2", NULL);
  GstStructure *done;
  guint64 v;

  if (UNOBSERVABLE_MALLOC) {
    gst_structure_free (settings);
    return;
  }
  if (OTHER_MALLOC) {
    fail_unless (gst_layered_malloc_tune (settings) == NULL);
    gst_structure_free (settings);
    return;
  }
  done = gst_layered_malloc_tune (settings);
  gst_structure_free (settings);
  fail_unless (done != NULL);
  fail_if (gst_structure_has_field (done, "mmap-threshold"));
  fail_if (gst_structure_has_field (done, "top-pad"));
  fail_unless (gst_structure_get_uint64 (done, "trim-threshold", &v));
  fail_unless_equals_uint64 (v, 128 * MiB);
  fail_unless (gst_structure_get_uint64 (done, "arena-max", &v));
  fail_unless_equals_uint64 (v, 2);
  gst_structure_free (done);
  /* the threshold was left alone: glibc still maps 40 MiB */
  fail_unless (malloc_maps (40 * MiB));

  /* no settings: the defaults, which are what is reported from then on */
  done = gst_layered_malloc_tune (NULL);
  fail_unless (done != NULL);
  fail_unless (gst_structure_get_uint64 (done, "mmap-threshold", &v));
  settings = gst_layered_malloc_get_tuning ();
  fail_unless (gst_structure_is_equal (done, settings));
  gst_structure_free (settings);
  gst_structure_free (done);
  fail_if (malloc_maps (v / 2));
}

GST_END_TEST;

static Suite *
layeredtuning_suite (void)
{
  Suite *s = suite_create ("layeredtuning");
  TCase *tc = tcase_create ("tuning");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_huge_pages_by_class);
  tcase_add_test (tc, test_huge_pages_defaults);
  tcase_add_test (tc, test_malloc_tuning);
  tcase_add_test (tc, test_malloc_tune_settings);

  return s;
}

GST_CHECK_MAIN (layeredtuning);
