/* gst-reuse: pipesink element tests, with real child programs
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

/* When GST_REUSE_TEST_SIGPIPE=ignore is set (a second meson test), the
 * whole suite runs with SIGPIPE ignored process-wide, as in any process
 * that created a GSocket; otherwise with SIGPIPE at its default
 * disposition, where a mishandled write to a closed pipe kills the test. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <glib/gstdio.h>

#include "pipetest.h"
#include "reusetest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static gchar *tmpdir;

static void
setup (void)
{
  reuse_test_apply_sigpipe_policy ();
  tmpdir = g_dir_make_tmp ("pipesink-test-XXXXXX", NULL);
  fail_unless (tmpdir != NULL);
}

static void
teardown (void)
{
  reuse_test_remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

static GstBuffer *
make_buffer (guint64 offset, gsize size)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, size, NULL);
  GstMapInfo info;
  gsize i;

  gst_buffer_map (buf, &info, GST_MAP_WRITE);
  for (i = 0; i < size; i++)
    info.data[i] = reuse_test_pattern (offset + i);
  gst_buffer_unmap (buf, &info);
  return buf;
}

/* A pipesink with @prop set: the harness starts it at once. */
static GstElement *
make_sink (const gchar * prop, const gchar * value)
{
  GstElement *sink = gst_element_factory_make ("pipesink", NULL);

  fail_unless (sink != NULL);
  gst_util_set_object_arg (G_OBJECT (sink), prop, value);
  /* the harness wants PLAYING at once, without waiting for preroll */
  g_object_set (sink, "async", FALSE, NULL);
  return sink;
}

static GstHarness *
harness_for (GstElement * sink)
{
  GstHarness *h = gst_harness_new_with_element (sink, "sink", NULL);

  gst_object_unref (sink);
  return h;
}

/* A running pipesink for @command, with more settings given as pairs of
 * property names and string values. */
static PipeTestElement *
sink_new (const gchar * command, ...)
{
  PipeTestElement *s = g_new0 (PipeTestElement, 1);
  GstElement *sink = make_sink ("command", command);
  va_list args;

  va_start (args, command);
  pipe_test_set_properties_valist (sink, args);
  va_end (args);

  s->h = harness_for (sink);
  s->bus = gst_bus_new ();
  gst_element_set_bus (s->h->element, s->bus);
  return s;
}

/* Pushes @total bytes in buffers of @block, each its own pattern range;
 * returns the first flow return that was not OK. */
static GstFlowReturn
push_pattern (GstHarness * h, gsize total, gsize block)
{
  guint64 off = 0;

  gst_harness_set_src_caps_str (h, "application/octet-stream");
  while (off < total) {
    gsize n = MIN (block, total - off);
    GstFlowReturn ret = gst_harness_push (h, make_buffer (off, n));

    if (ret != GST_FLOW_OK)
      return ret;
    off += n;
  }
  return GST_FLOW_OK;
}

/* The next EOS or ERROR on @bus. */
static GstMessage *
wait_end (GstBus * bus)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

  fail_unless (msg != NULL, "neither EOS nor ERROR");
  return msg;
}

static gint
details_int (GstMessage * msg, const gchar * field)
{
  const GstStructure *details = NULL;
  gint v = -1000;

  gst_message_parse_error_details (msg, &details);
  fail_unless (details != NULL);
  fail_unless (gst_structure_get_int (details, field, &v));
  return v;
}

/* Waits until @path exists (the child says how far it got). */
static void
wait_for_file (const gchar * path)
{
  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_usleep (10000);
}

static void
touch (const gchar * path)
{
  fail_unless (g_file_set_contents (path, "", 0, NULL));
}

/* Ends the stream: the EOS comes, and the child exited with 0. */
static void
assert_clean_end (PipeTestElement * s)
{
  GstMessage *msg;
  gint exit_status;

  fail_unless (gst_harness_push_event (s->h, gst_event_new_eos ()));
  msg = wait_end (s->bus);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  g_object_get (s->h->element, "exit-status", &exit_status, NULL);
  fail_unless_equals_int (exit_status, 0);
}

/* --- data ---------------------------------------------------------------- */

/* Every byte arrives, in order: the child compares its input with a file
 * holding the expected bytes, and counts them. */
GST_START_TEST (test_every_byte_arrives)
{
  const gsize total = 3 * 1024 * 1024 + 17;
  gchar *expected = pipe_test_make_pattern_file (tmpdir, "expected", total);
  gchar *command;
  PipeTestElement *s;

  command = g_strdup_printf ("sh -c 'cmp - \"%s\" && test \"$(wc -c < \"%s\")\""
      " -eq %" G_GSIZE_FORMAT "'", expected, expected, total);

  s = sink_new (command, NULL);
  fail_unless_equals_int (push_pattern (s->h, total, 65536 + 7), GST_FLOW_OK);
  assert_clean_end (s);

  pipe_test_element_free (s);
  g_free (command);
  g_free (expected);
}

