/* gst-reuse: child processes at the other end of a pipe
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

/*
 * Rules this module follows, learnt from GLib's gspawn and gmain and from
 * what went wrong in earlier subprocess elements:
 *
 * - The child is started with g_spawn (fork path, because of child_setup)
 *   with DO_NOT_REAP_CHILD: we reap it ourselves, exactly once, and never
 *   call waitpid() on anything else. No SIGCHLD handler is installed.
 * - Our ends of the pipes are close-on-exec, and g_spawn closes every other
 *   descriptor in the child, so that no other child keeps a write end open
 *   and EOF always arrives.
 * - The child gets its own process group (so that SIGTERM and SIGKILL reach
 *   whatever it starts), default signal dispositions and an empty signal
 *   mask, whatever the thread that started it had blocked or ignored
 *   (GSocket ignores SIGPIPE process-wide; our writers block it).
 * - The group is stopped as a whole, also after the child itself exited:
 *   its exit is noticed with waitid(WNOWAIT), and the zombie is only reaped
 *   once nothing else of its group is left, so that its pid, the group's
 *   id, cannot be reused by an unrelated group that kill(-pgid) would then
 *   reach.
 * - Waiting uses a pidfd, so that a timeout needs no polling and no signal,
 *   and an eventfd lets another thread interrupt the wait.
 * - Writing blocks SIGPIPE in the writing thread only and consumes the
 *   SIGPIPE that a write to a closed pipe raises: the process-wide
 *   disposition is never touched.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpipechild.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct _GstPipeChild
{
  GPid pid;
  gint pidfd;                   /* -1 where pidfd_open() is missing */
  gint stdin_fd;
  gint stdout_fd;
  gint intr_fd;                 /* eventfd: readable while interrupted */

  gboolean exited;              /* it has exited (it may be a zombie still) */
  gboolean reaped;
  gint wait_status;             /* valid once exited; -1 if unknown */

  /* standard error, LOG mode */
  gint stderr_fd;
  gint drain_stop_fd;           /* eventfd: tells the drain thread to stop */
  GThread *drain_thread;
  GstPipeChildLineFunc line_func;
  gpointer user_data;
  GMutex tail_lock;
  GCond drain_cond;
  GString *tail;                /* tail_lock */
  gboolean drain_done;          /* tail_lock: the thread reached EOF */
};

/* how long we wait for the drain thread to catch up with a child that
 * exited, before we give up on a process that still holds its stderr */
#define DRAIN_CATCH_UP_US (500 * G_TIME_SPAN_MILLISECOND)

/* after SIGKILL, how long we wait for the rest of the group to go (a
 * process in uninterruptible sleep takes its time) */
#define GROUP_KILL_WAIT_US (2 * G_TIME_SPAN_SECOND)

/* how often we look at the group while waiting for it to empty: at first
 * often, then less (each look reads every process's /proc/PID/stat) */
#define GROUP_POLL_MIN_US (2 * G_TIME_SPAN_MILLISECOND)
#define GROUP_POLL_MAX_US (50 * G_TIME_SPAN_MILLISECOND)

/* Runs in the child between fork() and exec(): async-signal-safe calls
 * only. */
