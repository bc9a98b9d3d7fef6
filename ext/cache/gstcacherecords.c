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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcacherecords.h"

#include <string.h>

/* a record: header, then @head and @body, padded to 8 bytes */
static gboolean
write_record (GstCacheWriter * w, guint32 type, const guint8 * head,
    gsize head_size, const guint8 * body, gsize body_size, GError ** error)
{
  static const guint8 zeros[8] = { 0, };
  guint8 first[GST_CACHE_RECORD_HEADER + GST_CACHE_SEGMENT_RECORD];
  gsize len = head_size + body_size;
  gsize pad = GST_CACHE_ROUND_UP_8 (len) - len;

  g_assert (head_size <= sizeof (first) - GST_CACHE_RECORD_HEADER);
  if (len > G_MAXUINT32) {
    g_set_error (error, GST_CACHE_STORE_ERROR,
        GST_CACHE_STORE_ERROR_TOO_LARGE,
        "A buffer or event too large to store");
    return FALSE;
  }
  /* the header and the fixed part in one write */
  GST_WRITE_UINT32_LE (first, type);
  GST_WRITE_UINT32_LE (first + 4, len);
  if (head_size)
    memcpy (first + GST_CACHE_RECORD_HEADER, head, head_size);
  return gst_cache_writer_append (w, first, GST_CACHE_RECORD_HEADER +
      head_size, error) && (body_size == 0 ||
      gst_cache_writer_append (w, body, body_size, error)) && (pad == 0 ||
      gst_cache_writer_append (w, zeros, pad, error));
}

/* a string, after an optional 32-bit value */
static gboolean
write_string (GstCacheWriter * w, guint32 type, const guint32 * prefix,
    gchar * str, GError ** error)
{
  guint8 head[4];
  gboolean ok;

  if (prefix)
    GST_WRITE_UINT32_LE (head, *prefix);
  ok = write_record (w, type, head, prefix ? 4 : 0, (const guint8 *) str,
      strlen (str), error);
  g_free (str);
  return ok;
}

gboolean
gst_cache_records_write_caps (GstCacheWriter * w, const GstCaps * caps,
    GError ** error)
{
  return write_string (w, GST_CACHE_RECORD_CAPS, NULL,
      gst_caps_to_string (caps), error);
}

static gboolean
write_segment (GstCacheWriter * w, const GstSegment * seg, GError ** error)
{
  guint8 s[GST_CACHE_SEGMENT_RECORD];

  GST_WRITE_UINT32_LE (s, seg->format);
  GST_WRITE_UINT32_LE (s + 4, seg->flags);
  GST_WRITE_DOUBLE_LE (s + 8, seg->rate);
  GST_WRITE_DOUBLE_LE (s + 16, seg->applied_rate);
  GST_WRITE_UINT64_LE (s + 24, seg->base);
  GST_WRITE_UINT64_LE (s + 32, seg->offset);
  GST_WRITE_UINT64_LE (s + 40, seg->start);
  GST_WRITE_UINT64_LE (s + 48, seg->stop);
  GST_WRITE_UINT64_LE (s + 56, seg->time);
  GST_WRITE_UINT64_LE (s + 64, seg->position);
  GST_WRITE_UINT64_LE (s + 72, seg->duration);
  return write_record (w, GST_CACHE_RECORD_SEGMENT, s, sizeof (s), NULL, 0,
      error);
}

gboolean
gst_cache_records_write_event (GstCacheWriter * w, GstEvent * event,
    GError ** error)
{
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;

      gst_event_parse_caps (event, &caps);
      return gst_cache_records_write_caps (w, caps, error);
    }
    case GST_EVENT_SEGMENT:{
      const GstSegment *seg;

      gst_event_parse_segment (event, &seg);
      return write_segment (w, seg, error);
    }
    case GST_EVENT_TAG:{
      GstTagList *tags;
      guint32 scope;

      gst_event_parse_tag (event, &tags);
      scope = gst_tag_list_get_scope (tags);
      return write_string (w, GST_CACHE_RECORD_TAG, &scope,
          gst_tag_list_to_string (tags), error);
    }
    case GST_EVENT_STREAM_START:
    case GST_EVENT_EOS:
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
    case GST_EVENT_SEGMENT_DONE:
      return TRUE;              /* a replay makes its own */
    default:{
      const GstStructure *st = gst_event_get_structure (event);
      guint32 type = GST_EVENT_TYPE (event);

      if (!GST_EVENT_IS_SERIALIZED (event) || !GST_EVENT_IS_DOWNSTREAM (event))
        return TRUE;
      return write_string (w, GST_CACHE_RECORD_EVENT, &type,
          st ? gst_structure_to_string (st) : g_strdup (""), error);
    }
  }
}

