/* gst-reuse: pipesrc, stream out of an external program
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

#ifndef __GST_PIPE_SRC_H__
#define __GST_PIPE_SRC_H__

#include <gst/gst.h>
#include <gst/base/gstpushsrc.h>

#include "gstpipeendpoint.h"

G_BEGIN_DECLS

#define GST_TYPE_PIPE_SRC (gst_pipe_src_get_type ())
G_DECLARE_FINAL_TYPE (GstPipeSrc, gst_pipe_src, GST, PIPE_SRC, GstPushSrc)

struct _GstPipeSrc
{
  GstPushSrc parent;

  GstPipeEndpoint ep;

  /* streaming thread */
  guint64 read_bytes;
};

GST_ELEMENT_REGISTER_DECLARE (pipesrc);

G_END_DECLS

#endif /* __GST_PIPE_SRC_H__ */
