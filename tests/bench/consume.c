/* gst-reuse: benchmark consumer, reads every byte a pipeline produces
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

/* Usage: gst-reuse-bench-consume [--thread] 'SOURCE ... ! appsink name=sink'
 *
 * Runs the pipeline, takes every sample from the appsink, maps each buffer
 * and folds every byte into a checksum, the way a consumer that really uses
 * the data would touch it. By default the samples are taken in appsink's
 * new-sample callback, in the streaming thread, as most applications do;
 * with --thread the main thread pulls them, so that the source works in
 * parallel with the consumer. Prints the byte count and the checksum, so
 * that scripts/bench can check that every variant produced the same data,
 * and the seconds from PLAYING to EOS (the streaming time, without process
 * start-up and gst_init()), from which it computes throughput. */

#include <gst/gst.h>
#include <gst/app/gstappsink.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fletcher-style sums over 64-bit words in four lanes: every byte and its
 * position count, and the lanes let the CPU run at memory speed, as a fast
 * real consumer (a hash such as XXH3, a parser) would. */
typedef struct
{
  guint64 a[4], b[4];
  guint64 tail;
} Checksum;

static void
checksum_update (Checksum * c, const guint8 * data, gsize size)
{
  const guint8 *end = data + size;
  guint64 w[4];
  gint i;

  while (data + 32 <= end) {
    memcpy (w, data, 32);
    for (i = 0; i < 4; i++) {
      c->a[i] += w[i];
      c->b[i] += c->a[i];
    }
    data += 32;
  }
  while (data < end)
    c->tail = (c->tail ^ *data++) * 0x100000001B3ull;
}

static guint64
checksum_final (const Checksum * c)
{
  guint64 h = c->tail;
  gint i;

  for (i = 0; i < 4; i++)
    h = (h ^ c->a[i] ^ (c->b[i] << 1)) * 0x9E3779B97F4A7C15ull;
  return h;
}

typedef struct
{
  Checksum sum;
  guint64 bytes, buffers;
} Consumer;

static void
consume_sample (Consumer * c, GstSample * sample)
{
  GstBuffer *buf = gst_sample_get_buffer (sample);
  GstMapInfo info;

  if (gst_buffer_map (buf, &info, GST_MAP_READ)) {
    checksum_update (&c->sum, info.data, info.size);
    c->bytes += info.size;
    c->buffers++;
    gst_buffer_unmap (buf, &info);
  }
  gst_sample_unref (sample);
}

static GstFlowReturn
new_sample (GstAppSink * sink, gpointer user_data)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return GST_FLOW_EOS;
  consume_sample (user_data, sample);
  return GST_FLOW_OK;
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *sink;
  GError *err = NULL;
  GstMessage *msg;
  Consumer c = { {{0}, {0}, 0}, 0, 0 };
  gboolean in_thread = FALSE;
  const gchar *description;
  gint64 start;
  gdouble seconds;
  int ret = 0;

  gst_init (&argc, &argv);
  if (argc == 3 && strcmp (argv[1], "--thread") == 0) {
    in_thread = TRUE;
    description = argv[2];
  } else if (argc == 2) {
    description = argv[1];
  } else {
    fprintf (stderr, "usage: %s [--thread] 'SOURCE ! ... ! appsink "
        "name=sink'\n", argv[0]);
    return 2;
  }

  pipeline = gst_parse_launch (description, &err);
  if (pipeline == NULL) {
    fprintf (stderr, "bad pipeline: %s\n", err->message);
    return 2;
  }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  if (sink == NULL || !GST_IS_APP_SINK (sink)) {
    fprintf (stderr, "the pipeline needs an appsink named \"sink\"\n");
    return 2;
  }
  g_object_set (sink, "sync", FALSE, "max-buffers", 4, NULL);
  if (!in_thread) {
    GstAppSinkCallbacks callbacks = { NULL, };

    callbacks.new_sample = new_sample;
    gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, &c, NULL);
  }

  start = g_get_monotonic_time ();
  if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    fprintf (stderr, "could not start the pipeline\n");
    return 1;
  }

  if (in_thread) {
    for (;;) {
      GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink),
          GST_SECOND / 10);

      if (sample) {
        consume_sample (&c, sample);
        continue;
      }
      if (gst_app_sink_is_eos (GST_APP_SINK (sink)))
        break;
      /* an error upstream means no EOS will ever come */
      msg = gst_bus_pop_filtered (GST_ELEMENT_BUS (pipeline),
          GST_MESSAGE_ERROR);
      if (msg) {
        gst_bus_post (GST_ELEMENT_BUS (pipeline), msg);
        break;
      }
    }
  }

  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      GST_CLOCK_TIME_NONE, GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &err, NULL);
    fprintf (stderr, "error: %s\n", err->message);
    g_clear_error (&err);
    ret = 1;
  }
  gst_message_unref (msg);
  seconds = (g_get_monotonic_time () - start) / (gdouble) G_USEC_PER_SEC;

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);

  printf ("bytes=%" G_GUINT64_FORMAT " buffers=%" G_GUINT64_FORMAT
      " checksum=%016" G_GINT64_MODIFIER "x seconds=%.6f\n", c.bytes,
      c.buffers, checksum_final (&c.sum), seconds);

  return ret;
}
