/* gst-reuse: cachebin tests: hits of large entries, streamed from their file
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

/* Entries of 2 MiB and more are checked whole by streaming their file and
 * replayed from it in pooled buffers (docs/gst-cache.md): byte streams and
 * records replay exactly; a damaged large entry is never replayed, not
 * even in part; and an entry file changed or cut short in place after its
 * check, while it is replayed, ends the run with an error, never with a
 * short output that looks complete. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "cachebintest.h"
#include "reusetest.h"
#include "gstcachestore.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the size from which the store streams an entry (gstcacheentry.c) */
#define STREAM_MIN (2 * 1024 * 1024)
#define BIG (64 * 1024 * 1024 + 4099)
#define MEDIUM (24 * 1024 * 1024 + 517)
#define COPY_CHAIN "identity ! identity"

static gchar *
cached_line (const gchar * input, const gchar * chain, const gchar * output)
{
  return g_strdup_printf ("filesrc name=src location=%s ! cachebin "
      "name=cache cache-dir=%s description=\"%s\" ! filesink name=sink "
      "location=%s", input, cachebin_test_cachedir, chain, output);
}

/* the one entry file in the cache */
static gchar *
entry_file (void)
{
  GPtrArray *files = cachebin_test_list_files ("entries");
  gchar *path;

  fail_unless_equals_int (files->len, 1);
  path = g_strdup (g_ptr_array_index (files, 0));
  g_ptr_array_unref (files);
  return path;
}

/* the entry of the cache's one file, looked up as cachebin does */
static gboolean
entry_is_streamed (void)
{
  GstCacheStore *store = gst_cache_store_open (cachebin_test_cachedir, NULL);
  gchar *path = entry_file ();
  gchar *base = g_path_get_basename (path);
  guint8 key[GST_CACHE_KEY_SIZE];
  GstCacheEntry *e;
  gboolean streamed;

  fail_unless (store != NULL);
  *strchr (base, '.') = '\0';
  fail_unless (gst_cache_key_from_hex (base, key));
  e = gst_cache_store_lookup_full (store, key, FALSE, NULL);
  fail_unless (e != NULL);
  streamed = gst_cache_entry_is_streamed (e);
  gst_cache_entry_unref (e);
  gst_cache_store_free (store);
  g_free (base);
  g_free (path);
  return streamed;
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

static void
run_miss (const gchar * line)
{
  CacheBinTestRun r;
  gboolean stored = FALSE;

  cachebin_test_run_line (line, &r);
  fail_unless (r.eos);
  fail_unless_equals_string (cachebin_test_result_of (&r), "miss");
  fail_unless (gst_structure_get_boolean (r.result, "stored", &stored));
  fail_unless (stored);
  cachebin_test_run_clear (&r);
}

/* a 64 MiB byte stream: a hit replays it exactly, from the file */
GST_START_TEST (test_large_bytes_replay)
{
  gchar *in = cachebin_test_make_noise ("big.bin", BIG, 3);
  gchar *out = cachebin_test_path ("out.bin");
  gchar *line = cached_line (in, COPY_CHAIN, out);
  CacheBinTestRun r;
  guint64 bytes = 0;

  run_miss (line);
  cachebin_test_assert_same_file (in, out);
  fail_unless (entry_is_streamed ());
  g_unlink (out);

  cachebin_test_run_line (line, &r);
  fail_unless (r.eos);
  fail_unless_equals_string (cachebin_test_result_of (&r), "hit");
  fail_unless (gst_structure_get_uint64 (r.result, "bytes", &bytes));
  fail_unless_equals_uint64 (bytes, BIG);
  fail_unless_equals_int (r.upstream_buffers, 0);
  cachebin_test_run_clear (&r);
  cachebin_test_assert_same_file (in, out);
  fail_unless_equals_uint64 (stat_counter ("hits"), 1);
  fail_unless_equals_uint64 (stat_counter ("bytes-served"), BIG);

  g_free (line);
  g_free (out);
  g_free (in);
}

GST_END_TEST;

/* what reaches the sink: buffers (timestamps, flags, size, a checksum of
 * the data) and caps */
typedef struct
{
  GstClockTime pts, dts, duration;
  guint64 offset, offset_end;
  guint flags;
  gsize size;
  guint32 sum;
} Item;

static GstPadProbeReturn
record_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GArray *items = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  Item it = { GST_BUFFER_PTS (buf), GST_BUFFER_DTS (buf),
    GST_BUFFER_DURATION (buf), GST_BUFFER_OFFSET (buf),
    GST_BUFFER_OFFSET_END (buf), GST_BUFFER_FLAGS (buf) &
        ~(GST_BUFFER_FLAG_TAG_MEMORY), gst_buffer_get_size (buf), 0
  };
  GstMapInfo map;
  gsize i;

  gst_buffer_map (buf, &map, GST_MAP_READ);
  for (i = 0; i < map.size; i++)
    it.sum = it.sum * 31 + map.data[i];
  gst_buffer_unmap (buf, &map);
  g_array_append_val (items, it);
  return GST_PAD_PROBE_OK;
}

