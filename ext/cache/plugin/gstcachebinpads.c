/* gst-reuse: cachebin, its pads: what crosses them in each kind of run
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

#define GST_CAT_DEFAULT gst_cache_bin_debug

/* sink pad: from upstream */

gboolean
gst_cache_bin_sink_activate (GstPad * pad, GstObject * parent)
{
  GstCacheBin *self = GST_CACHE_BIN (parent);

  /* on a hit in pull mode, upstream is never asked for data; in push mode
   * its first buffer is answered with EOS */
  if (self->run == GST_CACHE_BIN_RUN_HIT && self->upstream_pull &&
      gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, TRUE))
    return TRUE;
  return gst_pad_activate_mode (pad, GST_PAD_MODE_PUSH, TRUE);
}

/* what the chain is fed in push mode must be the input, whole, from its
 * first byte: a gap, an offset elsewhere or an end before the last byte
 * (an EOS sent to the pipeline, num-buffers on the source) makes the run
 * unstorable */
GstFlowReturn
gst_cache_bin_sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstCacheBin *self = GST_CACHE_BIN (parent);

  if (self->run == GST_CACHE_BIN_RUN_MISS) {
    if (GST_BUFFER_OFFSET_IS_VALID (buf) &&
        GST_BUFFER_OFFSET (buf) != self->fed_bytes)
      gst_cache_bin_unstorable (self, "incomplete-input");
    self->fed_bytes += gst_buffer_get_size (buf);
  }
  if (self->run == GST_CACHE_BIN_RUN_MISS ||
      self->run == GST_CACHE_BIN_RUN_BYPASS)
    return gst_pad_push (self->feedpad, buf);
  gst_buffer_unref (buf);
  if (self->run != GST_CACHE_BIN_RUN_HIT)
    return GST_FLOW_FLUSHING;
  gst_cache_bin_upstream_answered (self, FALSE);
  return GST_FLOW_EOS;
}

/* upstream's events in a miss: the input's own framing only */
static void
check_input_event (GstCacheBin * self, GstEvent * event)
{
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_STREAM_START:
    case GST_EVENT_CAPS:
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      break;
    case GST_EVENT_SEGMENT:{
      const GstSegment *seg;

      gst_event_parse_segment (event, &seg);
      /* a segment that starts later or stops early selects a part */
      if (seg->format != GST_FORMAT_BYTES || seg->start != 0 ||
          GST_CLOCK_TIME_IS_VALID (seg->stop) || seg->rate != 1.0)
        gst_cache_bin_unstorable (self, "segment");
      break;
    }
    case GST_EVENT_EOS:
      if (self->fed_bytes != self->input_id.length) {
        GST_INFO_OBJECT (self, "end of the input after %" G_GUINT64_FORMAT
            " of %" G_GUINT64_FORMAT " bytes", self->fed_bytes,
            self->input_id.length);
        gst_cache_bin_unstorable (self, "incomplete-input");
      }
      break;
    case GST_EVENT_CUSTOM_DOWNSTREAM_STICKY:
      /* souphttpsrc's request and response headers: the input's bytes
       * are checked in themselves (gstcachebinkey.c) */
      if (gst_event_has_name (event, "http-headers"))
        break;
      /* fall through */
    default:
      GST_INFO_OBJECT (self, "%s event from upstream",
          GST_EVENT_TYPE_NAME (event));
      gst_cache_bin_unstorable (self, "upstream-event");
      break;
  }
}

gboolean
gst_cache_bin_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstCacheBin *self = GST_CACHE_BIN (parent);

  if (self->run == GST_CACHE_BIN_RUN_MISS)
    check_input_event (self, event);
  if (self->run == GST_CACHE_BIN_RUN_MISS ||
      self->run == GST_CACHE_BIN_RUN_BYPASS)
    return gst_pad_push_event (self->feedpad, event);
  /* a hit: what tells that upstream's request was answered */
  if (self->run == GST_CACHE_BIN_RUN_HIT &&
      (GST_EVENT_TYPE (event) == GST_EVENT_EOS ||
          GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START ||
          gst_event_has_name (event, "http-headers")))
    gst_cache_bin_upstream_answered (self, FALSE);
  gst_event_unref (event);
  return TRUE;
}

