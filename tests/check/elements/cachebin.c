/* gst-reuse: cachebin element tests
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

/* A real transcode through cachebin, miss then hit, byte-exact; what goes
 * into the key; damaged entries; the inputs that bypass the cache; and the
 * failures that must leave the pipeline's output whole and the cache
 * clean: chain errors, flushes, stops, changed inputs, a full disk, an
 * unusable cache directory. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include <gst/app/gstappsink.h>

#include "cachebintest.h"
#include "reusetest.h"
#include "gstcachestore.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* plays @pipeline to EOS (an ERROR fails the test); returns the last
 * "cachebin" message's structure, or NULL */
static GstStructure *
play_to_eos (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstStructure *result = NULL;
  GstMessage *msg;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
              GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT))) {
    GstMessageType t = GST_MESSAGE_TYPE (msg);

    if (t == GST_MESSAGE_ELEMENT && gst_message_has_name (msg, "cachebin")) {
      if (result)
        gst_structure_free (result);
      result = gst_structure_copy (gst_message_get_structure (msg));
    }
    gst_message_unref (msg);
    fail_if (t == GST_MESSAGE_ERROR);
    if (t == GST_MESSAGE_EOS)
      break;
  }
  gst_object_unref (bus);
  return result;
}

static gboolean
result_stored (CacheBinTestRun * r)
{
  gboolean stored = FALSE;

  fail_unless (gst_structure_get_boolean (r->result, "stored", &stored));
  return stored;
}

static guint
count_files (const gchar * sub)
{
  GPtrArray *files = cachebin_test_list_files (sub);
  guint n = files->len;

  g_ptr_array_unref (files);
  return n;
}

/* the one entry file in the cache */
static gchar *
entry_file (void)
{
  gchar *top = g_build_filename (cachebin_test_cachedir, "entries", NULL);
  GDir *d = g_dir_open (top, 0, NULL);
  const gchar *name;
  gchar *found = NULL;

  while (d && (name = g_dir_read_name (d))) {
    gchar *p = g_build_filename (top, name, NULL);
    GDir *s = g_dir_open (p, 0, NULL);
    const gchar *e;

    while (s && (e = g_dir_read_name (s)))
      found = g_build_filename (p, e, NULL);
    if (s)
      g_dir_close (s);
    g_free (p);
  }
  if (d)
    g_dir_close (d);
  g_free (top);
  fail_unless (found != NULL, "no entry in the cache");
  return found;
}

static guint64
stat_counter (const gchar * name)
{
  GstCacheStore *store = gst_cache_store_open (cachebin_test_cachedir, NULL);
  guint64 v;

  fail_unless (store != NULL);
  v = gst_cache_store_counter (store, name);
  gst_cache_store_free (store);
  return v;
}

/* an H.264 MP4 made by GStreamer itself */
static gchar *
make_mp4 (const gchar * name, gint width, gint height, gint frames, gint fps)
{
  gchar *line = g_strdup_printf ("videotestsrc num-buffers=%d "
      "pattern=smpte ! video/x-raw,format=I420,width=%d,height=%d,"
      "framerate=%d/1 ! x264enc speed-preset=ultrafast key-int-max=30 ! "
      "mp4mux ! filesink location=OUT", frames, width, height, fps);
  gchar *path = cachebin_test_make_with (name, line);

  g_free (line);
  return path;
}

#define TRANSCODE "qtdemux ! h264parse ! avdec_h264 ! videoscale ! " \
  "video/x-raw,width=1280,height=720 ! x264enc speed-preset=ultrafast ! mp4mux"
#define TRANSCODE_ES "qtdemux ! h264parse ! avdec_h264 ! videoscale ! " \
  "video/x-raw,width=1280,height=720 ! x264enc speed-preset=ultrafast " \
  "threads=1 ! capsfilter caps=video/x-h264,stream-format=byte-stream"

static gchar *
cached_line (const gchar * input, const gchar * chain, const gchar * output,
    const gchar * extra)
{
  return g_strdup_printf ("filesrc name=src location=%s ! cachebin "
      "name=cache cache-dir=%s %s description=\"%s\" ! filesink location=%s",
      input, cachebin_test_cachedir, extra ? extra : "", chain, output);
}

