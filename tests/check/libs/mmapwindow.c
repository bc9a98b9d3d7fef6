/* gst-reuse: unit tests for the memory-mapped window module and its SIGBUS
 * guard
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

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gstmmapwindow.h"

static gsize psize;

/* A temporary file of @size bytes where byte i is (i * 7 + 3) & 0xff. */
static gint
make_file (gsize size, gchar ** path)
{
  GError *err = NULL;
  guint8 *data = g_malloc (size);
  gsize i;
  gint fd;

  for (i = 0; i < size; i++)
    data[i] = (i * 7 + 3) & 0xff;

  fd = g_file_open_tmp ("mmapwindow-XXXXXX", path, &err);
  fail_unless (fd >= 0, "could not make a temp file: %s",
      err ? err->message : "");
  fail_unless (write (fd, data, size) == (gssize) size);
  g_free (data);

  return fd;
}

static void
remove_file (gint fd, gchar * path)
{
  close (fd);
  g_unlink (path);
  g_free (path);
}

/* The SIGBUS action the process started with: SIG_DFL, or a sanitizer's
 * handler in sanitizer builds. */
static struct sigaction initial_action;

static gboolean
sigbus_is_initial (void)
{
  struct sigaction sa;

  fail_unless (sigaction (SIGBUS, NULL, &sa) == 0);
  if (initial_action.sa_flags & SA_SIGINFO)
    return (sa.sa_flags & SA_SIGINFO) &&
        sa.sa_sigaction == initial_action.sa_sigaction;
  return !(sa.sa_flags & SA_SIGINFO) &&
      sa.sa_handler == initial_action.sa_handler;
}

GST_START_TEST (test_map_contents)
{
  GstMmapWindow *w;
  GError *err = NULL;
  gchar *path;
  guint8 *data;
  gint fd, i;

  fd = make_file (3 * psize + 100, &path);

  w = gst_mmap_window_new (fd, 0, 3 * psize + 100, FALSE, &err);
  fail_unless (w != NULL, "%s", err ? err->message : "");
  fail_unless_equals_uint64 (gst_mmap_window_get_offset (w), 0);
  fail_unless_equals_uint64 (gst_mmap_window_get_length (w), 3 * psize + 100);
  fail_if (gst_mmap_window_is_guarded (w));

  data = gst_mmap_window_get_data (w, 0);
  for (i = 0; i < 3 * psize + 100; i++)
    fail_unless_equals_int (data[i], (i * 7 + 3) & 0xff);

  fail_unless (gst_mmap_window_contains (w, 0, 3 * psize + 100));
  fail_unless (gst_mmap_window_contains (w, 3 * psize + 100, 0));
  fail_if (gst_mmap_window_contains (w, 0, 3 * psize + 101));
  fail_if (gst_mmap_window_contains (w, 3 * psize + 101, 0));
  fail_if (gst_mmap_window_contains (w, 10, 3 * psize + 100));

  fail_unless_equals_int (gst_mmap_window_populate (w, 5, 2 * psize), 0);
  fail_unless_equals_int (gst_mmap_window_advise (w, 0, 3 * psize + 100,
          GST_MMAP_ADVICE_SEQUENTIAL), 0);
  fail_unless_equals_int (gst_mmap_window_advise (w, psize, psize,
          GST_MMAP_ADVICE_WILLNEED), 0);

  /* the mapping survives the descriptor */
  remove_file (fd, path);
  fail_unless_equals_int (data[psize + 1], ((psize + 1) * 7 + 3) & 0xff);
  gst_mmap_window_unref (w);
}

GST_END_TEST;

