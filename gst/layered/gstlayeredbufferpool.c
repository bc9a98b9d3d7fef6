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

/**
 * SECTION:gstlayeredbufferpool
 * @title: GstLayeredBufferPool
 * @short_description: a drop-in for GstVideoBufferPool on layered memory
 *
 * A #GstBufferPool that behaves as #GstVideoBufferPool for video caps: the
 * same options (%GST_BUFFER_POOL_OPTION_VIDEO_META,
 * %GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT), and with both set exactly the
 * strides, offsets, padding and allocation alignment that
 * #GstVideoBufferPool computes for the same configuration, which gst-libav's
 * decoders check before they render straight into a downstream pool. For
 * other caps it is a plain pool of buffers of the configured size.
 *
 * The memory comes from the layered allocator (the one registered as
 * %GST_LAYERED_MEMORY_ALLOCATOR_NAME) unless the configuration names another
 * allocator. A maximum number of buffers between 1 and
 * %GST_LAYERED_BUFFER_POOL_MIN_MAX_BUFFERS is raised to that (set_config
 * then returns %FALSE with the corrected configuration, which
 * gst_buffer_pool_config_validate_params() accepts), because decoders stall
 * with fewer.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlayeredbufferpool.h"
#include "gstlayeredallocator.h"

#include <gst/video/video.h>

GST_DEBUG_CATEGORY_STATIC (gst_layered_buffer_pool_debug);
#define GST_CAT_DEFAULT gst_layered_buffer_pool_debug

struct _GstLayeredBufferPool
{
  GstBufferPool parent;

  GstAllocator *allocator;      /* what alloc uses */
  GstAllocationParams params;
  gsize size;

  gboolean is_video;
  GstVideoInfo info;
  gboolean add_videometa;
  gboolean need_alignment;
  GstVideoAlignment video_align;
};

#define gst_layered_buffer_pool_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstLayeredBufferPool, gst_layered_buffer_pool,
    GST_TYPE_BUFFER_POOL,
    GST_DEBUG_CATEGORY_INIT (gst_layered_buffer_pool_debug,
        "layeredbufferpool", 0, "layered buffer pool"));

static const gchar **
gst_layered_buffer_pool_get_options (GstBufferPool * pool)
{
  static const gchar *options[] = { GST_BUFFER_POOL_OPTION_VIDEO_META,
    GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT, NULL
  };
  return options;
}

/* The registered layered allocator, created and registered if nobody did. */
static GstAllocator *
default_layered_allocator (void)
{
  static GMutex lock;
  GstAllocator *allocator;

  g_mutex_lock (&lock);
  allocator = gst_allocator_find (GST_LAYERED_MEMORY_ALLOCATOR_NAME);
  if (allocator == NULL) {
    allocator = gst_layered_allocator_new (NULL);
    gst_allocator_register (GST_LAYERED_MEMORY_ALLOCATOR_NAME,
        gst_object_ref (allocator));
  }
  g_mutex_unlock (&lock);

  return allocator;
}

