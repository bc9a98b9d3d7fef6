/* gst-reuse: unit tests for the child-process module of the pipe plugin
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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "pipetest.h"
#include "reusetest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gstpipechild.h"

static GstPipeChild *
spawn (const gchar * command, GstPipeChildFlags flags,
    GstPipeChildStderr mode, GError ** error)
{
  gchar **argv = NULL;
  GstPipeChild *child;

  fail_unless (g_shell_parse_argv (command, NULL, &argv, NULL));
  child = gst_pipe_child_spawn ((const gchar * const *) argv, NULL, NULL,
      flags, mode, NULL, NULL, error);
  g_strfreev (argv);

  return child;
}

/* Everything the child writes to its standard output. */
static gchar *
read_all (GstPipeChild * child)
{
  GByteArray *out = g_byte_array_new ();

  /* the descriptor is blocking here: nobody set O_NONBLOCK */
  fail_unless (pipe_test_read_to_end (gst_pipe_child_get_stdout (child), out),
      "read: %s", g_strerror (errno));
  g_byte_array_append (out, (const guint8 *) "", 1);
  return (gchar *) g_byte_array_free (out, FALSE);
}

static gint
run_to_exit (const gchar * command)
{
  GstPipeChild *child = spawn (command, 0, GST_PIPE_CHILD_STDERR_INHERIT,
      NULL);
  gint status;

  fail_unless (child != NULL);
  fail_unless_equals_int (gst_pipe_child_wait (child, -1),
      GST_PIPE_CHILD_WAIT_EXITED);
  status = gst_pipe_child_get_wait_status (child);
  gst_pipe_child_free (child);
  return status;
}

static gboolean
process_gone (GPid pid)
{
  gchar *path = g_strdup_printf ("/proc/%d/stat", pid);
  gchar *stat = NULL;
  gboolean gone;

  /* gone, or a zombie that our init will reap (it is not our child) */
  gone = !g_file_get_contents (path, &stat, NULL, NULL) ||
      strstr (stat, ") Z ") != NULL;
  g_free (stat);
  g_free (path);
  return gone;
}

GST_START_TEST (test_exit_codes)
{
  gint status;
  gchar *s;

  status = run_to_exit ("true");
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  fail_unless_equals_int (gst_pipe_wait_status_to_exit_code (status), 0);

  status = run_to_exit ("sh -c 'exit 7'");
  fail_unless_equals_int (gst_pipe_wait_status_to_exit_code (status), 7);
  s = gst_pipe_wait_status_describe (status);
  fail_unless_equals_string (s, "exited with code 7");
  g_free (s);

  status = run_to_exit ("sh -c 'kill -TERM $$'");
  fail_unless (WIFSIGNALED (status) && WTERMSIG (status) == SIGTERM);
  fail_unless_equals_int (gst_pipe_wait_status_to_exit_code (status), 143);
  s = gst_pipe_wait_status_describe (status);
  fail_unless (strstr (s, "killed by signal 15") != NULL, "%s", s);
  fail_unless (strstr (s, "SIGTERM") != NULL, "%s", s);
  g_free (s);
}

GST_END_TEST;