GST_START_TEST (test_transcode_miss_then_hit)
{
  gchar *in = make_mp4 ("in.mp4", 1920, 1080, 150, 15);
  gchar *out1 = cachebin_test_path ("miss.mp4"), *out2 =
      cachebin_test_path ("hit.mp4");
  gchar *line;
  gchar *key;
  CacheBinTestRun r;

  /* miss: the chain runs, its output is stored */
  line = cached_line (in, TRANSCODE, out1, NULL);
  cachebin_test_run_line (line, &r);
  fail_unless (r.eos, "%s", r.error ? r.error->message : "");
  fail_unless_equals_string (cachebin_test_result_of (&r), "miss");
  fail_unless (result_stored (&r), "not stored: %s",
      gst_structure_get_string (r.result, "store-error"));
  fail_unless_equals_int (r.n_results, 1);
  fail_unless (r.chain_elements_added > 0);
  fail_unless (r.upstream_buffers > 0);
  key = g_strdup (gst_structure_get_string (r.result, "key"));
  fail_unless_equals_int (strlen (key), 64);
  cachebin_test_run_clear (&r);
  g_free (line);

  /* hit: the same bytes, and the chain never sees a buffer: it is never
   * even added, and the source gives nothing */
  line = cached_line (in, TRANSCODE, out2, NULL);
  cachebin_test_run_line (line, &r);
  fail_unless (r.eos, "%s", r.error ? r.error->message : "");
  fail_unless_equals_string (cachebin_test_result_of (&r), "hit");
  fail_unless_equals_string (gst_structure_get_string (r.result, "key"), key);
  fail_unless_equals_int (r.chain_elements_added, 0);
  fail_unless_equals_int (r.upstream_buffers, 0);
  cachebin_test_run_clear (&r);
  cachebin_test_assert_same_file (out1, out2);
  fail_unless_equals_uint64 (stat_counter ("hits"), 1);
  fail_unless_equals_uint64 (stat_counter ("misses"), 1);
  fail_unless_equals_uint64 (stat_counter ("stores"), 1);

  g_free (line);
  g_free (key);
  g_free (in);
  g_free (out1);
  g_free (out2);
}

GST_END_TEST;

GST_START_TEST (test_transcode_deterministic)
{
  gchar *in = make_mp4 ("in.mp4", 1920, 1080, 150, 15);
  gchar *ref = cachebin_test_path ("ref.h264");
  gchar *out1 = cachebin_test_path ("miss.h264"), *out2 =
      cachebin_test_path ("hit.h264");
  gchar *line;
  CacheBinTestRun r;

  /* x264enc with one thread and an elementary stream: the output is a
   * function of the input alone, with or without cachebin */
  line = g_strdup_printf ("filesrc name=src location=%s ! " TRANSCODE_ES
      " ! filesink location=%s", in, ref);
  cachebin_test_run_line (line, &r);
  fail_unless (r.eos);
  cachebin_test_run_clear (&r);
  g_free (line);

  line = cached_line (in, TRANSCODE_ES, out1, NULL);
  cachebin_test_run_line (line, &r);
  fail_unless (r.eos);
  fail_unless_equals_string (cachebin_test_result_of (&r), "miss");
  fail_unless (result_stored (&r));
  cachebin_test_run_clear (&r);
  g_free (line);

  line = cached_line (in, TRANSCODE_ES, out2, NULL);
  cachebin_test_run_line (line, &r);
  fail_unless (r.eos);
  fail_unless_equals_string (cachebin_test_result_of (&r), "hit");
  fail_unless_equals_int (r.upstream_buffers, 0);
  cachebin_test_run_clear (&r);
  g_free (line);

  cachebin_test_assert_same_file (ref, out1);
  cachebin_test_assert_same_file (ref, out2);
  g_free (in);
  g_free (ref);
  g_free (out1);
  g_free (out2);
}

GST_END_TEST;

/* buffers replayed from records: timestamps, flags and data as the chain
 * made them */
typedef struct
{
  GArray *items;
  GstCaps *caps;
} Recorded;

typedef struct
{
  GstClockTime pts, dts, duration;
  guint flags;
  gsize size;
  guint32 sum;
} Item;

static GstPadProbeReturn
record_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Recorded *rec = data;

  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
    Item it = { GST_BUFFER_PTS (buf), GST_BUFFER_DTS (buf),
      GST_BUFFER_DURATION (buf), GST_BUFFER_FLAGS (buf) &
          ~(GST_BUFFER_FLAG_TAG_MEMORY), gst_buffer_get_size (buf), 0
    };
    GstMapInfo map;
    gsize i;

    gst_buffer_map (buf, &map, GST_MAP_READ);
    for (i = 0; i < map.size; i++)
      it.sum = it.sum * 31 + map.data[i];
    gst_buffer_unmap (buf, &map);
    g_array_append_val (rec->items, it);
  } else if (GST_PAD_PROBE_INFO_TYPE (info) &
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM
      && GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_CAPS) {
    GstCaps *caps;

    gst_event_parse_caps (GST_PAD_PROBE_INFO_EVENT (info), &caps);
    gst_caps_replace (&rec->caps, caps);
  }
  return GST_PAD_PROBE_OK;
}

