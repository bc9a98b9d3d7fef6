/* gst-reuse: the far end of pipesink and pipesrc
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

/* What pipesink and pipesrc share: the properties that say what is at the
 * other end of the pipe (a command, a FIFO or an inherited descriptor),
 * opening it with precise errors, waiting for the child at the end of the
 * stream and reporting its exit status, and stopping it at shutdown. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpipeendpoint.h"
#include "gstpipefd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_STDERR          GST_PIPE_STDERR_LOG
/* the most an unprivileged process may ask for by default
 * (/proc/sys/fs/pipe-max-size): fewer context switches per frame */
#define DEFAULT_PIPE_SIZE       (1024 * 1024)
#define DEFAULT_EOS_TIMEOUT     GST_CLOCK_TIME_NONE
#define DEFAULT_KILL_TIMEOUT    (2 * GST_SECOND)
/* shutdown always ends: longer kill-timeouts, -1 included, mean this */
#define MAX_KILL_TIMEOUT        (10 * GST_SECOND)

#define CLOCK_TIME_TO_US(t) \
    ((t) == GST_CLOCK_TIME_NONE ? -1 : (gint64) ((t) / GST_USECOND))

GType
gst_pipe_stderr_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    {GST_PIPE_STDERR_LOG, "Log it to GST_DEBUG and keep the last 4 KiB for "
          "error messages", "log"},
    {GST_PIPE_STDERR_INHERIT, "Write it to our standard error", "inherit"},
    {GST_PIPE_STDERR_DISCARD, "Discard it", "discard"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&id)) {
    GType tmp = g_enum_register_static ("GstPipeStderr", values);
    g_once_init_leave (&id, tmp);
  }
  return (GType) id;
}

void
gst_pipe_endpoint_init (GstPipeEndpoint * ep, GstElement * element,
    GstDebugCategory * cat, gboolean writing)
{
  memset (ep, 0, sizeof (*ep));
  ep->element = element;
  ep->cat = cat;
  ep->writing = writing;
  ep->fd = -1;
  ep->stderr_mode = DEFAULT_STDERR;
  ep->pipe_size = DEFAULT_PIPE_SIZE;
  ep->eos_timeout = DEFAULT_EOS_TIMEOUT;
  ep->kill_timeout = DEFAULT_KILL_TIMEOUT;
  ep->io_fd = -1;
  ep->saved_fd_flags = -1;
  ep->pid = -1;
  ep->exit_status = -1;
}

void
gst_pipe_endpoint_clear (GstPipeEndpoint * ep)
{
  gst_pipe_endpoint_close (ep);
  g_clear_pointer (&ep->command, g_free);
  g_clear_pointer (&ep->location, g_free);
  g_clear_pointer (&ep->cwd, g_free);
  g_clear_pointer (&ep->env, g_free);
}

