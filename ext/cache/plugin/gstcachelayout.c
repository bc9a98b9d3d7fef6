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

/* A decoder may hand out frames with padded strides, planes at offsets of
 * its own or a crop window, described by GstVideoMeta, GstVideoCropMeta or
 * GstAudioMeta, when downstream says it reads them. A stored frame keeps
 * none of these: it is copied into the layout its caps describe, which
 * every downstream reads the same way, with or without support for the
 * metas. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachelayout.h"

#include <string.h>

/* the frame's layout is already the one its caps describe */
static gboolean
video_is_default (const GstVideoMeta * vmeta, const GstVideoInfo * info)
{
  guint i;

  if (vmeta->format != GST_VIDEO_INFO_FORMAT (info) ||
      vmeta->width != (guint) GST_VIDEO_INFO_WIDTH (info) ||
      vmeta->height != (guint) GST_VIDEO_INFO_HEIGHT (info) ||
      vmeta->n_planes != GST_VIDEO_INFO_N_PLANES (info))
    return FALSE;
  for (i = 0; i < vmeta->n_planes; i++)
    if (vmeta->offset[i] != GST_VIDEO_INFO_PLANE_OFFSET (info, i) ||
        vmeta->stride[i] != GST_VIDEO_INFO_PLANE_STRIDE (info, i))
      return FALSE;
  return TRUE;
}

static GstBuffer *
video_copy (GstBuffer * buf, const GstVideoInfo * info,
    const GstVideoCropMeta * crop, const gchar ** why)
{
  const GstVideoFormatInfo *finfo = info->finfo;
  GstVideoInfo in_info = *info;
  GstVideoFrame in, out;
  GstBuffer *copy;
  gboolean ok;
  guint p;

  if (GST_VIDEO_FORMAT_INFO_IS_TILED (finfo) ||
      GST_VIDEO_FORMAT_INFO_HAS_PALETTE (finfo) ||
      GST_VIDEO_INFO_INTERLACE_MODE (info) ==
      GST_VIDEO_INTERLACE_MODE_ALTERNATE) {
    *why = "video-layout";
    return NULL;
  }
  if (crop && (crop->width != (guint) GST_VIDEO_INFO_WIDTH (info) ||
          crop->height != (guint) GST_VIDEO_INFO_HEIGHT (info))) {
    *why = "video-crop";
    return NULL;
  }
  /* mapped through its GstVideoMeta, when it has one */
  if (!gst_video_frame_map (&in, &in_info, buf, GST_MAP_READ)) {
    *why = "video-layout";
    return NULL;
  }
  if (in.info.width < info->width || in.info.height < info->height) {
    gst_video_frame_unmap (&in);
    *why = "video-layout";
    return NULL;
  }
  for (p = 0; crop && p < GST_VIDEO_FRAME_N_PLANES (&in); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint x, y, ps;

    gst_video_format_info_component (finfo, p, comp);
    ps = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, comp[0]);
    x = GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (finfo, comp[0], crop->x);
    y = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (finfo, comp[0], crop->y);
    if (ps == 0) {
      gst_video_frame_unmap (&in);
      *why = "video-crop";
      return NULL;
    }
    in.data[p] = (guint8 *) in.data[p] + y * GST_VIDEO_FRAME_PLANE_STRIDE (&in,
        p) + x * ps;
  }
  in.info.width = info->width;
  in.info.height = info->height;

  copy = gst_buffer_new_allocate (NULL, info->size, NULL);
  if (!gst_video_frame_map (&out, (GstVideoInfo *) info, copy, GST_MAP_WRITE)) {
    gst_video_frame_unmap (&in);
    gst_buffer_unref (copy);
    *why = "video-layout";
    return NULL;
  }
  ok = gst_video_frame_copy (&out, &in);
  gst_video_frame_unmap (&out);
  gst_video_frame_unmap (&in);
  if (!ok) {
    gst_buffer_unref (copy);
    *why = "video-layout";
    return NULL;
  }
  return copy;
}

static GstBuffer *
audio_copy (GstBuffer * buf, const GstAudioInfo * info, const gchar ** why)
{
  GstAudioBuffer in;
  GstBuffer *copy;
  GstMapInfo map;
  gsize plane_size;
  gint i;

  if (!gst_audio_buffer_map (&in, info, buf, GST_MAP_READ)) {
    *why = "audio-layout";
    return NULL;
  }
  plane_size = in.n_samples * GST_AUDIO_INFO_BPF (info) / MAX (in.n_planes, 1);
  copy = gst_buffer_new_allocate (NULL, plane_size * in.n_planes, NULL);
  gst_buffer_map (copy, &map, GST_MAP_WRITE);
  for (i = 0; i < in.n_planes; i++)
    memcpy (map.data + i * plane_size, in.planes[i], plane_size);
  gst_buffer_unmap (copy, &map);
  gst_audio_buffer_unmap (&in);
  return copy;
}

/* the metas that records keep, onto the copy: the layout metas describe
 * the old layout (copying an audio meta would even check its offsets
 * against the new buffer) */
static void
copy_other_metas (GstBuffer * copy, GstBuffer * buf)
{
  GstMetaTransformCopy whole = { FALSE, 0, (gsize) - 1 };
  gpointer state = NULL;
  GstMeta *meta;

  while ((meta = gst_buffer_iterate_meta (buf, &state))) {
    GType api = meta->info->api;

    if (api == GST_VIDEO_META_API_TYPE ||
        api == GST_VIDEO_CROP_META_API_TYPE || api == GST_AUDIO_META_API_TYPE ||
        meta->info->transform_func == NULL)
      continue;
    meta->info->transform_func (copy, meta, buf,
        _gst_meta_transform_copy, &whole);
  }
}

GstBuffer *
gst_cache_layout_normalize (GstBuffer * buf, const GstVideoInfo * vinfo,
    const GstAudioInfo * ainfo, const gchar ** why)
{
  GstVideoMeta *vmeta = gst_buffer_get_video_meta (buf);
  GstVideoCropMeta *crop = gst_buffer_get_video_crop_meta (buf);
  GstAudioMeta *ameta = gst_buffer_get_audio_meta (buf);
  GstBuffer *copy;

  if ((vmeta || crop) && vinfo == NULL) {
    *why = "video-layout";
    return NULL;
  }
  if (ameta && ainfo == NULL) {
    *why = "audio-layout";
    return NULL;
  }
  if (vinfo && (crop || (vmeta && !video_is_default (vmeta, vinfo))))
    copy = video_copy (buf, vinfo, crop, why);
  else if (ainfo && ameta && ameta->offsets &&
      GST_AUDIO_INFO_LAYOUT (ainfo) == GST_AUDIO_LAYOUT_NON_INTERLEAVED)
    copy = audio_copy (buf, ainfo, why);
  else
    return gst_buffer_ref (buf);
  if (copy == NULL)
    return NULL;
  gst_buffer_copy_into (copy, buf, GST_BUFFER_COPY_FLAGS |
      GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  copy_other_metas (copy, buf);
  return copy;
}
