/* gst-reuse: GstMemory backed by memory-mapped file windows
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

#ifndef __GST_MMAP_ALLOCATOR_H__
#define __GST_MMAP_ALLOCATOR_H__

#include <gst/gst.h>

#include "gstmmapwindow.h"

G_BEGIN_DECLS

/**
 * GST_MMAP_MEMORY_TYPE:
 *
 * The memory type of #GstMemory made by the mmap allocator.
 */
#define GST_MMAP_MEMORY_TYPE "MmapMemory"

#define GST_TYPE_MMAP_ALLOCATOR (gst_mmap_allocator_get_type ())
G_DECLARE_FINAL_TYPE (GstMmapAllocator, gst_mmap_allocator, GST,
    MMAP_ALLOCATOR, GstAllocator)

G_GNUC_INTERNAL
GstMemory *     gst_mmap_allocator_wrap_window (GstMmapWindow * window);

G_GNUC_INTERNAL
gboolean        gst_is_mmap_memory (GstMemory * mem);

G_GNUC_INTERNAL
GstMmapWindow * gst_mmap_memory_get_window (GstMemory * mem);

G_END_DECLS

#endif /* __GST_MMAP_ALLOCATOR_H__ */
