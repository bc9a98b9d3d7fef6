/* gst-reuse: cachebin, capture of the inner chain's output
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

#include "gstcachebin-private.h"
#include "gstcachelayout.h"
#include "gstcacherecords.h"

#define GST_CAT_DEFAULT gst_cache_bin_debug

/* capture pad: out of the chain */

static void
capture_fail (GstCacheBin * self, GError * err)
{
  if (self->writer == NULL)
    return;
  if (g_error_matches (err, GST_CACHE_STORE_ERROR,
          GST_CACHE_STORE_ERROR_TOO_LARGE)) {
    GST_WARNING_OBJECT (self, "not storing: %s", err->message);
    gst_cache_store_count (self->store, "too-large", (guint64) 1, NULL);
  } else {
    GST_ELEMENT_WARNING (self, RESOURCE, WRITE,
        ("Could not store the result in the cache, the pipeline goes on: %s",
            err->message), (NULL));
    gst_cache_store_count (self->store, "errors", (guint64) 1, NULL);
  }
  g_free (self->store_error);
  self->store_error = g_strdup (err->message);
  g_clear_pointer (&self->writer, gst_cache_writer_free);
}

static void
capture_discard (GstCacheBin * self, const gchar * why)
{
  if (self->writer == NULL)
    return;
  GST_INFO_OBJECT (self, "discarding the partial result: %s", why);
  g_free (self->store_error);
  self->store_error = g_strdup (why);
  g_clear_pointer (&self->writer, gst_cache_writer_free);
}

/* the outcome of a write into the capture: a failure (*@err, read after
 * the write, which sets it) ends the capture */
static void
capture_check (GstCacheBin * self, gboolean ok, GError ** err)
{
  if (!ok) {
    capture_fail (self, *err);
    g_clear_error (err);
  }
}

/* a buffer of a stream entry, in the layout its caps describe, with the
 * metas that records keep; a meta they cannot keep makes the run
 * unstorable */
static void
capture_record_buffer (GstCacheBin * self, GstBuffer * buf)
{
  const gchar *why = gst_cache_records_unrecordable_meta (buf);
  GError *err = NULL;
  GstBuffer *plain;

  if (why) {
    GST_INFO_OBJECT (self, "a buffer with a %s, which the cache cannot keep",
        why);
    gst_cache_bin_unstorable (self, "meta");
    capture_discard (self, "a buffer meta the cache cannot keep");
    return;
  }
  plain = gst_cache_layout_normalize (buf,
      self->capture_video ? &self->capture_vinfo : NULL,
      self->capture_audio ? &self->capture_ainfo : NULL, &why);
  if (plain == NULL) {
    GST_INFO_OBJECT (self, "a frame whose layout cannot be stored: %s", why);
    gst_cache_bin_unstorable (self, why);
    capture_discard (self, "a frame layout the cache cannot keep");
    return;
  }
  capture_check (self, gst_cache_records_write_buffer (self->writer, plain,
          &err), &err);
  gst_buffer_unref (plain);
}

/* the layout of raw video and audio from their caps */
static void
capture_set_caps (GstCacheBin * self, GstCaps * caps)
{
  gst_caps_replace (&self->capture_caps, caps);
  self->capture_video = gst_video_info_from_caps (&self->capture_vinfo, caps);
  self->capture_audio = !self->capture_video &&
      gst_audio_info_from_caps (&self->capture_ainfo, caps);
}

/* the first segment decides the kind of entry; what came before it goes
 * in first */
static void
capture_decide (GstCacheBin * self, const GstSegment * seg)
{
  GError *err = NULL;
  GList *l;

  self->capture_decided = TRUE;
  self->capture_bytes = seg->format == GST_FORMAT_BYTES;
  GST_DEBUG_OBJECT (self, "capturing a %s",
      self->capture_bytes ? "byte stream" : "stream of buffers");
  /* a byte stream's first segment is replayed as it came (a source's
   * duration in bytes, say) */
  if (self->capture_bytes)
    self->capture_early = g_list_append (self->capture_early,
        gst_event_new_segment (seg));
  if (self->capture_bytes || self->writer == NULL)
    return;
  /* all of them, every caps event among them, in the order they came */
  for (l = self->capture_early; l && self->writer; l = l->next)
    capture_check (self, gst_cache_records_write_event (self->writer,
            l->data, &err), &err);
}