static void
child_setup (gpointer user_data)
{
  struct sigaction dfl;
  sigset_t none;
  int sig;

  setpgid (0, 0);

  memset (&dfl, 0, sizeof (dfl));
  dfl.sa_handler = SIG_DFL;
  sigemptyset (&dfl.sa_mask);
  for (sig = 1; sig < NSIG; sig++) {
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaction (sig, &dfl, NULL);
  }
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

static void
tail_append (GstPipeChild * child, const gchar * line, gsize len)
{
  g_mutex_lock (&child->tail_lock);
  g_string_append_len (child->tail, line, len);
  g_string_append_c (child->tail, '\n');
  if (child->tail->len > GST_PIPE_CHILD_STDERR_TAIL) {
    gsize cut = child->tail->len - GST_PIPE_CHILD_STDERR_TAIL;
    const gchar *nl = memchr (child->tail->str + cut, '\n',
        child->tail->len - cut);

    /* start at a line boundary when there is one */
    if (nl && (gsize) (nl - child->tail->str) + 1 < child->tail->len)
      cut = nl - child->tail->str + 1;
    g_string_erase (child->tail, 0, cut);
  }
  g_mutex_unlock (&child->tail_lock);
}

static void
emit_line (GstPipeChild * child, const gchar * line, gsize len)
{
  gchar *copy;

  tail_append (child, line, len);
  if (child->line_func) {
    copy = g_strndup (line, len);
    child->line_func (copy, child->user_data);
    g_free (copy);
  }
}

#define LINE_MAX_LEN 1024

/* Drains the child's standard error so that it never blocks on a full
 * pipe, whatever it writes. */
static gpointer
drain_stderr (gpointer data)
{
  GstPipeChild *child = data;
  gchar buf[4096];
  GString *line = g_string_new (NULL);

  for (;;) {
    struct pollfd fds[2] = {
      {child->stderr_fd, POLLIN, 0},
      {child->drain_stop_fd, POLLIN, 0},
    };
    gssize n;
    gssize i;

    if (poll (fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[1].revents)
      break;

    n = read (child->stderr_fd, buf, sizeof (buf));
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      break;
    }
    if (n == 0)
      break;

    for (i = 0; i < n; i++) {
      if (buf[i] == '\n') {
        emit_line (child, line->str, line->len);
        g_string_truncate (line, 0);
      } else if (buf[i] != '\r') {
        g_string_append_c (line, buf[i]);
        if (line->len >= LINE_MAX_LEN) {
          emit_line (child, line->str, line->len);
          g_string_truncate (line, 0);
        }
      }
    }
  }
  if (line->len > 0)
    emit_line (child, line->str, line->len);
  g_string_free (line, TRUE);

  g_mutex_lock (&child->tail_lock);
  child->drain_done = TRUE;
  g_cond_broadcast (&child->drain_cond);
  g_mutex_unlock (&child->tail_lock);

  return NULL;
}

/**
 * gst_pipe_child_spawn:
 * @argv: the program and its arguments; the program is looked up in PATH
 * @cwd: (nullable): the working directory
 * @extra_env: (nullable): "NAME=VALUE" strings added to our environment
 * @flags: which of the child's standard input and output are pipes to us
 *   (otherwise its input is /dev/null and its output is ours)
 * @stderr_mode: what becomes of its standard error
 * @line_func: (nullable): called for each line of standard error in
 *   %GST_PIPE_CHILD_STDERR_LOG mode, from another thread
 * @user_data: for @line_func
 * @error: a #G_SPAWN_ERROR: %G_SPAWN_ERROR_NOENT when the program does not
 *   exist, %G_SPAWN_ERROR_ACCES or %G_SPAWN_ERROR_PERM when it may not be
 *   run
 *
 * Returns: (transfer full) (nullable): the running child.
 */
GstPipeChild *
gst_pipe_child_spawn (const gchar * const *argv, const gchar * cwd,
    const gchar * const *extra_env, GstPipeChildFlags flags,
    GstPipeChildStderr stderr_mode, GstPipeChildLineFunc line_func,
    gpointer user_data, GError ** error)
{
  GSpawnFlags spawn_flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH |
      G_SPAWN_CLOEXEC_PIPES;
  GstPipeChild *child;
  gchar **envp = NULL;
  gint in_fd = -1, out_fd = -1, err_fd = -1;
  GPid pid;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  if (extra_env) {
    const gchar *const *e;

    envp = g_get_environ ();
    for (e = extra_env; *e; e++) {
      const gchar *eq = strchr (*e, '=');
      gchar *name;

      if (eq == NULL || eq == *e) {
        g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_INVAL,
            "\"%s\" is not an environment assignment NAME=VALUE", *e);
        g_strfreev (envp);
        return NULL;
      }
      name = g_strndup (*e, eq - *e);
      envp = g_environ_setenv (envp, name, eq + 1, TRUE);
      g_free (name);
    }
  }

  if (!(flags & GST_PIPE_CHILD_STDIN_PIPE))
    spawn_flags |= G_SPAWN_STDIN_FROM_DEV_NULL;
  switch (stderr_mode) {
    case GST_PIPE_CHILD_STDERR_INHERIT:
      break;
    case GST_PIPE_CHILD_STDERR_DISCARD:
      spawn_flags |= G_SPAWN_STDERR_TO_DEV_NULL;
      break;
    case GST_PIPE_CHILD_STDERR_LOG:
      break;
  }

  if (!g_spawn_async_with_pipes_and_fds (cwd, argv,
          (const gchar * const *) envp, spawn_flags, child_setup, NULL,
          -1, -1, -1, NULL, NULL, 0, &pid,
          (flags & GST_PIPE_CHILD_STDIN_PIPE) ? &in_fd : NULL,
          (flags & GST_PIPE_CHILD_STDOUT_PIPE) ? &out_fd : NULL,
          stderr_mode == GST_PIPE_CHILD_STDERR_LOG ? &err_fd : NULL, error)) {
    g_strfreev (envp);
    return NULL;
  }
  g_strfreev (envp);

  /* the child did this too; whoever comes first wins, the other fails */
  setpgid (pid, pid);

  child = g_new0 (GstPipeChild, 1);
  child->pid = pid;
  child->pidfd = pidfd_open (pid, 0);
  child->stdin_fd = in_fd;
  child->stdout_fd = out_fd;
  child->stderr_fd = err_fd;
  child->intr_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  child->drain_stop_fd = -1;
  child->wait_status = -1;
  child->line_func = line_func;
  child->user_data = user_data;
  g_mutex_init (&child->tail_lock);
  g_cond_init (&child->drain_cond);
  child->tail = g_string_new (NULL);
  child->drain_done = (err_fd < 0);

  if (err_fd >= 0) {
    child->drain_stop_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
    child->drain_thread = g_thread_new ("pipe-stderr", drain_stderr, child);
  }

  return child;
}