void
gst_pipe_endpoint_install_properties (GObjectClass * klass, gboolean writing)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  /**
   * GstPipeSink:command:
   *
   * The program to run and its arguments, split as a shell would split
   * them (quotes and backslashes work) but run without a shell: write
   * `sh -c '...'` for redirections and pipelines. The program is looked up
   * in PATH. pipesink writes to its standard input; its standard output is
   * ours. Exactly one of #GstPipeSink:command, #GstPipeSink:location and
   * #GstPipeSink:fd must be set.
   */
  /**
   * GstPipeSrc:command:
   *
   * The program to run and its arguments, split as a shell would split
   * them (quotes and backslashes work) but run without a shell: write
   * `sh -c '...'` for redirections and pipelines. The program is looked up
   * in PATH. pipesrc reads its standard output; its standard input is
   * /dev/null. Exactly one of #GstPipeSrc:command, #GstPipeSrc:location and
   * #GstPipeSrc:fd must be set.
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_COMMAND,
      g_param_spec_string ("command", "Command",
          writing ? "Program and arguments to run, fed the data on its "
          "standard input (shell-like quoting, no shell)" :
          "Program and arguments to run, whose standard output is read "
          "(shell-like quoting, no shell)", NULL, rw));

  /**
   * GstPipeSink:location:
   *
   * A FIFO (named pipe) to write to, instead of a command. pipesink waits
   * up to 5 seconds for a reader to open it, then fails with
   * RESOURCE/OPEN_WRITE.
   */
  /**
   * GstPipeSrc:location:
   *
   * A FIFO (named pipe) to read from, instead of a command. pipesrc waits
   * for a writer without blocking state changes.
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          writing ? "FIFO to write to instead of a command" :
          "FIFO to read from instead of a command", NULL, rw));

  /**
   * GstPipeSink:fd:
   *
   * An open descriptor to write to, instead of a command, as fdsink does.
   * It is not closed, and its flags are left alone: the open file
   * description may be shared with other processes (a terminal, a shell's
   * pipe), so pipesink writes to a pipe, FIFO or terminal through its own
   * non-blocking reopening of it (/proc/self/fd), to a socket with
   * MSG_DONTWAIT, and to a regular file as it is (so that state changes
   * never wait for a stuck reader). Only when the reopening fails is the
   * descriptor itself made non-blocking while the element runs, and
   * restored after.
   */
  /**
   * GstPipeSrc:fd:
   *
   * An open descriptor to read from, instead of a command, as fdsrc does.
   * It is not closed, and its flags are left alone; see #GstPipeSink:fd.
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_FD,
      g_param_spec_int ("fd", "File descriptor",
          "Inherited descriptor to use instead of a command (-1 = none)",
          -1, G_MAXINT, -1, rw));

  /**
   * GstPipeSink:cwd:
   *
   * The command's working directory (default: ours).
   */
  /**
   * GstPipeSrc:cwd:
   *
   * The command's working directory (default: ours).
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_CWD,
      g_param_spec_string ("cwd", "Working directory",
          "Working directory of the command (NULL = ours)", NULL, rw));

  /**
   * GstPipeSink:env:
   *
   * Variables added to the command's environment, which is otherwise
   * ours: `NAME=VALUE` words, split and quoted as in #GstPipeSink:command,
   * for example `env="LC_ALL=C TZ='Europe/Paris'"`.
   */
  /**
   * GstPipeSrc:env:
   *
   * Variables added to the command's environment, which is otherwise
   * ours: `NAME=VALUE` words, split and quoted as in #GstPipeSrc:command.
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_ENV,
      g_param_spec_string ("env", "Environment",
          "NAME=VALUE words added to the command's environment", NULL, rw));

  /**
   * GstPipeSink:stderr:
   *
   * What becomes of the command's standard error. `log` (the default)
   * reads it in a thread, logs each line in the element's debug category
   * at INFO level and keeps the last 4 KiB, which error messages quote;
   * reading it also means that a child that floods its standard error
   * never blocks.
   */
  /**
   * GstPipeSrc:stderr:
   *
   * What becomes of the command's standard error; see
   * #GstPipeSink:stderr.
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_STDERR,
      g_param_spec_enum ("stderr", "Standard error",
          "What becomes of the command's standard error",
          GST_TYPE_PIPE_STDERR, DEFAULT_STDERR, rw));

  /**
   * GstPipeSink:pipe-size:
   *
   * The capacity of the pipe in bytes (F_SETPIPE_SZ). The default, 1 MiB,
   * is the most an unprivileged process may ask for unless
   * /proc/sys/fs/pipe-max-size says otherwise; it holds a few raw frames,
   * so that producer and consumer switch less often than with the kernel's
   * 64 KiB. 0 keeps the kernel's default.
   *
   * Pipe memory counts against a per-user quota
   * (/proc/sys/fs/pipe-user-pages-soft, 64 MiB by default): once an
   * unprivileged user's pipes hold more, the kernel refuses to enlarge
   * pipes and gives every new pipe of that user, in any program, only
   * 8 KiB. So the default size is only taken while the pipes that this
   * process's pipe elements enlarged hold less than a quarter of that quota
   * (about 16 elements at 1 MiB with the default quota), and not when the
   * user is over the quota
   * already; beyond that a pipe keeps the kernel's size. A size that is set
   * explicitly is always asked for. If the kernel refuses a size, the pipe
   * keeps its size and a debug message says so.
   */
  /**
   * GstPipeSrc:pipe-size:
   *
   * The capacity of the pipe in bytes; see #GstPipeSink:pipe-size.
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_PIPE_SIZE,
      g_param_spec_uint ("pipe-size", "Pipe size",
          "Capacity of the pipe in bytes (0 = the kernel's default)", 0,
          G_MAXINT, DEFAULT_PIPE_SIZE, rw));

  /**
   * GstPipeSink:eos-timeout:
   *
   * At end of stream pipesink closes the command's standard input and waits
   * for it to exit before it lets EOS through, so that EOS means the
   * consumer has finished. This is how long it waits before it stops the
   * command with a signal and posts an error; the default waits as long as
   * it takes (a state change to NULL still interrupts the wait). A pause
   * suspends the wait; it starts again when the pipeline plays again.
   */
  /**
   * GstPipeSrc:eos-timeout:
   *
   * How long pipesrc waits, after the command closed its standard output,
   * for it to exit; the default waits as long as it takes (a state change
   * still interrupts the wait).
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_EOS_TIMEOUT,
      g_param_spec_uint64 ("eos-timeout", "EOS timeout",
          "How long to wait for the command to exit at end of stream, in "
          "nanoseconds (-1 = as long as it takes)", 0, G_MAXUINT64,
          DEFAULT_EOS_TIMEOUT, rw));

  /**
   * GstPipeSink:kill-timeout:
   *
   * At shutdown, the command's pipes are closed and it gets this long to
   * exit, with every process of its process group, then SIGTERM goes to
   * the group and it gets this long again, then SIGKILL. This holds when
   * the command itself has exited but a process it started is left. A
   * warning says so when a signal was needed. Shutdown always ends: values
   * above 10 seconds, -1 included, are taken as 10 seconds.
   */
  /**
   * GstPipeSrc:kill-timeout:
   *
   * See #GstPipeSink:kill-timeout.
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_KILL_TIMEOUT,
      g_param_spec_uint64 ("kill-timeout", "Kill timeout",
          "Grace period at shutdown before SIGTERM, and again before "
          "SIGKILL, in nanoseconds (at most 10 s; more, -1 included, means "
          "10 s)", 0, G_MAXUINT64, DEFAULT_KILL_TIMEOUT, rw));

  /**
   * GstPipeSink:pid:
   *
   * The process ID of the running command, or -1.
   */
  /**
   * GstPipeSrc:pid:
   *
   * The process ID of the running command, or -1.
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_PID,
      g_param_spec_int ("pid", "Process ID",
          "Process ID of the running command (-1 = none)", -1, G_MAXINT, -1,
          ro));

  /**
   * GstPipeSink:exit-status:
   *
   * How the last command ended: its exit code, 128 + the signal number if
   * a signal killed it (as shells report it), or -1 while it runs or before
   * one ran.
   */
  /**
   * GstPipeSrc:exit-status:
   *
   * How the last command ended; see #GstPipeSink:exit-status.
   */
  g_object_class_install_property (klass, GST_PIPE_PROP_EXIT_STATUS,
      g_param_spec_int ("exit-status", "Exit status",
          "Exit code of the last command, 128 + signal if a signal killed "
          "it, -1 if none ended yet", -1, 255, -1, ro));

  gst_type_mark_as_plugin_api (GST_TYPE_PIPE_STDERR, 0);
}

