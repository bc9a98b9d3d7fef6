/* gst-reuse: gst-cache --discover, media analysis from the cache
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

#ifndef __GST_CACHE_TOOL_DISCOVER_H__
#define __GST_CACHE_TOOL_DISCOVER_H__

/* The tool's side of the media analysis: each input through
 * GstCacheDiscoverer, printed as gst-discoverer-1.0 -v prints it (plus
 * how the cache served it) or as one JSON object per line. The analysis
 * itself is the library's (gstcachediscoverer.c). */

#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "gstcachediscoverer.h"

G_BEGIN_DECLS

/* analyses @inputs (paths or URIs) in order with a GstCacheDiscoverer on
 * @dir (NULL: the default directory; its remote storage configuration
 * applies) and prints each result as it comes. Calls gst_init(). With
 * @shortcut (nothing else to do after it), local hits may be served
 * without the registry (gst-cache-shortcut.c), and the process may be
 * replaced by a new one for the rest of @inputs.
 * Returns the exit status: 0 when every input was analysed, 1 when some
 * failed (GstDiscoverer's message on stderr), 2 when the analysis could
 * not start. */
gint gst_cache_tool_discover (gchar ** inputs, const gchar * dir,
    GstClockTime timeout, gboolean json, gboolean shortcut);

/* the registry shortcut (gst-cache-shortcut.c): made before gst_init(),
 * NULL when it is turned off */
typedef struct _GstCacheToolShortcut GstCacheToolShortcut;
GstCacheToolShortcut *gst_cache_tool_shortcut_new (const gchar * dir);
void gst_cache_tool_shortcut_free (GstCacheToolShortcut * sc);
/* serves @inputs from the local cache without the registry and returns
 * the exit status; hands the first input that is not a local hit, with
 * those after it, to a new process of gst-cache (and returns 2 only if
 * that cannot start). Returns -1, before gst_init(), when the registry
 * has no memo or changed since. */
gint gst_cache_tool_shortcut_run (GstCacheToolShortcut * sc, gchar ** inputs,
    const gchar * dir, GstClockTime timeout, gboolean json);
/* right after gst_init() with the registry: writes the memo for the next
 * run */
void gst_cache_tool_shortcut_learn (GstCacheToolShortcut * sc);

/* what gst-discoverer-1.0 -v prints for @info (or @error when @info is
 * NULL), with a "Cache:" line after "Done discovering" */
void gst_cache_tool_format_info (GString * out, GstDiscovererInfo * info,
    const GError * error, GstCacheResult result, const gchar * source);

/* one JSON object, without a newline */
void gst_cache_tool_format_json (GString * out, const gchar * input,
    const gchar * uri, GstDiscovererInfo * info, const GError * error,
    GstCacheResult result, const gchar * source);

/* @s as a JSON string (quoted; invalid UTF-8 replaced) */
gchar *gst_cache_tool_json_string (const gchar * s);

/* the path or URI of an argument as a URI, or NULL with @error */
gchar *gst_cache_tool_input_uri (const gchar * input, GError ** error);

/* what the text and the JSON share (gst-cache-discover.c) */

/* a stream of a result's topology */
typedef struct
{
  GstDiscovererStreamInfo *info;
  guint depth;                  /* 0: the top stream */
  gint number;                  /* GstDiscoverer's, or its position */
  GstTagList *container_tags;   /* a container's own tags, or NULL */
} GstCacheToolNode;

/* the streams of @info in gst-discoverer-1.0's order (GstCacheToolNode);
 * @restored: a result from the cache, whose stream numbers and container
 * tags GStreamer 1.22 does not keep (they are made again) */
GArray *gst_cache_tool_topology_new (GstDiscovererInfo * info,
    gboolean restored);

/* @caps as text; without the fields that hold buffers unless @whole */
gchar *gst_cache_tool_caps_text (const GstCaps * caps, gboolean whole);

/* "hit", "miss" or "bypass" */
const gchar *gst_cache_tool_cache_result_nick (GstCacheResult result);

G_END_DECLS

#endif /* __GST_CACHE_TOOL_DISCOVER_H__ */
