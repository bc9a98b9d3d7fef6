/* gst-reuse: a program whose bus sync handler builds pipelines while the
 * layeredmem tracer posts its statistics
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

/* Usage: layeredmem-reenter [COUNT]
 *
 * Run with GST_TRACERS="layeredmem(interval=...)". A running pipeline's
 * bus has a sync handler that, for each layered-allocator-stats message
 * (posted from the tracer's thread), builds and drops a pipeline with
 * gst_parse_launch(): the tracer must not hold its lock while it posts.
 * A second pipeline is built and never started: the tracer must not post
 * on its bus. Prints what it saw; exits 0 once COUNT (default 3) messages
 * went through the handler and the idle pipeline's bus stayed empty, 1
 * otherwise. A deadlock shows as a hang: the caller's timeout. */

#include <gst/gst.h>

#include <stdlib.h>

static GMutex lock;
static GCond cond;
static gint handled;            /* lock */

static GstBusSyncReply
sync_handler (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  const GstStructure *s = gst_message_get_structure (msg);
  GstElement *other;
  GError *error = NULL;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT || s == NULL ||
      !gst_structure_has_name (s, "layered-allocator-stats"))
    return GST_BUS_PASS;

  /* from the tracer's thread: build a pipeline here and now */
  other = gst_parse_launch ("fakesrc num-buffers=1 ! fakesink", &error);
  if (other == NULL) {
    g_printerr ("cannot build a pipeline: %s\n", error->message);
    g_clear_error (&error);
  } else {
    gst_object_unref (other);
  }

  g_mutex_lock (&lock);
  handled++;
  g_cond_signal (&cond);
  g_mutex_unlock (&lock);
  /* a handler that drops a message unrefs it */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *idle;
  GstMessage *msg;
  gint count, idle_stats = 0, n;
  gint64 end;

  gst_init (&argc, &argv);
  count = argc > 1 ? CLAMP (atoi (argv[1]), 1, 100) : 3;

  idle = gst_parse_launch ("fakesrc ! fakesink", NULL);
  pipeline = gst_parse_launch ("fakesrc is-live=true sizetype=fixed "
      "sizemax=4096 ! fakesink sync=false", NULL);
  if (idle == NULL || pipeline == NULL)
    return 1;
  gst_bus_set_sync_handler (GST_ELEMENT_BUS (pipeline), sync_handler, NULL,
      NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  /* a bounded wait: a deadlock in the tracer thread leaves it short */
  end = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  g_mutex_lock (&lock);
  while (handled < count && g_cond_wait_until (&cond, &lock, end));
  n = handled;
  g_mutex_unlock (&lock);

  while ((msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (idle),
              GST_MESSAGE_ELEMENT))) {
    const GstStructure *s = gst_message_get_structure (msg);

    if (s && gst_structure_has_name (s, "layered-allocator-stats"))
      idle_stats++;
    gst_message_unref (msg);
  }
  g_print ("handled %d statistics messages in the sync handler; the idle "
      "pipeline's bus got %d\n", n, idle_stats);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  gst_object_unref (idle);
  gst_deinit ();
  return n >= count && idle_stats == 0 ? 0 : 1;
}
