/* gst-reuse: mmapsrc's input paths (private)
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

#ifndef __GST_MMAP_SRC_IO_H__
#define __GST_MMAP_SRC_IO_H__

#include "gstmmapsrc.h"

G_BEGIN_DECLS

G_GNUC_INTERNAL
gboolean      gst_mmap_src_stat_size (GstMmapSrc * src, guint64 * size,
                                      gboolean * shrunk);

G_GNUC_INTERNAL
void          gst_mmap_src_new_run (GstMmapSrc * src);

G_GNUC_INTERNAL
GstFlowReturn gst_mmap_src_truncated (GstMmapSrc * src, const gchar * detail);

G_GNUC_INTERNAL
gboolean      gst_mmap_src_is_network_fs (gint fd);

G_GNUC_INTERNAL
gboolean      gst_mmap_src_map_locked (GstMmapSrc * src, guint64 start,
                                       guint64 length, GError ** error);

G_GNUC_INTERNAL
void          gst_mmap_src_unmap_locked (GstMmapSrc * src);

G_GNUC_INTERNAL
GstMemory *   gst_mmap_src_get_root (GstMmapSrc * src, guint64 offset,
                                     guint length, guint64 size);

G_GNUC_INTERNAL
void          gst_mmap_src_advise (GstMmapSrc * src, GstMmapWindow * window,
                                   guint64 offset, guint length);

G_GNUC_INTERNAL
GstFlowReturn gst_mmap_src_read_stream (GstMmapSrc * src, guint length,
                                        GstBuffer * buf);

G_GNUC_INTERNAL
GstFlowReturn gst_mmap_src_create_mapped (GstMmapSrc * src, guint64 offset,
                                          guint length, GstBuffer ** buffer);

G_GNUC_INTERNAL
GstFlowReturn gst_mmap_src_read_pooled (GstMmapSrc * src, guint64 offset,
                                        guint length, GstBuffer ** buffer);

G_GNUC_INTERNAL
void          gst_mmap_src_free_pool (GstMmapSrc * src);

G_GNUC_INTERNAL
GstFlowReturn gst_mmap_src_read_file (GstMmapSrc * src, guint64 offset,
                                      guint length, GstBuffer * buf);

G_END_DECLS

#endif /* __GST_MMAP_SRC_IO_H__ */
