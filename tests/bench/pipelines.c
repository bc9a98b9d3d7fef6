/* gst-reuse: run pipelines one after the other in one process
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

/* Usage: gst-reuse-bench-pipelines [--repeat N] 'PIPELINE' ['PIPELINE'...]
 *
 * Runs N pipelines (default: one of each) one after the other in this one
 * process, taking the descriptions in turn, as a service that thumbnails
 * or transcodes file after file does: each is built, played to EOS, set to
 * NULL and freed. The process's memory set-up (GST_TRACERS, LD_PRELOAD,
 * GLIBC_TUNABLES) is whatever the environment says. Prints the pipelines
 * run, the buffers that reached the elements named "sink" and a checksum
 * of them (their sizes and every byte, so that a wrong frame shows, even
 * a small overlay missing from an 8K frame), the seconds from the
 * first pipeline's creation to the last one's end, and the resident set
 * size after the last pipeline is gone (rss_kib) and at its highest
 * (hwm_kib), from /proc/self/status. */

#include <gst/gst.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static guint64
status_kib (const gchar * field)
{
  gchar *text = NULL, *p;
  guint64 v = 0;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return 0;
  p = strstr (text, field);
  if (p)
    v = g_ascii_strtoull (p + strlen (field), NULL, 10);
  g_free (text);
  return v;
}

static guint64 n_buffers, checksum;

/* every byte of @data in four independent lanes, so that the multiplies
 * overlap: a few milliseconds for an 8K frame */
static guint64
fold_bytes (const guint8 * data, gsize size, guint64 seed)
{
  guint64 h[4] = { seed, seed ^ 1, seed ^ 2, seed ^ 3 }, w[4];
  gsize off = 0;
  guint i;

  for (; off + sizeof (w) <= size; off += sizeof (w)) {
    memcpy (w, data + off, sizeof (w));
    for (i = 0; i < 4; i++)
      h[i] = (h[i] ^ w[i]) * 0x100000001B3ull;
  }
  for (; off < size; off++)
    h[0] = (h[0] ^ data[off]) * 0x100000001B3ull;

  return ((h[0] * 31 + h[1]) * 31 + h[2]) * 31 + h[3];
}

static GstPadProbeReturn
fold_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;
  guint64 h = gst_buffer_get_size (buf);

  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    h = fold_bytes (map.data, map.size, h);
    gst_buffer_unmap (buf, &map);
  }
  n_buffers++;
  checksum = (checksum ^ h) * 0x9E3779B97F4A7C15ull;

  return GST_PAD_PROBE_OK;
}

static gboolean
run_one (const gchar * desc)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  GstElement *sink;
  GstMessage *msg;
  gboolean ok;

  if (pipeline == NULL) {
    g_printerr ("cannot build \"%s\": %s\n", desc, error->message);
    g_clear_error (&error);
    return FALSE;
  }
  sink = GST_IS_BIN (pipeline) ?
      gst_bin_get_by_name (GST_BIN (pipeline), "sink") : NULL;
  if (sink) {
    GstPad *pad = gst_element_get_static_pad (sink, "sink");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, fold_buffer, NULL, NULL);
    gst_object_unref (pad);
    gst_object_unref (sink);
  }
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("\"%s\" does not start\n", desc);
    gst_object_unref (pipeline);
    return FALSE;
  }
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  ok = GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS;
  if (!ok) {
    gst_message_parse_error (msg, &error, NULL);
    g_printerr ("\"%s\" failed: %s\n", desc, error->message);
    g_clear_error (&error);
  }
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return ok;
}

int
main (int argc, char **argv)
{
  gint repeat = 0, i, n;
  GOptionEntry entries[] = {
    {"repeat", 0, 0, G_OPTION_ARG_INT, &repeat,
        "pipelines to run in all (default: each description once)", "N"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("'PIPELINE' ['PIPELINE'...]");
  GError *error = NULL;
  gint64 start, end;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc < 2) {
    g_printerr ("%s\n", error ? error->message : "no pipeline given");
    return 2;
  }
  g_option_context_free (ctx);

  n = repeat > 0 ? repeat : argc - 1;
  start = g_get_monotonic_time ();
  for (i = 0; i < n; i++) {
    if (!run_one (argv[1 + i % (argc - 1)]))
      return 1;
  }
  end = g_get_monotonic_time ();

  printf ("pipelines=%d buffers=%" G_GUINT64_FORMAT " checksum=%016"
      G_GINT64_MODIFIER "x seconds=%.6f rss_kib=%" G_GUINT64_FORMAT
      " hwm_kib=%" G_GUINT64_FORMAT "\n", n, n_buffers, checksum,
      (end - start) / 1e6, status_kib ("VmRSS:"), status_kib ("VmHWM:"));
  gst_deinit ();
  return 0;
}
