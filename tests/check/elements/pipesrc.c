/* gst-reuse: pipesrc element tests, with real child programs
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

/* Like pipesink's tests, these run a second time with SIGPIPE ignored
 * (GST_REUSE_TEST_SIGPIPE=ignore). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <glib/gstdio.h>

#include "pipetest.h"
#include "reusetest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static gchar *tmpdir;

static void
setup (void)
{
  reuse_test_apply_sigpipe_policy ();
  tmpdir = g_dir_make_tmp ("pipesrc-test-XXXXXX", NULL);
  fail_unless (tmpdir != NULL);
}

static void
teardown (void)
{
  reuse_test_remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

/* A pipesrc with @prop = @value and more property/value string pairs,
 * started. */
static PipeTestElement *
src_new (const gchar * prop, const gchar * value, ...)
{
  GstElement *element = gst_element_factory_make ("pipesrc", NULL);
  PipeTestElement *s = g_new0 (PipeTestElement, 1);
  va_list args;

  fail_unless (element != NULL);
  gst_util_set_object_arg (G_OBJECT (element), prop, value);
  va_start (args, value);
  pipe_test_set_properties_valist (element, args);
  va_end (args);

  s->bus = gst_bus_new ();
  gst_element_set_bus (element, s->bus);
  s->h = gst_harness_new_with_element (element, NULL, "src");
  gst_object_unref (element);
  gst_harness_play (s->h);
  return s;
}

/* Everything up to EOS (or the end of data after an error). */
static GByteArray *
pull_all (GstHarness * h, guint * n_buffers)
{
  GByteArray *out = g_byte_array_new ();
  GstBuffer *buf;
  guint n = 0;

  while (gst_harness_pull_until_eos (h, &buf) && buf) {
    GstMapInfo info;

    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), out->len);
    gst_buffer_map (buf, &info, GST_MAP_READ);
    g_byte_array_append (out, info.data, info.size);
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
    n++;
  }
  if (n_buffers)
    *n_buffers = n;
  return out;
}

/* The next error on @bus, as pipe_test_assert_error() checks it. */
static void
assert_error (GstBus * bus, GQuark domain, gint code, const gchar * part)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_ERROR);

  fail_unless (msg != NULL, "no error");
  pipe_test_assert_error (msg, domain, code, part);
  gst_message_unref (msg);
}

GST_START_TEST (test_every_byte_arrives)
{
  const gsize size = 2 * 1024 * 1024 + 3;
  gchar *path = pipe_test_make_pattern_file (tmpdir, "input", size);
  gchar *command = g_strdup_printf ("cat '%s'", path);
  PipeTestElement *s = src_new ("command", command, NULL);
  GByteArray *out;
  gint exit_status, pid;

  out = pull_all (s->h, NULL);
  pipe_test_check_pattern (out, size);
  g_object_get (s->h->element, "exit-status", &exit_status, "pid", &pid, NULL);
  fail_unless_equals_int (exit_status, 0);
  fail_unless_equals_int (pid, -1);
  /* no error on the way */
  fail_if (gst_bus_pop_filtered (s->bus, GST_MESSAGE_ERROR));

  g_byte_array_unref (out);
  pipe_test_element_free (s);
  g_free (command);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_exit_code)
{
  PipeTestElement *s =
      src_new ("command", "sh -c 'printf abc; echo broken >&2; exit 4'",
      NULL);
  GByteArray *out = pull_all (s->h, NULL);
  gint exit_status;

  /* what came before the failure, then the error */
  fail_unless_equals_int (out->len, 3);
  fail_unless (memcmp (out->data, "abc", 3) == 0);
  assert_error (s->bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
      "exited with code 4");
  g_object_get (s->h->element, "exit-status", &exit_status, NULL);
  fail_unless_equals_int (exit_status, 4);
  g_byte_array_unref (out);
  pipe_test_element_free (s);

  s = src_new ("command", "sh -c 'echo broken >&2; exit 4'", NULL);
  out = pull_all (s->h, NULL);
  assert_error (s->bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ, "broken");
  g_byte_array_unref (out);
  pipe_test_element_free (s);
}

GST_END_TEST;

