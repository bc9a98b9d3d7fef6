/* gst-reuse: cache store tests: large entries, checked by streaming
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

/* Entries of 2 MiB and more are checked by reading their file once and
 * kept open; their payload is read again with gst_cache_entry_read(),
 * each 1 MiB checked against the first reading before it is handed out.
 * (The store reads and checks in 1 MiB chunks: some tests put what they
 * test at those chunks' edges.) */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cachestoretest.h"
#include "reusetest.h"

static void
commit_entry (GstCacheStore * store, const guint8 key[GST_CACHE_KEY_SIZE],
    GstCacheEntryKind kind, const guint8 * data, gsize size)
{
  GstCacheWriter *w = gst_cache_writer_new (store, key, 0, NULL);
  GKeyFile *meta = g_key_file_new ();

  fail_unless (w != NULL);
  g_key_file_set_string (meta, "entry", "description", "streamed");
  fail_unless (gst_cache_writer_append (w, data, size, NULL));
  fail_unless (gst_cache_writer_commit (w, kind, meta, 0, 0, NULL, NULL));
  gst_cache_writer_free (w);
  g_key_file_unref (meta);
}

/* reads all of @e's payload in pieces of @piece bytes and compares it */
static void
read_all (GstCacheEntry * e, const guint8 * expect, gsize size, gsize piece)
{
  guint8 *got = g_malloc (size);
  guint64 pos;
  GError *err = NULL;

  for (pos = 0; pos < size; pos += piece) {
    gsize n = MIN (piece, size - pos);

    fail_unless (gst_cache_entry_read (e, pos, got + pos, n, &err),
        "read at %" G_GUINT64_FORMAT ": %s", pos, err ? err->message : "");
  }
  fail_unless (memcmp (got, expect, size) == 0);
  g_free (got);
}

#define BIG (64 * 1024 * 1024 + 12345)

/* a large entry is checked by streaming and not held in memory; its
 * payload reads back exactly, in pieces of any size, again from the start,
 * and only in order */
GST_START_TEST (test_streamed_entry)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint8 key[GST_CACHE_KEY_SIZE], small[16];
  guint8 *data = reuse_test_noise (BIG, 7);
  gchar *desc;
  GstCacheEntry *e;
  GError *err = NULL;
  gsize got = 0;

  cachestore_test_make_key (key, 4);
  commit_entry (store, key, GST_CACHE_ENTRY_KIND_BYTES, data, BIG);
  e = gst_cache_store_lookup (store, key, NULL);
  fail_unless (e != NULL);
  fail_unless (gst_cache_entry_is_streamed (e));
  fail_unless (gst_cache_entry_get_payload (e, &got) == NULL);
  fail_unless_equals_uint64 (got, BIG);
  fail_unless_equals_uint64 (gst_cache_entry_get_payload_size (e), BIG);
  desc = g_key_file_get_value (gst_cache_entry_get_meta (e), "entry",
      "description", NULL);
  fail_unless_equals_string (desc, "streamed");
  g_free (desc);

  /* pieces across the reader's chunks, whole chunks, one large read */
  read_all (e, data, BIG, 100003);
  read_all (e, data, BIG, 1024 * 1024);
  read_all (e, data, BIG, BIG);
  /* out of order, and past the end */
  fail_unless (gst_cache_entry_read (e, 0, small, 16, NULL));
  fail_if (gst_cache_entry_read (e, 4096, small, 16, &err));
  g_clear_error (&err);
  fail_if (gst_cache_entry_read (e, BIG - 8, small, 16, &err));
  g_clear_error (&err);
  gst_cache_entry_unref (e);

  g_free (data);
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

/* a flipped byte anywhere in a large entry (payload, metadata, footer)
 * makes it damaged at its lookup: nothing of it is handed out */
