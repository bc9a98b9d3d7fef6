/* gst-reuse: media analysis (GstDiscoverer results) served from the cache
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

#ifndef __GST_CACHE_DISCOVERER_H__
#define __GST_CACHE_DISCOVERER_H__

#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "cache-prelude.h"
#include "cache-enumtypes.h"

G_BEGIN_DECLS

/**
 * GstCacheResult:
 * @GST_CACHE_RESULT_BYPASS: the input could not be identified by its
 *     content (not a local file or an http(s) object, or the cache was
 *     unusable): GstDiscoverer ran and nothing was stored
 * @GST_CACHE_RESULT_MISS: GstDiscoverer ran; its result was stored when
 *     it was complete (see gst_cache_discoverer_discover_uri())
 * @GST_CACHE_RESULT_HIT: the result came from the cache; no demuxer,
 *     parser or decoder was loaded
 *
 * How the cache served one analysis.
 */
typedef enum
{
  GST_CACHE_RESULT_BYPASS,
  GST_CACHE_RESULT_MISS,
  GST_CACHE_RESULT_HIT,
} GstCacheResult;

#define GST_TYPE_CACHE_DISCOVERER (gst_cache_discoverer_get_type ())
GST_CACHE_API
G_DECLARE_FINAL_TYPE (GstCacheDiscoverer, gst_cache_discoverer, GST,
    CACHE_DISCOVERER, GObject);

GST_CACHE_API
GstCacheDiscoverer *gst_cache_discoverer_new (GstClockTime timeout,
    GError ** error);

GST_CACHE_API
GstDiscovererInfo *gst_cache_discoverer_discover_uri (GstCacheDiscoverer *
    discoverer, const gchar * uri, GError ** error);

GST_CACHE_API
void gst_cache_discoverer_start (GstCacheDiscoverer * discoverer);

GST_CACHE_API
void gst_cache_discoverer_stop (GstCacheDiscoverer * discoverer);

GST_CACHE_API
gboolean gst_cache_discoverer_discover_uri_async (GstCacheDiscoverer *
    discoverer, const gchar * uri);

GST_CACHE_API
GstCacheResult gst_cache_discoverer_info_get_result (GstDiscovererInfo *
    info);

GST_CACHE_API
const gchar *gst_cache_discoverer_info_get_source (GstDiscovererInfo * info);

GST_CACHE_API
const gchar *gst_cache_discoverer_info_get_key (GstDiscovererInfo * info);

G_END_DECLS

#endif /* __GST_CACHE_DISCOVERER_H__ */
