/* gst-reuse: small helpers of the cache store
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

#ifndef __GST_CACHE_UTIL_H__
#define __GST_CACHE_UTIL_H__

/* Not installed: helpers at the bottom of the store's modules */

#include <glib.h>

#include "cache-prelude.h"

G_BEGIN_DECLS

GST_CACHE_API
void gst_cache_set_errno_error (GError ** error, gint err, const gchar * what,
    const gchar * path);
GST_CACHE_API
void gst_cache_put_le32 (guint8 * p, guint32 v);
GST_CACHE_API
void gst_cache_put_le64 (guint8 * p, guint64 v);
GST_CACHE_API
guint32 gst_cache_get_le32 (const guint8 * p);
GST_CACHE_API
guint64 gst_cache_get_le64 (const guint8 * p);
GST_CACHE_API
gboolean gst_cache_hex_to_digest (const gchar * hex, guint8 * digest,
    gsize size);
GST_CACHE_API
gboolean gst_cache_pwrite_all (gint fd, const guint8 * data, gsize size,
    guint64 offset, const gchar * path, GError ** error);
GST_CACHE_API
gboolean gst_cache_pread_all (gint fd, guint8 * data, gsize size,
    guint64 offset);
GST_CACHE_API
gboolean gst_cache_fsync_dir (const gchar * dir);
GST_CACHE_API
gboolean gst_cache_replace_file (const gchar * path, const gchar * contents,
    gsize size);

G_END_DECLS

#endif /* __GST_CACHE_UTIL_H__ */
