/* gst-reuse: GstLayeredBufferPool tests
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

/* The "pool" case re-expresses what GStreamer core checks of buffer pools
 * (tests/check/gst/gstbufferpool.c) for GstLayeredBufferPool; "video"
 * checks that it lays frames out exactly as GstVideoBufferPool, and that a
 * real decoder (avdec_h264) renders straight into it. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/video/video.h>
#include <gst/layered/layered.h>

static GstBufferPool *
create_pool (guint size, guint min_buf, guint max_buf)
{
  GstBufferPool *pool = gst_layered_buffer_pool_new ();
  GstStructure *conf = gst_buffer_pool_get_config (pool);
  GstCaps *caps = gst_caps_new_empty_simple ("test/data");

  gst_buffer_pool_config_set_params (conf, caps, size, min_buf, max_buf);
  fail_unless (gst_buffer_pool_set_config (pool, conf));
  gst_caps_unref (caps);

  return pool;
}

static void
count_destroy (gpointer ptr)
{
  (*(gint *) ptr)++;
}

static void
track_destroy (GstBuffer * buf, gint * counter)
{
  gst_mini_object_set_qdata (GST_MINI_OBJECT (buf),
      g_quark_from_static_string ("TestTracker"), counter, count_destroy);
}

GST_START_TEST (test_buffer_is_recycled)
{
  GstBufferPool *pool = create_pool (10, 0, 0);
  GstBuffer *buf = NULL, *prev;
  gint dcount = 0;

  fail_unless (gst_buffer_pool_set_active (pool, TRUE));
  fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &buf, NULL),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_buffer_get_size (buf), 10);
  /* with no allocator in the config: layered memory */
  fail_unless (gst_is_layered_memory (gst_buffer_peek_memory (buf, 0)));
  prev = buf;
  track_destroy (buf, &dcount);
  gst_buffer_unref (buf);
  fail_unless_equals_int (dcount, 0);

  gst_buffer_pool_acquire_buffer (pool, &buf, NULL);
  fail_unless (buf == prev);
  gst_buffer_unref (buf);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
  fail_unless_equals_int (dcount, 1);
}

GST_END_TEST;

GST_START_TEST (test_out_of_order_reuse)
{
  GstBufferPool *pool = create_pool (10, 0, 0);
  GstBuffer *buf1 = NULL, *buf2 = NULL, *prev;
  gint d1 = 0, d2 = 0;

  gst_buffer_pool_set_active (pool, TRUE);
  gst_buffer_pool_acquire_buffer (pool, &buf1, NULL);
  track_destroy (buf1, &d1);
  gst_buffer_pool_acquire_buffer (pool, &buf2, NULL);
  track_destroy (buf2, &d2);
  prev = buf2;
  gst_buffer_unref (buf2);
  gst_buffer_pool_acquire_buffer (pool, &buf2, NULL);
  fail_unless (buf2 == prev);
  gst_buffer_unref (buf1);
  gst_buffer_unref (buf2);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
  fail_unless_equals_int (d1, 1);
  fail_unless_equals_int (d2, 1);
}

GST_END_TEST;

GST_START_TEST (test_inactive_returns_flushing)
{
  GstBufferPool *pool = create_pool (10, 0, 0);
  GstBuffer *buf = NULL;

  fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &buf, NULL),
      GST_FLOW_FLUSHING);
  gst_buffer_pool_set_active (pool, TRUE);
  gst_buffer_pool_set_flushing (pool, TRUE);
  fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &buf, NULL),
      GST_FLOW_FLUSHING);
  gst_buffer_pool_set_flushing (pool, FALSE);
  fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &buf, NULL),
      GST_FLOW_OK);
  gst_buffer_unref (buf);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
}

GST_END_TEST;

