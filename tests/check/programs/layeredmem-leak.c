/* gst-reuse: a program that leaks memory on purpose, for the layeredmem
 * tracer's leak report
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

/* Usage: layeredmem-leak SIZE [COUNT]
 *
 * Run with GST_TRACERS=layeredmem: runs a short pipeline, then allocates
 * COUNT buffers of SIZE bytes from the default allocator and never frees
 * them, and calls gst_deinit(), where the tracer reports what is left. */

#include <gst/gst.h>

#include <stdlib.h>

static GstBuffer *leaked[16];

int
main (int argc, char **argv)
{
  GstElement *pipeline;
  GstMessage *msg;
  gsize size;
  gint count, i;

  gst_init (&argc, &argv);
  if (argc < 2)
    return 2;
  size = strtoul (argv[1], NULL, 10);
  count = argc > 2 ? CLAMP (atoi (argv[2]), 1, 16) : 1;

  /* a clean pipeline first: it must not show in the report */
  pipeline = gst_parse_launch ("videotestsrc num-buffers=10 ! fakesink", NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  for (i = 0; i < count; i++)
    leaked[i] = gst_buffer_new_allocate (NULL, size, NULL);

  gst_deinit ();
  return 0;
}