static void
replace_string (gchar ** s, const GValue * value)
{
  g_free (*s);
  *s = g_value_dup_string (value);
}

/* Returns whether @prop_id is one of ours. */
gboolean
gst_pipe_endpoint_set_property (GstPipeEndpoint * ep, guint prop_id,
    const GValue * value)
{
  if (prop_id == GST_PIPE_PROP_0 || prop_id >= GST_PIPE_PROP_LAST)
    return FALSE;

  GST_OBJECT_LOCK (ep->element);
  if (GST_STATE (ep->element) > GST_STATE_READY) {
    GST_OBJECT_UNLOCK (ep->element);
    GST_CAT_WARNING_OBJECT (ep->cat, ep->element,
        "cannot change settings while running; set the element to READY "
        "or NULL first");
    return TRUE;
  }
  switch (prop_id) {
    case GST_PIPE_PROP_COMMAND:
      replace_string (&ep->command, value);
      break;
    case GST_PIPE_PROP_LOCATION:
      replace_string (&ep->location, value);
      break;
    case GST_PIPE_PROP_FD:
      ep->fd = g_value_get_int (value);
      break;
    case GST_PIPE_PROP_CWD:
      replace_string (&ep->cwd, value);
      break;
    case GST_PIPE_PROP_ENV:
      replace_string (&ep->env, value);
      break;
    case GST_PIPE_PROP_STDERR:
      ep->stderr_mode = g_value_get_enum (value);
      break;
    case GST_PIPE_PROP_PIPE_SIZE:
      ep->pipe_size = g_value_get_uint (value);
      ep->pipe_size_set = TRUE;
      break;
    case GST_PIPE_PROP_EOS_TIMEOUT:
      ep->eos_timeout = g_value_get_uint64 (value);
      break;
    case GST_PIPE_PROP_KILL_TIMEOUT:
      ep->kill_timeout = g_value_get_uint64 (value);
      break;
    default:
      break;
  }
  GST_OBJECT_UNLOCK (ep->element);

  return TRUE;
}