GstFlowReturn
gst_cache_bin_capture_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstCacheBin *self = INTERNAL_SELF (parent);
  GError *err = NULL;
  GstMapInfo map;

  if (g_atomic_int_get (&self->capture_flushed))
    capture_discard (self, "flushed");

  if (self->writer && self->capture_decided && self->capture_bytes &&
      gst_buffer_map (buf, &map, GST_MAP_READ)) {
    capture_check (self, gst_cache_writer_write_at (self->writer,
            self->capture_pos, map.data, map.size, &err), &err);
    self->capture_pos += map.size;
    gst_buffer_unmap (buf, &map);
  } else if (self->writer && self->capture_decided) {
    capture_record_buffer (self, buf);
  } else if (self->writer && !self->capture_decided) {
    capture_discard (self, "a buffer before any segment");
  }
  return gst_pad_push (self->srcpad, buf);
}

static void
commit (GstCacheBin * self)
{
  GKeyFile *meta;
  GError *err = NULL;
  guint64 size;
  gchar *caps = NULL;
  gboolean stored = FALSE;
  guint evicted = 0;
  const gchar *unstorable = g_atomic_pointer_get (&self->unstorable);

  if (g_atomic_int_get (&self->capture_flushed))
    capture_discard (self, "flushed");
  if (self->writer && self->input_path &&
      !gst_cache_file_unchanged (self->input_path, &self->input_id)) {
    GST_WARNING_OBJECT (self, "%s changed during the run: not storing",
        self->input_path);
    gst_cache_store_count (self->store, "input-modified", (guint64) 1, NULL);
    capture_discard (self, "the input changed during the run");
    /* the most precise reason: the input grew or shrank under us */
    g_atomic_pointer_set (&self->unstorable, "input-modified");
    unstorable = NULL;
  }
  if (self->writer && unstorable) {
    gchar *counter = g_strconcat ("unstorable-", unstorable, NULL);

    gst_cache_store_count (self->store, "unstorable", (guint64) 1, counter,
        (guint64) 1, NULL);
    g_free (counter);
    capture_discard (self, unstorable);
  }
  if (self->writer && g_atomic_int_get (&self->chain_failed))
    capture_discard (self, "the chain posted an error");
  if (self->writer && !self->capture_decided)
    capture_discard (self, "no segment before the end of the stream");
  if (self->writer == NULL) {
    gst_cache_store_count (self->store, "misses", (guint64) 1, NULL);
    gst_cache_bin_post_result (self, 0, FALSE);
    return;
  }

  size = gst_cache_writer_get_size (self->writer);
  meta = g_key_file_new ();
  g_key_file_set_string (meta, "entry", "key", self->key_hex);
  g_key_file_set_int64 (meta, "entry", "created", g_get_real_time () /
      G_USEC_PER_SEC);
  g_key_file_set_uint64 (meta, "entry", "compute-time",
      g_get_monotonic_time () * 1000 - self->start_ns);
  if (self->capture_caps) {
    caps = gst_caps_to_string (self->capture_caps);
    g_key_file_set_string (meta, "entry", "caps", caps);
  }
  /* a byte stream's events before its first segment (tags, a TOC, a
   * stream collection), in order */
  if (self->capture_bytes) {
    GList *l;
    guint i = 0;

    for (l = self->capture_early; l; l = l->next) {
      gchar *name, *ev;

      if (GST_EVENT_TYPE (l->data) == GST_EVENT_CAPS)
        continue;
      name = g_strdup_printf ("event-%u", i++);
      ev = gst_cache_records_event_to_string (l->data);

      g_key_file_set_string (meta, "events", name, ev);
      g_free (ev);
      g_free (name);
    }
  }
  GST_OBJECT_LOCK (self);
  g_key_file_set_string (meta, "entry", "namespace",
      self->name_space ? self->name_space : "");
  g_key_file_set_string (meta, "entry", "description",
      self->description ? self->description : "");
  GST_OBJECT_UNLOCK (self);
  g_key_file_set_string (meta, "entry", "record", self->key_record);

  if (gst_cache_writer_commit (self->writer, self->capture_bytes ?
          GST_CACHE_ENTRY_KIND_BYTES : GST_CACHE_ENTRY_KIND_STREAM, meta,
          self->limit, self->max_entries, &evicted, &err)) {
    stored = TRUE;
    GST_INFO_OBJECT (self, "stored %" G_GUINT64_FORMAT " bytes under %s; %u "
        "least recently used entries evicted", size, self->key_hex, evicted);
    gst_cache_store_count (self->store, "misses", (guint64) 1, NULL);
  } else {
    capture_fail (self, err);
    g_error_free (err);
    gst_cache_store_count (self->store, "misses", (guint64) 1, NULL);
  }
  g_clear_pointer (&self->writer, gst_cache_writer_free);
  g_key_file_unref (meta);
  g_free (caps);
  gst_cache_bin_post_result (self, stored ? size : 0, stored);
}