GST_END_TEST;

/* A consumer that gets different bytes fails, and so does the pipeline:
 * the comparison above can fail. */
GST_START_TEST (test_wrong_bytes_fail)
{
  GstMessage *msg;
  PipeTestElement *s = sink_new ("sh -c 'test \"$(wc -c)\" -eq 999'", NULL);

  push_pattern (s->h, 1000, 100);
  gst_harness_push_event (s->h, gst_event_new_eos ());
  msg = wait_end (s->bus);
  pipe_test_assert_error (msg, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
      "exited with code 1");
  fail_unless_equals_int (details_int (msg, "exit-status"), 1);
  gst_message_unref (msg);
  pipe_test_element_free (s);
}

GST_END_TEST;

/* Buffers of several memories go out whole, in order (writev). */
GST_START_TEST (test_multi_memory_buffers)
{
  gchar *out = g_build_filename (tmpdir, "out", NULL);
  gchar *command = g_strdup_printf ("sh -c 'cat > \"%s\"'", out);
  GstMessage *msg;
  GstBuffer *buf;
  gchar *contents;
  gsize len, i;
  PipeTestElement *s = sink_new (command, NULL);

  gst_harness_set_src_caps_str (s->h, "application/octet-stream");
  buf = gst_buffer_new ();
  for (i = 0; i < 40; i++) {
    GstBuffer *part = make_buffer (i * 1000, 1000);

    gst_buffer_append_memory (buf, gst_buffer_get_all_memory (part));
    gst_buffer_unref (part);
  }
  fail_unless_equals_int (gst_harness_push (s->h, buf), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (s->h, gst_buffer_new ()),
      GST_FLOW_OK);
  gst_harness_push_event (s->h, gst_event_new_eos ());
  msg = wait_end (s->bus);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);

  fail_unless (g_file_get_contents (out, &contents, &len, NULL));
  fail_unless_equals_int (len, 40000);
  for (i = 0; i < len; i++)
    fail_unless_equals_int ((guint8) contents[i], reuse_test_pattern (i));

  g_free (contents);
  pipe_test_element_free (s);
  g_free (command);
  g_free (out);
}

GST_END_TEST;

/* --- how the child ends ---------------------------------------------------- */

GST_START_TEST (test_false_exit_code)
{
  GstMessage *msg;
  gint exit_status;
  PipeTestElement *s = sink_new ("false", NULL);

  push_pattern (s->h, 1000, 100);
  gst_harness_push_event (s->h, gst_event_new_eos ());
  msg = wait_end (s->bus);
  pipe_test_assert_error (msg, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
      "exited with code 1");
  fail_unless (strstr (GST_MESSAGE_SRC_NAME (msg), "pipesink") != NULL);
  fail_unless_equals_int (details_int (msg, "exit-status"), 1);
  fail_unless_equals_int (details_int (msg, "signal"), 0);
  gst_message_unref (msg);
  g_object_get (s->h->element, "exit-status", &exit_status, NULL);
  fail_unless_equals_int (exit_status, 1);
  pipe_test_element_free (s);
}

GST_END_TEST;

