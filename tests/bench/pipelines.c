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
 * run, the seconds from the first pipeline's creation to the last one's
 * end, and the resident set size after the last pipeline is gone (rss_kib)
 * and at its highest (hwm_kib), from /proc/self/status. */

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

static gboolean
run_one (const gchar * desc)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  GstMessage *msg;
  gboolean ok;

  if (pipeline == NULL) {
    g_printerr ("cannot build \"%s\": %s\n", desc, error->message);
    g_clear_error (&error);
    return FALSE;
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

  printf ("pipelines=%d seconds=%.6f rss_kib=%" G_GUINT64_FORMAT
      " hwm_kib=%" G_GUINT64_FORMAT "\n", n, (end - start) / 1e6,
      status_kib ("VmRSS:"), status_kib ("VmHWM:"));
  gst_deinit ();
  return 0;
}