/* Buffers whose memory changed are not recycled. */
GST_START_TEST (test_modified_discarded)
{
  GstBufferPool *pool = create_pool (10, 0, 0);
  GstBuffer *buf = NULL, *prev;
  GstMemory *mem;
  gint dcount = 0;

  gst_buffer_pool_set_active (pool, TRUE);
  gst_buffer_pool_acquire_buffer (pool, &buf, NULL);
  track_destroy (buf, &dcount);
  gst_buffer_remove_all_memory (buf);
  gst_buffer_unref (buf);
  fail_unless_equals_int (dcount, 1);

  gst_buffer_pool_acquire_buffer (pool, &buf, NULL);
  track_destroy (buf, &dcount);
  gst_buffer_resize (buf, 8, 2);
  gst_buffer_unref (buf);
  fail_unless_equals_int (dcount, 1);

  gst_buffer_pool_acquire_buffer (pool, &buf, NULL);
  prev = buf;
  mem = gst_buffer_get_memory (buf, 0);
  gst_memory_lock (mem, GST_LOCK_FLAG_EXCLUSIVE);
  gst_buffer_unref (buf);
  gst_memory_unlock (mem, GST_LOCK_FLAG_EXCLUSIVE);
  gst_memory_unref (mem);
  fail_unless_equals_int (dcount, 2);

  gst_buffer_pool_acquire_buffer (pool, &buf, NULL);
  fail_if (buf == prev && dcount != 2);
  gst_buffer_unref (buf);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
}

GST_END_TEST;

GST_START_TEST (test_activation_and_config)
{
  GstBufferPool *pool = gst_layered_buffer_pool_new ();
  GstStructure *config = gst_buffer_pool_get_config (pool);
  GstCaps *caps = gst_caps_new_empty_simple ("test/data");

  fail_if (gst_buffer_pool_set_active (pool, TRUE));

  gst_buffer_pool_config_set_params (config, caps, 10, 10, 0);
  fail_unless (gst_buffer_pool_set_config (pool, config));
  fail_unless (gst_buffer_pool_set_active (pool, TRUE));

  config = gst_buffer_pool_get_config (pool);
  fail_unless (gst_buffer_pool_set_config (pool, config));

  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, caps, 12, 10, 0);
  fail_if (gst_buffer_pool_set_config (pool, config));
  fail_unless (gst_buffer_pool_is_active (pool));

  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
  gst_caps_unref (caps);
}

GST_END_TEST;

/* A maximum below 32 is raised; the corrected config validates. */
GST_START_TEST (test_decoder_minimum)
{
  GstBufferPool *pool = gst_layered_buffer_pool_new ();
  GstStructure *config = gst_buffer_pool_get_config (pool);
  GstCaps *caps = gst_caps_new_empty_simple ("test/data");
  guint size, min, max;

  gst_buffer_pool_config_set_params (config, caps, 100, 2, 4);
  fail_if (gst_buffer_pool_set_config (pool, config));
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_get_params (config, NULL, &size, &min, &max);
  fail_unless_equals_int (max, GST_LAYERED_BUFFER_POOL_MIN_MAX_BUFFERS);
  fail_unless_equals_int (min, 2);
  fail_unless (gst_buffer_pool_config_validate_params (config, caps, 100, 2,
          4));
  fail_unless (gst_buffer_pool_set_config (pool, config));

  /* 0 (no maximum) is kept */
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, caps, 100, 2, 0);
  fail_unless (gst_buffer_pool_set_config (pool, config));

  gst_object_unref (pool);
  gst_caps_unref (caps);
}

GST_END_TEST;