static void
check_start_error (const gchar * command, gint code, const gchar * part)
{
  GstElement *sink = gst_element_factory_make ("pipesink", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;

  gst_element_set_bus (sink, bus);
  g_object_set (sink, "command", command, NULL);
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  pipe_test_assert_error (msg, GST_RESOURCE_ERROR, code, part);
  gst_message_unref (msg);
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_element_set_bus (sink, NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
}

GST_START_TEST (test_start_errors)
{
  gchar *path = g_build_filename (tmpdir, "not-executable", NULL);
  gchar *cmd = g_strdup_printf ("'%s' --flag", path);

  check_start_error ("/no/such/program", GST_RESOURCE_ERROR_NOT_FOUND,
      "/no/such/program");
  check_start_error ("no-such-program-in-path-xyz",
      GST_RESOURCE_ERROR_NOT_FOUND, "no-such-program-in-path-xyz");
  fail_unless (g_file_set_contents (path, "#!/bin/sh\n", -1, NULL));
  fail_unless (chmod (path, 0644) == 0);
  check_start_error (cmd, GST_RESOURCE_ERROR_NOT_AUTHORIZED, path);
  check_start_error ("sh -c 'unterminated", GST_RESOURCE_ERROR_SETTINGS,
      "unterminated");
  check_start_error ("", GST_RESOURCE_ERROR_NOT_FOUND, NULL);

  /* no command, location or fd at all */
  {
    GstElement *sink = gst_element_factory_make ("pipesink", NULL);

    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
        GST_STATE_CHANGE_FAILURE);
    gst_element_set_state (sink, GST_STATE_NULL);
    gst_object_unref (sink);
  }
  g_free (cmd);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_killed_by_signal)
{
  GstMessage *msg;
  gint exit_status;
  PipeTestElement *s =
      sink_new ("sh -c 'echo about to die >&2; kill -9 $$'", NULL);

  push_pattern (s->h, 100000, 1000);
  gst_harness_push_event (s->h, gst_event_new_eos ());
  msg = wait_end (s->bus);
  pipe_test_assert_error (msg, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "killed by signal 9");
  pipe_test_assert_error (msg, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "about to die");
  fail_unless_equals_int (details_int (msg, "signal"), SIGKILL);
  gst_message_unref (msg);
  g_object_get (s->h->element, "exit-status", &exit_status, NULL);
  fail_unless_equals_int (exit_status, 128 + SIGKILL);
  pipe_test_element_free (s);
}

GST_END_TEST;

/* A consumer that stops early: an error by default, a quiet end of stream
 * with on-broken-pipe=eos, and the consumer has its 10 bytes either way. */
GST_START_TEST (test_head_consumer)
{
  gchar *out = g_build_filename (tmpdir, "head", NULL);
  gchar *command = g_strdup_printf ("sh -c 'head -c 10 > \"%s\"'", out);
  gint policy;

  for (policy = 0; policy < 2; policy++) {
    GstFlowReturn ret;
    GstMessage *msg;
    gchar *contents;
    gsize len, i;
    PipeTestElement *s =
        sink_new (command, "on-broken-pipe", policy ? "eos" : "error",
        NULL);
    ret = push_pattern (s->h, 10 * 1024 * 1024, 65536);
    if (policy) {
      fail_unless_equals_int (ret, GST_FLOW_EOS);
      gst_harness_push_event (s->h, gst_event_new_eos ());
      msg = wait_end (s->bus);
      fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
    } else {
      fail_unless_equals_int (ret, GST_FLOW_ERROR);
      msg = wait_end (s->bus);
      pipe_test_assert_error (msg, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
          "stopped reading");
    }
    gst_message_unref (msg);

    fail_unless (g_file_get_contents (out, &contents, &len, NULL));
    fail_unless_equals_int (len, 10);
    for (i = 0; i < len; i++)
      fail_unless_equals_int ((guint8) contents[i], reuse_test_pattern (i));
    g_free (contents);
    pipe_test_element_free (s);
  }
  g_free (command);
  g_free (out);
}

GST_END_TEST;

static GstBusSyncReply
count_warnings (GstBus * bus, GstMessage * msg, gpointer data)
{
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING)
    g_atomic_int_inc ((gint *) data);
  return GST_BUS_PASS;
}

/* A child that never reads: the pipe fills up, the write blocks, and going
 * to NULL still returns at once, stops the child and reaps it. */
GST_START_TEST (test_stuck_child_shutdown)
{
  GstElement *pipeline, *sink;
  GstBus *bus;
  gint pid = -1, exit_status, warnings = 0;

  pipeline = gst_parse_launch ("fakesrc sizetype=fixed sizemax=65536 "
      "filltype=zero ! pipesink name=sink command=\"sleep 1000\" "
      "kill-timeout=200000000", NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, count_warnings, &warnings, NULL);
  fail_if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE);
  g_usleep (300000);
  g_object_get (sink, "pid", &pid, NULL);
  fail_unless (pid > 0);
  fail_unless (kill (pid, 0) == 0);

  /* a hang fails the test by its timeout; what is asserted is how the
   * child was stopped */
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  /* reaped: the pid is gone, not a zombie, and so is its group */
  pipe_test_assert_group_gone (pid);
  g_object_get (sink, "exit-status", &exit_status, NULL);
  fail_unless_equals_int (exit_status, 128 + SIGTERM);
  /* and the shutdown said it had to use a signal */
  fail_unless_equals_int (warnings, 1);

  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A child that floods its standard error never deadlocks us. */
GST_START_TEST (test_stderr_flood)
{
  GstMessage *msg;
  PipeTestElement *s = sink_new ("sh -c 'yes flood | head -c 5000000 >&2; "
      "test \"$(wc -c)\" -eq 1000000'", NULL);

  fail_unless_equals_int (push_pattern (s->h, 1000000, 10000), GST_FLOW_OK);
  gst_harness_push_event (s->h, gst_event_new_eos ());
  msg = wait_end (s->bus);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  pipe_test_element_free (s);
}

GST_END_TEST;