static void
run_recorded (const gchar * in, Recorded * rec, const gchar * expect)
{
  gchar *desc = g_strdup_printf ("filesrc name=src location=%s ! cachebin "
      "name=cache cache-dir=%s description=\"qtdemux ! h264parse ! "
      "avdec_h264\" ! fakesink name=sink", in, cachebin_test_cachedir);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  GstStructure *result;

  rec->items = g_array_new (FALSE, FALSE, sizeof (Item));
  rec->caps = NULL;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, record_probe, rec, NULL);
  result = play_to_eos (pipeline);
  fail_unless (result != NULL);
  fail_unless_equals_string (gst_structure_get_string (result, "result"),
      expect);
  gst_structure_free (result);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (desc);
}

GST_START_TEST (test_records_replay)
{
  gchar *in = make_mp4 ("small.mp4", 320, 240, 20, 10);
  Recorded miss, hit;
  guint i;

  run_recorded (in, &miss, "miss");
  run_recorded (in, &hit, "hit");
  fail_unless_equals_int (miss.items->len, 20);
  fail_unless_equals_int (hit.items->len, miss.items->len);
  fail_unless (gst_caps_is_equal (miss.caps, hit.caps));
  for (i = 0; i < miss.items->len; i++) {
    Item *a = &g_array_index (miss.items, Item, i);
    Item *b = &g_array_index (hit.items, Item, i);

    fail_unless_equals_uint64 (a->pts, b->pts);
    fail_unless_equals_uint64 (a->dts, b->dts);
    fail_unless_equals_uint64 (a->duration, b->duration);
    fail_unless_equals_int (a->flags, b->flags);
    fail_unless_equals_uint64 (a->size, b->size);
    fail_unless_equals_int (a->sum, b->sum);
  }
  g_array_free (miss.items, TRUE);
  g_array_free (hit.items, TRUE);
  gst_caps_unref (miss.caps);
  gst_caps_unref (hit.caps);
  g_free (in);
}

GST_END_TEST;

/* the key of @chain over @input, computed when the pipeline pauses */
static gchar *
key_for (const gchar * input, const gchar * chain, const gchar * extra)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s ! cachebin name=cache "
      "cache-dir=%s %s description=\"%s\" ! fakesink", input,
      cachebin_test_cachedir,
      extra ? extra : "", chain);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *cache = gst_bin_get_by_name (GST_BIN (pipeline), "cache");
  gchar *key = NULL;

  fail_unless (pipeline != NULL, "%s", desc);
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  g_object_get (cache, "key", &key, NULL);
  fail_unless (key != NULL && strlen (key) == 64, "%s", desc);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (cache);
  gst_object_unref (pipeline);
  g_free (desc);
  return key;
}

/* a transcode chain with the given width and bitrate, with or without
 * element names (no muxer: mp4mux, torn down while it starts on the
 * garbage these pipelines get, can emit a critical of its own) */
static gchar *
key_chain (const gchar * width, const gchar * bitrate, gboolean named)
{
  return g_strdup_printf ("h264parse %s ! avdec_h264 %s ! videoscale ! "
      "video/x-raw,width=%s,height=360 ! x264enc bitrate=%s",
      named ? "name=parser" : "", named ? "name=decoder" : "", width, bitrate);
}

static gchar *
key_for_chain (const gchar * input, const gchar * width,
    const gchar * bitrate, gboolean named, const gchar * extra)
{
  gchar *chain = key_chain (width, bitrate, named);
  gchar *key = key_for (input, chain, extra);

  g_free (chain);
  return key;
}

