/* gst-reuse: put a whole application on layered memory with one call
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

/* Build:
 *   cc layered-memory.c -o layered-memory \
 *     $(pkg-config --cflags --libs gstreamer-layered-1.0)
 *
 * Runs the same transcoding pipeline a few times, as a service would, with
 * gst_layered_memory_init() called once after gst_init(): every buffer pool
 * and element that takes the default allocator now gets aligned, cached,
 * size-classed memory. After each run it prints what the allocator saw;
 * from the second run on, the frame memory comes from the cache instead of
 * the system. At the end it prints the leak report and fails if any memory
 * is still in use once every pipeline is gone.
 */

#include <gst/gst.h>
#include <gst/layered/layered.h>
#include <stdlib.h>

#define PIPELINE \
  "videotestsrc num-buffers=%d ! " \
  "video/x-raw,format=I420,width=1280,height=720,framerate=30/1 ! " \
  "x264enc speed-preset=ultrafast tune=zerolatency ! h264parse ! " \
  "avdec_h264 ! videoconvert ! video/x-raw,format=BGRA ! fakesink"

/* The statistics can also come from the bus: the allocator posts them as
 * an element message on the pipeline's bus when asked (the layeredmem
 * tracer does so periodically, with its interval parameter). */
static void
print_bus_stats (GstAllocator * allocator, GstElement * pipeline)
{
  GstMessage *msg;
  const GstStructure *s;
  guint64 peak = 0;

  gst_layered_allocator_post_stats (GST_LAYERED_ALLOCATOR (allocator),
      pipeline);
  msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (pipeline), GST_MESSAGE_ELEMENT);
  s = gst_message_get_structure (msg);
  if (gst_structure_has_name (s, "layered-allocator-stats")) {
    gst_structure_get_uint64 (s, "peak-bytes-in-use", &peak);
    g_print ("  on the bus: %s, peak %" G_GUINT64_FORMAT " bytes in use\n",
        gst_structure_get_name (s), peak);
  }
  gst_message_unref (msg);
}

static gboolean
run_once (GstAllocator * allocator, gint frames, GError ** error)
{
  gchar *desc = g_strdup_printf (PIPELINE, frames);
  GstElement *pipeline = gst_parse_launch (desc, error);
  GstMessage *msg;
  gboolean ok;

  g_free (desc);
  if (pipeline == NULL)
    return FALSE;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  ok = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
  if (!ok)
    gst_message_parse_error (msg, error, NULL);
  gst_message_unref (msg);
  if (ok)
    print_bus_stats (allocator, pipeline);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  return ok;
}

int
main (int argc, char **argv)
{
  GstAllocator *allocator;
  GError *error = NULL;
  guint64 prev_allocs = 0, prev_sys = 0, prev_hits = 0;
  gint runs = 3, frames = 60, i;
  GstStructure *leaks;
  guint64 leaked = 0;
  gchar *report;

  gst_init (&argc, &argv);
  if (argc > 1)
    runs = atoi (argv[1]);
  if (argc > 2)
    frames = atoi (argv[2]);

  /* the one call: layered memory becomes the process's default allocator */
  allocator = gst_layered_memory_init (NULL);

  for (i = 1; i <= runs; i++) {
    GstStructure *stats;
    guint64 allocs, sys, hits, peak, in_use;
    gdouble hit_rate;

    if (!run_once (allocator, frames, &error)) {
      g_printerr ("run %d failed: %s\n", i, error->message);
      g_clear_error (&error);
      return 1;
    }

    stats = gst_layered_allocator_get_stats (GST_LAYERED_ALLOCATOR (allocator));
    gst_structure_get (stats, "allocations", G_TYPE_UINT64, &allocs,
        "system-allocations", G_TYPE_UINT64, &sys,
        "pool-hits", G_TYPE_UINT64, &hits,
        "peak-bytes-in-use", G_TYPE_UINT64, &peak,
        "bytes-in-use", G_TYPE_UINT64, &in_use,
        "hit-rate", G_TYPE_DOUBLE, &hit_rate, NULL);
    g_print ("run %d: %" G_GUINT64_FORMAT " allocations, %" G_GUINT64_FORMAT
        " served from the cache, %" G_GUINT64_FORMAT " from the system "
        "(hit rate %.3f, peak %" G_GUINT64_FORMAT " bytes in use, %"
        G_GUINT64_FORMAT " now)\n", i, allocs - prev_allocs, hits - prev_hits,
        sys - prev_sys, hit_rate, peak, in_use);
    prev_allocs = allocs;
    prev_hits = hits;
    prev_sys = sys;
    gst_structure_free (stats);
  }

  /* every pipeline is gone: nothing may be left in use */
  leaks = gst_layered_allocator_get_leaks (GST_LAYERED_ALLOCATOR (allocator));
  gst_structure_get (leaks, "bytes", G_TYPE_UINT64, &leaked, NULL);
  gst_structure_free (leaks);
  report = gst_layered_allocator_leak_report (GST_LAYERED_ALLOCATOR
      (allocator));
  g_print ("leak report: %s\n", report);
  g_free (report);

  gst_object_unref (allocator);
  return leaked == 0 ? 0 : 1;
}