GST_START_TEST (test_killed_by_signal)
{
  PipeTestElement *s =
      src_new ("command", "sh -c 'printf x; kill -KILL $$'", NULL);
  GByteArray *out = pull_all (s->h, NULL);

  assert_error (s->bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "killed by signal 9");
  g_byte_array_unref (out);
  pipe_test_element_free (s);
}

GST_END_TEST;

GST_START_TEST (test_missing_program)
{
  GstElement *src = gst_element_factory_make ("pipesrc", NULL);
  GstBus *bus = gst_bus_new ();

  gst_element_set_bus (src, bus);
  g_object_set (src, "command", "/no/such/program arg", NULL);
  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  assert_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
      "/no/such/program");
  gst_element_set_state (src, GST_STATE_NULL);
  gst_element_set_bus (src, NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
}

GST_END_TEST;

/* The child's standard input is /dev/null: cat ends at once. */
GST_START_TEST (test_stdin_is_dev_null)
{
  PipeTestElement *s = src_new ("command", "cat", NULL);
  GByteArray *out = pull_all (s->h, NULL);

  fail_unless_equals_int (out->len, 0);
  fail_if (gst_bus_pop_filtered (s->bus, GST_MESSAGE_ERROR));
  g_byte_array_unref (out);
  pipe_test_element_free (s);
}

GST_END_TEST;

/* A child that floods its standard error never blocks. */
GST_START_TEST (test_stderr_flood)
{
  PipeTestElement *s = src_new ("command",
      "sh -c 'yes flood | head -c 5000000 >&2; printf done'", NULL);
  GByteArray *out = pull_all (s->h, NULL);

  fail_unless_equals_int (out->len, 4);
  fail_unless (memcmp (out->data, "done", 4) == 0);
  g_byte_array_unref (out);
  pipe_test_element_free (s);
}

GST_END_TEST;

/* A child that writes nothing and never ends: going to NULL returns at
 * once, and the child is stopped and reaped. */