/* decoded video (records, 11 MB): what a hit pushes is what the chain
 * pushed, buffer by buffer */
static GArray *
run_decode (const gchar * in, const gchar * expect)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s ! cachebin "
      "cache-dir=%s description=\"qtdemux ! h264parse ! avdec_h264\" ! "
      "fakesink name=sink", in, cachebin_test_cachedir);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  GArray *items = g_array_new (FALSE, FALSE, sizeof (Item));
  GstBus *bus = gst_element_get_bus (pipeline);
  gboolean seen = FALSE;
  GstMessage *msg;

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, record_probe, items, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((msg = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
              GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT))) {
    GstMessageType t = GST_MESSAGE_TYPE (msg);

    if (t == GST_MESSAGE_ELEMENT && gst_message_has_name (msg, "cachebin")) {
      fail_unless_equals_string (gst_structure_get_string
          (gst_message_get_structure (msg), "result"), expect);
      seen = TRUE;
    }
    gst_message_unref (msg);
    fail_if (t == GST_MESSAGE_ERROR);
    if (t == GST_MESSAGE_EOS)
      break;
  }
  fail_unless (seen);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (desc);
  return items;
}

GST_START_TEST (test_large_records_replay)
{
  gchar *in = cachebin_test_make_with ("rec.mp4", "videotestsrc "
      "num-buffers=100 pattern=ball ! video/x-raw,format=I420,width=320,"
      "height=240,framerate=25/1 ! x264enc speed-preset=ultrafast "
      "key-int-max=25 ! mp4mux ! filesink location=OUT");
  GArray *miss, *hit;
  GStatBuf st;
  gchar *entry;
  guint i;

  miss = run_decode (in, "miss");
  entry = entry_file ();
  fail_unless (g_stat (entry, &st) == 0);
  fail_unless (st.st_size >= STREAM_MIN, "entry of %" G_GINT64_FORMAT
      " bytes: not streamed", (gint64) st.st_size);
  fail_unless (entry_is_streamed ());
  hit = run_decode (in, "hit");

  fail_unless_equals_int (miss->len, 100);
  fail_unless_equals_int (hit->len, miss->len);
  for (i = 0; i < miss->len; i++) {
    Item *a = &g_array_index (miss, Item, i);
    Item *b = &g_array_index (hit, Item, i);

    fail_unless_equals_uint64 (a->pts, b->pts);
    fail_unless_equals_uint64 (a->dts, b->dts);
    fail_unless_equals_uint64 (a->duration, b->duration);
    fail_unless_equals_uint64 (a->offset, b->offset);
    fail_unless_equals_uint64 (a->offset_end, b->offset_end);
    fail_unless_equals_int (a->flags, b->flags);
    fail_unless_equals_uint64 (a->size, b->size);
    fail_unless_equals_int (a->sum, b->sum);
  }
  g_array_free (miss, TRUE);
  g_array_free (hit, TRUE);
  g_free (entry);
  g_free (in);
}

GST_END_TEST;

/* a flipped byte anywhere in a large entry: the entry is not replayed at
 * all (the chain runs, the result is whole and stored again) */
GST_START_TEST (test_large_damaged_never_replayed)
{
  gchar *in = cachebin_test_make_noise ("in.bin", MEDIUM, 5);
  gchar *out = cachebin_test_path ("out.bin");
  gchar *line = cached_line (in, COPY_CHAIN, out);
  guint64 where[] = { 0, 1024 * 1024, MEDIUM / 2, MEDIUM - 1, MEDIUM + 10 };
  guint i;

  run_miss (line);
  for (i = 0; i < G_N_ELEMENTS (where); i++) {
    gchar *entry = entry_file ();
    CacheBinTestRun r;
    gboolean damaged = FALSE;

    fail_unless (reuse_test_flip_byte (entry, where[i], 0x04));
    g_unlink (out);
    cachebin_test_run_line (line, &r);
    fail_unless (r.eos);
    fail_unless_equals_string (cachebin_test_result_of (&r), "miss");
    fail_unless (gst_structure_get_boolean (r.result, "damaged-entry",
            &damaged));
    fail_unless (damaged, "byte %" G_GUINT64_FORMAT ": not detected", where[i]);
    fail_unless (r.upstream_buffers > 0);
    cachebin_test_run_clear (&r);
    cachebin_test_assert_same_file (in, out);
    fail_unless_equals_uint64 (stat_counter ("damaged"), i + 1);
    fail_unless_equals_uint64 (stat_counter ("hits"), 0);
    g_free (entry);
  }

  g_free (line);
  g_free (out);
  g_free (in);
}

