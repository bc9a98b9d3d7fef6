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

#ifndef __GST_PIPE_CHILD_H__
#define __GST_PIPE_CHILD_H__

#include <glib.h>
#include <sys/uio.h>

G_BEGIN_DECLS

/**
 * GstPipeChild:
 *
 * A child process started for a pipe: its own process group, default
 * signal dispositions and an empty signal mask, every descriptor but its
 * standard streams closed, and its standard input and/or output connected
 * to pipes whose other ends are close-on-exec in this process. It is waited
 * for through a pidfd, with a timeout, and the wait can be interrupted from
 * another thread; it is reaped exactly once. Its standard error can be
 * inherited, discarded, or drained by a thread that passes each line to a
 * callback and keeps the last few KiB for error messages.
 *
 * This module has no GStreamer element code in it: pipesink and pipesrc
 * build on it.
 */
typedef struct _GstPipeChild GstPipeChild;

typedef enum
{
  GST_PIPE_CHILD_STDIN_PIPE = (1 << 0),
  GST_PIPE_CHILD_STDOUT_PIPE = (1 << 1),
} GstPipeChildFlags;

typedef enum
{
  GST_PIPE_CHILD_STDERR_INHERIT,
  GST_PIPE_CHILD_STDERR_DISCARD,
  GST_PIPE_CHILD_STDERR_LOG,
} GstPipeChildStderr;

typedef enum
{
  GST_PIPE_CHILD_WAIT_EXITED,
  GST_PIPE_CHILD_WAIT_TIMEOUT,
  GST_PIPE_CHILD_WAIT_INTERRUPTED,
} GstPipeChildWait;

/**
 * GstPipeChildLineFunc:
 * @line: a line the child wrote to its standard error, without the newline
 * @user_data: the data given to gst_pipe_child_spawn()
 *
 * Called from the draining thread for each line (long lines in pieces).
 */
typedef void (*GstPipeChildLineFunc) (const gchar * line, gpointer user_data);

/* how many bytes of standard error are kept for error messages */
#define GST_PIPE_CHILD_STDERR_TAIL 4096

G_GNUC_INTERNAL
GstPipeChild * gst_pipe_child_spawn (const gchar * const * argv,
                                     const gchar * cwd,
                                     const gchar * const * extra_env,
                                     GstPipeChildFlags flags,
                                     GstPipeChildStderr stderr_mode,
                                     GstPipeChildLineFunc line_func,
                                     gpointer user_data,
                                     GError ** error);

G_GNUC_INTERNAL
GPid           gst_pipe_child_get_pid (GstPipeChild * child);

G_GNUC_INTERNAL
gint           gst_pipe_child_get_stdin (GstPipeChild * child);

G_GNUC_INTERNAL
gint           gst_pipe_child_get_stdout (GstPipeChild * child);

G_GNUC_INTERNAL
void           gst_pipe_child_close_stdin (GstPipeChild * child);

G_GNUC_INTERNAL
void           gst_pipe_child_close_stdout (GstPipeChild * child);

G_GNUC_INTERNAL
GstPipeChildWait gst_pipe_child_wait (GstPipeChild * child,
                                      gint64 timeout_us);

G_GNUC_INTERNAL
gboolean       gst_pipe_child_has_exited (GstPipeChild * child);

G_GNUC_INTERNAL
gint           gst_pipe_child_get_wait_status (GstPipeChild * child);

G_GNUC_INTERNAL
void           gst_pipe_child_set_interrupted (GstPipeChild * child,
                                               gboolean interrupted);

G_GNUC_INTERNAL
gboolean       gst_pipe_child_stop (GstPipeChild * child, gint64 grace_us);

G_GNUC_INTERNAL
gchar *        gst_pipe_child_get_stderr_tail (GstPipeChild * child);

G_GNUC_INTERNAL
void           gst_pipe_child_free (GstPipeChild * child);

G_GNUC_INTERNAL
gchar *        gst_pipe_wait_status_describe (gint wait_status);

G_GNUC_INTERNAL
gint           gst_pipe_wait_status_to_exit_code (gint wait_status);

G_GNUC_INTERNAL
gssize         gst_pipe_write_iov (gint fd, struct iovec * iov, gint n_iov,
                                   gboolean * broken);

G_GNUC_INTERNAL
gssize         gst_pipe_send_iov (gint fd, struct iovec * iov, gint n_iov,
                                  gboolean * broken);

G_END_DECLS

#endif /* __GST_PIPE_CHILD_H__ */
