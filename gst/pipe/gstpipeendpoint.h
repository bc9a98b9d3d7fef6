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

#ifndef __GST_PIPE_ENDPOINT_H__
#define __GST_PIPE_ENDPOINT_H__

#include <gst/gst.h>

#include "gstpipechild.h"

G_BEGIN_DECLS

/**
 * GstPipeStderr:
 * @GST_PIPE_STDERR_LOG: drain it into the element's debug category (INFO)
 *     and keep the last 4 KiB for error messages
 * @GST_PIPE_STDERR_INHERIT: the child writes to our standard error
 * @GST_PIPE_STDERR_DISCARD: /dev/null
 *
 * What becomes of the child's standard error.
 */
typedef enum
{
  GST_PIPE_STDERR_LOG,
  GST_PIPE_STDERR_INHERIT,
  GST_PIPE_STDERR_DISCARD,
} GstPipeStderr;

#define GST_TYPE_PIPE_STDERR (gst_pipe_stderr_get_type ())
GType gst_pipe_stderr_get_type (void);

/* The properties that pipesink and pipesrc share; each element numbers its
 * own from GST_PIPE_PROP_LAST. */
enum
{
  GST_PIPE_PROP_0,
  GST_PIPE_PROP_COMMAND,
  GST_PIPE_PROP_LOCATION,
  GST_PIPE_PROP_FD,
  GST_PIPE_PROP_CWD,
  GST_PIPE_PROP_ENV,
  GST_PIPE_PROP_STDERR,
  GST_PIPE_PROP_PIPE_SIZE,
  GST_PIPE_PROP_EOS_TIMEOUT,
  GST_PIPE_PROP_KILL_TIMEOUT,
  GST_PIPE_PROP_PID,
  GST_PIPE_PROP_EXIT_STATUS,
  GST_PIPE_PROP_LAST
};

typedef struct
{
  GstElement *element;          /* not owned */
  GstDebugCategory *cat;
  gboolean writing;             /* pipesink: we write to the far end */

  /* settings, the element's OBJECT_LOCK */
  gchar *command;
  gchar *location;
  gint fd;
  gchar *cwd;
  gchar *env;
  GstPipeStderr stderr_mode;
  guint pipe_size;
  GstClockTime eos_timeout;
  GstClockTime kill_timeout;
  gboolean pipe_size_set;       /* pipe-size was set, not the default */

  /* while open */
  GstPipeChild *child;
  gint io_fd;                   /* what we read or write */
  gboolean own_fd;              /* close io_fd at the end */
  gint saved_fd_flags;          /* of an inherited fd we had to make
                                 * non-blocking, restored at close; -1 */
  gboolean io_socket;           /* an inherited socket: MSG_DONTWAIT */
  guint pipe_bytes;             /* what we added to the process's pipes */
  gchar *what;                  /* "command \"...\"", for messages */
  GstPoll *poll;
  GstPollFD pollfd;

  /* OBJECT_LOCK */
  gint pid;
  gint exit_status;
} GstPipeEndpoint;

G_GNUC_INTERNAL
void     gst_pipe_endpoint_init (GstPipeEndpoint * ep, GstElement * element,
                                 GstDebugCategory * cat, gboolean writing);

G_GNUC_INTERNAL
void     gst_pipe_endpoint_clear (GstPipeEndpoint * ep);

G_GNUC_INTERNAL
void     gst_pipe_endpoint_install_properties (GObjectClass * klass,
                                               gboolean writing);

G_GNUC_INTERNAL
gboolean gst_pipe_endpoint_set_property (GstPipeEndpoint * ep, guint prop_id,
                                         const GValue * value);

G_GNUC_INTERNAL
gboolean gst_pipe_endpoint_get_property (GstPipeEndpoint * ep, guint prop_id,
                                         GValue * value);

G_GNUC_INTERNAL
gboolean gst_pipe_endpoint_open (GstPipeEndpoint * ep);

G_GNUC_INTERNAL
void     gst_pipe_endpoint_close (GstPipeEndpoint * ep);

G_GNUC_INTERNAL
GstFlowReturn gst_pipe_endpoint_finish (GstPipeEndpoint * ep);

G_GNUC_INTERNAL
void     gst_pipe_endpoint_set_flushing (GstPipeEndpoint * ep,
                                         gboolean flushing);

G_GNUC_INTERNAL
gint     gst_pipe_endpoint_wait_io (GstPipeEndpoint * ep);

G_GNUC_INTERNAL
gint64   gst_pipe_endpoint_get_grace_us (GstPipeEndpoint * ep);

G_GNUC_INTERNAL
void     gst_pipe_endpoint_post_child_error (GstPipeEndpoint * ep,
                                             GQuark domain, gint code,
                                             gboolean early,
                                             const gchar * context);

G_END_DECLS

#endif /* __GST_PIPE_ENDPOINT_H__ */