GST_START_TEST (test_key)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 100000);
  gchar *in2 = cachebin_test_make_bytes ("in2.bin", 100000);
  gchar *base, *k;
  gchar *data;
  gsize len;

  base = key_for_chain (in, "640", "1000", FALSE, NULL);

  /* the same: again, other element names, other spacing */
  k = key_for_chain (in, "640", "1000", FALSE, NULL);
  fail_unless_equals_string (k, base);
  g_free (k);
  k = key_for_chain (in, "640", "1000", TRUE, NULL);
  fail_unless_equals_string (k, base);
  g_free (k);
  k = key_for (in, "h264parse   !  avdec_h264 ! videoscale ! "
      "video/x-raw,height=360,width=640 ! x264enc  bitrate=1000", NULL);
  fail_unless_equals_string (k, base);
  g_free (k);

  /* a tampered chain memo is not used: the key is made again by parsing */
  {
    gchar *chains = g_build_filename (cachebin_test_cachedir, "chains", NULL);
    GDir *d = g_dir_open (chains, 0, NULL);
    const gchar *name;
    guint n = 0;

    while (d && (name = g_dir_read_name (d))) {
      gchar *p;
      gchar *text, *t;

      /* the caps of the chain's ends, remembered for linking */
      if (g_str_has_suffix (name, ".caps"))
        continue;
      p = g_build_filename (chains, name, NULL);

      /* width=640 -> width=740 in the remembered text only: the checksum
       * must catch it */
      fail_unless (g_file_get_contents (p, &text, NULL, NULL));
      t = strstr (text, "\ntext=");
      fail_unless (t != NULL);
      t = strstr (t, "width=(int)640");
      fail_unless (t != NULL);
      t[strlen ("width=(int)")] = '7';
      fail_unless (g_file_set_contents (p, text, -1, NULL));
      g_free (text);
      g_free (p);
      n++;
    }
    if (d)
      g_dir_close (d);
    fail_unless (n > 0, "no chain memo was written");
    g_free (chains);
  }
  k = key_for_chain (in, "640", "1000", FALSE, NULL);
  fail_unless_equals_string (k, base);
  g_free (k);

  /* one changed input byte */
  fail_unless (g_file_get_contents (in2, &data, &len, NULL));
  data[len / 2] ^= 1;
  fail_unless (g_file_set_contents (in2, data, len, NULL));
  g_free (data);
  k = key_for_chain (in2, "640", "1000", FALSE, NULL);
  fail_if (g_strcmp0 (k, base) == 0, "a changed input byte kept the key");
  g_free (k);

  /* a property (bitrate) */
  k = key_for_chain (in, "640", "1200", FALSE, NULL);
  fail_if (g_strcmp0 (k, base) == 0, "a changed bitrate kept the key");
  g_free (k);

  /* caps (width) */
  k = key_for_chain (in, "480", "1000", FALSE, NULL);
  fail_if (g_strcmp0 (k, base) == 0, "changed caps kept the key");
  g_free (k);

  /* the namespace, and the key mode */
  k = key_for_chain (in, "640", "1000", FALSE, "namespace=other");
  fail_if (g_strcmp0 (k, base) == 0, "a namespace kept the key");
  g_free (k);
  k = key_for_chain (in, "640", "1000", FALSE, "key-mode=no-versions");
  fail_if (g_strcmp0 (k, base) == 0, "leaving out versions kept the key");
  g_free (k);

  g_free (base);
  g_free (in);
  g_free (in2);
}

GST_END_TEST;

/* a cheap chain over a byte file: the stored result is the file itself */
#define COPY_CHAIN "identity ! identity"

GST_START_TEST (test_damaged_entry)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 300000);
  gchar *out = cachebin_test_path ("out.bin");
  gchar *line = cached_line (in, COPY_CHAIN, out, NULL);
  gchar *entry, *data;
  gsize len;
  CacheBinTestRun r;
  gint round;

  cachebin_test_run_line (line, &r);
  fail_unless_equals_string (cachebin_test_result_of (&r), "miss");
  fail_unless (result_stored (&r));
  cachebin_test_run_clear (&r);
  cachebin_test_assert_same_file (in, out);
  entry = entry_file ();

  /* round 0: one flipped bit in the payload; 1: in the footer; 2: the
   * entry truncated */
  for (round = 0; round < 3; round++) {
    fail_unless (g_file_get_contents (entry, &data, &len, NULL));
    if (round == 0)
      data[len / 3] ^= 0x10;
    else if (round == 1)
      data[len - 20] ^= 0x01;
    else
      len = len / 2;
    fail_unless (g_file_set_contents (entry, data, len, NULL));
    g_free (data);
    g_unlink (out);

    cachebin_test_run_line (line, &r);
    fail_unless (r.eos);
    fail_unless_equals_string (cachebin_test_result_of (&r), "miss");
    fail_unless (gst_structure_has_field (r.result, "damaged-entry"));
    {
      gboolean damaged = FALSE;

      gst_structure_get_boolean (r.result, "damaged-entry", &damaged);
      fail_unless (damaged, "round %d: damage not detected", round);
    }
    fail_unless (result_stored (&r), "round %d: not recomputed", round);
    fail_unless (r.n_warnings >= 1);
    fail_unless (r.upstream_buffers > 0);
    cachebin_test_run_clear (&r);
    cachebin_test_assert_same_file (in, out);
    fail_unless_equals_uint64 (stat_counter ("damaged"), round + 1);
  }

  /* and the recomputed entry is served again */
  g_unlink (out);
  cachebin_test_run_line (line, &r);
  fail_unless_equals_string (cachebin_test_result_of (&r), "hit");
  cachebin_test_run_clear (&r);
  cachebin_test_assert_same_file (in, out);

  g_free (entry);
  g_free (line);
  g_free (in);
  g_free (out);
}

GST_END_TEST;