gboolean
gst_cache_bin_capture_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstCacheBin *self = INTERNAL_SELF (parent);

  GError *err = NULL;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;

      gst_event_parse_caps (event, &caps);
      capture_set_caps (self, caps);
      /* a stream of buffers replays each of them; a byte stream its
       * last (the entry's caps) */
      if (!self->capture_decided)
        self->capture_early = g_list_append (self->capture_early,
            gst_event_ref (event));
      break;
    }
    case GST_EVENT_SEGMENT:{
      const GstSegment *seg;

      gst_event_parse_segment (event, &seg);
      if (!self->capture_decided)
        capture_decide (self, seg);
      if (self->capture_bytes && seg->format == GST_FORMAT_BYTES)
        self->capture_pos = seg->start;
      else if (self->capture_bytes)
        capture_discard (self, "a byte stream changed format");
      break;
    }
    case GST_EVENT_STREAM_START:
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
    case GST_EVENT_EOS:
    case GST_EVENT_SEGMENT_DONE:
      break;
    default:
      /* before the first segment: kept for the entry, in order */
      if (!self->capture_decided && GST_EVENT_IS_SERIALIZED (event))
        self->capture_early = g_list_append (self->capture_early,
            gst_event_ref (event));
      break;
  }

  /* a stream of buffers: the events a replay needs, as records */
  if (self->writer && self->capture_decided && !self->capture_bytes &&
      GST_EVENT_TYPE (event) != GST_EVENT_FLUSH_START)
    capture_check (self, gst_cache_records_write_event (self->writer, event,
            &err), &err);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_START:
      /* out of band, in the seeking thread, while the streaming thread may
       * be writing: only mark it; the streaming thread, or FLUSH_STOP under
       * the stream lock, discards */
      g_atomic_int_set (&self->capture_flushed, 1);
      break;
    case GST_EVENT_FLUSH_STOP:
      capture_discard (self, "flushed");
      break;
    case GST_EVENT_EOS:
      if (self->run == GST_CACHE_BIN_RUN_MISS)
        commit (self);
      else if (self->run == GST_CACHE_BIN_RUN_BYPASS)
        GST_INFO_OBJECT (self, "bypass: end of stream");
      break;
    default:
      break;
  }
  return gst_pad_push_event (self->srcpad, event);
}

gboolean
gst_cache_bin_capture_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstCacheBin *self = INTERNAL_SELF (parent);

  return gst_pad_peer_query (self->srcpad, query);
}
