/* gst-reuse: cachebin, what its parts share
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

#ifndef __GST_CACHE_BIN_PRIVATE_H__
#define __GST_CACHE_BIN_PRIVATE_H__

/* The element is split by job: gstcachebin.c (properties, states, the
 * run's set-up), gstcachebinpads.c (what crosses its pads in each kind of
 * run), gstcachebinkey.c (the input's identity, the chain's description
 * and the key), gstcachebincaps.c (the chain's caps before a run),
 * gstcachebincapture.c (a miss: the chain's output captured and
 * committed), gstcachebinreplay.c (a hit: a stored result replayed). None of these is public. */

#include "gstcachebin.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_cache_bin_debug);

/* internal pads have the external pad for parent */
#define INTERNAL_SELF(parent) GST_CACHE_BIN (GST_OBJECT_PARENT (parent))

/* gstcachebin.c */
G_GNUC_INTERNAL
gboolean gst_cache_bin_build_chain (GstCacheBin * self,
    const gchar * description, gboolean describe);
G_GNUC_INTERNAL
GstPad *gst_cache_bin_find_unlinked_pad (GList * elements,
    GstPadDirection dir);
G_GNUC_INTERNAL
void gst_cache_bin_bypass (GstCacheBin * self, const gchar * reason);
G_GNUC_INTERNAL
void gst_cache_bin_unstorable (GstCacheBin * self, const gchar * reason);
G_GNUC_INTERNAL
void gst_cache_bin_post_result (GstCacheBin * self, guint64 bytes,
    gboolean stored);

/* gstcachebinkey.c */
G_GNUC_INTERNAL
gboolean gst_cache_bin_describe_chain (GstCacheBin * self,
    const gchar * description);
G_GNUC_INTERNAL
gboolean gst_cache_bin_identify_input (GstCacheBin * self,
    gboolean trust_stat);
G_GNUC_INTERNAL
gchar *gst_cache_bin_memo_path (const gchar * cache_dir,
    const gchar * description, const gchar * suffix);
G_GNUC_INTERNAL
void gst_cache_bin_memo_write (GstCacheBin * self, const gchar * path,
    GKeyFile * kf);
G_GNUC_INTERNAL
void gst_cache_bin_make_key (GstCacheBin * self,
    GstCacheBinKeyMode key_mode, const gchar * name_space);

/* gstcachebinpads.c */
G_GNUC_INTERNAL
gboolean gst_cache_bin_sink_activate (GstPad * pad, GstObject * parent);
G_GNUC_INTERNAL
GstFlowReturn gst_cache_bin_sink_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buf);
G_GNUC_INTERNAL
gboolean gst_cache_bin_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
G_GNUC_INTERNAL
gboolean gst_cache_bin_sink_query (GstPad * pad, GstObject * parent,
    GstQuery * query);
G_GNUC_INTERNAL
gboolean gst_cache_bin_src_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active);
G_GNUC_INTERNAL
gboolean gst_cache_bin_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
G_GNUC_INTERNAL
gboolean gst_cache_bin_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query);
G_GNUC_INTERNAL
gboolean gst_cache_bin_feed_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active);
G_GNUC_INTERNAL
GstFlowReturn gst_cache_bin_feed_getrange (GstPad * pad, GstObject * parent,
    guint64 offset, guint length, GstBuffer ** buf);
G_GNUC_INTERNAL
gboolean gst_cache_bin_feed_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
G_GNUC_INTERNAL
gboolean gst_cache_bin_feed_query (GstPad * pad, GstObject * parent,
    GstQuery * query);
G_GNUC_INTERNAL
gboolean gst_cache_bin_downstream_accepts_entry (GstCacheBin * self);

/* gstcachebincaps.c */
G_GNUC_INTERNAL
GstCaps *gst_cache_bin_chain_caps (GstCacheBin * self, GstPadDirection dir,
    GstCaps * filter);

/* gstcachebincapture.c */
G_GNUC_INTERNAL
GstFlowReturn gst_cache_bin_capture_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buf);
G_GNUC_INTERNAL
gboolean gst_cache_bin_capture_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
G_GNUC_INTERNAL
gboolean gst_cache_bin_capture_query (GstPad * pad, GstObject * parent,
    GstQuery * query);

/* gstcachebinreplay.c */
G_GNUC_INTERNAL
void gst_cache_bin_replay_loop (GstPad * pad);
G_GNUC_INTERNAL
void gst_cache_bin_upstream_answered (GstCacheBin * self, gboolean cancel);

G_END_DECLS

#endif /* __GST_CACHE_BIN_PRIVATE_H__ */