GST_START_TEST (test_stat_manifest)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 200000);
  gchar *out = cachebin_test_path ("out.bin");
  gchar *line = cached_line (in, COPY_CHAIN, out, NULL);
  gboolean recalled = TRUE;
  CacheBinTestRun r;

  /* a fresh file is always hashed */
  cachebin_test_run_line (line, &r);
  gst_structure_get_boolean (r.result, "input-digest-recalled", &recalled);
  fail_if (recalled);
  cachebin_test_run_clear (&r);

  /* one whose times (ctime too) are more than 2 s old is hashed once,
   * then recalled */
  g_usleep (2100 * 1000);
  cachebin_test_run_line (line, &r);
  fail_unless_equals_string (cachebin_test_result_of (&r), "hit");
  gst_structure_get_boolean (r.result, "input-digest-recalled", &recalled);
  fail_if (recalled);
  cachebin_test_run_clear (&r);
  cachebin_test_run_line (line, &r);
  fail_unless_equals_string (cachebin_test_result_of (&r), "hit");
  gst_structure_get_boolean (r.result, "input-digest-recalled", &recalled);
  fail_unless (recalled);
  cachebin_test_run_clear (&r);

  g_free (line);
  g_free (in);
  g_free (out);
}

GST_END_TEST;

GST_START_TEST (test_bypass)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 100000);
  gchar *out = cachebin_test_path ("out.bin");
  gchar *line;
  CacheBinTestRun r;

  /* an element between the source and cachebin could change the bytes,
   * and a queue cannot be pulled from: bypass */
  line = g_strdup_printf ("filesrc location=%s ! queue ! cachebin "
      "cache-dir=%s description=identity ! filesink location=%s", in,
      cachebin_test_cachedir, out);
  cachebin_test_run_line (line, &r);
  fail_unless (r.eos);
  fail_unless_equals_string (cachebin_test_result_of (&r), "bypass");
  fail_unless_equals_string (gst_structure_get_string (r.result, "reason"),
      "push-only-upstream");
  cachebin_test_run_clear (&r);
  cachebin_test_assert_same_file (in, out);
  fail_unless_equals_int (count_files ("entries"), 0);
  g_free (line);

  /* live */
  line = g_strdup_printf ("videotestsrc is-live=true num-buffers=3 ! "
      "cachebin cache-dir=%s description=identity ! fakesink",
      cachebin_test_cachedir);
  cachebin_test_run_line (line, &r);
  fail_unless (r.eos);
  fail_unless_equals_string (cachebin_test_result_of (&r), "bypass");
  fail_unless_equals_string (gst_structure_get_string (r.result, "reason"),
      "live");
  cachebin_test_run_clear (&r);
  fail_unless_equals_int (count_files ("entries"), 0);
  fail_unless_equals_uint64 (stat_counter ("bypasses"), 2);

  g_free (line);
  g_free (in);
  g_free (out);
}

GST_END_TEST;

GST_START_TEST (test_pull_hashing)
{
  gchar *in = make_mp4 ("in.mp4", 320, 240, 30, 10);
  gchar *out1 = cachebin_test_path ("out1.bin"), *out2 =
      cachebin_test_path ("out2.bin");
  gchar *line1, *line2, *key;
  CacheBinTestRun r;

  /* typefind is no file source, but can be pulled from: cachebin hashes
   * the input through pulls */
  line1 = g_strdup_printf ("filesrc location=%s ! typefind ! cachebin "
      "cache-dir=%s description=identity ! filesink location=%s", in,
      cachebin_test_cachedir, out1);
  line2 = g_strdup_printf ("filesrc location=%s ! typefind ! cachebin "
      "cache-dir=%s description=identity ! filesink location=%s", in,
      cachebin_test_cachedir, out2);
  cachebin_test_run_line (line1, &r);
  fail_unless (r.eos, "%s", r.error ? r.error->message : "");
  fail_unless_equals_string (cachebin_test_result_of (&r), "miss");
  fail_unless (result_stored (&r));
  {
    GStatBuf st;

    fail_unless (g_stat (in, &st) == 0);
    fail_unless_equals_uint64 (g_value_get_uint64 (gst_structure_get_value
            (r.result, "input-bytes")), st.st_size);
  }
  key = g_strdup (gst_structure_get_string (r.result, "key"));
  cachebin_test_run_clear (&r);
  cachebin_test_run_line (line2, &r);
  fail_unless_equals_string (cachebin_test_result_of (&r), "hit");
  fail_unless_equals_string (gst_structure_get_string (r.result, "key"), key);
  cachebin_test_run_clear (&r);
  cachebin_test_assert_same_file (in, out1);
  cachebin_test_assert_same_file (in, out2);

  g_free (key);
  g_free (line1);
  g_free (line2);
  g_free (in);
  g_free (out1);
  g_free (out2);
}

GST_END_TEST;

GST_START_TEST (test_chain_error_stores_nothing)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 500000);
  gchar *out = cachebin_test_path ("out.bin");
  gchar *line = g_strdup_printf ("filesrc name=src location=%s blocksize=4096 "
      "! cachebin cache-dir=%s description=\"identity error-after=10\" ! "
      "filesink location=%s", in, cachebin_test_cachedir, out);
  CacheBinTestRun r;

  cachebin_test_run_line (line, &r);
  fail_unless (r.error != NULL);
  cachebin_test_run_clear (&r);
  fail_unless_equals_int (count_files ("entries"), 0);
  fail_unless_equals_int (count_files ("tmp"), 0);
  g_free (line);
  g_free (in);
  g_free (out);
}