/* A child that does not exit at end of stream: eos-timeout stops it. */
GST_START_TEST (test_eos_timeout)
{
  GstMessage *msg;
  PipeTestElement *s = sink_new ("sh -c 'cat > /dev/null; sleep 1000'",
      "eos-timeout", "200000000", "kill-timeout", "100000000", NULL);
  push_pattern (s->h, 1000, 100);
  gst_harness_push_event (s->h, gst_event_new_eos ());
  msg = wait_end (s->bus);
  pipe_test_assert_error (msg, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "did not exit");
  gst_message_unref (msg);
  pipe_test_element_free (s);
}

GST_END_TEST;

GST_START_TEST (test_no_fd_leaks)
{
  gint before, i;

  /* warm up whatever GLib and GStreamer open once */
  {
    GstElement *sink = gst_element_factory_make ("pipesink", NULL);

    g_object_set (sink, "command", "cat", NULL);
    gst_element_set_state (sink, GST_STATE_READY);
    gst_element_set_state (sink, GST_STATE_NULL);
    gst_object_unref (sink);
  }
  before = reuse_test_count_fds ();
  for (i = 0; i < 100; i++) {
    GstElement *sink = gst_element_factory_make ("pipesink", NULL);

    g_object_set (sink, "command", i % 2 ? "cat" : "sleep 1000",
        "kill-timeout", (guint64) 10 * GST_MSECOND, NULL);
    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
        GST_STATE_CHANGE_SUCCESS);
    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    gst_object_unref (sink);
  }
  fail_unless_equals_int (reuse_test_count_fds (), before);
}

GST_END_TEST;

/* --- pauses, flushes and shutdown ------------------------------------------ */

/* Pauses @pipeline while its child waits for the file @go: the change to
 * PAUSED completes, and no EOS or error comes while paused. Then the child
 * may go on, and back in PLAYING the EOS comes, with its exit status 0. */