GST_START_TEST (test_spawn_errors)
{
  GError *err = NULL;
  gchar *dir = g_dir_make_tmp ("pipechild-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "not-executable", NULL);
  gchar *cmd;

  fail_if (spawn ("/nonexistent/program", 0, GST_PIPE_CHILD_STDERR_INHERIT,
          &err));
  fail_unless (g_error_matches (err, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT),
      "%s", err->message);
  g_clear_error (&err);

  fail_if (spawn ("no-such-program-in-path-xyz", 0,
          GST_PIPE_CHILD_STDERR_INHERIT, &err));
  fail_unless (g_error_matches (err, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT),
      "%s", err->message);
  g_clear_error (&err);

  fail_unless (g_file_set_contents (path, "#!/bin/sh\n", -1, NULL));
  fail_unless (chmod (path, 0644) == 0);
  cmd = g_strdup_printf ("'%s'", path);
  fail_if (spawn (cmd, 0, GST_PIPE_CHILD_STDERR_INHERIT, &err));
  fail_unless (g_error_matches (err, G_SPAWN_ERROR, G_SPAWN_ERROR_ACCES),
      "%s", err->message);
  g_clear_error (&err);

  /* a bad environment assignment */
  {
    const gchar *argv[] = { "true", NULL };
    const gchar *env[] = { "NOEQUALSSIGN", NULL };

    fail_if (gst_pipe_child_spawn (argv, NULL, env, 0,
            GST_PIPE_CHILD_STDERR_INHERIT, NULL, NULL, &err));
    fail_unless (g_error_matches (err, G_SPAWN_ERROR, G_SPAWN_ERROR_INVAL));
    g_clear_error (&err);
  }

  g_unlink (path);
  g_rmdir (dir);
  g_free (cmd);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

GST_START_TEST (test_env_and_cwd)
{
  const gchar *argv[] = { "sh", "-c", "echo \"$FOO|$BAR\"; pwd", NULL };
  const gchar *env[] = { "FOO=a b", "BAR=x=y", NULL };
  GstPipeChild *child;
  gchar *out;

  child = gst_pipe_child_spawn (argv, "/", env, GST_PIPE_CHILD_STDOUT_PIPE,
      GST_PIPE_CHILD_STDERR_INHERIT, NULL, NULL, NULL);
  fail_unless (child != NULL);
  out = read_all (child);
  fail_unless_equals_string (out, "a b|x=y\n/\n");
  fail_unless_equals_int (gst_pipe_child_wait (child, -1),
      GST_PIPE_CHILD_WAIT_EXITED);
  g_free (out);
  gst_pipe_child_free (child);
}

GST_END_TEST;

GST_START_TEST (test_stdin_pipe)
{
  GstPipeChild *child;
  const gchar *data = "hello through the pipe\n";
  gchar *out;

  child = spawn ("cat", GST_PIPE_CHILD_STDIN_PIPE | GST_PIPE_CHILD_STDOUT_PIPE,
      GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  fail_unless (child != NULL);
  fail_unless (write (gst_pipe_child_get_stdin (child), data,
          strlen (data)) == strlen (data));
  gst_pipe_child_close_stdin (child);
  fail_unless_equals_int (gst_pipe_child_get_stdin (child), -1);
  out = read_all (child);
  fail_unless_equals_string (out, data);
  fail_unless_equals_int (gst_pipe_child_wait (child, -1),
      GST_PIPE_CHILD_WAIT_EXITED);
  fail_unless_equals_int (gst_pipe_child_get_wait_status (child), 0);
  g_free (out);
  gst_pipe_child_free (child);

  /* without a pipe, standard input is /dev/null */
  child = spawn ("cat", GST_PIPE_CHILD_STDOUT_PIPE,
      GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  out = read_all (child);
  fail_unless_equals_string (out, "");
  g_free (out);
  gst_pipe_child_free (child);
}

GST_END_TEST;

GST_START_TEST (test_wait_timeout_and_stop)
{
  GstPipeChild *child;
  GPid pid;

  child = spawn ("sleep 1000", GST_PIPE_CHILD_STDIN_PIPE,
      GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  fail_unless (child != NULL);
  pid = gst_pipe_child_get_pid (child);
  fail_unless_equals_int (gst_pipe_child_wait (child, 50000),
      GST_PIPE_CHILD_WAIT_TIMEOUT);
  fail_if (gst_pipe_child_has_exited (child));

  /* sleep ignores its closed stdin: it takes SIGTERM */
  fail_unless (gst_pipe_child_stop (child, 100000));
  fail_unless (gst_pipe_child_has_exited (child));
  fail_unless (WIFSIGNALED (gst_pipe_child_get_wait_status (child)));
  fail_unless_equals_int (WTERMSIG (gst_pipe_child_get_wait_status (child)),
      SIGTERM);
  /* reaped: no zombie left */
  fail_unless (kill (pid, 0) < 0 && errno == ESRCH);
  gst_pipe_child_free (child);

  /* a child that ignores SIGTERM takes SIGKILL */
  child = spawn ("sh -c 'trap \"\" TERM; sleep 1000'", 0,
      GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  g_usleep (100000);            /* let the shell install its trap */
  fail_unless (gst_pipe_child_stop (child, 100000));
  fail_unless_equals_int (WTERMSIG (gst_pipe_child_get_wait_status (child)),
      SIGKILL);
  gst_pipe_child_free (child);

  /* a child that exits when its stdin closes needs no signal: the grace
   * period only bounds the test (the test timeout catches a hang), how long
   * cat takes to exit is not asserted */
  child = spawn ("cat", GST_PIPE_CHILD_STDIN_PIPE,
      GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  fail_if (gst_pipe_child_stop (child, 120 * G_USEC_PER_SEC));
  fail_unless_equals_int (gst_pipe_child_get_wait_status (child), 0);
  gst_pipe_child_free (child);
}

GST_END_TEST;

/* The whole process group goes, grandchildren included. */
GST_START_TEST (test_stop_kills_group)
{
  GstPipeChild *child;
  gchar buf[64] = { 0 };
  GPid grandchild;
  gssize n;

  child = spawn ("sh -c 'sleep 1000 & echo $!; wait'",
      GST_PIPE_CHILD_STDOUT_PIPE, GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  fail_unless (child != NULL);
  n = read (gst_pipe_child_get_stdout (child), buf, sizeof (buf) - 1);
  fail_unless (n > 0);
  grandchild = atoi (buf);
  fail_unless (grandchild > 0);
  fail_if (process_gone (grandchild));

  fail_unless (gst_pipe_child_stop (child, 100000));
  /* the signal went to the group; give the kernel a moment */
  {
    gint i;

    for (i = 0; i < 100 && !process_gone (grandchild); i++)
      g_usleep (10000);
  }
  fail_unless (process_gone (grandchild), "grandchild %d survived", grandchild);
  gst_pipe_child_free (child);
}

GST_END_TEST;

/* The command has exited, but a process it started still holds its
 * output: stopping still signals the whole group, and nothing of it is
 * left when stop returns. */
GST_START_TEST (test_stop_group_after_exit)
{
  GstPipeChild *child;
  gchar buf[64] = { 0 };
  GPid pid, grandchild;
  gssize n;

  child = spawn ("sh -c 'sleep 1000 & echo $!; exit 0'",
      GST_PIPE_CHILD_STDOUT_PIPE, GST_PIPE_CHILD_STDERR_LOG, NULL);
  fail_unless (child != NULL);
  pid = gst_pipe_child_get_pid (child);
  n = read (gst_pipe_child_get_stdout (child), buf, sizeof (buf) - 1);
  fail_unless (n > 0);
  grandchild = atoi (buf);
  fail_unless (grandchild > 0);

  /* the command itself is done, with code 0 */
  fail_unless_equals_int (gst_pipe_child_wait (child, -1),
      GST_PIPE_CHILD_WAIT_EXITED);
  fail_unless_equals_int (gst_pipe_child_get_wait_status (child), 0);
  fail_if (process_gone (grandchild));
  fail_unless_equals_int (pipe_test_group_members (pid), 1);

  /* the group needed a signal, and nothing of it is left */
  fail_unless (gst_pipe_child_stop (child, 50000));
  fail_unless (process_gone (grandchild), "grandchild %d survived", grandchild);
  /* the command is reaped, with the status it exited with */
  pipe_test_assert_group_gone (pid);
  fail_unless_equals_int (gst_pipe_child_get_wait_status (child), 0);
  gst_pipe_child_free (child);

  /* the same when gst_pipe_child_free() does the stopping */
  child = spawn ("sh -c 'sleep 1000 & echo $!; exit 0'",
      GST_PIPE_CHILD_STDOUT_PIPE, GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  pid = gst_pipe_child_get_pid (child);
  memset (buf, 0, sizeof (buf));
  fail_unless (read (gst_pipe_child_get_stdout (child), buf,
          sizeof (buf) - 1) > 0);
  grandchild = atoi (buf);
  fail_unless_equals_int (gst_pipe_child_wait (child, -1),
      GST_PIPE_CHILD_WAIT_EXITED);
  fail_unless (gst_pipe_child_has_exited (child));
  gst_pipe_child_free (child);
  fail_unless (process_gone (grandchild), "grandchild %d survived", grandchild);
  pipe_test_assert_group_gone (pid);
}

GST_END_TEST;

/* A negative grace period is no grace period, never a wait for ever. */
GST_START_TEST (test_stop_negative_grace)
{
  GstPipeChild *child = spawn ("sleep 1000", GST_PIPE_CHILD_STDIN_PIPE,
      GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  GPid pid = gst_pipe_child_get_pid (child);

  /* a hang fails the test by its timeout */
  fail_unless (gst_pipe_child_stop (child, -1));
  fail_unless (WIFSIGNALED (gst_pipe_child_get_wait_status (child)));
  fail_unless_equals_int (pipe_test_group_members (pid), 0);
  gst_pipe_child_free (child);
  fail_unless (kill (pid, 0) < 0 && errno == ESRCH);
}

GST_END_TEST;

static gpointer
interrupt_later (gpointer data)
{
  g_usleep (100000);
  gst_pipe_child_set_interrupted (data, TRUE);
  return NULL;
}

GST_START_TEST (test_wait_interrupted)
{
  GstPipeChild *child = spawn ("sleep 1000", 0,
      GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  GThread *thread;

  thread = g_thread_new ("interrupt", interrupt_later, child);
  fail_unless_equals_int (gst_pipe_child_wait (child, -1),
      GST_PIPE_CHILD_WAIT_INTERRUPTED);
  g_thread_join (thread);
  /* stays interrupted until cleared */
  fail_unless_equals_int (gst_pipe_child_wait (child, -1),
      GST_PIPE_CHILD_WAIT_INTERRUPTED);
  gst_pipe_child_set_interrupted (child, FALSE);
  fail_unless_equals_int (gst_pipe_child_wait (child, 10000),
      GST_PIPE_CHILD_WAIT_TIMEOUT);
  gst_pipe_child_free (child);
}

GST_END_TEST;

static void
collect_line (const gchar * line, gpointer user_data)
{
  GPtrArray *lines = user_data;

  g_ptr_array_add (lines, g_strdup (line));
}

GST_START_TEST (test_stderr_log)
{
  const gchar *argv[] = { "sh", "-c",
    "echo one >&2; printf 'two\\r\\nthree' >&2; exit 3", NULL
  };
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GstPipeChild *child;
  gchar *tail;

  child = gst_pipe_child_spawn (argv, NULL, NULL, 0,
      GST_PIPE_CHILD_STDERR_LOG, collect_line, lines, NULL);
  fail_unless_equals_int (gst_pipe_child_wait (child, -1),
      GST_PIPE_CHILD_WAIT_EXITED);
  /* once reaped, the tail includes everything the child wrote */
  tail = gst_pipe_child_get_stderr_tail (child);
  fail_unless_equals_string (tail, "one\ntwo\nthree");
  /* free joins the draining thread: every line was passed on */
  gst_pipe_child_free (child);
  fail_unless_equals_int (lines->len, 3);
  fail_unless_equals_string (g_ptr_array_index (lines, 0), "one");
  fail_unless_equals_string (g_ptr_array_index (lines, 1), "two");
  fail_unless_equals_string (g_ptr_array_index (lines, 2), "three");
  g_free (tail);
  g_ptr_array_unref (lines);
}

GST_END_TEST;

/* Megabytes on standard error never block the child, and the tail keeps
 * only the end. */
GST_START_TEST (test_stderr_flood)
{
  GstPipeChild *child;
  gchar *tail;

  child = spawn ("sh -c 'yes flooding | head -n 300000 >&2; "
      "echo the-last-line >&2'", 0, GST_PIPE_CHILD_STDERR_LOG, NULL);
  fail_unless (child != NULL);
  /* no time limit of our own: a hang fails by the test timeout */
  fail_unless_equals_int (gst_pipe_child_wait (child, -1),
      GST_PIPE_CHILD_WAIT_EXITED);
  fail_unless_equals_int (gst_pipe_child_get_wait_status (child), 0);
  /* the drain thread may still be catching up: wait for the last line */
  {
    gint i;

    for (i = 0; i < 500; i++) {
      tail = gst_pipe_child_get_stderr_tail (child);
      if (g_str_has_suffix (tail, "the-last-line"))
        break;
      g_free (tail);
      tail = NULL;
      g_usleep (10000);
    }
  }
  fail_unless (tail != NULL, "the last line never arrived");
  fail_unless (strlen (tail) <= GST_PIPE_CHILD_STDERR_TAIL);
  fail_unless (g_str_has_prefix (tail, "flooding\n"), "tail starts badly");
  g_free (tail);
  gst_pipe_child_free (child);
}

GST_END_TEST;

/* The child starts with default signal handling and nothing blocked, even
 * if the parent ignores SIGPIPE and its thread blocks it. */
GST_START_TEST (test_child_signal_state)
{
  GstPipeChild *child;
  sigset_t block, old;
  gchar *out, **lines, **l;

  signal (SIGPIPE, SIG_IGN);
  signal (SIGINT, SIG_IGN);
  sigemptyset (&block);
  sigaddset (&block, SIGPIPE);
  sigaddset (&block, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &block, &old);

  child = spawn ("grep -E '^Sig(Blk|Ign):' /proc/self/status",
      GST_PIPE_CHILD_STDOUT_PIPE, GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  signal (SIGPIPE, SIG_DFL);
  signal (SIGINT, SIG_DFL);

  out = read_all (child);
  lines = g_strsplit (out, "\n", -1);
  for (l = lines; *l && **l; l++) {
    const gchar *hex = strchr (*l, ':') + 1;
    /* signals 32 and 33 are glibc's own (thread cancellation, setxid): no
     * program can change them through glibc, and a test started by
     * posix_spawn() (make, in a package build) has them ignored already */
    guint64 glibc_own = (G_GUINT64_CONSTANT (1) << 31) |
        (G_GUINT64_CONSTANT (1) << 32);

    fail_unless ((g_ascii_strtoull (hex, NULL, 16) & ~glibc_own) == 0,
        "child has %s", *l);
  }
  fail_unless (g_strv_length (lines) >= 2);
  g_strfreev (lines);
  g_free (out);
  gst_pipe_child_free (child);
}

GST_END_TEST;

/* The child has its standard streams and nothing else of ours. */
GST_START_TEST (test_child_fds)
{
  GstPipeChild *child;
  gint extra = open ("/dev/null", O_RDONLY);    /* not close-on-exec */
  gchar *out, **names;

  fail_unless (extra >= 3);
  child = spawn ("ls /proc/self/fd", GST_PIPE_CHILD_STDIN_PIPE |
      GST_PIPE_CHILD_STDOUT_PIPE, GST_PIPE_CHILD_STDERR_LOG, NULL);
  out = read_all (child);
  names = g_strsplit (g_strstrip (out), "\n", -1);
  /* 0, 1, 2 and the directory ls reads */
  fail_unless_equals_int (g_strv_length (names), 4);
  g_strfreev (names);
  g_free (out);
  gst_pipe_child_free (child);
  close (extra);
}

GST_END_TEST;

/* No descriptor, thread or process outlives a child. */
GST_START_TEST (test_no_leaks_over_cycles)
{
  gint before = reuse_test_count_fds (), i;

  for (i = 0; i < 100; i++) {
    GstPipeChild *child = spawn (i % 2 ? "cat" : "sleep 1000",
        GST_PIPE_CHILD_STDIN_PIPE | GST_PIPE_CHILD_STDOUT_PIPE,
        GST_PIPE_CHILD_STDERR_LOG, NULL);
    GPid pid = gst_pipe_child_get_pid (child);

    gst_pipe_child_stop (child, 20000);
    gst_pipe_child_free (child);
    fail_unless (kill (pid, 0) < 0 && errno == ESRCH, "pid %d left", pid);
  }
  fail_unless_equals_int (reuse_test_count_fds (), before);
}

GST_END_TEST;

/* A write to a pipe without a reader fails with EPIPE, even with SIGPIPE at
 * its default disposition, and leaves no SIGPIPE pending. */
GST_START_TEST (test_write_broken_pipe)
{
  struct iovec iov = { (gpointer) "data", 4 };
  gboolean broken = FALSE;
  sigset_t pending, block, old;
  gint fds[2];

  signal (SIGPIPE, SIG_DFL);
  fail_unless (pipe (fds) == 0);
  fail_unless_equals_int (gst_pipe_write_iov (fds[1], &iov, 1, &broken), 4);
  fail_if (broken);
  close (fds[0]);

  fail_unless_equals_int (gst_pipe_write_iov (fds[1], &iov, 1, &broken), -1);
  fail_unless_equals_int (errno, EPIPE);
  fail_unless (broken);
  sigpending (&pending);
  fail_if (sigismember (&pending, SIGPIPE));

  /* a SIGPIPE that was pending before is not ours to take */
  sigemptyset (&block);
  sigaddset (&block, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &block, &old);
  raise (SIGPIPE);
  fail_unless_equals_int (gst_pipe_write_iov (fds[1], &iov, 1, &broken), -1);
  sigpending (&pending);
  fail_unless (sigismember (&pending, SIGPIPE));
  {
    struct timespec zero = { 0, 0 };

    fail_unless_equals_int (sigtimedwait (&block, NULL, &zero), SIGPIPE);
  }
  pthread_sigmask (SIG_SETMASK, &old, NULL);

  /* and with SIGPIPE ignored */
  signal (SIGPIPE, SIG_IGN);
  fail_unless_equals_int (gst_pipe_write_iov (fds[1], &iov, 1, &broken), -1);
  fail_unless (broken);
  signal (SIGPIPE, SIG_DFL);

  close (fds[1]);
}

GST_END_TEST;

/* With SIGCHLD ignored the kernel reaps children itself: we say so instead
 * of waiting for ever. */
GST_START_TEST (test_sigchld_ignored)
{
  GstPipeChild *child;
  gchar *s;

  signal (SIGCHLD, SIG_IGN);
  child = spawn ("true", 0, GST_PIPE_CHILD_STDERR_INHERIT, NULL);
  fail_unless_equals_int (gst_pipe_child_wait (child, -1),
      GST_PIPE_CHILD_WAIT_EXITED);
  fail_unless_equals_int (gst_pipe_child_get_wait_status (child), -1);
  s = gst_pipe_wait_status_describe (-1);
  fail_unless (strstr (s, "unknown") != NULL);
  g_free (s);
  gst_pipe_child_free (child);
  signal (SIGCHLD, SIG_DFL);
}

GST_END_TEST;

static Suite *
pipechild_suite (void)
{
  Suite *s = suite_create ("pipechild");
  TCase *tc_chain = tcase_create ("general");

  suite_add_tcase (s, tc_chain);
  tcase_add_test (tc_chain, test_exit_codes);
  tcase_add_test (tc_chain, test_spawn_errors);
  tcase_add_test (tc_chain, test_env_and_cwd);
  tcase_add_test (tc_chain, test_stdin_pipe);
  tcase_add_test (tc_chain, test_wait_timeout_and_stop);
  tcase_add_test (tc_chain, test_stop_kills_group);
  tcase_add_test (tc_chain, test_stop_group_after_exit);
  tcase_add_test (tc_chain, test_stop_negative_grace);
  tcase_add_test (tc_chain, test_wait_interrupted);
  tcase_add_test (tc_chain, test_stderr_log);
  tcase_add_test (tc_chain, test_stderr_flood);
  tcase_add_test (tc_chain, test_child_signal_state);
  tcase_add_test (tc_chain, test_child_fds);
  tcase_add_test (tc_chain, test_no_leaks_over_cycles);
  tcase_add_test (tc_chain, test_write_broken_pipe);
  tcase_add_test (tc_chain, test_sigchld_ignored);

  return s;
}

GST_CHECK_MAIN (pipechild);