gboolean
gst_pipe_endpoint_get_property (GstPipeEndpoint * ep, guint prop_id,
    GValue * value)
{
  if (prop_id == GST_PIPE_PROP_0 || prop_id >= GST_PIPE_PROP_LAST)
    return FALSE;

  GST_OBJECT_LOCK (ep->element);
  switch (prop_id) {
    case GST_PIPE_PROP_COMMAND:
      g_value_set_string (value, ep->command);
      break;
    case GST_PIPE_PROP_LOCATION:
      g_value_set_string (value, ep->location);
      break;
    case GST_PIPE_PROP_FD:
      g_value_set_int (value, ep->fd);
      break;
    case GST_PIPE_PROP_CWD:
      g_value_set_string (value, ep->cwd);
      break;
    case GST_PIPE_PROP_ENV:
      g_value_set_string (value, ep->env);
      break;
    case GST_PIPE_PROP_STDERR:
      g_value_set_enum (value, ep->stderr_mode);
      break;
    case GST_PIPE_PROP_PIPE_SIZE:
      g_value_set_uint (value, ep->pipe_size);
      break;
    case GST_PIPE_PROP_EOS_TIMEOUT:
      g_value_set_uint64 (value, ep->eos_timeout);
      break;
    case GST_PIPE_PROP_KILL_TIMEOUT:
      g_value_set_uint64 (value, ep->kill_timeout);
      break;
    case GST_PIPE_PROP_PID:
      g_value_set_int (value, ep->pid);
      break;
    case GST_PIPE_PROP_EXIT_STATUS:
      g_value_set_int (value, ep->exit_status);
      break;
    default:
      break;
  }
  GST_OBJECT_UNLOCK (ep->element);

  return TRUE;
}

static void
log_stderr_line (const gchar * line, gpointer user_data)
{
  GstPipeEndpoint *ep = user_data;

  GST_CAT_INFO_OBJECT (ep->cat, ep->element, "%s: %s", ep->what, line);
}

static void
record_exit (GstPipeEndpoint * ep)
{
  gint status = gst_pipe_child_get_wait_status (ep->child);

  GST_OBJECT_LOCK (ep->element);
  ep->exit_status = gst_pipe_wait_status_to_exit_code (status);
  ep->pid = -1;
  GST_OBJECT_UNLOCK (ep->element);
}