/* before a run, caps queries are answered with the caps of the chain's
 * ends, so that links are made as they would be without cachebin */
static gboolean
query_chain_caps (GstCacheBin * self, GstPadDirection dir, GstQuery * query)
{
  GstCaps *filter, *caps;

  gst_query_parse_caps (query, &filter);
  caps = gst_cache_bin_chain_caps (self, dir, filter);
  if (caps == NULL)
    return FALSE;
  gst_query_set_caps_result (query, caps);
  gst_caps_unref (caps);
  return TRUE;
}

gboolean
gst_cache_bin_sink_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstCacheBin *self = GST_CACHE_BIN (parent);

  if (self->run == GST_CACHE_BIN_RUN_MISS ||
      self->run == GST_CACHE_BIN_RUN_BYPASS)
    return gst_pad_peer_query (self->feedpad, query);
  if (self->run == GST_CACHE_BIN_RUN_NONE &&
      GST_QUERY_TYPE (query) == GST_QUERY_CAPS &&
      query_chain_caps (self, GST_PAD_SINK, query))
    return TRUE;
  return gst_pad_query_default (pad, parent, query);
}

/* feed pad: into the chain */

gboolean
gst_cache_bin_feed_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstCacheBin *self = INTERNAL_SELF (parent);

  /* a chain that pulls pulls from upstream, through us */
  if (mode == GST_PAD_MODE_PULL)
    return gst_pad_activate_mode (self->sinkpad, GST_PAD_MODE_PULL, active);
  return TRUE;
}

/* a chain that pulls reads what it needs; upstream refusing data before
 * the input's end (an EOS sent to the pipeline, num-buffers) or handing
 * out less than there is means the chain did not see the input */
GstFlowReturn
gst_cache_bin_feed_getrange (GstPad * pad, GstObject * parent, guint64 offset,
    guint length, GstBuffer ** buf)
{
  GstCacheBin *self = INTERNAL_SELF (parent);
  guint64 total = self->input_id.length;
  GstFlowReturn ret;

  ret = gst_pad_pull_range (self->sinkpad, offset, length, buf);
  if (self->run != GST_CACHE_BIN_RUN_MISS)
    return ret;
  if (ret == GST_FLOW_EOS && offset < total) {
    GST_INFO_OBJECT (self, "upstream ended at %" G_GUINT64_FORMAT " of %"
        G_GUINT64_FORMAT " bytes", offset, total);
    gst_cache_bin_unstorable (self, "incomplete-input");
  } else if (ret == GST_FLOW_OK &&
      offset + gst_buffer_get_size (*buf) < MIN (offset + length, total)) {
    GST_INFO_OBJECT (self, "short read at %" G_GUINT64_FORMAT, offset);
    gst_cache_bin_unstorable (self, "incomplete-input");
  }
  return ret;
}

gboolean
gst_cache_bin_feed_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstCacheBin *self = INTERNAL_SELF (parent);

  return gst_pad_push_event (self->sinkpad, event);
}

gboolean
gst_cache_bin_feed_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstCacheBin *self = INTERNAL_SELF (parent);

  return gst_pad_peer_query (self->sinkpad, query);
}

/* src pad: to downstream */

gboolean
gst_cache_bin_src_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  if (mode == GST_PAD_MODE_PUSH && !active)
    return gst_pad_stop_task (pad);
  return TRUE;
}

/* downstream's events in a miss: they reach the chain, as without
 * cachebin, but a result they shaped is not stored. QoS that reports
 * lateness lets decoders drop frames; a seek selects a part; navigation
 * and steps change what comes out. */