GPid
gst_pipe_child_get_pid (GstPipeChild * child)
{
  return child->pid;
}

/**
 * gst_pipe_child_get_stdin:
 *
 * Returns: our end of the child's standard input, or -1. The child keeps
 * ownership: use gst_pipe_child_close_stdin().
 */
gint
gst_pipe_child_get_stdin (GstPipeChild * child)
{
  return child->stdin_fd;
}

/**
 * gst_pipe_child_get_stdout:
 *
 * Returns: our end of the child's standard output, or -1. The child keeps
 * ownership: use gst_pipe_child_close_stdout().
 */
gint
gst_pipe_child_get_stdout (GstPipeChild * child)
{
  return child->stdout_fd;
}

/**
 * gst_pipe_child_close_stdin:
 *
 * Closes the child's standard input: it reads end of file.
 */
void
gst_pipe_child_close_stdin (GstPipeChild * child)
{
  if (child->stdin_fd >= 0)
    close (child->stdin_fd);
  child->stdin_fd = -1;
}

void
gst_pipe_child_close_stdout (GstPipeChild * child)
{
  if (child->stdout_fd >= 0)
    close (child->stdout_fd);
  child->stdout_fd = -1;
}

/* Whether a process other than a zombie is in process group @pgid. Linux
 * has no call for that: we look through /proc. */
