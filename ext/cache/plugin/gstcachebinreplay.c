/* gst-reuse: cachebin, replay of a stored result
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
#include "gstcacherecords.h"

#define GST_CAT_DEFAULT gst_cache_bin_debug

#define REPLAY_CHUNK (1024 * 1024)

/* replay */

/* a byte stream's events from before its first segment, in order, and
 * that segment; FALSE when the entry has no segment */
static gboolean
replay_early_events (GstCacheBin * self, GKeyFile * meta)
{
  gboolean segment = FALSE;
  guint i;

  for (i = 0;; i++) {
    gchar *name = g_strdup_printf ("event-%u", i);
    gchar *str = g_key_file_get_string (meta, "events", name, NULL);
    GstEvent *ev = str ? gst_cache_records_event_from_string (str) : NULL;

    g_free (name);
    if (str == NULL)
      break;
    if (ev && GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT)
      segment = TRUE;
    if (ev)
      gst_pad_push_event (self->srcpad, ev);
    else
      GST_WARNING_OBJECT (self, "skipping a stored event that no longer "
          "parses: %s", str);
    g_free (str);
  }
  return segment;
}

static gboolean
replay_start (GstCacheBin * self)
{
  GKeyFile *meta = gst_cache_entry_get_meta (self->entry);
  gchar *stream_id, *caps_str;
  GstEvent *ev;

  stream_id = gst_pad_create_stream_id_printf (self->srcpad,
      GST_ELEMENT (self), "cachebin-%.16s", self->key_hex);
  ev = gst_event_new_stream_start (stream_id);
  gst_event_set_group_id (ev, gst_util_group_id_next ());
  g_free (stream_id);
  if (!gst_pad_push_event (self->srcpad, ev))
    GST_DEBUG_OBJECT (self, "stream-start not accepted");

  if (gst_cache_entry_get_kind (self->entry) == GST_CACHE_ENTRY_KIND_BYTES) {
    GstSegment seg;

    caps_str = g_key_file_get_string (meta, "entry", "caps", NULL);
    if (caps_str) {
      GstCaps *caps = gst_caps_from_string (caps_str);

      if (caps)
        gst_pad_push_event (self->srcpad, gst_event_new_caps (caps));
      gst_clear_caps (&caps);
      g_free (caps_str);
    }
    if (!replay_early_events (self, meta)) {
      gst_segment_init (&seg, GST_FORMAT_BYTES);
      gst_pad_push_event (self->srcpad, gst_event_new_segment (&seg));
    }
  }
  return TRUE;
}

/* the next record of a stream entry, pushed */
static GstFlowReturn
replay_record (GstCacheBin * self)
{
  GstMiniObject *item = gst_cache_records_read (self->entry,
      &self->replay_pos);

  if (item == NULL) {
    GST_WARNING_OBJECT (self, "skipping a stored record that no longer "
        "parses");
    return GST_FLOW_OK;
  }
  if (GST_IS_BUFFER (item))
    return gst_pad_push (self->srcpad, GST_BUFFER_CAST (item));
  gst_pad_push_event (self->srcpad, GST_EVENT_CAST (item));
  return GST_FLOW_OK;
}

void
gst_cache_bin_replay_loop (GstPad * pad)
{
  GstCacheBin *self = GST_CACHE_BIN (GST_PAD_PARENT (pad));
  GstFlowReturn ret = GST_FLOW_OK;
  gsize size;

  if (!self->replay_started) {
    self->replay_started = TRUE;
    replay_start (self);
  }
  gst_cache_entry_get_payload (self->entry, &size);

  if (self->replay_pos < size) {
    if (gst_cache_entry_get_kind (self->entry) == GST_CACHE_ENTRY_KIND_BYTES) {
      gsize n = MIN (REPLAY_CHUNK, size - self->replay_pos);
      GstBuffer *buf = gst_cache_entry_wrap (self->entry, self->replay_pos, n);

      GST_BUFFER_OFFSET (buf) = self->replay_pos;
      GST_BUFFER_OFFSET_END (buf) = self->replay_pos + n;
      self->replay_pos += n;
      ret = gst_pad_push (pad, buf);
    } else {
      ret = replay_record (self);
    }
  } else {
    ret = GST_FLOW_EOS;
  }

  if (ret == GST_FLOW_OK)
    return;

  if (ret == GST_FLOW_EOS) {
    if (self->replay_pos >= size) {
      gst_cache_store_count (self->store, "hits", (guint64) 1,
          "bytes-served", (guint64) size, NULL);
      gst_cache_bin_post_result (self, size, FALSE);
    }
    gst_pad_push_event (pad, gst_event_new_eos ());
  } else if (ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) {
    GST_ELEMENT_FLOW_ERROR (self, ret);
    gst_pad_push_event (pad, gst_event_new_eos ());
  }
  GST_DEBUG_OBJECT (self, "replay pausing: %s", gst_flow_get_name (ret));
  gst_pad_pause_task (pad);
}