GST_END_TEST;

GST_START_TEST (test_stop_before_eos_stores_nothing)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 500000);
  gchar *desc = g_strdup_printf ("filesrc location=%s blocksize=4096 ! "
      "cachebin cache-dir=%s description=identity ! fakesink name=sink",
      in, cachebin_test_cachedir);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  fail_unless_equals_int (gst_element_get_state (pipeline, NULL, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);
  /* prerolled: one buffer in, the rest waiting */
  fail_unless_equals_int (count_files ("tmp"), 1);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless_equals_int (count_files ("tmp"), 0);
  fail_unless_equals_int (count_files ("entries"), 0);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (desc);
  g_free (in);
}

GST_END_TEST;

static void
seek_to_start (GstElement * pipeline, gpointer data)
{
  gst_element_seek_simple (pipeline, GST_FORMAT_BYTES, GST_SEEK_FLAG_FLUSH, 0);
}

/* the first buffer waits at the sink until the seek's flush went by, so
 * that the stream cannot end before the seek, however loaded the machine */
static GMutex flush_lock;
static GCond flush_cond;
static gboolean flush_seen;

static GstPadProbeReturn
note_flush (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_FLUSH_START) {
    g_mutex_lock (&flush_lock);
    flush_seen = TRUE;
    g_cond_broadcast (&flush_cond);
    g_mutex_unlock (&flush_lock);
  }
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
seek_once (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  gst_element_call_async (GST_ELEMENT (data), seek_to_start, NULL, NULL);
  g_mutex_lock (&flush_lock);
  while (!flush_seen && g_cond_wait_until (&flush_cond, &flush_lock, until));
  fail_unless (flush_seen, "the seek never flushed");
  g_mutex_unlock (&flush_lock);
  return GST_PAD_PROBE_REMOVE;
}

GST_START_TEST (test_flush_stores_nothing)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 500000);
  gchar *out = cachebin_test_path ("out.bin");
  gchar *desc = g_strdup_printf ("filesrc location=%s blocksize=4096 ! "
      "cachebin name=cache cache-dir=%s description=identity ! "
      "fakesink name=sink", in, cachebin_test_cachedir);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  GstStructure *result;
  gboolean stored = TRUE;

  flush_seen = FALSE;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_FLUSH, note_flush, NULL,
      NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, seek_once, pipeline, NULL);
  result = play_to_eos (pipeline);
  fail_unless (result != NULL);
  fail_unless_equals_string (gst_structure_get_string (result, "result"),
      "miss");
  fail_unless (gst_structure_get_boolean (result, "stored", &stored));
  fail_if (stored);
  fail_unless_equals_string (gst_structure_get_string (result, "store-error"),
      "flushed");
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless_equals_int (count_files ("entries"), 0);
  fail_unless_equals_int (count_files ("tmp"), 0);

  gst_structure_free (result);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (desc);
  g_free (in);
  g_free (out);
}

GST_END_TEST;

static GstPadProbeReturn
touch_input (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  const gchar *path = data;
  FILE *f = fopen (path, "ab");

  fail_unless (f != NULL);
  fputs ("more", f);
  fclose (f);
  return GST_PAD_PROBE_REMOVE;
}

GST_START_TEST (test_input_changed_not_stored)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 500000);
  gchar *desc = g_strdup_printf ("filesrc name=src location=%s "
      "blocksize=4096 ! cachebin cache-dir=%s description=identity ! "
      "fakesink", in, cachebin_test_cachedir);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstPad *pad = gst_element_get_static_pad (src, "src");
  GstStructure *result;
  gboolean stored = TRUE;

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, touch_input, in, NULL);
  result = play_to_eos (pipeline);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless (result != NULL);
  fail_unless (gst_structure_get_boolean (result, "stored", &stored));
  fail_if (stored);
  fail_unless_equals_int (count_files ("entries"), 0);
  fail_unless_equals_int (count_files ("tmp"), 0);
  fail_unless_equals_uint64 (stat_counter ("input-modified"), 1);

  gst_structure_free (result);
  gst_object_unref (pad);
  gst_object_unref (src);
  gst_object_unref (pipeline);
  g_free (desc);
  g_free (in);
}

GST_END_TEST;