static void
check_downstream_event (GstCacheBin * self, GstEvent * event)
{
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_QOS:{
      GstClockTimeDiff diff;

      gst_event_parse_qos (event, NULL, NULL, &diff, NULL);
      if (diff > 0)
        gst_cache_bin_unstorable (self, "qos");
      break;
    }
    case GST_EVENT_SEEK:
      gst_cache_bin_unstorable (self, "seek");
      break;
    case GST_EVENT_RECONFIGURE:
    case GST_EVENT_LATENCY:
      break;
    default:
      GST_INFO_OBJECT (self, "%s event from downstream",
          GST_EVENT_TYPE_NAME (event));
      gst_cache_bin_unstorable (self, "downstream-event");
      break;
  }
}

gboolean
gst_cache_bin_src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstCacheBin *self = GST_CACHE_BIN (parent);

  if (self->run == GST_CACHE_BIN_RUN_MISS)
    check_downstream_event (self, event);
  if (self->run == GST_CACHE_BIN_RUN_MISS ||
      self->run == GST_CACHE_BIN_RUN_BYPASS)
    return gst_pad_push_event (self->capturepad, event);
  if (GST_EVENT_TYPE (event) == GST_EVENT_SEEK) {
    GST_DEBUG_OBJECT (self, "seeking in a replay is not supported");
    gst_event_unref (event);
    return FALSE;
  }
  gst_event_unref (event);
  return TRUE;
}

/* the caps a stored entry starts with */
static GstCaps *
entry_caps (GstCacheBin * self)
{
  gchar *str = g_key_file_get_string (gst_cache_entry_get_meta (self->entry),
      "entry", "caps", NULL);
  GstCaps *caps = str ? gst_caps_from_string (str) : NULL;

  g_free (str);
  return caps;
}

gboolean
gst_cache_bin_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstCacheBin *self = GST_CACHE_BIN (parent);

  if (self->run == GST_CACHE_BIN_RUN_NONE &&
      GST_QUERY_TYPE (query) == GST_QUERY_CAPS &&
      query_chain_caps (self, GST_PAD_SRC, query))
    return TRUE;

  if (self->run == GST_CACHE_BIN_RUN_MISS ||
      self->run == GST_CACHE_BIN_RUN_BYPASS)
    return gst_pad_peer_query (self->capturepad, query);
  if (self->run == GST_CACHE_BIN_RUN_HIT) {
    switch (GST_QUERY_TYPE (query)) {
      case GST_QUERY_DURATION:{
        GstFormat fmt;
        gsize size;

        gst_query_parse_duration (query, &fmt, NULL);
        if (fmt != GST_FORMAT_BYTES ||
            gst_cache_entry_get_kind (self->entry) !=
            GST_CACHE_ENTRY_KIND_BYTES)
          return FALSE;
        gst_cache_entry_get_payload (self->entry, &size);
        gst_query_set_duration (query, GST_FORMAT_BYTES, size);
        return TRUE;
      }
      case GST_QUERY_SEEKING:{
        GstFormat fmt;

        gst_query_parse_seeking (query, &fmt, NULL, NULL, NULL);
        gst_query_set_seeking (query, fmt, FALSE, 0, -1);
        return TRUE;
      }
      case GST_QUERY_CAPS:{
        GstCaps *filter, *caps = entry_caps (self);

        if (caps == NULL)
          break;
        gst_query_parse_caps (query, &filter);
        if (filter) {
          GstCaps *both = gst_caps_intersect_full (filter, caps,
              GST_CAPS_INTERSECT_FIRST);

          gst_caps_unref (caps);
          caps = both;
        }
        gst_query_set_caps_result (query, caps);
        gst_caps_unref (caps);
        return TRUE;
      }
      default:
        break;
    }
  }
  return gst_pad_query_default (pad, parent, query);
}

gboolean
gst_cache_bin_downstream_accepts_entry (GstCacheBin * self)
{
  GstCaps *caps = entry_caps (self);
  gboolean ok = TRUE;

  if (caps && !gst_caps_is_any (caps))
    ok = gst_pad_peer_query_accept_caps (self->srcpad, caps);
  if (!ok)
    GST_INFO_OBJECT (self, "downstream does not accept the stored caps %"
        GST_PTR_FORMAT ": running the chain, storing nothing", caps);
  gst_clear_caps (&caps);
  return ok;
}
