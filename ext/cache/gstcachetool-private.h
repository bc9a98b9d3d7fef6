/* gst-reuse: what gst-cache's registry shortcut needs from the library
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

#ifndef __GST_CACHE_TOOL_PRIVATE_H__
#define __GST_CACHE_TOOL_PRIVATE_H__

/* Not installed, not API: exported from libgstcache for gst-cache alone
 * (gst-cache-shortcut.c), which serves a hit of gst-cache --discover
 * without loading GStreamer's registry. The names start with an
 * underscore so that nothing else takes them for API. */

#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "cache-prelude.h"
#include "gstcachediscoverer.h"

G_BEGIN_DECLS

/* the part of an analysis key read from the registry (GStreamer's and
 * GstPbutils' versions, the plugins that can take part), as key-file
 * text with an "environment" group */
GST_CACHE_API
gchar *_gst_cache_tool_environment_export (void);

/* uses the "environment" group of @kf (from the export) instead of the
 * registry; FALSE if a field is missing */
GST_CACHE_API
gboolean _gst_cache_tool_environment_import (GKeyFile * kf);

/* the local cache's result for @uri, counted as a hit, or NULL (a miss or
 * a bypass, not counted): never analyses */
GST_CACHE_API
GstDiscovererInfo *_gst_cache_tool_lookup (GstCacheDiscoverer * self,
    const gchar * uri);

G_END_DECLS

#endif /* __GST_CACHE_TOOL_PRIVATE_H__ */