/**
 * gst_pipe_endpoint_post_child_error:
 * @early: whether the child stopped before the end of the stream
 * @context: (nullable): what was going on, for the debug message
 *
 * Posts an error about how the child ended (it must have been reaped):
 * @domain and @code for an exit code, RESOURCE/FAILED for a signal, with
 * the tail of its standard error and, in the message's details, pid,
 * exit-status, signal and stderr-tail.
 */
void
gst_pipe_endpoint_post_child_error (GstPipeEndpoint * ep, GQuark domain,
    gint code, gboolean early, const gchar * context)
{
  gint status = gst_pipe_child_get_wait_status (ep->child);
  gchar *how = gst_pipe_wait_status_describe (status);
  gchar *tail = gst_pipe_child_get_stderr_tail (ep->child);
  gchar *text, *debug;
  gint sig = 0;

  if (status != -1 && WIFSIGNALED (status)) {
    sig = WTERMSIG (status);
    domain = GST_RESOURCE_ERROR;
    code = GST_RESOURCE_ERROR_FAILED;
  }

  if (early && status != -1 && WIFEXITED (status) && WEXITSTATUS (status) == 0)
    text = g_strdup_printf ("The %s stopped %s before the end of the stream "
        "(it %s).", ep->what, ep->writing ? "reading its input" :
        "writing its output", how);
  else if (early)
    text = g_strdup_printf ("The %s %s before the end of the stream.",
        ep->what, how);
  else
    text = g_strdup_printf ("The %s %s.", ep->what, how);
  debug = g_strdup_printf ("%s%s%s", context ? context : "",
      *tail ? (context ? "; its standard error ended with:\n" :
          "its standard error ended with:\n") : "", tail);

  gst_element_message_full_with_details (ep->element, GST_MESSAGE_ERROR,
      domain, code, text, debug, __FILE__, GST_FUNCTION, __LINE__,
      gst_make_element_message_details ("pid", G_TYPE_INT,
          (gint) gst_pipe_child_get_pid (ep->child),
          "exit-status", G_TYPE_INT,
          gst_pipe_wait_status_to_exit_code (status),
          "signal", G_TYPE_INT, sig, "stderr-tail", G_TYPE_STRING, tail, NULL));

  g_free (how);
  g_free (tail);
}

static gboolean
parse_words (GstPipeEndpoint * ep, const gchar * what, const gchar * s,
    gchar *** words)
{
  GError *err = NULL;

  if (!g_shell_parse_argv (s, NULL, words, &err)) {
    GST_ELEMENT_ERROR (ep->element, RESOURCE, SETTINGS,
        ("Could not parse the %s \"%s\".", what, s), ("%s", err->message));
    g_clear_error (&err);
    return FALSE;
  }
  return TRUE;
}