static gboolean
group_has_members (GPid pgid)
{
  GDir *dir = g_dir_open ("/proc", 0, NULL);
  const gchar *name;
  gboolean found = FALSE;

  if (dir == NULL)
    return kill (-pgid, 0) == 0;

  while (!found && (name = g_dir_read_name (dir))) {
    gchar path[64], buf[512];
    const gchar *p;
    gssize n;
    gint fd, pgrp = 0, ppid;
    gchar state = 0;

    if (!g_ascii_isdigit (*name))
      continue;
    g_snprintf (path, sizeof (path), "/proc/%s/stat", name);
    fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      continue;
    n = read (fd, buf, sizeof (buf) - 1);
    close (fd);
    if (n <= 0)
      continue;
    buf[n] = '\0';
    /* "pid (comm) state ppid pgrp ...", comm may hold anything */
    p = strrchr (buf, ')');
    if (p && sscanf (p + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 &&
        pgrp == pgid && state != 'Z' && state != 'X')
      found = TRUE;
  }
  g_dir_close (dir);

  return found;
}

static void
reap (GstPipeChild * child)
{
  gint status;
  pid_t ret;

  if (child->reaped)
    return;
  do {
    ret = waitpid (child->pid, &status, 0);
  } while (ret < 0 && errno == EINTR);
  child->reaped = TRUE;
}

/* Notices the child's exit without reaping it: as long as the zombie is
 * ours, its pid, which is also its process group's id, cannot be reused,
 * so that kill(-pgid) can only reach its group. It is reaped at once when
 * nothing else of its group is left, otherwise when the group has been
 * stopped (gst_pipe_child_stop()). */
static gboolean
check_exited (GstPipeChild * child)
{
  siginfo_t info;
  gint ret;

  if (child->exited)
    return TRUE;

  memset (&info, 0, sizeof (info));
  do {
    ret = waitid (P_PID, child->pid, &info, WEXITED | WNOHANG | WNOWAIT);
  } while (ret < 0 && errno == EINTR);

  if (ret == 0 && info.si_pid == child->pid) {
    switch (info.si_code) {
      case CLD_EXITED:
        child->wait_status = (info.si_status & 0xff) << 8;
        break;
      case CLD_KILLED:
        child->wait_status = info.si_status & 0x7f;
        break;
      case CLD_DUMPED:
        child->wait_status = (info.si_status & 0x7f) | 0x80;
        break;
      default:
        child->wait_status = -1;
        break;
    }
    child->exited = TRUE;
    if (!group_has_members (child->pid))
      reap (child);
  } else if (ret < 0 && errno == ECHILD) {
    /* reaped behind our back: SIGCHLD is set to SIG_IGN in this process,
     * or somebody waited for all children */
    child->wait_status = -1;
    child->exited = TRUE;
    child->reaped = TRUE;
  }
  return child->exited;
}

static GstPipeChildWait
wait_internal (GstPipeChild * child, gint64 timeout_us, gboolean interruptible)
{
  gint64 end = timeout_us < 0 ? -1 : g_get_monotonic_time () + timeout_us;

  for (;;) {
    struct pollfd fds[2];
    gint n_fds = 0, timeout_ms;

    if (check_exited (child))
      return GST_PIPE_CHILD_WAIT_EXITED;

    if (end < 0) {
      timeout_ms = -1;
    } else {
      gint64 left = end - g_get_monotonic_time ();

      if (left <= 0)
        return GST_PIPE_CHILD_WAIT_TIMEOUT;
      timeout_ms = (gint) MIN ((left + 999) / 1000, G_MAXINT);
    }

    if (child->pidfd >= 0) {
      fds[n_fds].fd = child->pidfd;
      fds[n_fds].events = POLLIN;
      fds[n_fds++].revents = 0;
    } else if (timeout_ms < 0 || timeout_ms > 10) {
      /* no pidfd (Linux before 5.3): look again every 10 ms */
      timeout_ms = 10;
    }
    if (interruptible && child->intr_fd >= 0) {
      fds[n_fds].fd = child->intr_fd;
      fds[n_fds].events = POLLIN;
      fds[n_fds++].revents = 0;
    }

    if (poll (fds, n_fds, timeout_ms) < 0 && errno != EINTR)
      g_usleep (1000);

    if (interruptible && n_fds > 0 && fds[n_fds - 1].fd == child->intr_fd
        && (fds[n_fds - 1].revents & POLLIN))
      return GST_PIPE_CHILD_WAIT_INTERRUPTED;
  }
}

/**
 * gst_pipe_child_wait:
 * @timeout_us: how long to wait, -1 for as long as it takes
 *
 * Waits for the child to exit. It is reaped unless processes of its group
 * are left (see gst_pipe_child_stop()). Another thread can interrupt the
 * wait with gst_pipe_child_set_interrupted().
 *
 * Returns: whether it exited, the time ran out, or the wait was interrupted.
 */
GstPipeChildWait
gst_pipe_child_wait (GstPipeChild * child, gint64 timeout_us)
{
  return wait_internal (child, timeout_us, TRUE);
}

/**
 * gst_pipe_child_has_exited:
 *
 * Returns: whether the child has exited; never blocks.
 */
gboolean
gst_pipe_child_has_exited (GstPipeChild * child)
{
  return check_exited (child);
}

/**
 * gst_pipe_child_get_wait_status:
 *
 * Returns: the child's wait status, as waitpid() gives it, or -1 if it has
 * not exited or was reaped by somebody else.
 */
gint
gst_pipe_child_get_wait_status (GstPipeChild * child)
{
  return child->exited ? child->wait_status : -1;
}

/**
 * gst_pipe_child_set_interrupted:
 *
 * While interrupted, gst_pipe_child_wait() returns
 * %GST_PIPE_CHILD_WAIT_INTERRUPTED at once.
 */
void
gst_pipe_child_set_interrupted (GstPipeChild * child, gboolean interrupted)
{
  guint64 v = 1;

  if (child->intr_fd < 0)
    return;
  if (interrupted) {
    if (write (child->intr_fd, &v, sizeof (v)) < 0 && errno != EAGAIN)
      g_warn_if_reached ();
  } else {
    while (read (child->intr_fd, &v, sizeof (v)) > 0);
  }
}

static void
signal_group (GstPipeChild * child, int sig)
{
  /* the child's group first; the child alone if it left that group */
  if (kill (-child->pid, sig) < 0)
    kill (child->pid, sig);
}

/* Waits up to @timeout_us (-1: as long as it takes) for the child to exit
 * and for the rest of its process group to be gone. */
static gboolean
wait_group (GstPipeChild * child, gint64 timeout_us)
{
  gint64 end = timeout_us < 0 ? -1 : g_get_monotonic_time () + timeout_us;
  gint64 poll_us = GROUP_POLL_MIN_US;

  if (wait_internal (child, timeout_us, FALSE) != GST_PIPE_CHILD_WAIT_EXITED)
    return FALSE;
  for (;;) {
    gint64 left;

    /* once nothing of the group is left, nobody can reuse its id but the
     * zombie we hold: reap it */
    if (child->reaped || !group_has_members (child->pid)) {
      reap (child);
      return TRUE;
    }
    left = end < 0 ? poll_us : end - g_get_monotonic_time ();
    if (left <= 0)
      return FALSE;
    g_usleep (MIN (left, poll_us));
    poll_us = MIN (poll_us * 2, GROUP_POLL_MAX_US);
  }
}

/**
 * gst_pipe_child_stop:
 * @grace_us: how long the child and its group get at each step (a negative
 *   value is taken as 0)
 *
 * Makes sure the child and every process of its group are gone, and the
 * child reaped: closes its pipes, gives them @grace_us to exit, then sends
 * SIGTERM to the process group, gives them @grace_us again, then sends
 * SIGKILL. This holds when the child itself has already exited but a
 * process it started is still there: the child is only reaped once its
 * group is empty, so that the group's id stays ours to signal. Not
 * interruptible; returns within about 2 * @grace_us plus the time the
 * kernel takes to kill.
 *
 * Returns: whether a signal had to be sent.
 */
gboolean
gst_pipe_child_stop (GstPipeChild * child, gint64 grace_us)
{
  grace_us = MAX (grace_us, 0);

  gst_pipe_child_close_stdin (child);
  gst_pipe_child_close_stdout (child);

  if (wait_group (child, grace_us))
    return FALSE;

  signal_group (child, SIGTERM);
  if (wait_group (child, grace_us))
    return TRUE;

  signal_group (child, SIGKILL);
  wait_internal (child, -1, FALSE);
  wait_group (child, GROUP_KILL_WAIT_US);
  reap (child);
  return TRUE;
}

/**
 * gst_pipe_child_get_stderr_tail:
 *
 * Returns: (transfer full): the last lines the child wrote to its standard
 * error (at most %GST_PIPE_CHILD_STDERR_TAIL bytes; empty unless in LOG
 * mode), without the final newline. Once the child has been reaped, this
 * waits (half a second at most) for the draining thread to read the rest.
 */
gchar *
gst_pipe_child_get_stderr_tail (GstPipeChild * child)
{
  gint64 end = g_get_monotonic_time () + DRAIN_CATCH_UP_US;
  gchar *tail;

  g_mutex_lock (&child->tail_lock);
  /* once the child is gone, let the drain thread read what it left */
  while (child->exited && !child->drain_done &&
      g_cond_wait_until (&child->drain_cond, &child->tail_lock, end));
  tail = g_strdup (child->tail->str);
  g_mutex_unlock (&child->tail_lock);

  return g_strchomp (tail);
}

/**
 * gst_pipe_child_free:
 *
 * Stops the child and its process group if anything of it is left (100 ms
 * of grace per step), reaps it, stops the thread draining its standard
 * error, and frees everything.
 */
void
gst_pipe_child_free (GstPipeChild * child)
{
  guint64 v = 1;

  if (child == NULL)
    return;

  if (!check_exited (child) || !child->reaped)
    gst_pipe_child_stop (child, 100 * G_TIME_SPAN_MILLISECOND);
  gst_pipe_child_close_stdin (child);
  gst_pipe_child_close_stdout (child);

  if (child->drain_thread) {
    gint64 end = g_get_monotonic_time () + DRAIN_CATCH_UP_US;

    /* after the child is gone its standard error reaches EOF, unless a
     * process it started still holds it: do not wait long for that one */
    g_mutex_lock (&child->tail_lock);
    while (!child->drain_done &&
        g_cond_wait_until (&child->drain_cond, &child->tail_lock, end));
    g_mutex_unlock (&child->tail_lock);
    if (write (child->drain_stop_fd, &v, sizeof (v)) < 0)
      g_warn_if_reached ();
    g_thread_join (child->drain_thread);
  }
  if (child->stderr_fd >= 0)
    close (child->stderr_fd);
  if (child->drain_stop_fd >= 0)
    close (child->drain_stop_fd);
  if (child->intr_fd >= 0)
    close (child->intr_fd);
  if (child->pidfd >= 0)
    close (child->pidfd);

  g_string_free (child->tail, TRUE);
  g_cond_clear (&child->drain_cond);
  g_mutex_clear (&child->tail_lock);
  g_free (child);
}

/**
 * gst_pipe_wait_status_describe:
 *
 * Returns: (transfer full): "exited with code N", "was killed by signal N
 * (NAME)", or a note that the status is unknown.
 */
gchar *
gst_pipe_wait_status_describe (gint wait_status)
{
  if (wait_status == -1)
    return g_strdup ("exited, status unknown (SIGCHLD is ignored in this "
        "process)");
  if (WIFEXITED (wait_status))
    return g_strdup_printf ("exited with code %d", WEXITSTATUS (wait_status));
  if (WIFSIGNALED (wait_status)) {
    gint sig = WTERMSIG (wait_status);
    const gchar *abbrev = sigabbrev_np (sig);

    return g_strdup_printf ("was killed by signal %d (SIG%s: %s)%s", sig,
        abbrev ? abbrev : "?", g_strsignal (sig),
        WCOREDUMP (wait_status) ? ", core dumped" : "");
  }
  return g_strdup_printf ("stopped with wait status 0x%x", wait_status);
}

/**
 * gst_pipe_wait_status_to_exit_code:
 *
 * Returns: the exit code, 128 + the signal number for a child killed by a
 * signal (as shells report it), or -1 if unknown.
 */
gint
gst_pipe_wait_status_to_exit_code (gint wait_status)
{
  if (wait_status == -1)
    return -1;
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  if (WIFSIGNALED (wait_status))
    return 128 + WTERMSIG (wait_status);
  return -1;
}

/* the body of gst_pipe_write_iov() and gst_pipe_send_iov() */
static gssize
write_iov (gint fd, struct iovec *iov, gint n_iov, gboolean socket,
    gboolean * broken)
{
  sigset_t pipe_set, old, pending;
  gboolean was_pending;
  gssize n;
  gint err;

  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe_set, &old);
  sigpending (&pending);
  was_pending = sigismember (&pending, SIGPIPE);

  do {
    if (socket) {
      struct msghdr msg;

      memset (&msg, 0, sizeof (msg));
      msg.msg_iov = iov;
      msg.msg_iovlen = n_iov;
      n = sendmsg (fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    } else {
      n = writev (fd, iov, n_iov);
    }
  } while (n < 0 && errno == EINTR);
  err = errno;

  *broken = FALSE;
  if (n < 0 && err == EPIPE) {
    *broken = TRUE;
    if (!was_pending) {
      struct timespec zero = { 0, 0 };

      while (sigtimedwait (&pipe_set, NULL, &zero) < 0 && errno == EINTR);
    }
  }
  pthread_sigmask (SIG_SETMASK, &old, NULL);

  errno = err;
  return n;
}

/**
 * gst_pipe_write_iov:
 * @fd: a descriptor to write to
 * @iov: the data
 * @n_iov: entries in @iov
 * @broken: (out): set to %TRUE when the reader has gone (EPIPE)
 *
 * One writev(), retried on EINTR, with SIGPIPE blocked in the calling
 * thread: a write to a pipe without a reader fails with EPIPE and the
 * SIGPIPE it raised is consumed, unless one was already pending, which is
 * left alone. The process's signal disposition is not touched.
 *
 * Returns: the bytes written, or -1 with errno set.
 */
gssize
gst_pipe_write_iov (gint fd, struct iovec *iov, gint n_iov, gboolean * broken)
{
  return write_iov (fd, iov, n_iov, FALSE, broken);
}

/**
 * gst_pipe_send_iov:
 *
 * gst_pipe_write_iov() for a socket whose flags are not ours to change: one
 * sendmsg() with MSG_DONTWAIT (it never blocks) and MSG_NOSIGNAL.
 */
gssize
gst_pipe_send_iov (gint fd, struct iovec *iov, gint n_iov, gboolean * broken)
{
  return write_iov (fd, iov, n_iov, TRUE, broken);
}
