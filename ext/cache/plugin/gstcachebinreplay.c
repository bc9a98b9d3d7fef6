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

/* Streamed entries (gst_cache_entry_is_streamed(): large ones, checked
 * whole by the store, which kept their file open) are pushed from the file
 * in buffers of a pool: each buffer is read from the file (and checked
 * again, piece by piece, by the store) before it is pushed, and its memory
 * is used again once downstream lets it go, so the kernel does not fault
 * in fresh pages for every buffer and memory stays at a few buffers
 * whatever the entry's size. */
#define STREAM_BUFFER (1024 * 1024)

typedef struct
{
  GstBufferPool *pool;
  gsize size;                   /* of the pool's buffers */
  guint8 *scratch;              /* a record's parts other than its data */
  gsize scratch_size;
} ReplayStream;

static void
replay_stream_free (gpointer data)
{
  ReplayStream *rs = data;

  if (rs->pool) {
    gst_buffer_pool_set_active (rs->pool, FALSE);
    gst_object_unref (rs->pool);
  }
  g_free (rs->scratch);
  g_free (rs);
}

static ReplayStream *
replay_stream (GstCacheBin * self)
{
  ReplayStream *rs = gst_cache_entry_get_user_data (self->entry);

  if (rs == NULL) {
    rs = g_new0 (ReplayStream, 1);
    gst_cache_entry_set_user_data (self->entry, rs, replay_stream_free);
  }
  return rs;
}

/* a buffer of @size bytes from the pool; a larger size than its buffers
 * have makes a new pool (twice as large, so that growing sizes do not make
 * one each time) */
static GstBuffer *
replay_acquire (GstCacheBin * self, ReplayStream * rs, gsize size)
{
  GstBuffer *buf = NULL;

  if (rs->pool == NULL || size > rs->size) {
    GstStructure *config;
    GstAllocationParams params;
    gsize want = rs->pool ? MAX (size, MIN (2 * rs->size, G_MAXUINT)) :
        MAX (size, 1);

    if (rs->pool) {
      gst_buffer_pool_set_active (rs->pool, FALSE);
      gst_object_unref (rs->pool);
    }
    rs->pool = gst_buffer_pool_new ();
    rs->size = want;
    config = gst_buffer_pool_get_config (rs->pool);
    gst_buffer_pool_config_set_params (config, NULL, want, 0, 0);
    /* the kernel copies the file into them at twice the speed when they
     * start on a page */
    gst_allocation_params_init (&params);
    params.align = 4095;
    gst_buffer_pool_config_set_allocator (config, NULL, &params);
    if (!gst_buffer_pool_set_config (rs->pool, config) ||
        !gst_buffer_pool_set_active (rs->pool, TRUE)) {
      GST_WARNING_OBJECT (self, "could not set up a buffer pool for %"
          G_GSIZE_FORMAT " bytes", want);
      return gst_buffer_new_allocate (NULL, size, NULL);
    }
    GST_DEBUG_OBJECT (self, "replay buffers of %" G_GSIZE_FORMAT " bytes",
        want);
  }
  if (gst_buffer_pool_acquire_buffer (rs->pool, &buf, NULL) != GST_FLOW_OK)
    return gst_buffer_new_allocate (NULL, size, NULL);
  if (size != rs->size)
    gst_buffer_set_size (buf, size);
  return buf;
}

/* @size bytes of the payload, in order, into @buf (from @offset in it) */
static gboolean
replay_read_into (GstCacheBin * self, GstBuffer * buf, gsize size,
    GError ** error)
{
  GstMapInfo map;
  gboolean ok;

  if (size == 0)
    return TRUE;
  if (!gst_buffer_map (buf, &map, GST_MAP_WRITE)) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "Could not map a buffer to read a cache entry into");
    return FALSE;
  }
  ok = gst_cache_entry_read (self->entry, self->replay_pos, map.data, size,
      error);
  gst_buffer_unmap (buf, &map);
  if (ok)
    self->replay_pos += size;
  return ok;
}

static gboolean
replay_read (GstCacheBin * self, gpointer dest, gsize size, GError ** error)
{
  if (!gst_cache_entry_read (self->entry, self->replay_pos, dest, size, error))
    return FALSE;
  self->replay_pos += size;
  return TRUE;
}

static guint8 *
replay_scratch (ReplayStream * rs, gsize size)
{
  if (size > rs->scratch_size) {
    rs->scratch = g_realloc (rs->scratch, size);
    rs->scratch_size = size;
  }
  return rs->scratch;
}

/* the next piece of a streamed byte stream, or the next record of a
 * streamed stream entry, into *@item; FALSE when the file changed (or
 * could not be read) since it was checked */