GST_START_TEST (test_unaligned_offset)
{
  GstMmapWindow *w;
  gchar *path;
  guint8 *data;
  gint fd, i;

  fd = make_file (4 * psize, &path);

  w = gst_mmap_window_new (fd, psize + 17, 2 * psize, FALSE, NULL);
  fail_unless (w != NULL);
  fail_unless_equals_uint64 (gst_mmap_window_get_offset (w), psize + 17);
  fail_unless (gst_mmap_window_contains (w, psize + 17, 2 * psize));
  fail_if (gst_mmap_window_contains (w, psize + 16, 1));

  data = gst_mmap_window_get_data (w, psize + 17);
  for (i = 0; i < 2 * psize; i++)
    fail_unless_equals_int (data[i], ((psize + 17 + i) * 7 + 3) & 0xff);

  gst_mmap_window_unref (w);
  remove_file (fd, path);
}

GST_END_TEST;

GST_START_TEST (test_map_errors)
{
  GError *err = NULL;
  GstMmapWindow *w;
  gint fds[2];

  /* a pipe cannot be mapped */
  fail_unless (pipe (fds) == 0);
  w = gst_mmap_window_new (fds[0], 0, 4096, TRUE, &err);
  fail_unless (w == NULL);
  fail_unless (err != NULL);
  fail_unless (err->domain == G_FILE_ERROR);
  g_clear_error (&err);
  close (fds[0]);
  close (fds[1]);

  /* a failed guarded window leaves no handler behind */
  fail_unless (sigbus_is_initial ());
  fail_unless_equals_int (gst_mmap_guard_get_n_windows (), 0);
}

GST_END_TEST;

GST_START_TEST (test_populate_past_end)
{
  GstMmapWindow *w;
  gchar *path;
  gint fd;

  fd = make_file (4 * psize, &path);
  w = gst_mmap_window_new (fd, 0, 4 * psize, FALSE, NULL);
  fail_unless (w != NULL);

  fail_unless_equals_int (gst_mmap_window_populate (w, 0, 4 * psize), 0);
  fail_unless (ftruncate (fd, psize) == 0);
  /* the first page is still there, the rest would raise SIGBUS */
  fail_unless_equals_int (gst_mmap_window_populate (w, 0, psize), 0);
  fail_unless_equals_int (gst_mmap_window_populate (w, 2 * psize, 10), EFAULT);
  fail_unless_equals_int (gst_mmap_window_populate (w, 0, 4 * psize), EFAULT);
  /* nothing was touched: no fault */
  fail_if (gst_mmap_window_is_faulted (w));

  gst_mmap_window_unref (w);
  remove_file (fd, path);
}

GST_END_TEST;

GST_START_TEST (test_guard_install_uninstall)
{
  GstMmapWindow *w1, *w2, *w3;
  gchar *path;
  gint fd;

  fd = make_file (2 * psize, &path);
  fail_unless (sigbus_is_initial ());
  fail_if (gst_mmap_guard_is_installed ());

  /* unguarded windows do not touch the signal disposition */
  w3 = gst_mmap_window_new (fd, 0, psize, FALSE, NULL);
  fail_unless (sigbus_is_initial ());

  w1 = gst_mmap_window_new (fd, 0, 2 * psize, TRUE, NULL);
  fail_unless (w1 != NULL);
  fail_unless (gst_mmap_window_is_guarded (w1));
  fail_unless (gst_mmap_guard_is_installed ());
  fail_unless_equals_int (gst_mmap_guard_get_n_windows (), 1);

  w2 = gst_mmap_window_new (fd, psize, psize, TRUE, NULL);
  fail_unless_equals_int (gst_mmap_guard_get_n_windows (), 2);

  gst_mmap_window_unref (w1);
  fail_unless (gst_mmap_guard_is_installed ());
  fail_unless_equals_int (gst_mmap_guard_get_n_windows (), 1);

  gst_mmap_window_unref (w2);
  fail_unless_equals_int (gst_mmap_guard_get_n_windows (), 0);
  fail_if (gst_mmap_guard_is_installed ());
  fail_unless (sigbus_is_initial ());

  gst_mmap_window_unref (w3);
  remove_file (fd, path);
}

GST_END_TEST;

static gint fault_func_calls;

