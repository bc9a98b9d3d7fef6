/* gst-reuse: GstLayeredBufferPool, a video buffer pool on layered memory
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

#ifndef __GST_LAYERED_BUFFER_POOL_H__
#define __GST_LAYERED_BUFFER_POOL_H__

#include <gst/gst.h>
#include <gst/layered/layered-prelude.h>

G_BEGIN_DECLS

/**
 * GST_LAYERED_BUFFER_POOL_MIN_MAX_BUFFERS:
 *
 * The smallest non-zero maximum number of buffers the pool accepts: video
 * decoders (gst-libav) stall with fewer, so a smaller maximum is raised to
 * this.
 */
#define GST_LAYERED_BUFFER_POOL_MIN_MAX_BUFFERS 32

#define GST_TYPE_LAYERED_BUFFER_POOL (gst_layered_buffer_pool_get_type ())
GST_LAYERED_API
G_DECLARE_FINAL_TYPE (GstLayeredBufferPool, gst_layered_buffer_pool, GST,
    LAYERED_BUFFER_POOL, GstBufferPool)

GST_LAYERED_API
GstBufferPool * gst_layered_buffer_pool_new (void);

G_END_DECLS

#endif /* __GST_LAYERED_BUFFER_POOL_H__ */
