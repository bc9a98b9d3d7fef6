/* gst-reuse: memory allocation micro-benchmark
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

/* Usage: gst-reuse-bench-alloc --source=SOURCE --size=BYTES
 *            --iterations=N [--threads=T] [--write] [--huge-pages]
 *            [--huge-pages-min-size=BYTES] [--max-cached=BYTES]
 *
 * In the manner of upstream's gstpoolstress: T threads each take memory of
 * BYTES bytes N times, optionally map it for writing and fill all of it,
 * and give it back, one at a time. SOURCE is
 *   layered  gst_allocator_alloc() on a GstLayeredAllocator (with its
 *            defaults; --huge-pages sets huge-pages=true, --max-cached
 *            the cap on cached bytes, e.g. 0 for "do not cache")
 *   sysmem   gst_allocator_alloc() on the default system memory allocator
 *   pool     gst_buffer_pool_acquire_buffer() on a plain GstBufferPool over
 *            system memory, released with gst_buffer_unref()
 *   layered-pool  the same on a GstLayeredBufferPool: a GstBuffer each
 *            time, like pool, so the two compare equal work
 * Prints the operations done, a checksum of one byte per page of what was
 * written (so that every source must really have written), and the
 * seconds the threads took, from the first operation to the last (set-up
 * and gst_init() are not counted). */

#include <gst/gst.h>
#include <gst/layered/layered.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum
{
  SOURCE_LAYERED,
  SOURCE_SYSMEM,
  SOURCE_POOL,
} Source;

typedef struct
{
  Source source;
  GstAllocator *allocator;
  GstBufferPool *pool;
  gsize size;
  guint64 iterations;
  gboolean write;
  guint64 checksum;             /* per thread */
  GThread *thread;
} Worker;

static guint64
fill (guint8 * data, gsize size, guint64 i)
{
  guint64 sum = 0;
  gsize off;

  memset (data, (gint) (i & 0xff), size);
  for (off = 0; off < size; off += 4096)
    sum += data[off];
  return sum;
}

static gpointer
run_worker (gpointer data)
{
  Worker *w = data;
  guint64 i;

  for (i = 0; i < w->iterations; i++) {
    if (w->source == SOURCE_POOL) {
      GstBuffer *buf = NULL;
      GstMapInfo map;

      if (gst_buffer_pool_acquire_buffer (w->pool, &buf, NULL) != GST_FLOW_OK)
        g_error ("the pool gave no buffer");
      if (w->write) {
        if (!gst_buffer_map (buf, &map, GST_MAP_WRITE))
          g_error ("cannot map a buffer for writing");
        w->checksum += fill (map.data, map.size, i);
        gst_buffer_unmap (buf, &map);
      }
      gst_buffer_unref (buf);
    } else {
      GstMemory *mem = gst_allocator_alloc (w->allocator, w->size, NULL);
      GstMapInfo map;

      if (mem == NULL)
        g_error ("the allocator gave no memory");
      if (w->write) {
        if (!gst_memory_map (mem, &map, GST_MAP_WRITE))
          g_error ("cannot map memory for writing");
        w->checksum += fill (map.data, map.size, i);
        gst_memory_unmap (mem, &map);
      }
      gst_memory_unref (mem);
    }
  }
  return NULL;
}

int
main (int argc, char **argv)
{
  gchar *source = NULL;
  gint64 size = 0, iterations = 0;
  gint threads = 1;
  gboolean write = FALSE, huge_pages = FALSE;
  gint64 max_cached = -1, huge_min = 0;
  GOptionEntry entries[] = {
    {"source", 0, 0, G_OPTION_ARG_STRING, &source,
        "layered, sysmem, pool (GstBufferPool) or layered-pool "
          "(GstLayeredBufferPool)", "SOURCE"},
    {"size", 0, 0, G_OPTION_ARG_INT64, &size, "bytes per allocation",
        "BYTES"},
    {"iterations", 0, 0, G_OPTION_ARG_INT64, &iterations,
        "allocations per thread", "N"},
    {"threads", 0, 0, G_OPTION_ARG_INT, &threads, "threads (1)", "T"},
    {"write", 0, 0, G_OPTION_ARG_NONE, &write,
        "map and fill every allocation", NULL},
    {"huge-pages", 0, 0, G_OPTION_ARG_NONE, &huge_pages,
        "layered: huge-pages=true", NULL},
    {"huge-pages-min-size", 0, 0, G_OPTION_ARG_INT64, &huge_min,
        "layered: huge-pages-min-size", "BYTES"},
    {"max-cached", 0, 0, G_OPTION_ARG_INT64, &max_cached,
        "layered: max-cached (default: the allocator's)", "BYTES"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- allocation benchmark");
  GError *error = NULL;
  GstAllocator *allocator = NULL;
  GstBufferPool *pool = NULL;
  Source src;
  Worker *workers;
  guint64 checksum = 0;
  gint64 start, end;
  gint i;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (source == NULL || size <= 0 || iterations <= 0 || threads < 1) {
    g_printerr ("--source, --size and --iterations are required\n");
    return 2;
  }

  if (g_str_equal (source, "layered")) {
    GstStructure *config = gst_structure_new ("layered-allocator-config",
        "huge-pages", G_TYPE_BOOLEAN, huge_pages,
        "huge-pages-min-size", G_TYPE_UINT64, (guint64) MAX (huge_min, 0),
        NULL);

    if (max_cached >= 0)
      gst_structure_set (config, "max-cached", G_TYPE_UINT64,
          (guint64) max_cached, NULL);
    src = SOURCE_LAYERED;
    allocator = gst_layered_allocator_new (config);
    gst_structure_free (config);
  } else if (g_str_equal (source, "sysmem")) {
    src = SOURCE_SYSMEM;
    allocator = gst_allocator_find (GST_ALLOCATOR_SYSMEM);
  } else if (g_str_equal (source, "pool")
      || g_str_equal (source, "layered-pool")) {
    GstStructure *config;

    /* the same work either way: a GstBuffer acquired from a pool and
     * released to it */
    src = SOURCE_POOL;
    pool = g_str_equal (source, "pool") ? gst_buffer_pool_new () :
        gst_layered_buffer_pool_new ();
    config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_set_params (config, NULL, size, 0, 0);
    if (!gst_buffer_pool_set_config (pool, config) ||
        !gst_buffer_pool_set_active (pool, TRUE)) {
      g_printerr ("cannot set up the buffer pool\n");
      return 1;
    }
  } else {
    g_printerr ("unknown source \"%s\"\n", source);
    return 2;
  }

  workers = g_new0 (Worker, threads);
  for (i = 0; i < threads; i++) {
    workers[i].source = src;
    workers[i].allocator = allocator;
    workers[i].pool = pool;
    workers[i].size = size;
    workers[i].iterations = iterations;
    workers[i].write = write;
  }

  start = g_get_monotonic_time ();
  for (i = 0; i < threads; i++)
    workers[i].thread = g_thread_new ("alloc", run_worker, &workers[i]);
  for (i = 0; i < threads; i++) {
    g_thread_join (workers[i].thread);
    checksum += workers[i].checksum;
  }
  end = g_get_monotonic_time ();

  printf ("ops=%" G_GUINT64_FORMAT " checksum=%" G_GUINT64_FORMAT
      " seconds=%.6f\n", (guint64) iterations * threads, checksum,
      (end - start) / 1e6);

  if (pool) {
    gst_buffer_pool_set_active (pool, FALSE);
    gst_object_unref (pool);
  }
  if (allocator)
    gst_object_unref (allocator);
  g_free (workers);
  g_free (source);
  return 0;
}