static void
count_fault (GstMmapWindow * window, gpointer user_data)
{
  g_atomic_int_inc (&fault_func_calls);
  fail_unless (user_data == GINT_TO_POINTER (42));
}

static gint notify_calls;

static void
count_notify (gpointer data)
{
  notify_calls++;
}

GST_START_TEST (test_guard_zero_fill)
{
  GstMmapWindow *w;
  gchar *path;
  volatile guint8 *data;
  guint before;
  gint fd;

  fd = make_file (4 * psize, &path);
  w = gst_mmap_window_new (fd, 0, 4 * psize, TRUE, NULL);
  fail_unless (w != NULL);
  fault_func_calls = notify_calls = 0;
  gst_mmap_window_set_fault_func (w, count_fault, GINT_TO_POINTER (42),
      count_notify);

  data = gst_mmap_window_get_data (w, 0);
  fail_unless_equals_int (data[2 * psize + 5],
      ((2 * psize + 5) * 7 + 3) & 0xff);
  fail_if (gst_mmap_window_check_fault (w, FALSE));
  fail_unless_equals_int (fault_func_calls, 0);

  before = gst_mmap_guard_get_fault_count ();
  fail_unless (ftruncate (fd, psize + 10) == 0);

  /* still-valid data reads as before */
  fail_unless_equals_int (data[psize + 9], ((psize + 9) * 7 + 3) & 0xff);
  /* past the end of the file: the guard turns SIGBUS into zeros */
  fail_unless_equals_int (data[2 * psize + 5], 0);
  fail_unless_equals_int (data[4 * psize - 1], 0);
  fail_unless (gst_mmap_window_is_faulted (w));
  fail_unless_equals_int (gst_mmap_guard_get_fault_count (), before + 1);

  /* the fault function runs exactly once */
  fail_unless (gst_mmap_window_check_fault (w, FALSE));
  fail_unless (gst_mmap_window_check_fault (w, FALSE));
  fail_unless_equals_int (fault_func_calls, 1);

  gst_mmap_window_unref (w);
  fail_unless_equals_int (notify_calls, 1);
  fail_unless (sigbus_is_initial ());
  remove_file (fd, path);
}

GST_END_TEST;

static sigjmp_buf foreign_jmp;
static volatile gpointer foreign_addr;

static void
foreign_handler (int sig, siginfo_t * info, void *ctx)
{
  foreign_addr = info->si_addr;
  siglongjmp (foreign_jmp, 1);
}

/* A SIGBUS outside our windows goes to the handler that was there before. */
GST_START_TEST (test_guard_chains_to_previous)
{
  struct sigaction sa, old, now;
  GstMmapWindow *ours, *foreign;
  volatile guint8 *fdata;
  gchar *path, *path2;
  gint fd, fd2;

  fd = make_file (2 * psize, &path);
  fd2 = make_file (2 * psize, &path2);

  memset (&sa, 0, sizeof (sa));
  sa.sa_sigaction = foreign_handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset (&sa.sa_mask);
  fail_unless (sigaction (SIGBUS, &sa, &old) == 0);

  ours = gst_mmap_window_new (fd, 0, 2 * psize, TRUE, NULL);
  fail_unless (gst_mmap_guard_is_installed ());
  foreign = gst_mmap_window_new (fd2, 0, 2 * psize, FALSE, NULL);
  fdata = gst_mmap_window_get_data (foreign, 0);

  fail_unless (ftruncate (fd2, 0) == 0);
  foreign_addr = NULL;
  if (sigsetjmp (foreign_jmp, 1) == 0) {
    guint8 v = fdata[psize + 1];
    (void) v;
    fail ("reading a truncated page did not raise SIGBUS");
  }
  fail_unless (foreign_addr == (gpointer) (fdata + psize + 1));
  fail_if (gst_mmap_window_is_faulted (ours));

  gst_mmap_window_unref (foreign);
  gst_mmap_window_unref (ours);

  /* the previous handler is back */
  fail_unless (sigaction (SIGBUS, &old, &now) == 0);
  fail_unless (now.sa_sigaction == foreign_handler);

  remove_file (fd, path);
  remove_file (fd2, path2);
}

