/* gst-reuse: the descriptor side of pipesink and pipesrc (private)
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

#ifndef __GST_PIPE_FD_H__
#define __GST_PIPE_FD_H__

#include "gstpipeendpoint.h"

G_BEGIN_DECLS

G_GNUC_INTERNAL
gboolean gst_pipe_fd_open_fifo (GstPipeEndpoint * ep, const gchar * location);

G_GNUC_INTERNAL
gboolean gst_pipe_fd_open_inherited (GstPipeEndpoint * ep, gint fd);

G_GNUC_INTERNAL
void     gst_pipe_fd_set_pipe_size (GstPipeEndpoint * ep, guint pipe_size,
                                    gboolean explicit);

G_GNUC_INTERNAL
void     gst_pipe_fd_release_pipe_bytes (GstPipeEndpoint * ep);

G_GNUC_INTERNAL
void     gst_pipe_fd_close (GstPipeEndpoint * ep);

G_END_DECLS

#endif /* __GST_PIPE_FD_H__ */
