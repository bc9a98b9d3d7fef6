/* gst-reuse: GstLayeredAllocator, aligned, size-classed, cached memory
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

#ifndef __GST_LAYERED_ALLOCATOR_H__
#define __GST_LAYERED_ALLOCATOR_H__

#include <gst/gst.h>
#include <gst/layered/layered-prelude.h>

G_BEGIN_DECLS

/**
 * GST_LAYERED_MEMORY_ALLOCATOR_NAME:
 *
 * The name under which the layered allocator is registered
 * (gst_allocator_find()).
 */
#define GST_LAYERED_MEMORY_ALLOCATOR_NAME "LayeredMemory"

/**
 * GST_LAYERED_MEMORY_TYPE:
 *
 * The memory type of #GstMemory made by #GstLayeredAllocator.
 */
#define GST_LAYERED_MEMORY_TYPE "LayeredMemory"

#define GST_TYPE_LAYERED_ALLOCATOR (gst_layered_allocator_get_type ())
GST_LAYERED_API
G_DECLARE_FINAL_TYPE (GstLayeredAllocator, gst_layered_allocator, GST,
    LAYERED_ALLOCATOR, GstAllocator)

GST_LAYERED_API
GstAllocator * gst_layered_allocator_new (const GstStructure * config);

GST_LAYERED_API
gboolean       gst_layered_allocator_configure (GstLayeredAllocator * allocator,
                                                const GstStructure * config);

GST_LAYERED_API
GstStructure * gst_layered_allocator_get_stats (GstLayeredAllocator * allocator);

GST_LAYERED_API
GstStructure * gst_layered_allocator_get_leaks (GstLayeredAllocator * allocator);

GST_LAYERED_API
gchar *        gst_layered_allocator_leak_report (GstLayeredAllocator * allocator);

GST_LAYERED_API
guint64        gst_layered_allocator_trim (GstLayeredAllocator * allocator);

GST_LAYERED_API
guint          gst_layered_allocator_preallocate (GstLayeredAllocator * allocator,
                                                  gsize size, guint count);

GST_LAYERED_API
gboolean       gst_layered_allocator_post_stats (GstLayeredAllocator * allocator,
                                                 GstElement * element);

GST_LAYERED_API
gboolean       gst_is_layered_memory (GstMemory * mem);

GST_LAYERED_API
GstAllocator * gst_layered_memory_init (const GstStructure * config);

G_END_DECLS

#endif /* __GST_LAYERED_ALLOCATOR_H__ */