GST_END_TEST;

static gint chained_calls;
static gboolean chained_sigbus_blocked, chained_usr_blocked;
static gint chained_si_code, chained_usr_signal;

static void
record_chained_mask (void)
{
  sigset_t current;

  pthread_sigmask (SIG_BLOCK, NULL, &current);
  chained_sigbus_blocked = sigismember (&current, SIGBUS) == 1;
  chained_usr_blocked = sigismember (&current, chained_usr_signal) == 1;
  chained_calls++;
}

static void
chained_siginfo_handler (int sig, siginfo_t * info, void *ctx)
{
  chained_si_code = info->si_code;
  record_chained_mask ();
}

static void
chained_plain_handler (int sig)
{
  chained_si_code = 1;
  record_chained_mask ();
}

/* Installs @prev, makes a guarded window, raises a SIGBUS that is not ours
 * and checks how @prev ran; puts the initial action back. */
static void
check_chain (const struct sigaction *prev, gboolean expect_sigbus_blocked)
{
  GstMmapWindow *w;
  gchar *path;
  gint fd;

  fd = make_file (psize, &path);
  fail_unless (sigaction (SIGBUS, prev, NULL) == 0);
  w = gst_mmap_window_new (fd, 0, psize, TRUE, NULL);
  fail_unless (w != NULL);
  fail_unless (gst_mmap_guard_is_installed ());

  chained_calls = 0;
  chained_si_code = 0;
  fail_unless (raise (SIGBUS) == 0);
  fail_unless_equals_int (chained_calls, 1);
  if (prev->sa_flags & SA_SIGINFO)
    fail_unless_equals_int (chained_si_code, SI_TKILL);
  /* its own mask, and SIGBUS itself unless SA_NODEFER */
  fail_unless (chained_usr_blocked, "the previous action's mask was not "
      "applied");
  fail_unless_equals_int (chained_sigbus_blocked, expect_sigbus_blocked);

  gst_mmap_window_unref (w);
  fail_unless (sigaction (SIGBUS, &initial_action, NULL) == 0);
  remove_file (fd, path);
}

/* A foreign SIGBUS runs the previous action as the kernel would have:
 * SA_SIGINFO or not, with its mask, and with SA_NODEFER honoured. */
GST_START_TEST (test_guard_chain_flags_and_mask)
{
  struct sigaction sa;

  memset (&sa, 0, sizeof (sa));
  sa.sa_sigaction = chained_siginfo_handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset (&sa.sa_mask);
  sigaddset (&sa.sa_mask, SIGUSR1);
  chained_usr_signal = SIGUSR1;
  check_chain (&sa, FALSE);

  memset (&sa, 0, sizeof (sa));
  sa.sa_handler = chained_plain_handler;
  sa.sa_flags = 0;
  sigemptyset (&sa.sa_mask);
  sigaddset (&sa.sa_mask, SIGUSR2);
  chained_usr_signal = SIGUSR2;
  check_chain (&sa, TRUE);
}

GST_END_TEST;

/* SA_RESETHAND: the previous handler runs once, then the default action
 * kills; an ignored SIGBUS sent with kill() stays ignored. */
