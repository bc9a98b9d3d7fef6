/* gst-reuse: the layered plugin
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
 * plugin-layered:
 *
 * Layered memory: loading this plugin registers a #GstLayeredAllocator as
 * "LayeredMemory" (without making it the default: see
 * gst_layered_memory_init() and the `layeredmem` tracer, which does) and
 * the #GstLayeredBufferPool type.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/layered/layered.h>

#include "gstlayeredmemtracer.h"

GST_DEBUG_CATEGORY_STATIC (gst_layered_plugin_debug);
#define GST_CAT_DEFAULT gst_layered_plugin_debug

static gboolean
plugin_init (GstPlugin * plugin)
{
  GstAllocator *allocator;

  GST_DEBUG_CATEGORY_INIT (gst_layered_plugin_debug, "layered", 0,
      "layered plugin");

  /* an application may have registered one already */
  allocator = gst_allocator_find (GST_LAYERED_MEMORY_ALLOCATOR_NAME);
  if (allocator == NULL) {
    gst_allocator_register (GST_LAYERED_MEMORY_ALLOCATOR_NAME,
        gst_layered_allocator_new (NULL));
    GST_INFO ("registered \"%s\"", GST_LAYERED_MEMORY_ALLOCATOR_NAME);
  } else {
    gst_object_unref (allocator);
  }

  gst_type_mark_as_plugin_api (GST_TYPE_LAYERED_ALLOCATOR, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_LAYERED_BUFFER_POOL, 0);

  return gst_tracer_register (plugin, "layeredmem",
      GST_TYPE_LAYERED_MEM_TRACER);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR,
    GST_VERSION_MINOR,
    layered,
    "Layered memory: aligned, size-classed, cached frame memory",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