/* An allocator in the config is used. */
GST_START_TEST (test_explicit_allocator)
{
  GstBufferPool *pool = gst_layered_buffer_pool_new ();
  GstStructure *config = gst_buffer_pool_get_config (pool);
  GstCaps *caps = gst_caps_new_empty_simple ("test/data");
  GstAllocator *sysmem = gst_allocator_find (GST_ALLOCATOR_SYSMEM);
  GstBuffer *buf = NULL;

  gst_buffer_pool_config_set_params (config, caps, 100, 0, 0);
  gst_buffer_pool_config_set_allocator (config, sysmem, NULL);
  fail_unless (gst_buffer_pool_set_config (pool, config));
  gst_buffer_pool_set_active (pool, TRUE);
  gst_buffer_pool_acquire_buffer (pool, &buf, NULL);
  fail_unless (gst_buffer_peek_memory (buf, 0)->allocator == sysmem);
  fail_if (gst_is_layered_memory (gst_buffer_peek_memory (buf, 0)));
  gst_buffer_unref (buf);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_object_unref (pool);
  gst_object_unref (sysmem);
  gst_caps_unref (caps);
}

GST_END_TEST;

/* The pool's buffers have their memory aligned as the configuration's
 * allocation parameters ask, for plain and video pools, small and large
 * buffers, and masks up to and beyond a page. */
GST_START_TEST (test_alignment_honoured)
{
  static const gsize masks[] = { 7, 15, 63, 4095, 8191, 65535 };
  static const guint sizes[] = { 100, 70000, 1048576, 3110400 };
  guint m, i, k;

  for (m = 0; m < G_N_ELEMENTS (masks); m++) {
    for (i = 0; i < G_N_ELEMENTS (sizes) + 1; i++) {
      GstBufferPool *pool = gst_layered_buffer_pool_new ();
      GstStructure *config = gst_buffer_pool_get_config (pool);
      GstAllocationParams params;
      GstBuffer *bufs[3];
      GstCaps *caps;
      guint size;

      gst_allocation_params_init (&params);
      params.align = masks[m];
      if (i < G_N_ELEMENTS (sizes)) {
        caps = gst_caps_new_empty_simple ("test/data");
        size = sizes[i];
      } else {
        /* a video pool with a stride alignment of its own */
        GstVideoAlignment valign;
        GstVideoInfo info;

        caps = gst_caps_from_string ("video/x-raw,format=I420,width=1918,"
            "height=1080,framerate=30/1");
        fail_unless (gst_video_info_from_caps (&info, caps));
        size = info.size;
        gst_video_alignment_reset (&valign);
        for (k = 0; k < GST_VIDEO_MAX_PLANES; k++)
          valign.stride_align[k] = 31;
        gst_buffer_pool_config_add_option (config,
            GST_BUFFER_POOL_OPTION_VIDEO_META);
        gst_buffer_pool_config_add_option (config,
            GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT);
        gst_buffer_pool_config_set_video_alignment (config, &valign);
      }
      gst_buffer_pool_config_set_params (config, caps, size, 0, 0);
      gst_buffer_pool_config_set_allocator (config, NULL, &params);
      fail_unless (gst_buffer_pool_set_config (pool, config));
      fail_unless (gst_buffer_pool_set_active (pool, TRUE));

      for (k = 0; k < G_N_ELEMENTS (bufs); k++) {
        GstMemory *mem;
        GstMapInfo info;

        bufs[k] = NULL;
        fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool,
                &bufs[k], NULL), GST_FLOW_OK);
        fail_unless_equals_int (gst_buffer_n_memory (bufs[k]), 1);
        mem = gst_buffer_peek_memory (bufs[k], 0);
        fail_unless (gst_is_layered_memory (mem));
        fail_unless (gst_memory_map (mem, &info, GST_MAP_WRITE));
        fail_unless (((guintptr) info.data & masks[m]) == 0,
            "size %u align %" G_GSIZE_FORMAT " at %p", size, masks[m],
            info.data);
        if (i == G_N_ELEMENTS (sizes))
          fail_unless (((guintptr) info.data & 31) == 0);
        info.data[0] = 1;
        info.data[info.size - 1] = 2;
        gst_memory_unmap (mem, &info);
      }
      for (k = 0; k < G_N_ELEMENTS (bufs); k++)
        gst_buffer_unref (bufs[k]);
      fail_unless (gst_buffer_pool_set_active (pool, FALSE));
      gst_object_unref (pool);
      gst_caps_unref (caps);
    }
  }
}