gboolean
gst_cache_records_write_buffer (GstCacheWriter * w, GstBuffer * buf,
    GError ** error)
{
  guint8 head[GST_CACHE_BUFFER_RECORD];
  GstMapInfo map;
  gboolean ok;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ)) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "Could not map a buffer to store it");
    return FALSE;
  }
  GST_WRITE_UINT64_LE (head, GST_BUFFER_PTS (buf));
  GST_WRITE_UINT64_LE (head + 8, GST_BUFFER_DTS (buf));
  GST_WRITE_UINT64_LE (head + 16, GST_BUFFER_DURATION (buf));
  GST_WRITE_UINT64_LE (head + 24, GST_BUFFER_OFFSET (buf));
  GST_WRITE_UINT64_LE (head + 32, GST_BUFFER_OFFSET_END (buf));
  GST_WRITE_UINT32_LE (head + 40, GST_BUFFER_FLAGS (buf));
  GST_WRITE_UINT32_LE (head + 44, 0);
  ok = write_record (w, GST_CACHE_RECORD_BUFFER, head, sizeof (head),
      map.data, map.size, error);
  gst_buffer_unmap (buf, &map);
  return ok;
}

static void
free_entry_ref (gpointer entry)
{
  gst_cache_entry_unref (entry);
}

GstBuffer *
gst_cache_entry_wrap (GstCacheEntry * entry, gsize offset, gsize size)
{
  GstBuffer *buf = gst_buffer_new ();
  gsize total;
  const guint8 *payload = gst_cache_entry_get_payload (entry, &total);

  g_return_val_if_fail (offset + size <= total, buf);
  if (size > 0)
    gst_buffer_append_memory (buf,
        gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY,
            (gpointer) (payload + offset), size, 0, size,
            gst_cache_entry_ref (entry), free_entry_ref));
  return buf;
}

static gchar *
body_string (const guint8 * body, guint32 len, guint32 skip)
{
  return g_strndup ((const gchar *) body + skip, len - skip);
}

GstMiniObject *
gst_cache_records_read (GstCacheEntry * entry, gsize * pos)
{
  gsize size;
  const guint8 *p = gst_cache_entry_get_payload (entry, &size);
  guint32 type = GST_READ_UINT32_LE (p + *pos);
  guint32 len = GST_READ_UINT32_LE (p + *pos + 4);
  const guint8 *body = p + *pos + GST_CACHE_RECORD_HEADER;
  gsize body_offset = *pos + GST_CACHE_RECORD_HEADER;
  GstEvent *ev = NULL;
  gchar *s;

  /* the store checked the records: lengths stay inside the payload */
  *pos += GST_CACHE_RECORD_HEADER + GST_CACHE_ROUND_UP_8 (len);

  switch (type) {
    case GST_CACHE_RECORD_CAPS:{
      GstCaps *caps;

      s = body_string (body, len, 0);
      caps = gst_caps_from_string (s);
      g_free (s);
      if (caps)
        ev = gst_event_new_caps (caps);
      gst_clear_caps (&caps);
      break;
    }
    case GST_CACHE_RECORD_SEGMENT:{
      GstSegment seg;

      gst_segment_init (&seg, GST_FORMAT_TIME);
      seg.format = GST_READ_UINT32_LE (body);
      seg.flags = GST_READ_UINT32_LE (body + 4);
      seg.rate = GST_READ_DOUBLE_LE (body + 8);
      seg.applied_rate = GST_READ_DOUBLE_LE (body + 16);
      seg.base = GST_READ_UINT64_LE (body + 24);
      seg.offset = GST_READ_UINT64_LE (body + 32);
      seg.start = GST_READ_UINT64_LE (body + 40);
      seg.stop = GST_READ_UINT64_LE (body + 48);
      seg.time = GST_READ_UINT64_LE (body + 56);
      seg.position = GST_READ_UINT64_LE (body + 64);
      seg.duration = GST_READ_UINT64_LE (body + 72);
      if (seg.rate != 0.0)
        ev = gst_event_new_segment (&seg);
      break;
    }
    case GST_CACHE_RECORD_TAG:{
      GstTagList *tags;

      s = body_string (body, len, 4);
      tags = gst_tag_list_new_from_string (s);
      g_free (s);
      if (tags) {
        gst_tag_list_set_scope (tags, GST_READ_UINT32_LE (body));
        ev = gst_event_new_tag (tags);
      }
      break;
    }
    case GST_CACHE_RECORD_EVENT:{
      GstStructure *st = NULL;

      s = body_string (body, len, 4);
      if (*s)
        st = gst_structure_from_string (s, NULL);
      g_free (s);
      ev = gst_event_new_custom (GST_READ_UINT32_LE (body), st);
      break;
    }
    case GST_CACHE_RECORD_BUFFER:{
      GstBuffer *buf = gst_cache_entry_wrap (entry,
          body_offset + GST_CACHE_BUFFER_RECORD,
          len - GST_CACHE_BUFFER_RECORD);

      GST_BUFFER_PTS (buf) = GST_READ_UINT64_LE (body);
      GST_BUFFER_DTS (buf) = GST_READ_UINT64_LE (body + 8);
      GST_BUFFER_DURATION (buf) = GST_READ_UINT64_LE (body + 16);
      GST_BUFFER_OFFSET (buf) = GST_READ_UINT64_LE (body + 24);
      GST_BUFFER_OFFSET_END (buf) = GST_READ_UINT64_LE (body + 32);
      GST_BUFFER_FLAGS (buf) = GST_READ_UINT32_LE (body + 40);
      return GST_MINI_OBJECT_CAST (buf);
    }
    default:
      break;
  }
  return GST_MINI_OBJECT_CAST (ev);
}