static gboolean
spawn_command (GstPipeEndpoint * ep, const gchar * command,
    const gchar * cwd, const gchar * env, GstPipeStderr stderr_mode)
{
  gchar **argv = NULL, **envv = NULL;
  GError *err = NULL;
  GstPipeChildStderr mode;

  if (strspn (command, " \t\n") == strlen (command))
    goto empty_command;
  if (!parse_words (ep, "command", command, &argv))
    return FALSE;
  if (env && *env && !parse_words (ep, "environment", env, &envv))
    goto error;

  mode = stderr_mode == GST_PIPE_STDERR_INHERIT ?
      GST_PIPE_CHILD_STDERR_INHERIT :
      stderr_mode == GST_PIPE_STDERR_DISCARD ? GST_PIPE_CHILD_STDERR_DISCARD :
      GST_PIPE_CHILD_STDERR_LOG;
  ep->what = g_strdup_printf ("command \"%s\"", command);

  ep->child = gst_pipe_child_spawn ((const gchar * const *) argv, cwd,
      (const gchar * const *) envv, ep->writing ?
      GST_PIPE_CHILD_STDIN_PIPE : GST_PIPE_CHILD_STDOUT_PIPE, mode,
      log_stderr_line, ep, &err);
  if (ep->child == NULL)
    goto spawn_failed;

  ep->io_fd = ep->writing ? gst_pipe_child_get_stdin (ep->child) :
      gst_pipe_child_get_stdout (ep->child);
  ep->own_fd = FALSE;           /* the child object closes it */
  GST_OBJECT_LOCK (ep->element);
  ep->pid = gst_pipe_child_get_pid (ep->child);
  ep->exit_status = -1;
  GST_OBJECT_UNLOCK (ep->element);
  GST_CAT_INFO_OBJECT (ep->cat, ep->element, "started %s, pid %d", ep->what,
      ep->pid);

  g_strfreev (argv);
  g_strfreev (envv);
  return TRUE;

  /* ERRORS */
empty_command:
  {
    GST_ELEMENT_ERROR (ep->element, RESOURCE, NOT_FOUND,
        ("No command given."), ("the command \"%s\" has no words", command));
    goto error;
  }
spawn_failed:
  {
    if (g_error_matches (err, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT))
      GST_ELEMENT_ERROR (ep->element, RESOURCE, NOT_FOUND,
          ("Could not find the program \"%s\".", argv[0]),
          ("command \"%s\": %s", command, err->message));
    else if (g_error_matches (err, G_SPAWN_ERROR, G_SPAWN_ERROR_ACCES) ||
        g_error_matches (err, G_SPAWN_ERROR, G_SPAWN_ERROR_PERM))
      GST_ELEMENT_ERROR (ep->element, RESOURCE, NOT_AUTHORIZED,
          ("Not allowed to run the program \"%s\".", argv[0]),
          ("command \"%s\": %s", command, err->message));
    else if (g_error_matches (err, G_SPAWN_ERROR, G_SPAWN_ERROR_CHDIR))
      GST_ELEMENT_ERROR (ep->element, RESOURCE, NOT_FOUND,
          ("Could not change to the directory \"%s\".", cwd),
          ("command \"%s\": %s", command, err->message));
    else if (ep->writing)
      GST_ELEMENT_ERROR (ep->element, RESOURCE, OPEN_WRITE,
          ("Could not run the command \"%s\".", command), ("%s", err->message));
    else
      GST_ELEMENT_ERROR (ep->element, RESOURCE, OPEN_READ,
          ("Could not run the command \"%s\".", command), ("%s", err->message));
    g_clear_error (&err);
    g_clear_pointer (&ep->what, g_free);
    goto error;
  }
error:
  g_strfreev (argv);
  g_strfreev (envv);
  return FALSE;
}

/**
 * gst_pipe_endpoint_open:
 *
 * Starts the command or opens the FIFO or descriptor, as the settings say,
 * and prepares for non-blocking I/O through a #GstPoll. Posts a precise
 * error and returns %FALSE on failure.
 */
