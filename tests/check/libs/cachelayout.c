/* gst-reuse: unit tests of the default-layout copy of stored frames
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

/* What cachebin stores of a raw frame is what downstream reads through the
 * frame's metas: padded strides and plane offsets (GstVideoMeta), a crop
 * window (GstVideoCropMeta) and audio planes at offsets (GstAudioMeta) are
 * copied into the layout the caps describe, pixel for pixel. Each frame
 * here is built by hand with a pattern that tells every pixel apart. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "gstcachelayout.h"

/* the value of pixel (x, y) of plane p in the pattern */
static guint8
pattern (guint p, guint x, guint y)
{
  return (guint8) (p * 71 + x * 7 + y * 13);
}

/* a frame of @format, @width x @height, inside a larger padded one
 * (@pad_w extra pixels a row, @pad_h extra rows, planes at odd offsets),
 * its visible part at (@cx, @cy), described by GstVideoMeta and, when the
 * visible part does not start at 0, GstVideoCropMeta */
static GstBuffer *
padded_frame (GstVideoFormat format, guint width, guint height, guint pad_w,
    guint pad_h, guint cx, guint cy)
{
  GstVideoInfo full;
  gsize offset[GST_VIDEO_MAX_PLANES];
  gint stride[GST_VIDEO_MAX_PLANES];
  gsize size = 0;
  GstBuffer *buf;
  GstMapInfo map;
  guint p, x, y;

  gst_video_info_set_format (&full, format, width + pad_w, height + pad_h);
  for (p = 0; p < GST_VIDEO_INFO_N_PLANES (&full); p++) {
    /* strides padded beyond the default, planes 64 bytes apart */
    stride[p] = GST_VIDEO_INFO_PLANE_STRIDE (&full, p) + 32;
    offset[p] = size + 64;
    size = offset[p] + (gsize) stride[p] *
        GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (full.finfo, p,
        GST_VIDEO_INFO_HEIGHT (&full));
  }
  buf = gst_buffer_new_allocate (NULL, size, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  memset (map.data, 0xee, size);
  for (p = 0; p < GST_VIDEO_INFO_N_PLANES (&full); p++) {
    guint rows = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (full.finfo, p,
        GST_VIDEO_INFO_HEIGHT (&full));
    guint bytes = GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (full.finfo, p,
        GST_VIDEO_INFO_WIDTH (&full)) *
        GST_VIDEO_FORMAT_INFO_PSTRIDE (full.finfo, p);

    for (y = 0; y < rows; y++)
      for (x = 0; x < bytes; x++)
        map.data[offset[p] + y * stride[p] + x] = pattern (p, x, y);
  }
  gst_buffer_unmap (buf, &map);
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE, format,
      GST_VIDEO_INFO_WIDTH (&full), GST_VIDEO_INFO_HEIGHT (&full),
      GST_VIDEO_INFO_N_PLANES (&full), offset, stride);
  if (cx || cy || pad_w || pad_h) {
    GstVideoCropMeta *crop = gst_buffer_add_video_crop_meta (buf);

    crop->x = cx;
    crop->y = cy;
    crop->width = width;
    crop->height = height;
  }
  GST_BUFFER_PTS (buf) = 40 * GST_MSECOND;
  GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT);
  return buf;
}

/* @out is the default layout of @info, holding the pattern from (@cx, @cy) */
static void
check_default_layout (GstBuffer * out, const GstVideoInfo * info, guint cx,
    guint cy)
{
  GstMapInfo map;
  guint p, x, y;

  fail_unless (gst_buffer_get_video_meta (out) == NULL);
  fail_unless (gst_buffer_get_video_crop_meta (out) == NULL);
  fail_unless_equals_int (gst_buffer_get_size (out), info->size);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 40 * GST_MSECOND);
  fail_unless (GST_BUFFER_FLAG_IS_SET (out, GST_BUFFER_FLAG_DELTA_UNIT));
  gst_buffer_map (out, &map, GST_MAP_READ);
  for (p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++) {
    guint ps = GST_VIDEO_FORMAT_INFO_PSTRIDE (info->finfo, p);
    guint px = GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (info->finfo, p, cx) * ps;
    guint py = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (info->finfo, p, cy);
    guint rows = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (info->finfo, p,
        GST_VIDEO_INFO_HEIGHT (info));
    guint bytes = GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (info->finfo, p,
        GST_VIDEO_INFO_WIDTH (info)) * ps;

    for (y = 0; y < rows; y++)
      for (x = 0; x < bytes; x++) {
        guint8 got = map.data[GST_VIDEO_INFO_PLANE_OFFSET (info, p) +
            y * GST_VIDEO_INFO_PLANE_STRIDE (info, p) + x];

        if (got != pattern (p, px + x, py + y))
          fail ("plane %u, byte %u of row %u: %u, expected %u", p, x, y, got,
              pattern (p, px + x, py + y));
      }
  }
  gst_buffer_unmap (out, &map);
}