GST_START_TEST (test_guard_chain_resethand_and_ignore)
{
  gchar *path;
  gint fd, status;
  pid_t pid;

  fd = make_file (psize, &path);

  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    struct sigaction sa;
    GstMmapWindow *w;

    memset (&sa, 0, sizeof (sa));
    sa.sa_sigaction = chained_siginfo_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset (&sa.sa_mask);
    chained_calls = 0;
    if (sigaction (SIGBUS, &sa, NULL) != 0)
      _exit (2);
    w = gst_mmap_window_new (fd, 0, psize, TRUE, NULL);
    if (w == NULL)
      _exit (3);
    raise (SIGBUS);
    if (chained_calls != 1)
      _exit (4);
    raise (SIGBUS);
    _exit (0);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
  fail_unless (WIFSIGNALED (status) && WTERMSIG (status) == SIGBUS,
      "expected death by SIGBUS after an SA_RESETHAND handler ran, status %d",
      status);

  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    GstMmapWindow *w;

    if (signal (SIGBUS, SIG_IGN) == SIG_ERR)
      _exit (2);
    w = gst_mmap_window_new (fd, 0, psize, TRUE, NULL);
    if (w == NULL)
      _exit (3);
    raise (SIGBUS);
    gst_mmap_window_unref (w);
    _exit (0);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0,
      "an ignored SIGBUS sent with kill() was not ignored, status %d", status);

  remove_file (fd, path);
}

GST_END_TEST;

static gboolean
sigbus_blocked_here (void)
{
  sigset_t current;

  fail_unless (pthread_sigmask (SIG_BLOCK, NULL, &current) == 0);
  return sigismember (&current, SIGBUS) == 1;
}

/* A thread that blocks SIGBUS reads a truncated page inside an access: the
 * guard gets the fault (zeros), and the thread's mask is as before once
 * the outermost access ends. Outside an access the kernel would kill the
 * process, so the test runs in a child. */
GST_START_TEST (test_access_unblocks_sigbus)
{
  gchar *path;
  gint fd, status;
  pid_t pid;

  fd = make_file (4 * psize, &path);
  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    GstMmapWindow *w, *unguarded;
    volatile guint8 *data;
    sigset_t all;

    w = gst_mmap_window_new (fd, 0, 4 * psize, TRUE, NULL);
    unguarded = gst_mmap_window_new (fd, 0, psize, FALSE, NULL);
    if (w == NULL || unguarded == NULL)
      _exit (2);
    data = gst_mmap_window_get_data (w, 0);
    sigfillset (&all);
    pthread_sigmask (SIG_BLOCK, &all, NULL);

    gst_mmap_window_access_begin (w);
    if (sigbus_blocked_here ())
      _exit (3);
    gst_mmap_window_access_begin (w);
    if (ftruncate (fd, psize) != 0)
      _exit (4);
    if (data[2 * psize] != 0 || !gst_mmap_window_is_faulted (w))
      _exit (5);
    gst_mmap_window_access_end (w);
    if (sigbus_blocked_here ())
      _exit (6);
    gst_mmap_window_access_end (w);
    if (!sigbus_blocked_here ())
      _exit (7);
    /* an end without a begin changes nothing */
    gst_mmap_window_access_end (w);
    if (!sigbus_blocked_here ())
      _exit (8);
    /* unguarded windows have no handler to unblock SIGBUS for */
    gst_mmap_window_access_begin (unguarded);
    if (!sigbus_blocked_here ())
      _exit (9);
    gst_mmap_window_access_end (unguarded);
    gst_mmap_window_unref (unguarded);
    gst_mmap_window_unref (w);
    _exit (0);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0,
      "child failed: status %d", status);

  /* a thread that does not block SIGBUS keeps it unblocked */
  {
    GstMmapWindow *w = gst_mmap_window_new (fd, 0, psize, TRUE, NULL);

    fail_if (sigbus_blocked_here ());
    gst_mmap_window_access_begin (w);
    gst_mmap_window_access_end (w);
    fail_if (sigbus_blocked_here ());
    gst_mmap_window_unref (w);
  }
  remove_file (fd, path);
}

GST_END_TEST;

/* check_range() tells a range that the truncation reached (the page after
 * it is gone) from one before the new end, in guarded and unguarded
 * windows and at the end of a window. */