static gboolean
gst_layered_buffer_pool_set_config (GstBufferPool * pool, GstStructure * config)
{
  GstLayeredBufferPool *self = GST_LAYERED_BUFFER_POOL (pool);
  GstAllocator *allocator;
  GstAllocationParams params;
  GstCaps *caps;
  guint size, min_buffers, max_buffers;
  gboolean exact = TRUE;
  GstVideoInfo info;

  if (!gst_buffer_pool_config_get_params (config, &caps, &size, &min_buffers,
          &max_buffers))
    goto wrong_config;
  if (!gst_buffer_pool_config_get_allocator (config, &allocator, &params))
    goto wrong_config;

  if (max_buffers != 0 && max_buffers < GST_LAYERED_BUFFER_POOL_MIN_MAX_BUFFERS) {
    GST_INFO_OBJECT (pool, "raising max-buffers from %u to %u: decoders "
        "stall with fewer", max_buffers,
        GST_LAYERED_BUFFER_POOL_MIN_MAX_BUFFERS);
    max_buffers = GST_LAYERED_BUFFER_POOL_MIN_MAX_BUFFERS;
    min_buffers = MIN (min_buffers, max_buffers);
    exact = FALSE;
  }

  self->params = params;
  self->is_video = caps && gst_video_info_from_caps (&info, caps);
  self->add_videometa = FALSE;
  self->need_alignment = FALSE;

  if (self->is_video) {
    /* exactly what GstVideoBufferPool does */
    if (size < info.size)
      goto wrong_size;

    self->add_videometa = gst_buffer_pool_config_has_option (config,
        GST_BUFFER_POOL_OPTION_VIDEO_META);
    self->need_alignment = gst_buffer_pool_config_has_option (config,
        GST_BUFFER_POOL_OPTION_VIDEO_ALIGNMENT);

    if (self->need_alignment && self->add_videometa) {
      guint max_align, n;

      gst_buffer_pool_config_get_video_alignment (config, &self->video_align);

      /* the allocation alignment must suit the stride alignment */
      max_align = self->params.align;
      for (n = 0; n < GST_VIDEO_MAX_PLANES; ++n)
        max_align |= self->video_align.stride_align[n];
      for (n = 0; n < GST_VIDEO_MAX_PLANES; ++n)
        self->video_align.stride_align[n] = max_align;

      if (!gst_video_info_align (&info, &self->video_align))
        goto failed_to_align;

      gst_buffer_pool_config_set_video_alignment (config, &self->video_align);

      if (self->params.align < max_align) {
        GST_DEBUG_OBJECT (pool, "raising the allocation alignment from %u "
            "to the stride alignment %u", (guint) self->params.align,
            max_align);
        self->params.align = max_align;
        gst_buffer_pool_config_set_allocator (config, allocator, &self->params);
      }
    }
    info.size = MAX (size, info.size);
    self->info = info;
    size = info.size;
  } else {
    GST_DEBUG_OBJECT (pool, "no video caps: a pool of %u-byte buffers", size);
  }
  self->size = size;

  if (self->allocator)
    gst_object_unref (self->allocator);
  self->allocator = allocator ? gst_object_ref (allocator) :
      default_layered_allocator ();

  gst_buffer_pool_config_set_params (config, caps, size, min_buffers,
      max_buffers);

  return GST_BUFFER_POOL_CLASS (parent_class)->set_config (pool, config) &&
      exact;

  /* ERRORS */
wrong_config:
  {
    GST_WARNING_OBJECT (pool, "invalid config");
    return FALSE;
  }
wrong_size:
  {
    GST_WARNING_OBJECT (pool, "size %u is too small for the caps: %"
        G_GSIZE_FORMAT, size, info.size);
    return FALSE;
  }
failed_to_align:
  {
    GST_WARNING_OBJECT (pool, "failed to align");
    return FALSE;
  }
}

static GstFlowReturn
gst_layered_buffer_pool_alloc (GstBufferPool * pool, GstBuffer ** buffer,
    GstBufferPoolAcquireParams * params)
{
  GstLayeredBufferPool *self = GST_LAYERED_BUFFER_POOL (pool);
  GstVideoInfo *info = &self->info;

  *buffer = gst_buffer_new_allocate (self->allocator, self->size,
      &self->params);
  if (*buffer == NULL)
    goto no_memory;

  if (self->is_video && self->add_videometa)
    gst_buffer_add_video_meta_full (*buffer, GST_VIDEO_FRAME_FLAG_NONE,
        GST_VIDEO_INFO_FORMAT (info), GST_VIDEO_INFO_WIDTH (info),
        GST_VIDEO_INFO_HEIGHT (info), GST_VIDEO_INFO_N_PLANES (info),
        info->offset, info->stride);

  return GST_FLOW_OK;

  /* ERRORS */
no_memory:
  {
    GST_WARNING_OBJECT (pool, "could not allocate %" G_GSIZE_FORMAT " bytes",
        self->size);
    return GST_FLOW_ERROR;
  }
}

static void
gst_layered_buffer_pool_finalize (GObject * object)
{
  GstLayeredBufferPool *self = GST_LAYERED_BUFFER_POOL (object);

  if (self->allocator)
    gst_object_unref (self->allocator);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_layered_buffer_pool_class_init (GstLayeredBufferPoolClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstBufferPoolClass *pool_class = GST_BUFFER_POOL_CLASS (klass);

  gobject_class->finalize = gst_layered_buffer_pool_finalize;

  pool_class->get_options = gst_layered_buffer_pool_get_options;
  pool_class->set_config = gst_layered_buffer_pool_set_config;
  pool_class->alloc_buffer = gst_layered_buffer_pool_alloc;
}

static void
gst_layered_buffer_pool_init (GstLayeredBufferPool * self)
{
  gst_allocation_params_init (&self->params);
}

/**
 * gst_layered_buffer_pool_new:
 *
 * Returns: (transfer full): a new, floating-free #GstLayeredBufferPool.
 */
GstBufferPool *
gst_layered_buffer_pool_new (void)
{
  GstBufferPool *pool = g_object_new (GST_TYPE_LAYERED_BUFFER_POOL, NULL);

  gst_object_ref_sink (pool);
  return pool;
}