static void
check_video (GstVideoFormat format, guint w, guint h, guint pad_w, guint pad_h,
    guint cx, guint cy)
{
  GstBuffer *in = padded_frame (format, w, h, pad_w, pad_h, cx, cy);
  GstVideoInfo info;
  const gchar *why = NULL;
  GstBuffer *out;

  gst_video_info_set_format (&info, format, w, h);
  out = gst_cache_layout_normalize (in, &info, NULL, &why);
  fail_unless (out != NULL, "%s %ux%u: %s", gst_video_format_to_string
      (format), w, h, why);
  fail_if (out == in);
  check_default_layout (out, &info, cx, cy);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
}

GST_START_TEST (test_padded_strides)
{
  /* padding only, as avdec_h264 gives it: the crop window at 0, 0 */
  check_video (GST_VIDEO_FORMAT_I420, 320, 240, 32, 16, 0, 0);
  check_video (GST_VIDEO_FORMAT_NV12, 318, 238, 34, 18, 0, 0);
  check_video (GST_VIDEO_FORMAT_RGB, 101, 33, 3, 1, 0, 0);
  check_video (GST_VIDEO_FORMAT_GRAY16_LE, 64, 16, 8, 8, 0, 0);
}

GST_END_TEST;

GST_START_TEST (test_crop_window)
{
  /* a visible part that starts inside the frame: subsampled planes start
   * at the scaled position */
  check_video (GST_VIDEO_FORMAT_I420, 320, 240, 16, 16, 8, 4);
  check_video (GST_VIDEO_FORMAT_NV12, 160, 120, 32, 8, 16, 2);
  check_video (GST_VIDEO_FORMAT_BGRA, 64, 48, 7, 5, 3, 5);
  check_video (GST_VIDEO_FORMAT_Y444, 50, 40, 6, 6, 5, 3);
}

GST_END_TEST;

GST_START_TEST (test_default_layout_kept)
{
  GstVideoInfo info;
  GstBuffer *in, *out;
  const gchar *why = NULL;

  /* a GstVideoMeta that describes the default layout: nothing to copy */
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 320, 240);
  in = gst_buffer_new_allocate (NULL, info.size, NULL);
  gst_buffer_add_video_meta_full (in, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_FORMAT_I420, 320, 240, 3, info.offset, info.stride);
  out = gst_cache_layout_normalize (in, &info, NULL, &why);
  fail_unless (out == in);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
}

GST_END_TEST;

GST_START_TEST (test_unstorable_layouts)
{
  GstVideoInfo info;
  GstBuffer *in;
  GstVideoCropMeta *crop;
  const gchar *why = NULL;

  /* a crop window of another size than the caps' */
  in = padded_frame (GST_VIDEO_FORMAT_I420, 320, 240, 16, 16, 0, 0);
  crop = gst_buffer_get_video_crop_meta (in);
  crop->width = 300;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 320, 240);
  fail_unless (gst_cache_layout_normalize (in, &info, NULL, &why) == NULL);
  fail_unless_equals_string (why, "video-crop");

  /* a video meta on a stream that is not raw video */
  why = NULL;
  fail_unless (gst_cache_layout_normalize (in, NULL, NULL, &why) == NULL);
  fail_unless_equals_string (why, "video-layout");
  gst_buffer_unref (in);
}

GST_END_TEST;

GST_START_TEST (test_planar_audio)
{
  GstAudioInfo info;
  GstBuffer *in, *out;
  GstMapInfo map;
  gsize offsets[2] = { 16, 16 + 100 * 2 + 40 };
  const gchar *why = NULL;
  guint i, c;

  /* S16 planar stereo, 100 samples, planes at offsets of their own */
  gst_audio_info_set_format (&info, GST_AUDIO_FORMAT_S16LE, 48000, 2, NULL);
  info.layout = GST_AUDIO_LAYOUT_NON_INTERLEAVED;
  in = gst_buffer_new_allocate (NULL, offsets[1] + 100 * 2 + 8, NULL);
  gst_buffer_map (in, &map, GST_MAP_WRITE);
  memset (map.data, 0xee, map.size);
  for (c = 0; c < 2; c++)
    for (i = 0; i < 100; i++)
      GST_WRITE_UINT16_LE (map.data + offsets[c] + 2 * i, c * 1000 + i);
  gst_buffer_unmap (in, &map);
  gst_buffer_add_audio_meta (in, &info, 100, offsets);

  out = gst_cache_layout_normalize (in, NULL, &info, &why);
  fail_unless (out != NULL, "%s", why);
  fail_unless (gst_buffer_get_audio_meta (out) == NULL);
  fail_unless_equals_int (gst_buffer_get_size (out), 2 * 100 * 2);
  gst_buffer_map (out, &map, GST_MAP_READ);
  for (c = 0; c < 2; c++)
    for (i = 0; i < 100; i++)
      fail_unless_equals_int (GST_READ_UINT16_LE (map.data + c * 200 + 2 * i),
          c * 1000 + i);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
}

GST_END_TEST;

static Suite *
cachelayout_suite (void)
{
  Suite *s = suite_create ("cachelayout");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_padded_strides);
  tcase_add_test (tc, test_crop_window);
  tcase_add_test (tc, test_default_layout_kept);
  tcase_add_test (tc, test_unstorable_layouts);
  tcase_add_test (tc, test_planar_audio);
  return s;
}

GST_CHECK_MAIN (cachelayout);