GST_START_TEST (test_check_range)
{
  GstMmapWindow *guarded, *unguarded;
  gchar *path;
  gint fd;

  fd = make_file (4 * psize, &path);
  guarded = gst_mmap_window_new (fd, 0, 4 * psize, TRUE, NULL);
  unguarded = gst_mmap_window_new (fd, 0, 4 * psize, FALSE, NULL);
  fault_func_calls = 0;
  gst_mmap_window_set_fault_func (guarded, count_fault, GINT_TO_POINTER (42),
      NULL);

  fail_if (gst_mmap_window_check_range (guarded, 0, psize));
  fail_if (gst_mmap_window_check_range (guarded, 3 * psize, psize));
  fail_if (gst_mmap_window_check_range (unguarded, 3 * psize, psize));
  fail_if (gst_mmap_window_is_faulted (guarded));

  /* the new end in the second page: its tail reads as zeros silently */
  fail_unless (ftruncate (fd, psize + 10) == 0);

  /* a range of the first page: its data is intact */
  fail_if (gst_mmap_window_check_range (guarded, 0, psize));
  fail_if (gst_mmap_window_is_faulted (guarded));
  /* a range that ends in the second page reached past the new end */
  fail_unless (gst_mmap_window_check_range (guarded, psize, 20));
  fail_unless (gst_mmap_window_is_faulted (guarded));
  fail_unless_equals_int (fault_func_calls, 1);
  /* unguarded, or at the end of the window: by the file's size */
  fail_if (gst_mmap_window_check_range (unguarded, 0, psize));
  fail_unless (gst_mmap_window_check_range (unguarded, 3 * psize, psize));

  gst_mmap_window_unref (unguarded);
  gst_mmap_window_unref (guarded);
  fail_unless (sigbus_is_initial ());
  remove_file (fd, path);
}

GST_END_TEST;

/* With the default disposition before us, a foreign SIGBUS still kills. */
GST_START_TEST (test_guard_foreign_fault_kills)
{
  gchar *path, *path2;
  gint fd, fd2, status;
  pid_t pid;

  fd = make_file (2 * psize, &path);
  fd2 = make_file (2 * psize, &path2);

  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    GstMmapWindow *ours, *foreign;
    volatile guint8 *fdata;

    ours = gst_mmap_window_new (fd, 0, 2 * psize, TRUE, NULL);
    foreign = gst_mmap_window_new (fd2, 0, 2 * psize, FALSE, NULL);
    fdata = gst_mmap_window_get_data (foreign, 0);
    if (ours == NULL || ftruncate (fd2, 0) != 0)
      _exit (2);
    if (fdata[psize + 1] == 0x55)
      _exit (3);
    _exit (0);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer reports the SIGBUS itself and exits */
  fail_if (WIFEXITED (status) && WEXITSTATUS (status) == 0);
#else
  fail_unless (WIFSIGNALED (status), "child was not killed (status %d)",
      status);
  fail_unless_equals_int (WTERMSIG (status), SIGBUS);
#endif

  /* and so does a SIGBUS sent with kill() */
  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    GstMmapWindow *ours = gst_mmap_window_new (fd, 0, 2 * psize, TRUE, NULL);

    if (ours == NULL)
      _exit (2);
    kill (getpid (), SIGBUS);
    _exit (0);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
  fail_unless (WIFSIGNALED (status) || (WIFEXITED (status)
          && WEXITSTATUS (status) != 0), "child survived SIGBUS");

  remove_file (fd, path);
  remove_file (fd2, path2);
}

GST_END_TEST;