gboolean
gst_pipe_endpoint_open (GstPipeEndpoint * ep)
{
  gchar *command, *location, *cwd, *env;
  GstPipeStderr stderr_mode;
  gint fd, n_modes;
  guint pipe_size;
  gboolean pipe_size_set;
  gboolean ok = FALSE;

  GST_OBJECT_LOCK (ep->element);
  command = g_strdup (ep->command);
  location = g_strdup (ep->location);
  cwd = g_strdup (ep->cwd);
  env = g_strdup (ep->env);
  fd = ep->fd;
  stderr_mode = ep->stderr_mode;
  pipe_size = ep->pipe_size;
  pipe_size_set = ep->pipe_size_set;
  GST_OBJECT_UNLOCK (ep->element);

  n_modes = (command != NULL) + (location != NULL) + (fd >= 0);
  if (n_modes == 0) {
    GST_ELEMENT_ERROR (ep->element, RESOURCE, NOT_FOUND,
        ("No command, location or fd given."), (NULL));
    goto done;
  }
  if (n_modes > 1) {
    GST_ELEMENT_ERROR (ep->element, RESOURCE, SETTINGS,
        ("Set only one of command, location and fd."), (NULL));
    goto done;
  }

  if (command) {
    if (!spawn_command (ep, command, cwd, env, stderr_mode))
      goto done;
  } else if (location) {
    if (!gst_pipe_fd_open_fifo (ep, location))
      goto done;
  } else {
    if (!gst_pipe_fd_open_inherited (ep, fd))
      goto done;
  }

  /* never block in read() or write(): we wait in a GstPoll instead, which
   * unlock() can interrupt. Our pipes and FIFOs are ours to change;
   * gst_pipe_fd_open_inherited() took care of an inherited descriptor. */
  if (ep->own_fd || ep->child)
    fcntl (ep->io_fd, F_SETFL, fcntl (ep->io_fd, F_GETFL) | O_NONBLOCK);

  if (pipe_size > 0)
    gst_pipe_fd_set_pipe_size (ep, pipe_size, pipe_size_set);

  ep->poll = gst_poll_new (TRUE);
  gst_poll_fd_init (&ep->pollfd);
  ep->pollfd.fd = ep->io_fd;
  gst_poll_add_fd (ep->poll, &ep->pollfd);
  if (ep->writing)
    gst_poll_fd_ctl_write (ep->poll, &ep->pollfd, TRUE);
  else
    gst_poll_fd_ctl_read (ep->poll, &ep->pollfd, TRUE);
  ok = TRUE;

done:
  g_free (command);
  g_free (location);
  g_free (cwd);
  g_free (env);
  return ok;
}

/**
 * gst_pipe_endpoint_close:
 *
 * Releases the far end: a command that still runs, or any process left of
 * its process group, gets its pipes closed, then SIGTERM and SIGKILL to the
 * group after #GstPipeSink:kill-timeout each (with a warning), and the
 * command is reaped; a FIFO or our reopening of a descriptor is closed; an
 * inherited descriptor we had to make non-blocking gets its flags back.
 */
void
gst_pipe_endpoint_close (GstPipeEndpoint * ep)
{
  if (ep->poll) {
    gst_poll_free (ep->poll);
    ep->poll = NULL;
  }

  gst_pipe_fd_release_pipe_bytes (ep);

  if (ep->child) {
    gboolean signalled;

    signalled = gst_pipe_child_stop (ep->child,
        gst_pipe_endpoint_get_grace_us (ep));
    record_exit (ep);
    if (signalled) {
      gchar *how = gst_pipe_wait_status_describe
          (gst_pipe_child_get_wait_status (ep->child));

      GST_ELEMENT_WARNING (ep->element, RESOURCE, CLOSE,
          ("The %s or a process it started did not exit when its pipe was "
              "closed, and its process group had to be stopped with a "
              "signal.", ep->what), ("it %s", how));
      g_free (how);
    }
    GST_CAT_INFO_OBJECT (ep->cat, ep->element, "%s ended, exit status %d",
        ep->what, ep->exit_status);
    gst_pipe_child_free (ep->child);
    ep->child = NULL;
  } else {
    gst_pipe_fd_close (ep);
  }
  ep->io_fd = -1;
  ep->own_fd = FALSE;
  ep->io_socket = FALSE;
  ep->saved_fd_flags = -1;
  g_clear_pointer (&ep->what, g_free);
}

/**
 * gst_pipe_endpoint_finish:
 *
 * At the end of the stream: closes our end of a command's pipe and waits
 * for it to exit (up to #GstPipeSink:eos-timeout, interruptible with
 * gst_pipe_endpoint_set_flushing()). Without a command there is nothing to
 * wait for. After an interruption it can be called again to go on waiting
 * (the timeout starts again).
 *
 * Returns: %GST_FLOW_OK if the command exited with 0, %GST_FLOW_FLUSHING if
 * the wait was interrupted, %GST_FLOW_ERROR (error posted) otherwise.
 */