GST_START_TEST (test_disk_full)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 2 * 1024 * 1024);
  gchar *desc = g_strdup_printf ("filesrc name=src location=%s ! "
      "cachebin name=cache cache-dir=%s description=identity ! "
      "appsink name=sink sync=false", in, cachebin_test_cachedir);
  struct rlimit old, small;
  GstElement *pipeline;
  CacheBinTestRun r;

  /* no file of this process may grow past 256 KiB while the pipeline
   * runs: writes fail as on a full disk (EFBIG instead of ENOSPC); the
   * output goes to memory, which has no such limit */
  fail_unless (getrlimit (RLIMIT_FSIZE, &old) == 0);
  small = old;
  small.rlim_cur = 256 * 1024;
  signal (SIGXFSZ, SIG_IGN);
  fail_unless (setrlimit (RLIMIT_FSIZE, &small) == 0);
  {
    GstElement *sink;
    GstBus *bus;
    GstMessage *msg;
    GstSample *sample;
    gsize total = 0;
    gboolean ok = TRUE;
    gchar *data;
    gsize len;

    memset (&r, 0, sizeof (r));
    pipeline = gst_parse_launch (desc, NULL);
    sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
    fail_unless (g_file_get_contents (in, &data, &len, NULL));
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink)))) {
      GstBuffer *buf = gst_sample_get_buffer (sample);
      GstMapInfo map;

      gst_buffer_map (buf, &map, GST_MAP_READ);
      ok = ok && total + map.size <= len &&
          memcmp (data + total, map.data, map.size) == 0;
      total += map.size;
      gst_buffer_unmap (buf, &map);
      gst_sample_unref (sample);
    }
    setrlimit (RLIMIT_FSIZE, &old);
    fail_unless (ok, "the output differs from the input");
    fail_unless_equals_uint64 (total, len);

    bus = gst_element_get_bus (pipeline);
    while ((msg = gst_bus_pop (bus))) {
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING)
        r.n_warnings++;
      fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR);
      if (gst_message_has_name (msg, "cachebin"))
        r.result = gst_structure_copy (gst_message_get_structure (msg));
      gst_message_unref (msg);
    }
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (bus);
    gst_object_unref (sink);
    gst_object_unref (pipeline);
    g_free (data);
  }
  signal (SIGXFSZ, SIG_DFL);

  fail_unless_equals_string (cachebin_test_result_of (&r), "miss");
  fail_if (result_stored (&r));
  fail_unless (r.n_warnings >= 1);
  fail_unless_equals_int (count_files ("entries"), 0);
  fail_unless_equals_int (count_files ("tmp"), 0);
  fail_unless_equals_uint64 (stat_counter ("errors"), 1);
  cachebin_test_run_clear (&r);
  g_free (desc);
  g_free (in);
}

GST_END_TEST;

GST_START_TEST (test_unusable_cache_dir)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 100000);
  gchar *out = cachebin_test_path ("out.bin");
  gchar *blocker = cachebin_test_make_bytes ("not-a-dir", 10);
  gchar *bad = g_build_filename (blocker, "cache", NULL);
  gchar *line = g_strdup_printf ("filesrc location=%s ! cachebin "
      "cache-dir=%s description=identity ! filesink location=%s", in, bad,
      out);
  CacheBinTestRun r;

  cachebin_test_run_line (line, &r);
  fail_unless (r.eos, "%s", r.error ? r.error->message : "");
  fail_unless_equals_string (cachebin_test_result_of (&r), "bypass");
  fail_unless_equals_string (gst_structure_get_string (r.result, "reason"),
      "cache-unavailable");
  fail_unless (r.n_warnings >= 1);
  fail_unless (strstr (r.warnings, bad) != NULL, "%s", r.warnings);
  cachebin_test_run_clear (&r);
  cachebin_test_assert_same_file (in, out);

  g_free (line);
  g_free (bad);
  g_free (blocker);
  g_free (in);
  g_free (out);
}

GST_END_TEST;

GST_START_TEST (test_bad_description)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 1000);
  gchar *line = g_strdup_printf ("filesrc location=%s ! cachebin "
      "cache-dir=%s description=\"identity ! no-such-element\" ! fakesink",
      in, cachebin_test_cachedir);
  CacheBinTestRun r;

  cachebin_test_run_line (line, &r);
  fail_unless (r.error != NULL);
  fail_unless (g_error_matches (r.error, GST_CORE_ERROR,
          GST_CORE_ERROR_MISSING_PLUGIN), "%s", r.error->message);
  fail_unless (strstr (r.error->message, "no-such-element") != NULL);
  cachebin_test_run_clear (&r);
  g_free (line);
  g_free (in);
}

GST_END_TEST;