GST_END_TEST;

/* --- video -------------------------------------------------------------- */

/* Configures @pool like a decoder does, acquires a frame, and describes
 * the layout: buffer size, allocation alignment, strides and offsets. */
static gchar *
layout_of (GstBufferPool * pool, const gchar * caps_str,
    const GstVideoAlignment * align, guint params_align)
{
  GstCaps *caps = gst_caps_from_string (caps_str);
  GstStructure *config = gst_buffer_pool_get_config (pool);
  GstAllocationParams params;
  GstVideoAlignment got_align;
  GstVideoInfo info;
  GstVideoMeta *meta;
  GstBuffer *buf = NULL;
  GString *s = g_string_new (NULL);
  guint size, i;

  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_allocation_params_init (&params);
  params.align = params_align;
  gst_buffer_pool_config_set_params (config, caps, info.size, 0, 0);
  gst_buffer_pool_config_set_allocator (config, NULL, &params);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  if (align) {
    gst_buffer_pool_config_add_option (config,
        GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT);
    gst_buffer_pool_config_set_video_alignment (config, align);
  }
  fail_unless (gst_buffer_pool_set_config (pool, config));

  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_get_params (config, NULL, &size, NULL, NULL);
  gst_buffer_pool_config_get_allocator (config, NULL, &params);
  g_string_append_printf (s, "size %u align %u", size, (guint) params.align);
  if (align && gst_buffer_pool_config_get_video_alignment (config, &got_align)) {
    g_string_append_printf (s, " padding %u %u %u %u stride-align",
        got_align.padding_top, got_align.padding_bottom,
        got_align.padding_left, got_align.padding_right);
    for (i = 0; i < GST_VIDEO_MAX_PLANES; i++)
      g_string_append_printf (s, " %u", got_align.stride_align[i]);
  }
  gst_structure_free (config);

  fail_unless (gst_buffer_pool_set_active (pool, TRUE));
  fail_unless_equals_int (gst_buffer_pool_acquire_buffer (pool, &buf, NULL),
      GST_FLOW_OK);
  meta = gst_buffer_get_video_meta (buf);
  fail_unless (meta != NULL);
  g_string_append_printf (s, " buffer %" G_GSIZE_FORMAT " planes %u",
      gst_buffer_get_size (buf), meta->n_planes);
  for (i = 0; i < meta->n_planes; i++)
    g_string_append_printf (s, " [%" G_GSIZE_FORMAT " %d]", meta->offset[i],
        meta->stride[i]);
  gst_buffer_unref (buf);
  gst_buffer_pool_set_active (pool, FALSE);
  gst_caps_unref (caps);

  return g_string_free (s, FALSE);
}

GST_START_TEST (test_same_layout_as_video_pool)
{
  static const gchar *formats[] = { "I420", "NV12", "RGBA", "Y444_10LE",
    "GRAY8", "YUY2"
  };
  static const gint sizes[][2] = { {1920, 1080}, {1280, 720}, {641, 481},
  {7680, 4320}
  };
  GstVideoAlignment aligns[3];
  gint f, z, a, i;

  /* like avdec_h264 (64-byte strides, 2 extra rows), and others */
  gst_video_alignment_reset (&aligns[0]);
  aligns[0].padding_right = 0;
  aligns[0].padding_bottom = 3;
  for (i = 0; i < GST_VIDEO_MAX_PLANES; i++)
    aligns[0].stride_align[i] = 63;
  gst_video_alignment_reset (&aligns[1]);
  aligns[1].padding_left = 16;
  aligns[1].padding_top = 2;
  aligns[1].padding_right = 32;
  for (i = 0; i < GST_VIDEO_MAX_PLANES; i++)
    aligns[1].stride_align[i] = 31;
  gst_video_alignment_reset (&aligns[2]);

  for (f = 0; f < G_N_ELEMENTS (formats); f++) {
    for (z = 0; z < G_N_ELEMENTS (sizes); z++) {
      gchar *caps = g_strdup_printf ("video/x-raw,format=%s,width=%d,"
          "height=%d,framerate=30/1", formats[f], sizes[z][0], sizes[z][1]);

      for (a = -1; a < (gint) G_N_ELEMENTS (aligns); a++) {
        GstBufferPool *vpool = gst_video_buffer_pool_new ();
        GstBufferPool *lpool = gst_layered_buffer_pool_new ();
        const GstVideoAlignment *al = a < 0 ? NULL : &aligns[a];
        gchar *expected = layout_of (vpool, caps, al, 15);
        gchar *got = layout_of (lpool, caps, al, 15);

        fail_unless_equals_string (got, expected);
        g_free (expected);
        g_free (got);
        gst_object_unref (vpool);
        gst_object_unref (lpool);
      }
      g_free (caps);
    }
  }
}

