/* gst-reuse: the cache key: what a result depends on
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

#ifndef __GST_CACHE_KEY_H__
#define __GST_CACHE_KEY_H__

#include <gst/gst.h>

#include "cache-prelude.h"

#include "gstcachestore.h"

G_BEGIN_DECLS

#define GST_CACHE_KEY_FORMAT "cachebin-key-2"

/* A key is the SHA-256 of a record of tagged, length-prefixed fields. The
 * record is also kept as text (one "tag: value" per line, values escaped),
 * stored in the entry, so that two keys can be compared field by field. */
typedef struct _GstCacheKey GstCacheKey;

GST_CACHE_API
GstCacheKey *gst_cache_key_new (void);
GST_CACHE_API
void gst_cache_key_add (GstCacheKey * key, const gchar * tag,
    const gchar * value);
GST_CACHE_API
void gst_cache_key_finish (GstCacheKey * key, guint8 out[GST_CACHE_KEY_SIZE],
    gchar ** record);
GST_CACHE_API
void gst_cache_key_free (GstCacheKey * key);

/* the elements of @chain in link order (a list of references) */
GST_CACHE_API
GList *gst_cache_chain_elements (GstBin * chain);

/* the canonical text of a chain: the elements in link order, each with its
 * factory, its properties that differ from a fresh element's, sorted by
 * name, and its links; element names play no part */
GST_CACHE_API
gchar *gst_cache_describe_chain (GstBin * chain);

/* the names of the factories of @chain's elements, nested ones included,
 * sorted, without duplicates */
GST_CACHE_API
gchar **gst_cache_chain_factories (GstBin * chain);

/* GStreamer's version and, sorted, the name and version of each plugin that
 * provides one of @factories, from the registry (no plugin is loaded) */
GST_CACHE_API
gchar *gst_cache_describe_versions (const gchar * const *factories);

/* the canonical text of the caps: each structure's fields sorted */
GST_CACHE_API
gchar *gst_cache_caps_to_string_sorted (const GstCaps * caps);

/* whether a property of this name names a file or a URI: location, uri,
 * *-file, *-location, *-uri */
GST_CACHE_API
gboolean gst_cache_property_names_file (const gchar * name);

/* What the parsed bin does not show, from the description's own text:
 * the links as written, with pad names and caps (gst_parse delays a link
 * to a pad that does not exist yet, such as a demuxer's "d.video_1", and
 * the bin shows nothing of it), and the properties that cannot be read
 * back (write-only ones, child properties), sorted per element. Elements
 * are numbered in the order written ("#0:factory"), names are replaced by
 * those numbers, spacing is normalised. The chain's plugins must be
 * loaded (as after a parse). Write-only properties that name a file are
 * added to @files as "#INDEX:FACTORY.PROPERTY<TAB>VALUE". */
GST_CACHE_API
gchar *gst_cache_describe_description (const gchar * description,
    GPtrArray * files);

/* the readable properties of @chain's elements (nested ones included)
 * that name a file, set to something other than a fresh element's value:
 * "FACTORY.PROPERTY<TAB>VALUE" added to @files */
GST_CACHE_API
void gst_cache_chain_files (GstBin * chain, GPtrArray * files);

G_END_DECLS

#endif /* __GST_CACHE_KEY_H__ */