static gboolean
replay_streamed (GstCacheBin * self, GstMiniObject ** item, GError ** error)
{
  ReplayStream *rs = replay_stream (self);
  guint64 size = gst_cache_entry_get_payload_size (self->entry);
  guint8 head[GST_CACHE_RECORD_HEADER];
  guint32 type, len;
  GstBuffer *buf;
  guint8 *body;

  *item = NULL;
  if (gst_cache_entry_get_kind (self->entry) == GST_CACHE_ENTRY_KIND_BYTES) {
    gsize n = MIN (STREAM_BUFFER, size - self->replay_pos);
    guint64 offset = self->replay_pos;

    buf = replay_acquire (self, rs, n);
    if (!replay_read_into (self, buf, n, error)) {
      gst_buffer_unref (buf);
      return FALSE;
    }
    GST_BUFFER_OFFSET (buf) = offset;
    GST_BUFFER_OFFSET_END (buf) = offset + n;
    *item = GST_MINI_OBJECT_CAST (buf);
    return TRUE;
  }

  /* a record: the store checked its header when it checked the entry */
  if (!replay_read (self, head, sizeof (head), error))
    return FALSE;
  type = GST_READ_UINT32_LE (head);
  len = GST_READ_UINT32_LE (head + 4);
  if (type == GST_CACHE_RECORD_BUFFER) {
    guint8 pad[8];
    guint32 metas;

    body = replay_scratch (rs, GST_CACHE_BUFFER_RECORD);
    if (!replay_read (self, body, GST_CACHE_BUFFER_RECORD, error))
      return FALSE;
    metas = GST_READ_UINT32_LE (body + 44);
    if (metas <= len - GST_CACHE_BUFFER_RECORD) {
      gsize n = len - GST_CACHE_BUFFER_RECORD - metas;

      body = replay_scratch (rs, GST_CACHE_BUFFER_RECORD + metas);
      if (!replay_read (self, body + GST_CACHE_BUFFER_RECORD, metas, error))
        return FALSE;
      buf = replay_acquire (self, rs, n);
      if (!replay_read_into (self, buf, n, error) ||
          !replay_read (self, pad, GST_CACHE_ROUND_UP_8 (len) - len, error)) {
        gst_buffer_unref (buf);
        return FALSE;
      }
      gst_cache_records_parse_buffer (buf, body);
      /* the pool's bookkeeping, not the stream's: a buffer with it set
       * would not go back into the pool */
      GST_BUFFER_FLAG_UNSET (buf, GST_BUFFER_FLAG_TAG_MEMORY);
      *item = GST_MINI_OBJECT_CAST (buf);
      return TRUE;
    }
    /* skipped, as gst_cache_records_read() does */
    len -= GST_CACHE_BUFFER_RECORD;
  }
  body = replay_scratch (rs, GST_CACHE_ROUND_UP_8 ((guint64) len));
  if (!replay_read (self, body, GST_CACHE_ROUND_UP_8 ((guint64) len), error))
    return FALSE;
  if (type != GST_CACHE_RECORD_BUFFER)
    *item = GST_MINI_OBJECT_CAST (gst_cache_records_parse_event (type, body,
            len));
  return TRUE;
}

/* the file of a checked entry changed under the replay: what was pushed
 * is not all of it, so no EOS follows */
static void
replay_failed (GstCacheBin * self, GError * err)
{
  GST_ELEMENT_ERROR (self, RESOURCE, READ,
      ("The cache entry changed while it was replayed: the output is "
          "incomplete"), ("%s: %s", gst_cache_entry_get_path (self->entry),
          err->message));
  gst_cache_store_count (self->store, "errors", (guint64) 1, NULL);
}

/* A hit in push mode has an upstream source that streams on its own (an
 * input on an HTTP server: souphttpsrc), which sent its request when it
 * started. The hit ends (EOS) only once that request was answered: its
 * response headers, a buffer, an end or a flush came through the sink
 * pad. Stopped while its request is in flight, souphttpsrc with libsoup
 * 3.2 (Debian 12) crashes at times in its own thread (a NULL read in
 * libsoup's g_input_stream_close(), or a leaked GIO source), which a hit
 * that ends before the server answers made likely. A server that never
 * answers holds the hit as it holds the pipeline without cachebin, until
 * souphttpsrc's timeout or a state change. */
void
gst_cache_bin_upstream_answered (GstCacheBin * self, gboolean cancel)
{
  g_mutex_lock (&self->upstream_lock);
  if (cancel)
    self->upstream_cancelled = TRUE;
  else
    self->upstream_answered = TRUE;
  g_cond_broadcast (&self->upstream_cond);
  g_mutex_unlock (&self->upstream_lock);
}

/* FALSE: the run is being stopped */
static gboolean
wait_upstream_answered (GstCacheBin * self)
{
  gboolean go_on;

  if (GST_PAD_MODE (self->sinkpad) != GST_PAD_MODE_PUSH)
    return TRUE;
  g_mutex_lock (&self->upstream_lock);
  if (!self->upstream_answered && !self->upstream_cancelled)
    GST_DEBUG_OBJECT (self, "replayed: waiting for upstream's answer");
  while (!self->upstream_answered && !self->upstream_cancelled)
    g_cond_wait (&self->upstream_cond, &self->upstream_lock);
  go_on = !self->upstream_cancelled;
  g_mutex_unlock (&self->upstream_lock);
  return go_on;
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
  size = gst_cache_entry_get_payload_size (self->entry);

  if (self->replay_pos < size && gst_cache_entry_is_streamed (self->entry)) {
    GstMiniObject *item;
    GError *err = NULL;

    if (!replay_streamed (self, &item, &err)) {
      replay_failed (self, err);
      g_error_free (err);
      GST_DEBUG_OBJECT (self, "replay stopped: the entry changed");
      gst_pad_pause_task (pad);
      return;
    }
    if (item == NULL)
      GST_WARNING_OBJECT (self, "skipping a stored record that no longer "
          "parses");
    else if (GST_IS_BUFFER (item))
      ret = gst_pad_push (pad, GST_BUFFER_CAST (item));
    else
      gst_pad_push_event (pad, GST_EVENT_CAST (item));
  } else if (self->replay_pos < size) {
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

  if (ret == GST_FLOW_EOS && !wait_upstream_answered (self)) {
    GST_DEBUG_OBJECT (self, "replay stopped before upstream answered");
    gst_pad_pause_task (pad);
    return;
  }
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
