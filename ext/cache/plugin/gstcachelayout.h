/* gst-reuse: cachebin, raw frames in their default layout
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

#ifndef __GST_CACHE_LAYOUT_H__
#define __GST_CACHE_LAYOUT_H__

#include <gst/gst.h>
#include <gst/audio/audio.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

/* @buf in the layout that @vinfo (raw video) or @ainfo (raw audio)
 * describes, without GstVideoMeta, GstVideoCropMeta or GstAudioMeta: a new
 * reference to @buf when it is in that layout already, else a copy with
 * its timestamps, flags and other metas; NULL with *@why set when the
 * layout cannot be made default */
GstBuffer *gst_cache_layout_normalize (GstBuffer * buf,
    const GstVideoInfo * vinfo, const GstAudioInfo * ainfo,
    const gchar ** why);

G_END_DECLS

#endif /* __GST_CACHE_LAYOUT_H__ */
