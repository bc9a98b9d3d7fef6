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

#include <gst/audio/audio.h>
#include <gst/video/video.h>

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

/* a record of a fixed part and two bodies (a buffer's metas and data) */
static gboolean
write_record_parts (GstCacheWriter * w, guint32 type, const guint8 * head,
    gsize head_size, const guint8 * body1, gsize size1, const guint8 * body2,
    gsize size2, GError ** error)
{
  static const guint8 zeros[8] = { 0, };
  guint8 first[GST_CACHE_RECORD_HEADER + GST_CACHE_SEGMENT_RECORD];
  gsize len = head_size + size1 + size2;
  gsize pad = GST_CACHE_ROUND_UP_8 (len) - len;

  g_assert (head_size <= sizeof (first) - GST_CACHE_RECORD_HEADER);
  GST_WRITE_UINT32_LE (first, type);
  GST_WRITE_UINT32_LE (first + 4, len);
  memcpy (first + GST_CACHE_RECORD_HEADER, head, head_size);
  return gst_cache_writer_append (w, first, GST_CACHE_RECORD_HEADER +
      head_size, error) &&
      gst_cache_writer_append (w, body1, size1, error) &&
      (size2 == 0 || gst_cache_writer_append (w, body2, size2, error)) &&
      (pad == 0 || gst_cache_writer_append (w, zeros, pad, error));
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

/* Events whose structures hold objects that have no string form (a TOC, a
 * stream collection) are kept as a GVariant, base64 in a structure */

static gchar *
tags_string (const GstTagList * tags)
{
  return tags ? gst_tag_list_to_string (tags) : g_strdup ("");
}

static GstTagList *
tags_from_string (const gchar * s)
{
  return *s ? gst_tag_list_new_from_string (s) : NULL;
}

static GVariant *
toc_entry_to_variant (GstTocEntry * entry)
{
  GVariantBuilder children;
  GstTocLoopType loop = GST_TOC_LOOP_NONE;
  gint repeat = 0;
  gint64 start = -1, stop = -1;
  gchar *tags = tags_string (gst_toc_entry_get_tags (entry));
  GVariant *v;
  GList *l;

  gst_toc_entry_get_start_stop_times (entry, &start, &stop);
  gst_toc_entry_get_loop (entry, &loop, &repeat);
  g_variant_builder_init (&children, G_VARIANT_TYPE ("av"));
  for (l = gst_toc_entry_get_sub_entries (entry); l; l = l->next)
    g_variant_builder_add (&children, "v", toc_entry_to_variant (l->data));
  v = g_variant_new ("(isxxiisav)", gst_toc_entry_get_entry_type (entry),
      gst_toc_entry_get_uid (entry), start, stop, loop, repeat, tags,
      &children);
  g_free (tags);
  return v;
}

static GstTocEntry *
toc_entry_from_variant (GVariant * v)
{
  gint type, loop, repeat;
  const gchar *uid, *tags;
  gint64 start, stop;
  GVariantIter *children;
  GVariant *child;
  GstTocEntry *entry;

  g_variant_get (v, "(i&sxxii&sav)", &type, &uid, &start, &stop, &loop,
      &repeat, &tags, &children);
  entry = gst_toc_entry_new (type, uid);
  gst_toc_entry_set_start_stop_times (entry, start, stop);
  gst_toc_entry_set_loop (entry, loop, repeat);
  gst_toc_entry_set_tags (entry, tags_from_string (tags));
  while ((child = g_variant_iter_next_value (children))) {
    GVariant *inner = g_variant_get_variant (child);

    gst_toc_entry_append_sub_entry (entry, toc_entry_from_variant (inner));
    g_variant_unref (inner);
    g_variant_unref (child);
  }
  g_variant_iter_free (children);
  return entry;
}

static gchar *
event_to_variant_string (GstEvent * event)
{
  GVariant *v = NULL;
  gchar *b64, *s;

  if (GST_EVENT_TYPE (event) == GST_EVENT_TOC) {
    GstToc *toc;
    gboolean updated;
    GVariantBuilder entries;
    gchar *tags;
    GList *l;

    gst_event_parse_toc (event, &toc, &updated);
    tags = tags_string (gst_toc_get_tags (toc));
    g_variant_builder_init (&entries, G_VARIANT_TYPE ("av"));
    for (l = gst_toc_get_entries (toc); l; l = l->next)
      g_variant_builder_add (&entries, "v", toc_entry_to_variant (l->data));
    v = g_variant_new ("(ibsav)", gst_toc_get_scope (toc), updated, tags,
        &entries);
    g_free (tags);
    gst_toc_unref (toc);
  } else {
    GstStreamCollection *collection;
    GVariantBuilder streams;
    guint i;

    gst_event_parse_stream_collection (event, &collection);
    g_variant_builder_init (&streams, G_VARIANT_TYPE ("a(ssuus)"));
    for (i = 0; i < gst_stream_collection_get_size (collection); i++) {
      GstStream *st = gst_stream_collection_get_stream (collection, i);
      GstCaps *caps = gst_stream_get_caps (st);
      GstTagList *tl = gst_stream_get_tags (st);
      gchar *c = caps ? gst_caps_to_string (caps) : g_strdup ("");
      gchar *t = tags_string (tl);

      g_variant_builder_add (&streams, "(ssuus)",
          gst_stream_get_stream_id (st) ? gst_stream_get_stream_id (st) : "",
          c, gst_stream_get_stream_type (st), gst_stream_get_stream_flags (st),
          t);
      g_free (c);
      g_free (t);
      gst_clear_caps (&caps);
      if (tl)
        gst_tag_list_unref (tl);
    }
    v = g_variant_new ("(sa(ssuus))",
        gst_stream_collection_get_upstream_id (collection) ?
        gst_stream_collection_get_upstream_id (collection) : "", &streams);
    gst_object_unref (collection);
  }
  g_variant_ref_sink (v);
  b64 = g_base64_encode (g_variant_get_data (v), g_variant_get_size (v));
  /* quoted: base64 has characters that unquoted strings cannot */
  s = g_strdup_printf ("variant, data=(string)\"%s\"", b64);
  g_free (b64);
  g_variant_unref (v);
  return s;
}

static GstEvent *
event_from_variant_string (guint32 type, const gchar * str)
{
  GstStructure *st = gst_structure_from_string (str, NULL);
  const gchar *b64 = st ? gst_structure_get_string (st, "data") : NULL;
  GstEvent *ev = NULL;
  GVariant *v;
  guchar *data;
  gsize size;

  if (b64 == NULL) {
    if (st)
      gst_structure_free (st);
    return NULL;
  }
  data = g_base64_decode (b64, &size);
  gst_structure_free (st);
  if (type == GST_EVENT_TOC) {
    v = g_variant_new_from_data (G_VARIANT_TYPE ("(ibsav)"), data, size,
        FALSE, g_free, data);
    if (g_variant_is_normal_form (v)) {
      gint scope;
      gboolean updated;
      const gchar *tags;
      GVariantIter *entries;
      GVariant *child;
      GstToc *toc;

      g_variant_get (v, "(ib&sav)", &scope, &updated, &tags, &entries);
      toc = gst_toc_new (scope);
      gst_toc_set_tags (toc, tags_from_string (tags));
      while ((child = g_variant_iter_next_value (entries))) {
        GVariant *inner = g_variant_get_variant (child);

        gst_toc_append_entry (toc, toc_entry_from_variant (inner));
        g_variant_unref (inner);
        g_variant_unref (child);
      }
      g_variant_iter_free (entries);
      ev = gst_event_new_toc (toc, updated);
      gst_toc_unref (toc);
    }
  } else {
    v = g_variant_new_from_data (G_VARIANT_TYPE ("(sa(ssuus))"), data, size,
        FALSE, g_free, data);
    if (g_variant_is_normal_form (v)) {
      const gchar *upstream, *id, *caps, *tags;
      guint32 stype, flags;
      GVariantIter *streams;
      GstStreamCollection *collection;

      g_variant_get (v, "(&sa(ssuus))", &upstream, &streams);
      collection = gst_stream_collection_new (*upstream ? upstream : NULL);
      while (g_variant_iter_next (streams, "(&s&suu&s)", &id, &caps, &stype,
              &flags, &tags)) {
        GstCaps *c = *caps ? gst_caps_from_string (caps) : NULL;
        GstStream *stream = gst_stream_new (*id ? id : NULL, c, stype, flags);
        GstTagList *tl = tags_from_string (tags);

        if (tl) {
          gst_stream_set_tags (stream, tl);
          gst_tag_list_unref (tl);
        }
        gst_clear_caps (&c);
        gst_stream_collection_add_stream (collection, stream);
      }
      g_variant_iter_free (streams);
      ev = gst_event_new_stream_collection (collection);
      gst_object_unref (collection);
    }
  }
  g_variant_unref (v);
  return ev;
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
    case GST_EVENT_TOC:
    case GST_EVENT_STREAM_COLLECTION:{
      guint32 type = GST_EVENT_TYPE (event);

      return write_string (w, GST_CACHE_RECORD_EVENT, &type,
          event_to_variant_string (event), error);
    }
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

/* Buffer metas in a record, after the fixed part and before the data: a
 * kind (u32), a length (u32) and the meta's fields, padded to 8 bytes.
 * The metas that describe the data's layout are not among them: a stored
 * frame is in its default layout (gstcachelayout.c). */
enum
{
  META_SEI_USER_DATA_UNREGISTERED = 1,  /* uuid (16), data */
  META_CAPTION = 2,             /* caption type (u32), data */
};

static gboolean
meta_is_layout (GType api)
{
  return api == GST_VIDEO_META_API_TYPE ||
      api == GST_VIDEO_CROP_META_API_TYPE || api == GST_AUDIO_META_API_TYPE;
}

const gchar *
gst_cache_records_unrecordable_meta (GstBuffer * buf)
{
  gpointer state = NULL;
  GstMeta *meta;

  while ((meta = gst_buffer_iterate_meta (buf, &state))) {
    GType api = meta->info->api;

    if (meta_is_layout (api) || api == GST_PARENT_BUFFER_META_API_TYPE ||
        api == GST_VIDEO_SEI_USER_DATA_UNREGISTERED_META_API_TYPE ||
        api == GST_VIDEO_CAPTION_META_API_TYPE)
      continue;
    return g_type_name (api);
  }
  return NULL;
}

static void
append_meta (GByteArray * metas, guint32 kind, const guint8 * fixed,
    gsize fixed_size, const guint8 * data, gsize size)
{
  static const guint8 zeros[8] = { 0, };
  guint8 head[8];
  gsize len = fixed_size + size;

  GST_WRITE_UINT32_LE (head, kind);
  GST_WRITE_UINT32_LE (head + 4, len);
  g_byte_array_append (metas, head, 8);
  g_byte_array_append (metas, fixed, fixed_size);
  g_byte_array_append (metas, data, size);
  g_byte_array_append (metas, zeros, GST_CACHE_ROUND_UP_8 (len) - len);
}

static GByteArray *
serialize_metas (GstBuffer * buf)
{
  GByteArray *metas = g_byte_array_new ();
  gpointer state = NULL;
  GstMeta *meta;

  while ((meta = gst_buffer_iterate_meta (buf, &state))) {
    GType api = meta->info->api;

    if (api == GST_VIDEO_SEI_USER_DATA_UNREGISTERED_META_API_TYPE) {
      GstVideoSEIUserDataUnregisteredMeta *m =
          (GstVideoSEIUserDataUnregisteredMeta *) meta;

      append_meta (metas, META_SEI_USER_DATA_UNREGISTERED, m->uuid, 16,
          m->data, m->size);
    } else if (api == GST_VIDEO_CAPTION_META_API_TYPE) {
      GstVideoCaptionMeta *m = (GstVideoCaptionMeta *) meta;
      guint8 type[4];

      GST_WRITE_UINT32_LE (type, m->caption_type);
      append_meta (metas, META_CAPTION, type, 4, m->data, m->size);
    }
  }
  return metas;
}

static void
restore_metas (GstBuffer * buf, const guint8 * p, gsize size)
{
  gsize pos = 0;

  while (size - pos >= 8) {
    guint32 kind = GST_READ_UINT32_LE (p + pos);
    guint32 len = GST_READ_UINT32_LE (p + pos + 4);
    const guint8 *body = p + pos + 8;

    if (len > size - pos - 8)
      return;
    if (kind == META_SEI_USER_DATA_UNREGISTERED && len >= 16)
      gst_buffer_add_video_sei_user_data_unregistered_meta (buf,
          (guint8 *) body, (guint8 *) body + 16, len - 16);
    else if (kind == META_CAPTION && len >= 4)
      gst_buffer_add_video_caption_meta (buf, GST_READ_UINT32_LE (body),
          body + 4, len - 4);
    pos += 8 + GST_CACHE_ROUND_UP_8 ((gsize) len);
  }
}

gboolean
gst_cache_records_write_buffer (GstCacheWriter * w, GstBuffer * buf,
    GError ** error)
{
  guint8 head[GST_CACHE_BUFFER_RECORD];
  GstMapInfo map;
  GByteArray *metas;
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
  metas = serialize_metas (buf);
  GST_WRITE_UINT32_LE (head + 44, metas->len);
  if (metas->len > 0 && map.size + metas->len > G_MAXUINT32) {
    g_set_error (error, GST_CACHE_STORE_ERROR,
        GST_CACHE_STORE_ERROR_TOO_LARGE, "A buffer too large to store");
    ok = FALSE;
  } else if (metas->len > 0) {
    /* the metas in the record's fixed part's stead would need a copy of
     * the data: a record of three parts instead */
    ok = write_record_parts (w, GST_CACHE_RECORD_BUFFER, head, sizeof (head),
        metas->data, metas->len, map.data, map.size, error);
  } else {
    ok = write_record (w, GST_CACHE_RECORD_BUFFER, head, sizeof (head),
        map.data, map.size, error);
  }
  g_byte_array_unref (metas);
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

GstEvent *
gst_cache_records_parse_event (guint32 type, const guint8 * body, guint32 len)
{
  GstEvent *ev = NULL;
  gchar *s;

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
      guint32 etype = GST_READ_UINT32_LE (body);

      s = body_string (body, len, 4);
      if (etype == GST_EVENT_TOC || etype == GST_EVENT_STREAM_COLLECTION) {
        ev = event_from_variant_string (etype, s);
        g_free (s);
        break;
      }
      if (*s)
        st = gst_structure_from_string (s, NULL);
      g_free (s);
      ev = gst_event_new_custom (GST_READ_UINT32_LE (body), st);
      break;
    }
    default:
      break;
  }
  return ev;
}

void
gst_cache_records_parse_buffer (GstBuffer * buf, const guint8 * body)
{
  restore_metas (buf, body + GST_CACHE_BUFFER_RECORD,
      GST_READ_UINT32_LE (body + 44));
  GST_BUFFER_PTS (buf) = GST_READ_UINT64_LE (body);
  GST_BUFFER_DTS (buf) = GST_READ_UINT64_LE (body + 8);
  GST_BUFFER_DURATION (buf) = GST_READ_UINT64_LE (body + 16);
  GST_BUFFER_OFFSET (buf) = GST_READ_UINT64_LE (body + 24);
  GST_BUFFER_OFFSET_END (buf) = GST_READ_UINT64_LE (body + 32);
  GST_BUFFER_FLAGS (buf) = GST_READ_UINT32_LE (body + 40);
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

  /* the store checked the records: lengths stay inside the payload */
  *pos += GST_CACHE_RECORD_HEADER + GST_CACHE_ROUND_UP_8 (len);

  if (type == GST_CACHE_RECORD_BUFFER) {
    guint32 metas = GST_READ_UINT32_LE (body + 44);
    GstBuffer *buf;

    if (metas > len - GST_CACHE_BUFFER_RECORD)
      return NULL;
    buf = gst_cache_entry_wrap (entry,
        body_offset + GST_CACHE_BUFFER_RECORD + metas,
        len - GST_CACHE_BUFFER_RECORD - metas);
    gst_cache_records_parse_buffer (buf, body);
    return GST_MINI_OBJECT_CAST (buf);
  }
  return GST_MINI_OBJECT_CAST (gst_cache_records_parse_event (type, body, len));
}

gchar *
gst_cache_records_event_to_string (GstEvent * event)
{
  guint32 type = GST_EVENT_TYPE (event);
  gchar *body, *str;

  if (type == GST_EVENT_TOC || type == GST_EVENT_STREAM_COLLECTION) {
    body = event_to_variant_string (event);
  } else if (type == GST_EVENT_TAG) {
    GstTagList *tags;
    gchar *t;

    gst_event_parse_tag (event, &tags);
    t = gst_tag_list_to_string (tags);
    body = g_strdup_printf ("%u:%s", gst_tag_list_get_scope (tags), t);
    g_free (t);
  } else {
    const GstStructure *st = gst_event_get_structure (event);

    body = st ? gst_structure_to_string (st) : g_strdup ("");
  }
  str = g_strdup_printf ("%u:%s", type, body);
  g_free (body);
  return str;
}

GstEvent *
gst_cache_records_event_from_string (const gchar * str)
{
  gchar *end;
  guint64 type = g_ascii_strtoull (str, &end, 10);
  GstStructure *st = NULL;

  if (end == str || *end != ':')
    return NULL;
  str = end + 1;
  if (type == GST_EVENT_TOC || type == GST_EVENT_STREAM_COLLECTION)
    return event_from_variant_string (type, str);
  if (type == GST_EVENT_TAG) {
    guint64 scope = g_ascii_strtoull (str, &end, 10);
    GstTagList *tags;

    if (end == str || *end != ':')
      return NULL;
    tags = gst_tag_list_new_from_string (end + 1);
    if (tags == NULL)
      return NULL;
    gst_tag_list_set_scope (tags, scope);
    return gst_event_new_tag (tags);
  }
  if (*str && (st = gst_structure_from_string (str, NULL)) == NULL)
    return NULL;
  return gst_event_new_custom (type, st);
}
