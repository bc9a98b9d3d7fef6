/* gst-reuse: state-change torture test for pipesink and pipesrc
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

/* Random state changes (PLAYING, PAUSED, READY, NULL) and flushing seeks,
 * from a seeded random number generator, while the child reads, writes,
 * exits, fails, never reads, or has exited leaving processes of its group
 * behind. A fixed number of iterations bounds the test; a hang fails it by
 * its timeout. After each iteration the pipeline goes to NULL, and then
 * nothing of any child's process group may be left, no child may be a
 * zombie, and at the end no descriptor may have leaked. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "pipetest.h"
#include "reusetest.h"

#define ITERATIONS      60
#define ACTIONS         8

static void
remember_pid (GstElement * element, GArray * pids)
{
  gint pid = -1;
  guint i;

  g_object_get (element, "pid", &pid, NULL);
  if (pid <= 0)
    return;
  for (i = 0; i < pids->len; i++)
    if (g_array_index (pids, gint, i) == pid)
      return;
  g_array_append_val (pids, pid);
}

static void
drop_messages (GstBus * bus)
{
  GstMessage *msg;

  while ((msg = gst_bus_pop (bus)))
    gst_message_unref (msg);
}

static const GstState states[] = {
  GST_STATE_PLAYING, GST_STATE_PAUSED, GST_STATE_READY, GST_STATE_NULL
};

/* One pipeline through @n_actions random actions, then NULL. */
static void
torture_once (GRand * rand, const gchar * desc, gint n_actions)
{
  GstElement *pipeline, *element;
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (gint));
  GError *err = NULL;
  GstBus *bus;
  gint a;
  guint i;

  GST_INFO ("pipeline: %s", desc);
  pipeline = gst_parse_launch (desc, &err);
  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  element = gst_bin_get_by_name (GST_BIN (pipeline), "pipe");
  fail_unless (element != NULL);
  bus = gst_element_get_bus (pipeline);

  for (a = 0; a < n_actions; a++) {
    gint what = g_rand_int_range (rand, 0, 6);

    if (what < 4) {
      GST_INFO ("action %d: to %s", a, gst_element_state_get_name
          (states[what]));
      /* asynchronous changes are not waited for: the next action comes
       * whatever the state */
      gst_element_set_state (pipeline, states[what]);
    } else if (what == 4) {
      GST_INFO ("action %d: flushing seek", a);
      gst_element_send_event (pipeline, gst_event_new_seek (1.0,
              GST_FORMAT_BYTES, GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 0,
              GST_SEEK_TYPE_NONE, -1));
    } else {
      g_usleep (g_rand_int_range (rand, 0, 30000));
    }
    remember_pid (element, pids);
    drop_messages (bus);
  }

  /* a hang fails the test by its timeout */
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  drop_messages (bus);

  for (i = 0; i < pids->len; i++)
    pipe_test_assert_group_gone (g_array_index (pids, gint, i));
  fail_unless_equals_int (pipe_test_zombie_children (), 0);

  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_object_unref (element);
  gst_object_unref (pipeline);
  g_array_free (pids, TRUE);
}

static const gchar *stderr_modes[] = { "log", "discard" };

/* what the child of pipesink does with its input */
static const gchar *sink_commands[] = {
  /* reads everything */
  "cat",
  /* reads slowly, with a process per block */
  "sh -c 'while [ $(dd bs=4096 count=1 status=none | wc -c) -gt 0 ]; "
      "do sleep 0.01; done'",
  /* reads, and floods its standard error from another process */
  "sh -c 'yes noise >&2 & cat > /dev/null'",
  /* stops reading early */
  "head -c 1000",
  /* exits at once, leaving a process that holds its input */
  "sh -c 'exec 3<&0; sleep 1000 <&3 3<&- & exit 0'",
  /* fails at once */
  "sh -c 'exit 3'",
  /* never reads */
  "sleep 1000",
  /* reads everything, then takes its time */
  "sh -c 'cat > /dev/null; sleep 0.05'",
};

/* what the child of pipesrc writes */
static const gchar *src_commands[] = {
  /* as fast as it can */
  "yes",
  /* slowly, with a process per line */
  "sh -c 'while :; do echo line; sleep 0.01; done'",
  /* a little, then exits */
  "head -c 100000 /dev/zero",
  /* nothing: exits at once, leaving a process that holds its output */
  "sh -c 'sleep 1000 & exit 0'",
  /* exits, leaving a process that writes */
  "sh -c 'yes & sleep 0.02; exit 0'",
  /* a little, then fails */
  "sh -c 'printf abc; exit 5'",
  /* nothing, ever */
  "sleep 1000",
  /* nothing, exits at once */
  "true",
};

static gchar *
sink_pipeline (GRand * rand)
{
  static const gint sizes[] = { 100, 4096, 65536 };
  gint num_buffers = g_rand_boolean (rand) ? -1 :
      g_rand_int_range (rand, 1, 50);

  return g_strdup_printf ("fakesrc sizetype=fixed filltype=zero sizemax=%d "
      "num-buffers=%d ! pipesink name=pipe command=\"%s\" stderr=%s "
      "on-broken-pipe=%s kill-timeout=50000000",
      sizes[g_rand_int_range (rand, 0, G_N_ELEMENTS (sizes))], num_buffers,
      sink_commands[g_rand_int_range (rand, 0, G_N_ELEMENTS (sink_commands))],
      stderr_modes[g_rand_int_range (rand, 0, G_N_ELEMENTS (stderr_modes))],
      g_rand_boolean (rand) ? "eos" : "error");
}

static gchar *
src_pipeline (GRand * rand)
{
  return g_strdup_printf ("pipesrc name=pipe command=\"%s\" stderr=%s "
      "kill-timeout=50000000 blocksize=%d ! fakesink sync=%s",
      src_commands[g_rand_int_range (rand, 0, G_N_ELEMENTS (src_commands))],
      stderr_modes[g_rand_int_range (rand, 0, G_N_ELEMENTS (stderr_modes))],
      g_rand_boolean (rand) ? 4096 : 65536,
      g_rand_boolean (rand) ? "true" : "false");
}

static void
torture (guint32 seed, gchar * (*make) (GRand * rand))
{
  GRand *rand = g_rand_new_with_seed (seed);
  gchar *desc;
  gint before, i;

  /* warm up what GLib and GStreamer open once */
  desc = make (rand);
  torture_once (rand, desc, 2);
  g_free (desc);
  before = reuse_test_count_fds ();

  for (i = 0; i < ITERATIONS; i++) {
    GST_INFO ("seed %u, iteration %d", seed, i);
    desc = make (rand);
    torture_once (rand, desc, ACTIONS);
    g_free (desc);
  }

  fail_unless_equals_int (reuse_test_count_fds (), before);
  g_rand_free (rand);
}

GST_START_TEST (test_pipesink_torture)
{
  torture (20261126, sink_pipeline);
}

GST_END_TEST;

GST_START_TEST (test_pipesrc_torture)
{
  torture (20261127, src_pipeline);
}

GST_END_TEST;

static Suite *
pipetorture_suite (void)
{
  Suite *s = suite_create ("pipetorture");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pipesink_torture);
  tcase_add_test (tc, test_pipesrc_torture);

  return s;
}

GST_CHECK_MAIN (pipetorture);