GST_START_TEST (test_application_chain)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 100000);
  gchar *out = cachebin_test_path ("out.bin");
  gint i;

  /* no description: the elements the application added are the chain */
  for (i = 0; i < 2; i++) {
    GstElement *pipeline = gst_pipeline_new (NULL);
    GstElement *src = gst_element_factory_make ("filesrc", NULL);
    GstElement *cache = gst_element_factory_make ("cachebin", NULL);
    GstElement *a = gst_element_factory_make ("identity", NULL);
    GstElement *b = gst_element_factory_make ("identity", NULL);
    GstElement *sink = gst_element_factory_make ("filesink", NULL);
    GstStructure *result;

    g_object_set (src, "location", in, NULL);
    g_object_set (sink, "location", out, NULL);
    g_object_set (cache, "cache-dir", cachebin_test_cachedir, NULL);
    g_object_set (b, "drop-probability", 0.0f, NULL);
    gst_bin_add_many (GST_BIN (cache), a, b, NULL);
    fail_unless (gst_element_link (a, b));
    gst_bin_add_many (GST_BIN (pipeline), src, cache, sink, NULL);
    fail_unless (gst_element_link_many (src, cache, sink, NULL));
    result = play_to_eos (pipeline);
    fail_unless (result != NULL);
    fail_unless_equals_string (gst_structure_get_string (result, "result"),
        i == 0 ? "miss" : "hit");
    gst_structure_free (result);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
    cachebin_test_assert_same_file (in, out);
  }
  g_free (in);
  g_free (out);
}

GST_END_TEST;

/* a copy of a @size-byte input with cachebin settings @extra: a miss that
 * stores nothing, with the output whole and the cache empty */
static void
check_not_stored (gsize size, const gchar * extra)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", size);
  gchar *out = cachebin_test_path ("out.bin");
  gchar *line = cached_line (in, COPY_CHAIN, out, extra);
  CacheBinTestRun r;

  cachebin_test_run_line (line, &r);
  fail_unless (r.eos);
  fail_unless_equals_string (cachebin_test_result_of (&r), "miss");
  fail_if (result_stored (&r));
  cachebin_test_run_clear (&r);
  cachebin_test_assert_same_file (in, out);
  fail_unless_equals_int (count_files ("entries"), 0);
  fail_unless_equals_int (count_files ("tmp"), 0);
  g_free (line);
  g_free (in);
  g_free (out);
}

GST_START_TEST (test_read_only)
{
  check_not_stored (100000, "read-only=true");
}

GST_END_TEST;

GST_START_TEST (test_too_large_not_stored)
{
  check_not_stored (300000, "max-size=100000");
}

GST_END_TEST;

GST_START_TEST (test_eviction)
{
  gchar *out = cachebin_test_path ("out.bin");
  gint i;

  /* three results of ~100 kB in a 250 kB cache: the oldest goes */
  for (i = 0; i < 3; i++) {
    gchar *name = g_strdup_printf ("in%d.bin", i);
    gchar *in = cachebin_test_make_bytes (name, 100000 + i);
    gchar *line = cached_line (in, COPY_CHAIN, out, "max-size=250000");
    CacheBinTestRun r;

    cachebin_test_run_line (line, &r);
    fail_unless (result_stored (&r));
    cachebin_test_run_clear (&r);
    g_usleep (20000);
    g_free (line);
    g_free (in);
    g_free (name);
  }
  fail_unless_equals_int (count_files ("entries"), 2);
  fail_unless_equals_uint64 (stat_counter ("evictions"), 1);
  g_free (out);
}

GST_END_TEST;

static Suite *
cachebin_suite (void)
{
  Suite *s = suite_create ("cachebin");
  TCase *tc = tcase_create ("transcode");
  TCase *tc2 = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, cachebin_test_setup, cachebin_test_teardown);
  tcase_set_timeout (tc, 600);
  tcase_add_test (tc, test_transcode_miss_then_hit);
  tcase_add_test (tc, test_transcode_deterministic);

  suite_add_tcase (s, tc2);
  tcase_add_checked_fixture (tc2, cachebin_test_setup, cachebin_test_teardown);
  tcase_add_test (tc2, test_records_replay);
  tcase_add_test (tc2, test_key);
  tcase_add_test (tc2, test_damaged_entry);
  tcase_add_test (tc2, test_stat_manifest);
  tcase_add_test (tc2, test_bypass);
  tcase_add_test (tc2, test_pull_hashing);
  tcase_add_test (tc2, test_chain_error_stores_nothing);
  tcase_add_test (tc2, test_stop_before_eos_stores_nothing);
  tcase_add_test (tc2, test_flush_stores_nothing);
  tcase_add_test (tc2, test_input_changed_not_stored);
  tcase_add_test (tc2, test_disk_full);
  tcase_add_test (tc2, test_unusable_cache_dir);
  tcase_add_test (tc2, test_bad_description);
  tcase_add_test (tc2, test_application_chain);
  tcase_add_test (tc2, test_read_only);
  tcase_add_test (tc2, test_too_large_not_stored);
  tcase_add_test (tc2, test_eviction);

  return s;
}

GST_CHECK_MAIN (cachebin);