GST_END_TEST;

typedef struct
{
  gchar *entry;
  gboolean truncate;
  gint done;
} Change;

/* at the first buffer of the replay (the entry was checked, its file is
 * open), the entry file is cut short or changed in place */
static GstPadProbeReturn
change_entry (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Change *c = data;

  if (g_atomic_int_get (&c->done))
    return GST_PAD_PROBE_OK;
  g_atomic_int_set (&c->done, 1);
  if (c->truncate)
    fail_unless (truncate (c->entry, MEDIUM / 3) == 0);
  else
    fail_unless (reuse_test_flip_byte (c->entry, MEDIUM / 3 * 2, 0x04));
  return GST_PAD_PROBE_OK;
}

/* the entry's file changed under a replay that had checked it: an error,
 * no EOS, no hit counted or reported, and what was written is only a part
 * of the result */
GST_START_TEST (test_entry_changed_under_replay)
{
  gchar *in = cachebin_test_make_noise ("in.bin", MEDIUM, 9);
  gchar *out = cachebin_test_path ("out.bin");
  gchar *line = cached_line (in, COPY_CHAIN, out);
  gint round;

  for (round = 0; round < 2; round++) {
    Change c = { NULL, round == 0, 0 };
    GstElement *pipeline, *sink;
    GstPad *pad;
    GstBus *bus;
    GstMessage *msg;
    GError *err = NULL;
    gboolean eos = FALSE, hit = FALSE;
    gchar *got = NULL, *expect = NULL;
    gsize got_len = 0, expect_len = 0;

    run_miss (line);
    c.entry = entry_file ();
    g_unlink (out);

    pipeline = gst_parse_launch (line, NULL);
    sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
    pad = gst_element_get_static_pad (sink, "sink");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, change_entry, &c, NULL);
    bus = gst_element_get_bus (pipeline);
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    while ((msg = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
                GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT))) {
      GstMessageType t = GST_MESSAGE_TYPE (msg);

      if (t == GST_MESSAGE_ELEMENT && gst_message_has_name (msg, "cachebin"))
        hit = TRUE;
      if (t == GST_MESSAGE_ERROR)
        gst_message_parse_error (msg, &err, NULL);
      eos |= t == GST_MESSAGE_EOS;
      gst_message_unref (msg);
      if (t != GST_MESSAGE_ELEMENT)
        break;
    }
    fail_unless (g_atomic_int_get (&c.done));
    fail_if (eos, "round %d: the replay ended as if complete", round);
    fail_unless (err != NULL, "round %d: no error", round);
    fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_READ), "round %d: %s", round, err->message);
    fail_if (hit, "round %d: a result was reported", round);
    g_clear_error (&err);
    gst_element_set_state (pipeline, GST_STATE_NULL);

    /* the part written is the result's start, and not all of it */
    fail_unless (g_file_get_contents (out, &got, &got_len, NULL));
    fail_unless (g_file_get_contents (in, &expect, &expect_len, NULL));
    fail_unless (got_len < expect_len);
    fail_unless (memcmp (got, expect, got_len) == 0);
    fail_unless_equals_uint64 (stat_counter ("hits"), 0);
    fail_unless_equals_uint64 (stat_counter ("errors"), round + 1);

    g_free (got);
    g_free (expect);
    gst_object_unref (bus);
    gst_object_unref (pad);
    gst_object_unref (sink);
    gst_object_unref (pipeline);
    g_free (c.entry);
  }

  g_free (line);
  g_free (out);
  g_free (in);
}

GST_END_TEST;

static Suite *
cachebin_replay_suite (void)
{
  Suite *s = suite_create ("cachebin_replay");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, cachebin_test_setup, cachebin_test_teardown);
  tcase_add_test (tc, test_large_bytes_replay);
  tcase_add_test (tc, test_large_records_replay);
  tcase_add_test (tc, test_large_damaged_never_replayed);
  tcase_add_test (tc, test_entry_changed_under_replay);

  return s;
}

GST_CHECK_MAIN (cachebin_replay);