GST_START_TEST (test_stuck_child_shutdown)
{
  PipeTestElement *s =
      src_new ("command", "sleep 1000", "kill-timeout", "100000000",
      NULL);
  gint pid = -1, exit_status;

  g_usleep (200000);
  g_object_get (s->h->element, "pid", &pid, NULL);
  fail_unless (pid > 0);
  /* a hang fails the test by its timeout; what is asserted is how the
   * child was stopped */
  fail_unless_equals_int (gst_element_set_state (s->h->element,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  pipe_test_assert_group_gone (pid);
  g_object_get (s->h->element, "exit-status", &exit_status, NULL);
  fail_unless_equals_int (exit_status, 128 + SIGTERM);
  pipe_test_element_free (s);
}

GST_END_TEST;

/* We stop early (num-buffers) while the child still writes: it goes with
 * its pipe closed, nothing is left behind. */
GST_START_TEST (test_early_stop)
{
  PipeTestElement *s = src_new ("command", "yes", "num-buffers", "3", NULL);
  guint n;
  GByteArray *out = pull_all (s->h, &n);
  gint pid = -1;

  fail_unless_equals_int (n, 3);
  g_object_get (s->h->element, "pid", &pid, NULL);
  fail_unless (pid > 0);
  gst_element_set_state (s->h->element, GST_STATE_NULL);
  pipe_test_assert_group_gone (pid);
  g_byte_array_unref (out);
  pipe_test_element_free (s);
}

GST_END_TEST;

static gpointer
write_fifo (gpointer data)
{
  gint fd = open (data, O_WRONLY);
  guint8 buf[1000];
  gint i, k;

  fail_unless (fd >= 0);
  for (k = 0; k < 300; k++) {
    for (i = 0; i < sizeof (buf); i++)
      buf[i] = reuse_test_pattern (k * sizeof (buf) + i);
    fail_unless (write (fd, buf, sizeof (buf)) == sizeof (buf));
  }
  close (fd);
  return NULL;
}

/* A FIFO whose writer comes late: no early EOS. */
GST_START_TEST (test_fifo_location)
{
  gchar *fifo = g_build_filename (tmpdir, "fifo", NULL);
  GThread *writer;
  GByteArray *out;
  PipeTestElement *s;

  fail_unless (mkfifo (fifo, 0600) == 0);
  s = src_new ("location", fifo, NULL);
  g_usleep (100000);
  writer = g_thread_new ("writer", write_fifo, fifo);
  out = pull_all (s->h, NULL);
  pipe_test_check_pattern (out, 300000);
  g_thread_join (writer);
  g_byte_array_unref (out);
  pipe_test_element_free (s);
  g_free (fifo);
}

GST_END_TEST;

GST_START_TEST (test_fd)
{
  gint fds[2], flags;
  gchar *fd;
  GThread *writer;
  GByteArray *out;
  PipeTestElement *s;
  gchar *fifo = g_build_filename (tmpdir, "fifo", NULL);

  /* a descriptor of ours: the read end of a FIFO */
  fail_unless (mkfifo (fifo, 0600) == 0);
  fds[0] = open (fifo, O_RDONLY | O_NONBLOCK);
  fail_unless (fds[0] >= 0);
  flags = fcntl (fds[0], F_GETFL);
  fd = g_strdup_printf ("%d", fds[0]);
  s = src_new ("fd", fd, NULL);
  writer = g_thread_new ("writer", write_fifo, fifo);
  out = pull_all (s->h, NULL);
  /* the open file description may be shared: its flags are left alone */
  fail_unless_equals_int (fcntl (fds[0], F_GETFL), flags);
  pipe_test_check_pattern (out, 300000);
  g_thread_join (writer);
  pipe_test_element_free (s);
  /* not closed by pipesrc */
  fail_unless (fcntl (fds[0], F_GETFD) >= 0);
  close (fds[0]);
  g_byte_array_unref (out);
  g_free (fd);
  g_free (fifo);
}

GST_END_TEST;

/* An inherited blocking pipe: read through our own non-blocking reopening
 * of it, its flags untouched while we run, and a state change does not wait
 * for a writer that writes nothing. */
GST_START_TEST (test_fd_flags_untouched)
{
  gint fds[2], flags;
  gchar *fd;
  GstBuffer *buf;
  PipeTestElement *s;

  fail_unless (pipe (fds) == 0);
  flags = fcntl (fds[0], F_GETFL);
  fail_if (flags & O_NONBLOCK);
  fd = g_strdup_printf ("%d", fds[0]);
  s = src_new ("fd", fd, NULL);
  fail_unless (write (fds[1], "abc", 3) == 3);
  buf = gst_harness_pull (s->h);
  fail_unless_equals_int (gst_buffer_get_size (buf), 3);
  gst_buffer_unref (buf);
  fail_unless_equals_int (fcntl (fds[0], F_GETFL), flags);
  /* nothing more comes: stopping does not wait for it */
  fail_unless_equals_int (gst_element_set_state (s->h->element,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (fcntl (fds[0], F_GETFL), flags);
  pipe_test_element_free (s);
  close (fds[0]);
  close (fds[1]);
  g_free (fd);
}

GST_END_TEST;

/* An inherited socket: read with MSG_DONTWAIT, flags untouched. */
GST_START_TEST (test_fd_socket)
{
  gint fds[2], flags;
  GByteArray *out;
  gchar *fd;
  PipeTestElement *s;

  fail_unless (socketpair (AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  flags = fcntl (fds[0], F_GETFL);
  fd = g_strdup_printf ("%d", fds[0]);
  s = src_new ("fd", fd, NULL);
  fail_unless (write (fds[1], "hello", 5) == 5);
  shutdown (fds[1], SHUT_WR);
  out = pull_all (s->h, NULL);
  fail_unless_equals_int (out->len, 5);
  fail_unless (memcmp (out->data, "hello", 5) == 0);
  fail_unless_equals_int (fcntl (fds[0], F_GETFL), flags);
  pipe_test_element_free (s);
  fail_unless_equals_int (fcntl (fds[0], F_GETFL), flags);
  g_byte_array_unref (out);
  close (fds[0]);
  close (fds[1]);
  g_free (fd);
}

GST_END_TEST;

GST_START_TEST (test_not_seekable)
{
  PipeTestElement *s =
      src_new ("command", "sleep 1000", "kill-timeout", "0", NULL);
  GstQuery *query = gst_query_new_seeking (GST_FORMAT_BYTES);
  gboolean seekable = TRUE;

  fail_unless (gst_element_query (s->h->element, query));
  gst_query_parse_seeking (query, NULL, &seekable, NULL, NULL);
  fail_if (seekable);
  gst_query_unref (query);
  pipe_test_element_free (s);
}

GST_END_TEST;

GST_START_TEST (test_no_fd_leaks)
{
  gint before, i;

  {
    PipeTestElement *s = src_new ("command", "true", NULL);

    pipe_test_element_free (s);
  }
  before = reuse_test_count_fds ();
  for (i = 0; i < 100; i++) {
    PipeTestElement *s = src_new ("command", i % 2 ? "yes" : "sleep 1000",
        "kill-timeout", "10000000", NULL);

    pipe_test_element_free (s);
  }
  fail_unless_equals_int (reuse_test_count_fds (), before);
}

GST_END_TEST;

/* The command exits but leaves a process that holds its output: stopping
 * signals the whole group, and nothing of it outlives the element. */
GST_START_TEST (test_group_outlives_command)
{
  PipeTestElement *s =
      src_new ("command", "sh -c 'sleep 1000 & echo $!; exit 0'",
      "kill-timeout", "50000000", NULL);
  GstBuffer *buf;
  GstMapInfo info;
  gchar *text;
  gint pid = -1, grandchild;

  g_object_get (s->h->element, "pid", &pid, NULL);
  fail_unless (pid > 0);
  buf = gst_harness_pull (s->h);
  gst_buffer_map (buf, &info, GST_MAP_READ);
  text = g_strndup ((gchar *) info.data, info.size);
  gst_buffer_unmap (buf, &info);
  gst_buffer_unref (buf);
  grandchild = atoi (text);
  fail_unless (grandchild > 0, "%s", text);
  fail_unless (kill (grandchild, 0) == 0);

  /* a hang fails the test by its timeout */
  fail_unless_equals_int (gst_element_set_state (s->h->element,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  pipe_test_assert_group_gone (pid);
  /* nothing to reap it but init: gone or a zombie of init */
  fail_unless (kill (grandchild, 0) < 0 || pipe_test_group_members (pid) == 0);
  pipe_test_element_free (s);
  g_free (text);
}

GST_END_TEST;

/* The stream ends with the pipe, as a shell's $(...) does: what a process
 * left by the command writes after the command exited is part of it, and
 * the EOS comes when that process closes the pipe. */
GST_START_TEST (test_stream_ends_with_pipe)
{
  PipeTestElement *s = src_new ("command",
      "sh -c '(sleep 0.2; printf late) & printf early; exit 0'", NULL);
  GByteArray *out = pull_all (s->h, NULL);
  gint exit_status;

  fail_unless_equals_int (out->len, 9);
  fail_unless (memcmp (out->data, "earlylate", 9) == 0);
  fail_if (gst_bus_pop_filtered (s->bus, GST_MESSAGE_ERROR));
  g_object_get (s->h->element, "exit-status", &exit_status, NULL);
  fail_unless_equals_int (exit_status, 0);
  g_byte_array_unref (out);
  pipe_test_element_free (s);
}

GST_END_TEST;

static Suite *
pipesrc_suite (void)
{
  Suite *s = suite_create ("pipesrc");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_every_byte_arrives);
  tcase_add_test (tc, test_exit_code);
  tcase_add_test (tc, test_killed_by_signal);
  tcase_add_test (tc, test_missing_program);
  tcase_add_test (tc, test_stdin_is_dev_null);
  tcase_add_test (tc, test_stderr_flood);
  tcase_add_test (tc, test_stuck_child_shutdown);
  tcase_add_test (tc, test_early_stop);
  tcase_add_test (tc, test_fifo_location);
  tcase_add_test (tc, test_fd);
  tcase_add_test (tc, test_fd_flags_untouched);
  tcase_add_test (tc, test_fd_socket);
  tcase_add_test (tc, test_not_seekable);
  tcase_add_test (tc, test_no_fd_leaks);
  tcase_add_test (tc, test_group_outlives_command);
  tcase_add_test (tc, test_stream_ends_with_pipe);

  return s;
}

GST_CHECK_MAIN (pipesrc);