GST_START_TEST (test_guard_full)
{
  GstMmapWindow *windows[1100];
  GError *err = NULL;
  gchar *path;
  gint fd, i, n;

  fd = make_file (psize, &path);
  for (n = 0; n < G_N_ELEMENTS (windows); n++) {
    windows[n] = gst_mmap_window_new (fd, 0, psize, TRUE, &err);
    if (windows[n] == NULL)
      break;
  }
  fail_unless (n < G_N_ELEMENTS (windows), "the guard table has no limit");
  fail_unless (err != NULL);
  g_clear_error (&err);
  fail_unless_equals_int (gst_mmap_guard_get_n_windows (), n);

  /* unguarded windows still work */
  windows[n] = gst_mmap_window_new (fd, 0, psize, FALSE, NULL);
  fail_unless (windows[n] != NULL);
  gst_mmap_window_unref (windows[n]);

  for (i = 0; i < n; i++)
    gst_mmap_window_unref (windows[i]);
  fail_unless_equals_int (gst_mmap_guard_get_n_windows (), 0);
  fail_unless (sigbus_is_initial ());
  remove_file (fd, path);
}

GST_END_TEST;

#define STRESS_THREADS 4
#define STRESS_ROUNDS 200

static gpointer
stress_thread (gpointer data)
{
  gint round;

  for (round = 0; round < STRESS_ROUNDS; round++) {
    GstMmapWindow *w;
    volatile guint8 *p;
    gchar *path;
    gint fd;

    fd = make_file (3 * psize, &path);
    w = gst_mmap_window_new (fd, 0, 3 * psize, TRUE, NULL);
    fail_unless (w != NULL);
    p = gst_mmap_window_get_data (w, 0);
    fail_unless_equals_int (p[2 * psize], ((2 * psize) * 7 + 3) & 0xff);
    if (round % 2 == 0) {
      fail_unless (ftruncate (fd, psize / 2) == 0);
      fail_unless_equals_int (p[2 * psize], 0);
      fail_unless_equals_int (p[psize - 1], 0);
      fail_unless (gst_mmap_window_is_faulted (w));
    } else {
      fail_if (gst_mmap_window_is_faulted (w));
    }
    gst_mmap_window_unref (w);
    remove_file (fd, path);
  }
  return NULL;
}

GST_START_TEST (test_guard_threads)
{
  GThread *threads[STRESS_THREADS];
  guint before = gst_mmap_guard_get_fault_count ();
  gint i;

  for (i = 0; i < STRESS_THREADS; i++)
    threads[i] = g_thread_new ("stress", stress_thread, NULL);
  for (i = 0; i < STRESS_THREADS; i++)
    g_thread_join (threads[i]);

  /* every truncated window faulted at least once: on its third page, and
   * on the first page only if that was past the new end */
  fail_unless (gst_mmap_guard_get_fault_count () - before >=
      STRESS_THREADS * STRESS_ROUNDS / 2);
  fail_unless_equals_int (gst_mmap_guard_get_n_windows (), 0);
  fail_unless (sigbus_is_initial ());
}

GST_END_TEST;

static Suite *
mmapwindow_suite (void)
{
  Suite *s = suite_create ("mmapwindow");
  TCase *tc_chain = tcase_create ("general");

  psize = sysconf (_SC_PAGESIZE);
  sigaction (SIGBUS, NULL, &initial_action);

  suite_add_tcase (s, tc_chain);
  tcase_add_test (tc_chain, test_map_contents);
  tcase_add_test (tc_chain, test_unaligned_offset);
  tcase_add_test (tc_chain, test_map_errors);
  tcase_add_test (tc_chain, test_populate_past_end);
  tcase_add_test (tc_chain, test_guard_install_uninstall);
  tcase_add_test (tc_chain, test_guard_zero_fill);
  tcase_add_test (tc_chain, test_guard_chains_to_previous);
  tcase_add_test (tc_chain, test_guard_foreign_fault_kills);
  tcase_add_test (tc_chain, test_guard_chain_flags_and_mask);
  tcase_add_test (tc_chain, test_guard_chain_resethand_and_ignore);
  tcase_add_test (tc_chain, test_access_unblocks_sigbus);
  tcase_add_test (tc_chain, test_check_range);
  tcase_add_test (tc_chain, test_guard_full);
  tcase_add_test (tc_chain, test_guard_threads);

  return s;
}

GST_CHECK_MAIN (mmapwindow);
