/* gst-reuse: the stream records of a cache entry: events and buffers
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

#ifndef __GST_CACHE_RECORDS_H__
#define __GST_CACHE_RECORDS_H__

/* A stream that is not a byte stream is stored as records (the format is
 * in gstcachestore.h): its caps, segments, tags, other serialized
 * downstream events, and its buffers with their timestamps, offsets and
 * flags. This module turns GStreamer's events and buffers into records and
 * back; the store checks the records of every entry it hands out. */

#include <gst/gst.h>

#include "gstcachestore.h"

G_BEGIN_DECLS

gboolean gst_cache_records_write_caps (GstCacheWriter * writer,
    const GstCaps * caps, GError ** error);
/* the events a replay needs (caps, segments, tags, other serialized
 * downstream events); the others (stream-start, EOS, flushes,
 * segment-done) are not stored and return TRUE */
gboolean gst_cache_records_write_event (GstCacheWriter * writer,
    GstEvent * event, GError ** error);
/* a buffer with its timestamps, offsets, flags and the metas that do not
 * describe its layout (see gst_cache_records_unrecordable_meta()) */
gboolean gst_cache_records_write_buffer (GstCacheWriter * writer,
    GstBuffer * buffer, GError ** error);
/* the name of the first meta of @buffer that records cannot keep, or NULL;
 * layout metas (video, crop, audio) must have been normalised away */
const gchar *gst_cache_records_unrecordable_meta (GstBuffer * buffer);

/* an event that a record can keep, as a line of text, and back (for the
 * metadata of byte-stream entries); NULL for text that does not parse */
gchar *gst_cache_records_event_to_string (GstEvent * event);
GstEvent *gst_cache_records_event_from_string (const gchar * str);

/* @size bytes of @entry's payload from @offset, without a copy: the buffer
 * keeps the entry mapped */
GstBuffer *gst_cache_entry_wrap (GstCacheEntry * entry, gsize offset,
    gsize size);
/* the record at *@pos of a stream entry (an event or a buffer), and *@pos
 * moved past it; NULL for a record that no longer parses */
GstMiniObject *gst_cache_records_read (GstCacheEntry * entry, gsize * pos);
/* the same from a record read by other means (a streamed entry): the
 * event of a record of @type whose body (@len bytes) is at @body, or NULL;
 * and a buffer record's timestamps, offsets, flags and metas (@body: its
 * fixed part and its metas) set on @buffer */
GstEvent *gst_cache_records_parse_event (guint32 type, const guint8 * body,
    guint32 len);
void gst_cache_records_parse_buffer (GstBuffer * buffer,
    const guint8 * body);

G_END_DECLS

#endif /* __GST_CACHE_RECORDS_H__ */