static void
pause_then_finish (GstElement * pipeline, GstElement * sink, GstBus * bus,
    const gchar * go)
{
  GstMessage *msg;
  GstState state;
  gint exit_status;

  fail_if (gst_element_set_state (pipeline, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_get_state (pipeline, &state, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (state, GST_STATE_PAUSED);
  fail_if (gst_bus_pop_filtered (bus, GST_MESSAGE_EOS | GST_MESSAGE_ERROR));

  /* the child finishes while we are paused; EOS comes in PLAYING */
  touch (go);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  g_object_get (sink, "exit-status", &exit_status, NULL);
  fail_unless_equals_int (exit_status, 0);
}

/* The pipeline is paused while pipesink waits for the child at the end of
 * the stream: the change to PAUSED completes, and back in PLAYING the EOS
 * comes once the child has exited. */
GST_START_TEST (test_eos_wait_survives_pause)
{
  gchar *ready = g_build_filename (tmpdir, "ready", NULL);
  gchar *go = g_build_filename (tmpdir, "go", NULL);
  GstElement *pipeline, *sink;
  GstBus *bus;
  gint pid;

  pipeline = gst_parse_launch ("fakesrc num-buffers=5 sizetype=fixed "
      "sizemax=100 ! pipesink name=sink command=\"sh -c 'cat > /dev/null; "
      "touch ready; while [ ! -e go ]; do sleep 0.01; done'\"", NULL);
  fail_unless (pipeline != NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "cwd", tmpdir, NULL);
  bus = gst_element_get_bus (pipeline);

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  /* the child read to the end: pipesink closed its input and waits */
  wait_for_file (ready);
  g_object_get (sink, "pid", &pid, NULL);

  /* a hang fails the test by its timeout */
  pause_then_finish (pipeline, sink, bus, go);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  pipe_test_assert_group_gone (pid);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (go);
  g_free (ready);
}

GST_END_TEST;

/* The pipeline is paused while a write waits for a slow child: the change
 * to PAUSED completes, and back in PLAYING every byte arrives. */
GST_START_TEST (test_blocked_write_survives_pause)
{
  const gint n_buffers = 64, size = 65536;
  gchar *go = g_build_filename (tmpdir, "go", NULL);
  gchar *desc;
  GstElement *pipeline, *sink;
  GstBus *bus;
  gint64 written = 0;
  guint pipe_size;

  desc = g_strdup_printf ("fakesrc num-buffers=%d sizetype=fixed sizemax=%d "
      "filltype=zero ! pipesink name=sink command=\"sh -c 'while [ ! -e go ]; "
      "do sleep 0.01; done; test $(wc -c) -eq %d'\"", n_buffers, size,
      n_buffers * size);
  pipeline = gst_parse_launch (desc, NULL);
  fail_unless (pipeline != NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "cwd", tmpdir, NULL);
  g_object_get (sink, "pipe-size", &pipe_size, NULL);
  bus = gst_element_get_bus (pipeline);

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  /* the pipe is full: the next write waits for the child */
  while (written < (gint64) MIN (pipe_size, 65536))
    if (!gst_element_query_position (sink, GST_FORMAT_BYTES, &written))
      g_usleep (10000);
  g_usleep (50000);

  pause_then_finish (pipeline, sink, bus, go);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (desc);
  g_free (go);
}

GST_END_TEST;

static gpointer
push_eos (gpointer data)
{
  return GINT_TO_POINTER (gst_harness_push_event (data, gst_event_new_eos ()));
}

/* A flush ends the wait for the child cleanly: no error, and an EOS after
 * the flush waits for the child again. */
GST_START_TEST (test_eos_wait_flush)
{
  gchar *ready = g_build_filename (tmpdir, "ready", NULL);
  gchar *go = g_build_filename (tmpdir, "go", NULL);
  GThread *thread;
  PipeTestElement *s = sink_new ("sh -c 'cat > /dev/null; touch ready; "
      "while [ ! -e go ]; do sleep 0.01; done'", "cwd", tmpdir, NULL);

  fail_unless_equals_int (push_pattern (s->h, 1000, 100), GST_FLOW_OK);
  thread = g_thread_new ("eos", push_eos, s->h);
  wait_for_file (ready);
  fail_unless (gst_harness_push_event (s->h, gst_event_new_flush_start ()));
  /* the EOS was flushed away, quietly */
  fail_if (GPOINTER_TO_INT (g_thread_join (thread)));
  fail_if (gst_bus_pop_filtered (s->bus, GST_MESSAGE_ERROR | GST_MESSAGE_EOS));
  fail_unless (gst_harness_push_event (s->h, gst_event_new_flush_stop (TRUE)));

  touch (go);
  assert_clean_end (s);
  pipe_test_element_free (s);
  g_free (go);
  g_free (ready);
}

GST_END_TEST;

static gpointer
push_one (gpointer data)
{
  return GINT_TO_POINTER (gst_harness_push (data, make_buffer (0, 1000)));
}

/* A flush while pipesink waits for a consumer that closed its input early
 * is a flush, not an error about the consumer. */
GST_START_TEST (test_broken_pipe_wait_flush)
{
  gchar *closed = g_build_filename (tmpdir, "closed", NULL);
  GThread *thread;
  gint pid = -1;
  PipeTestElement *s = sink_new ("sh -c 'exec 0<&-; touch closed; sleep 1000'",
      "cwd", tmpdir, "kill-timeout", "10000000000", NULL);

  g_object_get (s->h->element, "pid", &pid, NULL);
  gst_harness_set_src_caps_str (s->h, "application/octet-stream");
  wait_for_file (closed);
  /* the write fails at once (nobody reads), then pipesink gives the child
   * kill-timeout to exit and say why; a flush interrupts that wait */
  thread = g_thread_new ("push", push_one, s->h);
  g_usleep (200000);
  fail_unless (gst_harness_push_event (s->h, gst_event_new_flush_start ()));
  fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (thread)),
      GST_FLOW_FLUSHING);
  fail_if (gst_bus_pop_filtered (s->bus, GST_MESSAGE_ERROR));
  fail_unless (gst_harness_push_event (s->h, gst_event_new_flush_stop (TRUE)));

  /* spare the teardown the grace period */
  kill (-pid, SIGKILL);
  pipe_test_element_free (s);
  pipe_test_assert_group_gone (pid);
  g_free (closed);
}

GST_END_TEST;

/* kill-timeout at its maximum (-1) still ends: it is limited to 10 s, then
 * SIGTERM goes to the group. */
GST_START_TEST (test_kill_timeout_none)
{
  GstElement *sink = gst_element_factory_make ("pipesink", NULL);
  gint pid = -1, exit_status;

  g_object_set (sink, "command", "sleep 1000", "kill-timeout",
      GST_CLOCK_TIME_NONE, NULL);
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  g_object_get (sink, "pid", &pid, NULL);
  fail_unless (pid > 0);

  /* a hang fails the test by its timeout */
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_object_get (sink, "exit-status", &exit_status, NULL);
  fail_unless_equals_int (exit_status, 128 + SIGTERM);
  pipe_test_assert_group_gone (pid);
  gst_object_unref (sink);
}

GST_END_TEST;

/* The command exits but leaves a process that holds its input: stopping
 * signals the whole group, and nothing of it outlives the element. */
GST_START_TEST (test_group_outlives_command)
{
  gchar *started = g_build_filename (tmpdir, "started", NULL);
  gint policy;

  for (policy = 0; policy < 2; policy++) {
    GstMessage *msg;
    gint pid = -1, exit_status;
    PipeTestElement *s = sink_new ("sh -c 'exec 3<&0; sleep 1000 <&3 3<&- & "
        "touch started; exit 0'",
        "cwd", tmpdir, "kill-timeout", "50000000", NULL);

    g_object_get (s->h->element, "pid", &pid, NULL);
    wait_for_file (started);
    fail_unless_equals_int (push_pattern (s->h, 1000, 100), GST_FLOW_OK);
    if (policy) {
      /* at the end of the stream the command has exited with 0 */
      gst_harness_push_event (s->h, gst_event_new_eos ());
      msg = wait_end (s->bus);
      fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
      gst_message_unref (msg);
      g_object_get (s->h->element, "exit-status", &exit_status, NULL);
      fail_unless_equals_int (exit_status, 0);
    }
    fail_unless (pipe_test_group_members (pid) > 0);
    fail_unless_equals_int (gst_element_set_state (s->h->element,
            GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    pipe_test_assert_group_gone (pid);
    pipe_test_element_free (s);
    g_unlink (started);
  }
  g_free (started);
}

GST_END_TEST;

/* --- settings -------------------------------------------------------------- */

GST_START_TEST (test_env_and_cwd)
{
  gchar *out = g_build_filename (tmpdir, "env", NULL);
  GstMessage *msg;
  gchar *contents;
  PipeTestElement *s =
      sink_new ("sh -c 'cat > /dev/null; echo \"$GREETING\" > env; "
      "pwd >> env'", "cwd", tmpdir, "env", "GREETING='hello there' OTHER=1",
      NULL);
  push_pattern (s->h, 10, 10);
  gst_harness_push_event (s->h, gst_event_new_eos ());
  msg = wait_end (s->bus);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);

  fail_unless (g_file_get_contents (out, &contents, NULL, NULL));
  {
    gchar *real = realpath (tmpdir, NULL);
    gchar *expect = g_strdup_printf ("hello there\n%s\n", real);

    fail_unless_equals_string (contents, expect);
    g_free (expect);
    free (real);
  }
  g_free (contents);
  pipe_test_element_free (s);
  g_free (out);
}

GST_END_TEST;

GST_START_TEST (test_not_seekable)
{
  GstQuery *query;
  gboolean seekable = TRUE;
  GstMessage *msg;
  GstSegment segment;
  PipeTestElement *s = sink_new ("sh -c 'cat > /dev/null'", NULL);

  /* as a muxer asks: on the sink pad */
  query = gst_query_new_seeking (GST_FORMAT_BYTES);
  fail_unless (gst_pad_peer_query (s->h->srcpad, query));
  gst_query_parse_seeking (query, NULL, &seekable, NULL, NULL);
  fail_if (seekable);
  gst_query_unref (query);

  /* a muxer going back to byte 0 after writing */
  gst_harness_set_src_caps_str (s->h, "application/octet-stream");
  gst_segment_init (&segment, GST_FORMAT_BYTES);
  gst_harness_push_event (s->h, gst_event_new_segment (&segment));
  fail_unless_equals_int (gst_harness_push (s->h, make_buffer (0, 100)),
      GST_FLOW_OK);
  gst_harness_push_event (s->h, gst_event_new_segment (&segment));
  msg = gst_bus_timed_pop_filtered (s->bus, 10 * GST_SECOND, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  pipe_test_assert_error (msg, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SEEK,
      NULL);
  gst_message_unref (msg);
  pipe_test_element_free (s);
}

GST_END_TEST;

static gpointer
read_fd_all (gpointer data)
{
  gint fd = GPOINTER_TO_INT (data);
  GByteArray *out = g_byte_array_new ();

  /* a read error shows as missing bytes */
  pipe_test_read_to_end (fd, out);
  close (fd);
  return out;
}

static gpointer
open_and_read_fifo (gpointer data)
{
  gint fd = open (data, O_RDONLY);

  fail_unless (fd >= 0);
  return read_fd_all (GINT_TO_POINTER (fd));
}

/* A FIFO instead of a command. */
GST_START_TEST (test_fifo_location)
{
  gchar *fifo = g_build_filename (tmpdir, "fifo", NULL);
  GThread *reader;
  GByteArray *out;
  GstMessage *msg;
  GstHarness *h;
  GstBus *bus = gst_bus_new ();

  fail_unless (mkfifo (fifo, 0600) == 0);
  reader = g_thread_new ("reader", open_and_read_fifo, fifo);
  h = harness_for (make_sink ("location", fifo));
  gst_element_set_bus (h->element, bus);
  fail_unless_equals_int (push_pattern (h, 500000, 4096), GST_FLOW_OK);
  gst_harness_push_event (h, gst_event_new_eos ());
  msg = wait_end (bus);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  /* queued messages hold the element, which holds the bus */
  gst_bus_set_flushing (bus, TRUE);
  gst_harness_teardown (h);

  out = g_thread_join (reader);
  pipe_test_check_pattern (out, 500000);
  g_byte_array_unref (out);
  gst_object_unref (bus);
  g_free (fifo);
}

GST_END_TEST;

/* An inherited descriptor: written to, left open, flags restored. */
GST_START_TEST (test_fd)
{
  GThread *reader;
  GByteArray *out;
  GstHarness *h;
  gint fds[2], flags;

  fail_unless (pipe (fds) == 0);
  flags = fcntl (fds[1], F_GETFL);
  reader = g_thread_new ("reader", read_fd_all, GINT_TO_POINTER (fds[0]));
  {
    gchar *fd = g_strdup_printf ("%d", fds[1]);

    h = harness_for (make_sink ("fd", fd));
    g_free (fd);
  }
  fail_unless_equals_int (push_pattern (h, 300000, 5000), GST_FLOW_OK);
  /* the open file description may be shared (a terminal, a shell's pipe):
   * its flags are not ours to change, not even while we run */
  fail_unless_equals_int (fcntl (fds[1], F_GETFL), flags);
  gst_harness_teardown (h);

  fail_unless_equals_int (fcntl (fds[1], F_GETFL), flags);
  close (fds[1]);
  out = g_thread_join (reader);
  pipe_test_check_pattern (out, 300000);
  g_byte_array_unref (out);
}

GST_END_TEST;

/* An inherited socket: written to with MSG_DONTWAIT, flags untouched, and
 * a stuck reader does not keep a state change waiting. */
GST_START_TEST (test_fd_socket)
{
  GThread *reader;
  GByteArray *out;
  GstHarness *h;
  gint fds[2], flags;
  gchar *fd;

  fail_unless (socketpair (AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  flags = fcntl (fds[1], F_GETFL);
  reader = g_thread_new ("reader", read_fd_all, GINT_TO_POINTER (fds[0]));
  fd = g_strdup_printf ("%d", fds[1]);
  h = harness_for (make_sink ("fd", fd));
  fail_unless_equals_int (push_pattern (h, 300000, 5000), GST_FLOW_OK);
  fail_unless_equals_int (fcntl (fds[1], F_GETFL), flags);
  gst_harness_teardown (h);
  fail_unless_equals_int (fcntl (fds[1], F_GETFL), flags);
  shutdown (fds[1], SHUT_WR);
  out = g_thread_join (reader);
  pipe_test_check_pattern (out, 300000);
  g_byte_array_unref (out);
  close (fds[1]);
  g_free (fd);
}

GST_END_TEST;

/* The size of the pipe to a running command, seen from our side of it. */
static gint
command_pipe_size (gint pid)
{
  gchar *path = g_strdup_printf ("/proc/%d/fd/0", pid);
  gint fd = open (path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  gint size;

  fail_unless (fd >= 0, "%s: %s", path, g_strerror (errno));
  size = fcntl (fd, F_GETPIPE_SZ);
  close (fd);
  g_free (path);
  return size;
}

/* The default pipe size stays within a quarter of the user's pipe quota,
 * whatever the number of elements; an explicit size is always asked for. */
GST_START_TEST (test_pipe_size_quota)
{
  const gint64 big = 1024 * 1024, kernel = 64 * 1024;
  GPtrArray *sinks = g_ptr_array_new ();
  gchar *contents = NULL;
  gint64 quota, held = 0;
  gint i, n, n_big = 0;

  fail_unless (g_file_get_contents ("/proc/sys/fs/pipe-user-pages-soft",
          &contents, NULL, NULL));
  quota = g_ascii_strtoll (contents, NULL, 10) * sysconf (_SC_PAGESIZE);
  g_free (contents);
  if (quota == 0) {
    GST_INFO ("no pipe quota on this system");
    g_ptr_array_free (sinks, TRUE);
    return;
  }
  n = quota / 4 / (big - kernel) + 4;

  for (i = 0; i < n; i++) {
    GstElement *sink = gst_element_factory_make ("pipesink", NULL);
    gint pid, size;

    g_object_set (sink, "command", "cat", NULL);
    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
        GST_STATE_CHANGE_SUCCESS);
    g_object_get (sink, "pid", &pid, NULL);
    size = command_pipe_size (pid);
    if (size == big)
      n_big++;
    else
      fail_unless_equals_int (size, kernel);
    held += size - kernel;
    g_ptr_array_add (sinks, sink);
  }
  fail_unless (held <= quota / 4);
  fail_unless (n_big > 0 && n_big < n);

  /* an explicit size is honoured */
  {
    GstElement *sink = gst_element_factory_make ("pipesink", NULL);
    gint pid;

    g_object_set (sink, "command", "cat", "pipe-size", (guint) big, NULL);
    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
        GST_STATE_CHANGE_SUCCESS);
    g_object_get (sink, "pid", &pid, NULL);
    fail_unless_equals_int (command_pipe_size (pid), big);
    g_ptr_array_add (sinks, sink);
  }

  /* what stopped elements held is free again */
  for (i = 0; i < sinks->len; i++) {
    gst_element_set_state (g_ptr_array_index (sinks, i), GST_STATE_NULL);
    gst_object_unref (g_ptr_array_index (sinks, i));
  }
  g_ptr_array_set_size (sinks, 0);
  {
    GstElement *sink = gst_element_factory_make ("pipesink", NULL);
    gint pid;

    g_object_set (sink, "command", "cat", NULL);
    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
        GST_STATE_CHANGE_SUCCESS);
    g_object_get (sink, "pid", &pid, NULL);
    fail_unless_equals_int (command_pipe_size (pid), big);
    gst_element_set_state (sink, GST_STATE_NULL);
    gst_object_unref (sink);
  }
  g_ptr_array_free (sinks, TRUE);
}

GST_END_TEST;

static void
check_location_error (const gchar * location, gint code)
{
  GstElement *sink = make_sink ("location", location);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;

  gst_element_set_bus (sink, bus);
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  pipe_test_assert_error (msg, GST_RESOURCE_ERROR, code, location);
  gst_message_unref (msg);
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_element_set_bus (sink, NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
}

/* A FIFO that does not exist, and one that nobody opens for reading (the
 * latter after pipesink's 5 s wait for a reader). */
GST_START_TEST (test_fifo_errors)
{
  gchar *missing = g_build_filename (tmpdir, "missing", NULL);
  gchar *fifo = g_build_filename (tmpdir, "fifo", NULL);

  check_location_error (missing, GST_RESOURCE_ERROR_NOT_FOUND);
  fail_unless (mkfifo (fifo, 0600) == 0);
  check_location_error (fifo, GST_RESOURCE_ERROR_OPEN_WRITE);
  check_location_error (tmpdir, GST_RESOURCE_ERROR_OPEN_WRITE);
  g_free (fifo);
  g_free (missing);
}

GST_END_TEST;

/* stderr=discard: nothing is kept, nothing ends up in the error. */
GST_START_TEST (test_stderr_discard)
{
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;
  PipeTestElement *s = sink_new ("sh -c 'echo secret-noise >&2; exit 2'",
      "stderr", "discard", NULL);

  push_pattern (s->h, 10, 10);
  gst_harness_push_event (s->h, gst_event_new_eos ());
  msg = wait_end (s->bus);
  pipe_test_assert_error (msg, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
      "exited with code 2");
  gst_message_parse_error (msg, &err, &debug);
  fail_if (debug && strstr (debug, "secret-noise"));
  g_error_free (err);
  g_free (debug);
  gst_message_unref (msg);
  pipe_test_element_free (s);
}

GST_END_TEST;

/* Exactly one of command, location and fd. */
GST_START_TEST (test_one_target_only)
{
  GstElement *sink = gst_element_factory_make ("pipesink", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;

  gst_element_set_bus (sink, bus);
  g_object_set (sink, "command", "cat", "fd", 1, NULL);
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  pipe_test_assert_error (msg, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
      NULL);
  gst_message_unref (msg);
  gst_element_set_state (sink, GST_STATE_NULL);
  gst_element_set_bus (sink, NULL);
  gst_object_unref (bus);
  gst_object_unref (sink);
}

GST_END_TEST;

static Suite *
pipesink_suite (void)
{
  Suite *s = suite_create ("pipesink");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_every_byte_arrives);
  tcase_add_test (tc, test_wrong_bytes_fail);
  tcase_add_test (tc, test_multi_memory_buffers);
  tcase_add_test (tc, test_false_exit_code);
  tcase_add_test (tc, test_start_errors);
  tcase_add_test (tc, test_killed_by_signal);
  tcase_add_test (tc, test_head_consumer);
  tcase_add_test (tc, test_stuck_child_shutdown);
  tcase_add_test (tc, test_stderr_flood);
  tcase_add_test (tc, test_eos_timeout);
  tcase_add_test (tc, test_no_fd_leaks);
  tcase_add_test (tc, test_env_and_cwd);
  tcase_add_test (tc, test_not_seekable);
  tcase_add_test (tc, test_fifo_location);
  tcase_add_test (tc, test_fd);
  tcase_add_test (tc, test_fd_socket);
  tcase_add_test (tc, test_pipe_size_quota);
  tcase_add_test (tc, test_one_target_only);
  tcase_add_test (tc, test_fifo_errors);
  tcase_add_test (tc, test_stderr_discard);
  tcase_add_test (tc, test_eos_wait_survives_pause);
  tcase_add_test (tc, test_blocked_write_survives_pause);
  tcase_add_test (tc, test_eos_wait_flush);
  tcase_add_test (tc, test_broken_pipe_wait_flush);
  tcase_add_test (tc, test_kill_timeout_none);
  tcase_add_test (tc, test_group_outlives_command);

  return s;
}

GST_CHECK_MAIN (pipesink);