GST_START_TEST (test_streamed_entry_damaged)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint8 key[GST_CACHE_KEY_SIZE];
  const gsize size = 16 * 1024 * 1024 + 77;
  guint8 *data = reuse_test_noise (size, 11);
  gchar *path;
  GStatBuf st;
  guint i;

  cachestore_test_make_key (key, 5);
  path = gst_cache_store_entry_path (store, key, NULL);
  commit_entry (store, key, GST_CACHE_ENTRY_KIND_BYTES, data, size);
  fail_unless (g_stat (path, &st) == 0);
  {
    guint64 where[] = { 0, 1024 * 1024 - 1, 1024 * 1024, size / 2, size - 1,
      size + 3, st.st_size - 60, st.st_size - 1
    };

    for (i = 0; i < G_N_ELEMENTS (where); i++) {
      GstCacheEntry *e;
      GError *err = NULL;

      commit_entry (store, key, GST_CACHE_ENTRY_KIND_BYTES, data, size);
      fail_unless (reuse_test_flip_byte (path, where[i], 0x20));
      e = gst_cache_store_lookup (store, key, &err);
      fail_unless (e == NULL, "byte %" G_GUINT64_FORMAT " flipped: served",
          where[i]);
      fail_unless (g_error_matches (err, GST_CACHE_STORE_ERROR,
              GST_CACHE_STORE_ERROR_DAMAGED), "byte %" G_GUINT64_FORMAT,
          where[i]);
      g_clear_error (&err);
      /* removed as damaged */
      fail_if (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  }

  g_free (path);
  g_free (data);
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

/* the file of a checked, streamed entry changed in place (a user writing
 * into the cache directory: the store never does) or cut short: the bytes
 * before the change read back exactly, the piece with the change is never
 * handed out, and every read after it fails */
GST_START_TEST (test_streamed_entry_changed_under_reader)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint8 key[GST_CACHE_KEY_SIZE];
  const gsize size = 16 * 1024 * 1024;
  const guint64 flip = 5 * 1024 * 1024 + 4321;
  guint8 *data = reuse_test_noise (size, 13), *got = g_malloc (size);
  GstCacheEntry *e;
  GError *err = NULL;
  guint64 pos;
  gint round;

  cachestore_test_make_key (key, 6);
  for (round = 0; round < 2; round++) {
    commit_entry (store, key, GST_CACHE_ENTRY_KIND_BYTES, data, size);
    e = gst_cache_store_lookup (store, key, NULL);
    fail_unless (e != NULL);
    fail_unless (gst_cache_entry_is_streamed (e));
    if (round == 0)
      fail_unless (reuse_test_flip_byte (gst_cache_entry_get_path (e), flip,
              0x20));
    else
      fail_unless (truncate (gst_cache_entry_get_path (e), flip) == 0);

    memset (got, 0, size);
    for (pos = 0; pos < size; pos += 65536) {
      if (!gst_cache_entry_read (e, pos, got + pos, 65536, &err))
        break;
    }
    fail_unless (g_error_matches (err, GST_CACHE_STORE_ERROR,
            GST_CACHE_STORE_ERROR_DAMAGED), "round %d: %s", round,
        err ? err->message : "no error");
    g_clear_error (&err);
    /* stopped at the piece with the change, after all the ones before it */
    fail_unless_equals_uint64 (pos, flip / 65536 * 65536);
    fail_unless (memcmp (got, data, pos) == 0);
    fail_if (gst_cache_entry_read (e, pos, got + pos, 65536, &err));
    g_clear_error (&err);
    fail_if (gst_cache_entry_read (e, 0, got, 65536, &err));
    g_clear_error (&err);
    gst_cache_entry_unref (e);
  }

  g_free (got);
  g_free (data);
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

/* the whole file of a streamed entry, on demand (the remote tier signs
 * it): read and checked again, and NULL once the file changed */
GST_START_TEST (test_streamed_entry_whole_data)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint8 key[GST_CACHE_KEY_SIZE];
  const gsize size = 4 * 1024 * 1024 + 3;
  guint8 *data = reuse_test_noise (size, 17);
  const guint8 *whole;
  gchar *file;
  gsize n, file_len;
  GstCacheEntry *e;

  cachestore_test_make_key (key, 8);
  commit_entry (store, key, GST_CACHE_ENTRY_KIND_BYTES, data, size);
  e = gst_cache_store_lookup (store, key, NULL);
  fail_unless (e != NULL);
  fail_unless (gst_cache_entry_is_streamed (e));
  fail_unless (g_file_get_contents (gst_cache_entry_get_path (e), &file,
          &file_len, NULL));
  whole = gst_cache_entry_get_data (e, &n);
  fail_unless (whole != NULL);
  fail_unless_equals_uint64 (n, file_len);
  fail_unless (memcmp (whole, file, n) == 0);
  fail_unless (memcmp (whole, data, size) == 0);
  gst_cache_entry_unref (e);
  g_free (file);

  e = gst_cache_store_lookup (store, key, NULL);
  fail_unless (e != NULL);
  fail_unless (reuse_test_flip_byte (gst_cache_entry_get_path (e), size / 2,
          0x20));
  fail_unless (gst_cache_entry_get_data (e, &n) == NULL);
  fail_unless_equals_uint64 (n, 0);
  gst_cache_entry_unref (e);

  g_free (data);
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

/* appends a record of @type with a body of @len bytes (zeros after the
 * first 4 bytes, which hold @word) */
static void
append_record (GByteArray * a, guint32 type, guint32 len, guint32 word)
{
  guint8 head[8];
  guint64 padded = GST_CACHE_ROUND_UP_8 ((guint64) len);
  guint old = a->len;

  GST_WRITE_UINT32_LE (head, type);
  GST_WRITE_UINT32_LE (head + 4, len);
  g_byte_array_append (a, head, 8);
  g_byte_array_set_size (a, old + 8 + padded);
  memset (a->data + old + 8, 0, padded);
  if (len >= 4)
    GST_WRITE_UINT32_LE (a->data + old + 8, word);
}

/* the records of a large stream entry are checked while it is streamed,
 * as those of a small one are: headers across the chunks of the check */
GST_START_TEST (test_streamed_records)
{
  gchar *dir = cachestore_test_make_dir ();
  GstCacheStore *store = gst_cache_store_open (dir, NULL);
  guint8 key[GST_CACHE_KEY_SIZE];
  GByteArray *a = g_byte_array_new ();
  GstCacheEntry *e;
  GError *err = NULL;
  guint i, bad_at = 0;

  cachestore_test_make_key (key, 7);
  append_record (a, GST_CACHE_RECORD_SEGMENT, GST_CACHE_SEGMENT_RECORD, 3);
  for (i = 0; a->len < 12 * 1024 * 1024; i++) {
    /* buffers of sizes that put headers everywhere */
    append_record (a, GST_CACHE_RECORD_BUFFER, GST_CACHE_BUFFER_RECORD +
        (i * 104729) % 300000, 0);
    if (i == 40)
      bad_at = a->len;
  }
  fail_unless (gst_cache_records_valid (a->data, a->len));
  commit_entry (store, key, GST_CACHE_ENTRY_KIND_STREAM, a->data, a->len);
  e = gst_cache_store_lookup (store, key, NULL);
  fail_unless (e != NULL);
  fail_unless (gst_cache_entry_is_streamed (e));
  gst_cache_entry_unref (e);

  /* headers at the very end of the store's 1 MiB chunks and right after
   * them: a record that ends 8 bytes before a chunk's end, one that ends
   * on it */
  {
    GByteArray *b = g_byte_array_new ();
    guint64 chunk = 1024 * 1024, k;

    for (k = 1; k <= 3; k++) {
      guint64 target = k * chunk - (k == 2 ? 0 : 8);

      append_record (b, GST_CACHE_RECORD_BUFFER, target - b->len - 8, 0);
      fail_unless_equals_uint64 (b->len, target);
      append_record (b, GST_CACHE_RECORD_CAPS, 0, 0);
    }
    append_record (b, GST_CACHE_RECORD_BUFFER, 48, 0);
    fail_unless (gst_cache_records_valid (b->data, b->len));
    commit_entry (store, key, GST_CACHE_ENTRY_KIND_STREAM, b->data, b->len);
    e = gst_cache_store_lookup (store, key, &err);
    fail_unless (e != NULL, "%s", err ? err->message : "");
    fail_unless (gst_cache_entry_is_streamed (e));
    gst_cache_entry_unref (e);
    /* the header in the last 8 bytes of the first chunk made invalid */
    GST_WRITE_UINT32_LE (b->data + chunk - 8 + 4, 4096);
    fail_if (gst_cache_records_valid (b->data, b->len));
    commit_entry (store, key, GST_CACHE_ENTRY_KIND_STREAM, b->data, b->len);
    e = gst_cache_store_lookup (store, key, &err);
    fail_unless (e == NULL);
    fail_unless (strstr (err->message, "bad records") != NULL, "%s",
        err->message);
    g_clear_error (&err);
    g_byte_array_unref (b);
  }

  /* one bad type, past the first chunks: damaged */
  fail_unless (bad_at > 2 * 1024 * 1024);
  GST_WRITE_UINT32_LE (a->data + bad_at, 99);
  fail_if (gst_cache_records_valid (a->data, a->len));
  commit_entry (store, key, GST_CACHE_ENTRY_KIND_STREAM, a->data, a->len);
  e = gst_cache_store_lookup (store, key, &err);
  fail_unless (e == NULL);
  fail_unless (g_error_matches (err, GST_CACHE_STORE_ERROR,
          GST_CACHE_STORE_ERROR_DAMAGED));
  fail_unless (strstr (err->message, "bad records") != NULL, "%s",
      err->message);
  g_clear_error (&err);

  /* a length that runs past the payload's end */
  GST_WRITE_UINT32_LE (a->data + bad_at, GST_CACHE_RECORD_BUFFER);
  fail_unless (gst_cache_records_valid (a->data, a->len));
  GST_WRITE_UINT32_LE (a->data + bad_at + 4, a->len);
  commit_entry (store, key, GST_CACHE_ENTRY_KIND_STREAM, a->data, a->len);
  e = gst_cache_store_lookup (store, key, &err);
  fail_unless (e == NULL);
  fail_unless (strstr (err->message, "bad records") != NULL, "%s",
      err->message);
  g_clear_error (&err);

  g_byte_array_unref (a);
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

static Suite *
cachestore_stream_suite (void)
{
  Suite *s = suite_create ("cachestore_stream");
  TCase *tc_chain = tcase_create ("general");

  suite_add_tcase (s, tc_chain);
  tcase_add_test (tc_chain, test_streamed_entry);
  tcase_add_test (tc_chain, test_streamed_entry_damaged);
  tcase_add_test (tc_chain, test_streamed_entry_changed_under_reader);
  tcase_add_test (tc_chain, test_streamed_entry_whole_data);
  tcase_add_test (tc_chain, test_streamed_records);

  return s;
}

GST_CHECK_MAIN (cachestore_stream);