GstFlowReturn
gst_pipe_endpoint_finish (GstPipeEndpoint * ep)
{
  GstClockTime eos_timeout;
  GstPipeChildWait res;
  gint status;

  if (ep->child == NULL)
    return GST_FLOW_OK;

  GST_OBJECT_LOCK (ep->element);
  eos_timeout = ep->eos_timeout;
  GST_OBJECT_UNLOCK (ep->element);

  if (ep->writing && ep->poll && ep->io_fd >= 0) {
    gst_poll_remove_fd (ep->poll, &ep->pollfd);
    gst_pipe_child_close_stdin (ep->child);
    ep->io_fd = -1;
  }

  GST_CAT_DEBUG_OBJECT (ep->cat, ep->element, "waiting for the %s to exit",
      ep->what);
  res = gst_pipe_child_wait (ep->child, CLOCK_TIME_TO_US (eos_timeout));
  switch (res) {
    case GST_PIPE_CHILD_WAIT_INTERRUPTED:
      return GST_FLOW_FLUSHING;
    case GST_PIPE_CHILD_WAIT_TIMEOUT:
      gst_pipe_child_stop (ep->child, gst_pipe_endpoint_get_grace_us (ep));
      record_exit (ep);
      GST_ELEMENT_ERROR (ep->element, RESOURCE, FAILED,
          ("The %s did not exit within %" GST_TIME_FORMAT " after the end "
              "of the stream and was stopped.", ep->what,
              GST_TIME_ARGS (eos_timeout)), ("eos-timeout expired"));
      return GST_FLOW_ERROR;
    case GST_PIPE_CHILD_WAIT_EXITED:
      break;
  }

  record_exit (ep);
  status = gst_pipe_child_get_wait_status (ep->child);
  if (status != -1 && WIFEXITED (status) && WEXITSTATUS (status) == 0) {
    GST_CAT_INFO_OBJECT (ep->cat, ep->element, "%s exited with code 0",
        ep->what);
    return GST_FLOW_OK;
  }
  if (status == -1) {
    /* somebody else reaped it: we cannot know, so we trust it */
    GST_CAT_WARNING_OBJECT (ep->cat, ep->element, "the exit status of the "
        "%s is unknown (SIGCHLD ignored?)", ep->what);
    return GST_FLOW_OK;
  }

  if (ep->writing)
    gst_pipe_endpoint_post_child_error (ep, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_WRITE, FALSE, "at the end of the stream");
  else
    gst_pipe_endpoint_post_child_error (ep, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_READ, FALSE, "at the end of its output");
  return GST_FLOW_ERROR;
}

/**
 * gst_pipe_endpoint_set_flushing:
 *
 * Interrupts (or stops interrupting) waits for I/O and for the child; for
 * unlock() and unlock_stop().
 */
void
gst_pipe_endpoint_set_flushing (GstPipeEndpoint * ep, gboolean flushing)
{
  if (ep->poll)
    gst_poll_set_flushing (ep->poll, flushing);
  if (ep->child)
    gst_pipe_child_set_interrupted (ep->child, flushing);
}

/**
 * gst_pipe_endpoint_wait_io:
 *
 * Waits until the descriptor is ready for the element's direction.
 *
 * Returns: > 0 when ready, 0 when flushing, < 0 with errno on failure.
 */
gint
gst_pipe_endpoint_wait_io (GstPipeEndpoint * ep)
{
  for (;;) {
    gint ret = gst_poll_wait (ep->poll, GST_CLOCK_TIME_NONE);

    if (ret > 0)
      return ret;
    if (ret < 0 && errno == EBUSY)
      return 0;
    if (ret < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (ret < 0)
      return ret;
  }
}

/**
 * gst_pipe_endpoint_get_grace_us:
 *
 * Returns: #GstPipeSink:kill-timeout in microseconds, at most 10 seconds:
 * longer values, -1 included, would let shutdown hang.
 */
gint64
gst_pipe_endpoint_get_grace_us (GstPipeEndpoint * ep)
{
  GstClockTime kill_timeout;

  GST_OBJECT_LOCK (ep->element);
  kill_timeout = ep->kill_timeout;
  GST_OBJECT_UNLOCK (ep->element);

  return (gint64) (MIN (kill_timeout, MAX_KILL_TIMEOUT) / GST_USECOND);
}
