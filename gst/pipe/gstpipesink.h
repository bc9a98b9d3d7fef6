/* gst-reuse: pipesink, stream into an external program
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

#ifndef __GST_PIPE_SINK_H__
#define __GST_PIPE_SINK_H__

#include <gst/gst.h>
#include <gst/base/gstbasesink.h>

#include "gstpipeendpoint.h"

G_BEGIN_DECLS

/**
 * GstPipeSinkBrokenPipe:
 * @GST_PIPE_SINK_BROKEN_PIPE_ERROR: post an error: the consumer did not
 *     take all the data
 * @GST_PIPE_SINK_BROKEN_PIPE_EOS: end the stream quietly, for consumers
 *     that stop reading when they have what they need (head, a probe)
 *
 * What pipesink does when the consumer closes its end before the end of the
 * stream.
 */
typedef enum
{
  GST_PIPE_SINK_BROKEN_PIPE_ERROR,
  GST_PIPE_SINK_BROKEN_PIPE_EOS,
} GstPipeSinkBrokenPipe;

#define GST_TYPE_PIPE_SINK_BROKEN_PIPE (gst_pipe_sink_broken_pipe_get_type ())
GType gst_pipe_sink_broken_pipe_get_type (void);

#define GST_TYPE_PIPE_SINK (gst_pipe_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstPipeSink, gst_pipe_sink, GST, PIPE_SINK, GstBaseSink)

struct _GstPipeSink
{
  GstBaseSink parent;

  GstPipeEndpoint ep;
  GstPipeSinkBrokenPipe on_broken_pipe;   /* OBJECT_LOCK */

  /* streaming thread */
  guint64 written;
  gboolean consumer_gone;
};

GST_ELEMENT_REGISTER_DECLARE (pipesink);

G_END_DECLS

#endif /* __GST_PIPE_SINK_H__ */