GST_END_TEST;

/* avdec_h264 renders into a downstream GstLayeredBufferPool: the sink
 * proposes it, and every decoded frame arrives in layered memory. */
static GstPadProbeReturn
propose_layered_pool (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  GstBufferPool *pool;
  GstStructure *config;
  GstVideoInfo vinfo;
  GstCaps *caps;
  gboolean need_pool;

  if (GST_QUERY_TYPE (query) != GST_QUERY_ALLOCATION)
    return GST_PAD_PROBE_OK;

  gst_query_parse_allocation (query, &caps, &need_pool);
  if (caps == NULL || !gst_video_info_from_caps (&vinfo, caps))
    return GST_PAD_PROBE_OK;

  pool = gst_layered_buffer_pool_new ();
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, caps, vinfo.size, 0, 0);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  gst_buffer_pool_set_config (pool, config);
  gst_query_add_allocation_pool (query, pool, vinfo.size, 0, 0);
  gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
  gst_object_unref (pool);

  return GST_PAD_PROBE_HANDLED;
}

static GstPadProbeReturn
count_frames (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  gint *counts = data;

  /* with direct rendering libav still holds the frame as a reference
   * picture, so the decoder base class hands a shallow copy downstream
   * (no pool, same memory): what counts is where the pixels live */
  counts[0]++;
  if (gst_buffer_n_memory (buf) == 1 &&
      gst_is_layered_memory (gst_buffer_peek_memory (buf, 0)))
    counts[1]++;
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_decoder_renders_into_pool)
{
  GstElement *pipeline, *sink;
  GstPad *pad;
  GstMessage *msg;
  gint counts[2] = { 0, 0 };

  pipeline = gst_parse_launch ("videotestsrc num-buffers=30 ! "
      "video/x-raw,format=I420,width=640,height=360 ! x264enc ! h264parse ! "
      "avdec_h264 ! fakesink name=sink", NULL);
  fail_unless (pipeline != NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
      propose_layered_pool, NULL, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_frames, counts,
      NULL);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  fail_unless_equals_int (counts[0], 30);
  /* the decoder rendered every frame into the proposed pool's memory */
  fail_unless_equals_int (counts[1], 30);

  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
layeredpool_suite (void)
{
  Suite *s = suite_create ("layeredpool");
  TCase *tc = tcase_create ("pool");
  TCase *tcv = tcase_create ("video");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_buffer_is_recycled);
  tcase_add_test (tc, test_out_of_order_reuse);
  tcase_add_test (tc, test_inactive_returns_flushing);
  tcase_add_test (tc, test_modified_discarded);
  tcase_add_test (tc, test_activation_and_config);
  tcase_add_test (tc, test_decoder_minimum);
  tcase_add_test (tc, test_explicit_allocator);
  tcase_add_test (tc, test_alignment_honoured);

  suite_add_tcase (s, tcv);
  tcase_add_test (tcv, test_same_layout_as_video_pool);
  tcase_add_test (tcv, test_decoder_renders_into_pool);

  return s;
}

GST_CHECK_MAIN (layeredpool);
