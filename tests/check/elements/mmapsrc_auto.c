/* gst-reuse: mmapsrc's choice between mapping and read()
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

/* mode=auto decides per file and per scheduling mode whether to map the
 * file or to read() it. Which one it picks for a given file depends on how
 * the kernel holds the file in its page cache (4 KiB pages, or large
 * folios on kernels and file systems that have them), so these tests do not
 * assert the pick for a layout; they assert that every mode gives the
 * file's bytes for files of both layouts, in push and pull mode, that the
 * pick is reported (chosen-mode, mapped) and is the path the buffers really
 * came from, and what the read() path promises: recycled, page-aligned
 * memory. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <glib/gstdio.h>

#include "reusetest.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static gchar *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("mmapsrc-auto-XXXXXX", NULL);
  fail_unless (tmpdir != NULL);
}

static void
teardown (void)
{
  reuse_test_remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

typedef enum
{
  LAYOUT_SMALL_WRITES,          /* 4 KiB writes: 4 KiB page-cache pages */
  LAYOUT_LARGE_WRITES,          /* 4 MiB writes: large folios, where the
                                 * kernel has them */
  LAYOUT_DROPPED                /* written, then dropped from the cache */
} Layout;

/* Writes @size bytes of the test pattern, @chunk bytes per write(). */
static gchar *
make_file (const gchar * name, gsize size, Layout layout)
{
  gchar *path = g_build_filename (tmpdir, name, NULL);
  gsize chunk = layout == LAYOUT_SMALL_WRITES ? 4096 : 4 * 1024 * 1024;
  guint8 *data = g_malloc (size);
  gsize i, done;
  gint fd;

  for (i = 0; i < size; i++)
    data[i] = reuse_test_pattern (i);
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  fail_unless (fd >= 0);
  for (done = 0; done < size;) {
    gssize n = write (fd, data + done, MIN (chunk, size - done));

    fail_unless (n > 0);
    done += n;
  }
  fail_unless (fsync (fd) == 0);
  if (layout == LAYOUT_DROPPED)
    posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  close (fd);
  g_free (data);

  return path;
}

static const gchar *
chosen_mode (GstElement * src)
{
  GValue v = G_VALUE_INIT;
  const gchar *nick;

  g_value_init (&v, g_type_from_name ("GstMmapSrcMode"));
  g_object_get_property (G_OBJECT (src), "chosen-mode", &v);
  nick = g_enum_get_value (g_type_class_peek (G_VALUE_TYPE (&v)),
      g_value_get_enum (&v))->value_nick;
  g_value_unset (&v);

  return nick;
}

static void
assert_pattern (const guint8 * data, gsize size, guint64 offset)
{
  gsize i;

  for (i = 0; i < size; i++) {
    if (data[i] != reuse_test_pattern (offset + i))
      fail ("byte %" G_GUINT64_FORMAT " is %u, expected %u", offset + i,
          data[i], reuse_test_pattern (offset + i));
  }
}

/* Push mode: the file's bytes, in order, from the path that chosen-mode
 * names. */
static void
check_push (const gchar * path, gsize size, const gchar * mode)
{
  GstElement *src = gst_element_factory_make ("mmapsrc", NULL);
  GstHarness *h;
  GstBuffer *buf;
  guint64 offset = 0;
  const gchar *chosen;
  gboolean mapped, any_mapped = FALSE, any_read = FALSE;

  fail_unless (src != NULL);
  g_object_set (src, "location", path, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "mode", mode);
  h = gst_harness_new_with_element (src, NULL, "src");
  gst_harness_play (h);

  while (gst_harness_pull_until_eos (h, &buf) && buf) {
    GstMapInfo info;
    guint i;

    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), offset);
    for (i = 0; i < gst_buffer_n_memory (buf); i++) {
      if (gst_memory_is_type (gst_buffer_peek_memory (buf, i), "MmapMemory"))
        any_mapped = TRUE;
      else
        any_read = TRUE;
    }
    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    assert_pattern (info.data, info.size, offset);
    offset += info.size;
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
  }
  fail_unless_equals_uint64 (offset, size);

  chosen = chosen_mode (src);
  g_object_get (src, "mapped", &mapped, NULL);
  GST_INFO ("%s, mode=%s, push: chose %s", path, mode, chosen);
  if (strcmp (mode, "auto") != 0) {
    fail_unless_equals_string (chosen, mode);
  } else {
    fail_unless (strcmp (chosen, "mmap") == 0 || strcmp (chosen, "read") == 0,
        "chosen-mode is %s after streaming", chosen);
  }
  /* what it says is what it did */
  fail_unless_equals_int (mapped, strcmp (chosen, "mmap") == 0);
  fail_unless_equals_int (any_mapped, mapped);
  fail_unless_equals_int (any_read, !mapped);

  gst_harness_teardown (h);
  gst_object_unref (src);
}

/* An mmapsrc on @path in @mode, its source pad activated in pull mode. */
static GstElement *
start_pull (const gchar * path, const gchar * mode, GstPad ** pad)
{
  GstElement *src = gst_element_factory_make ("mmapsrc", NULL);

  fail_unless (src != NULL);
  g_object_set (src, "location", path, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "mode", mode);
  fail_unless (gst_element_set_state (src,
          GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  *pad = gst_element_get_static_pad (src, "src");
  fail_unless (gst_pad_activate_mode (*pad, GST_PAD_MODE_PULL, TRUE));
  fail_unless (gst_element_set_state (src,
          GST_STATE_PAUSED) == GST_STATE_CHANGE_SUCCESS);

  return src;
}

static void
stop_pull (GstElement * src, GstPad * pad)
{
  fail_unless (gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, FALSE));
  fail_unless (gst_element_set_state (src,
          GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pad);
  gst_object_unref (src);
}

/* Pull mode: random ranges give the file's bytes, from the path that
 * chosen-mode names; read ranges of 64 KiB to 16 MiB come from mmapsrc's
 * pools, page-aligned. */
static const gchar *
check_pull (const gchar * path, gsize size, const gchar * mode)
{
  GRand *rand = g_rand_new_with_seed (size);
  gboolean any_mapped = FALSE, any_read = FALSE, mapped;
  const gchar *chosen;
  GstPad *pad;
  GstElement *src = start_pull (path, mode, &pad);
  gint i;

  for (i = 0; i < 200; i++) {
    guint64 offset = g_rand_int_range (rand, 0, size);
    guint length = g_rand_int_range (rand, 1, 400000);
    GstBuffer *buf = NULL;
    GstMemory *mem;
    GstMapInfo info;

    fail_unless_equals_int (gst_pad_get_range (pad, offset, length, &buf),
        GST_FLOW_OK);
    fail_unless_equals_int (gst_buffer_n_memory (buf), 1);
    mem = gst_buffer_peek_memory (buf, 0);
    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    fail_unless_equals_uint64 (info.size, MIN (length, size - offset));
    assert_pattern (info.data, info.size, offset);
    if (gst_memory_is_type (mem, "MmapMemory")) {
      any_mapped = TRUE;
    } else {
      any_read = TRUE;
      /* pooled exactly when the range fits a pool */
      fail_unless_equals_int (buf->pool != NULL, info.size >= 64 * 1024);
      if (buf->pool)
        fail_unless (((guintptr) info.data & 4095) == 0);
    }
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
  }

  chosen = chosen_mode (src);
  g_object_get (src, "mapped", &mapped, NULL);
  GST_INFO ("%s, mode=%s, pull: chose %s", path, mode, chosen);
  if (strcmp (mode, "auto") != 0)
    fail_unless_equals_string (chosen, mode);
  /* what it says is what it did */
  fail_unless_equals_int (mapped, strcmp (chosen, "mmap") == 0);
  fail_unless_equals_int (any_mapped, mapped);
  fail_unless_equals_int (any_read, !mapped);

  stop_pull (src, pad);
  g_rand_free (rand);

  return chosen;
}

static void
check_layout (Layout layout)
{
  const gchar *modes[] = { "auto", "mmap", "read" };
  /* larger than a window, not a multiple of a page */
  const gsize size = 40 * 1024 * 1024 + 4321;
  gchar *path = make_file ("input.bin", size, layout);
  gint m;

  for (m = 0; m < G_N_ELEMENTS (modes); m++) {
    check_push (path, size, modes[m]);
    check_pull (path, size, modes[m]);
  }
  g_free (path);
}

GST_START_TEST (test_small_writes)
{
  check_layout (LAYOUT_SMALL_WRITES);
}

GST_END_TEST;

/* Small pages whose mapping costs more than copying them (the measurement
 * overridden, so that the switch from the mapping to read() is taken on
 * any machine): read, byte-exact; a file of large folios stays mapped. */
GST_START_TEST (test_small_pages_read)
{
  const gsize size = 40 * 1024 * 1024 + 4321;
  gchar *path = make_file ("small.bin", size, LAYOUT_SMALL_WRITES);
  GstElement *src;
  GstHarness *h;
  GstBuffer *buf;

  g_setenv ("GST_MMAPSRC_SMALL_PAGES", "read", TRUE);
  check_push (path, size, "auto");
  fail_unless_equals_string (check_pull (path, size, "auto"), "read");

  src = gst_element_factory_make ("mmapsrc", NULL);
  g_object_set (src, "location", path, NULL);
  h = gst_harness_new_with_element (src, NULL, "src");
  gst_harness_play (h);
  buf = gst_harness_pull (h);
  fail_unless (buf != NULL);
  gst_buffer_unref (buf);
  fail_unless_equals_string (chosen_mode (src), "read");
  gst_harness_teardown (h);
  gst_object_unref (src);

  /* and the other way round */
  g_setenv ("GST_MMAPSRC_SMALL_PAGES", "mmap", TRUE);
  fail_unless_equals_string (check_pull (path, size, "auto"), "mmap");
  src = gst_element_factory_make ("mmapsrc", NULL);
  g_object_set (src, "location", path, NULL);
  h = gst_harness_new_with_element (src, NULL, "src");
  gst_harness_play (h);
  buf = gst_harness_pull (h);
  fail_unless (buf != NULL);
  gst_buffer_unref (buf);
  fail_unless_equals_string (chosen_mode (src), "mmap");
  gst_harness_teardown (h);
  gst_object_unref (src);
  g_unsetenv ("GST_MMAPSRC_SMALL_PAGES");
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_large_writes)
{
  check_layout (LAYOUT_LARGE_WRITES);
}

GST_END_TEST;

GST_START_TEST (test_dropped_from_cache)
{
  check_layout (LAYOUT_DROPPED);
}

GST_END_TEST;

/* Small files, too small to tell the page size from: still right. */
GST_START_TEST (test_small_files)
{
  const gsize sizes[] = { 1, 4095, 100000, 2 * 1024 * 1024 + 1 };
  gint i;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    gchar *path = make_file ("small.bin", sizes[i], LAYOUT_SMALL_WRITES);

    check_push (path, sizes[i], "auto");
    check_pull (path, sizes[i], "auto");
    g_free (path);
  }
}

GST_END_TEST;

/* chosen-mode says auto until the element has decided, and what was forced
 * otherwise; the choice is announced with notify. */
static void
notified (GObject * object, GParamSpec * pspec, gpointer data)
{
  g_atomic_int_inc ((gint *) data);
}

GST_START_TEST (test_chosen_mode_reported)
{
  gchar *path = make_file ("report.bin", 8 * 1024 * 1024, LAYOUT_SMALL_WRITES);
  GstElement *src = gst_element_factory_make ("mmapsrc", NULL);
  GstHarness *h;
  GstBuffer *buf;
  gint notifies = 0;

  fail_unless (src != NULL);
  fail_unless_equals_string (chosen_mode (src), "auto");
  g_object_set (src, "location", path, NULL);
  g_signal_connect (src, "notify::chosen-mode", G_CALLBACK (notified),
      &notifies);
  h = gst_harness_new_with_element (src, NULL, "src");
  gst_harness_play (h);
  buf = gst_harness_pull (h);
  fail_unless (buf != NULL);
  gst_buffer_unref (buf);
  fail_unless (strcmp (chosen_mode (src), "auto") != 0);
  fail_unless (g_atomic_int_get (&notifies) >= 1);
  gst_harness_teardown (h);
  gst_object_unref (src);

  /* a stream cannot be mapped: read at once */
  src = gst_element_factory_make ("mmapsrc", NULL);
  g_object_set (src, "location", "/proc/self/status", NULL);
  h = gst_harness_new_with_element (src, NULL, "src");
  gst_harness_play (h);
  buf = gst_harness_pull (h);
  fail_unless (buf != NULL);
  gst_buffer_unref (buf);
  fail_unless_equals_string (chosen_mode (src), "read");
  gst_harness_teardown (h);
  gst_object_unref (src);
  g_free (path);
}

GST_END_TEST;

/* The read() path reads into recycled, page-aligned memory from a pool,
 * not into fresh allocations: push mode. */
typedef struct
{
  guint64 offset;
  guint n_buffers, n_pooled, n_aligned;
  GHashTable *pointers;
} Seen;

static void
handoff (GstElement * sink, GstBuffer * buf, GstPad * pad, Seen * seen)
{
  GstMapInfo info;

  fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
  assert_pattern (info.data, info.size, seen->offset);
  seen->offset += info.size;
  seen->n_buffers++;
  if (buf->pool != NULL)
    seen->n_pooled++;
  if (((guintptr) info.data & 4095) == 0)
    seen->n_aligned++;
  g_hash_table_add (seen->pointers, info.data);
  gst_buffer_unmap (buf, &info);
}

static void
check_read_path_recycles (const gchar * mode, Layout layout)
{
  const gsize size = 8 * 1024 * 1024 + 17;
  gchar *path = make_file ("recycle.bin", size, layout);
  GstElement *pipeline, *src, *sink;
  GstMessage *msg;
  Seen seen = { 0, };

  seen.pointers = g_hash_table_new (NULL, NULL);
  pipeline = gst_parse_launch ("mmapsrc name=src blocksize=65536 ! "
      "fakesink name=sink signal-handoffs=true sync=false", NULL);
  fail_unless (pipeline != NULL);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "mode", mode);
  g_signal_connect (sink, "handoff", G_CALLBACK (handoff), &seen);

  fail_if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);

  fail_unless_equals_uint64 (seen.offset, size);
  if (strcmp (chosen_mode (src), "read") == 0) {
    /* fakesink drops each buffer before the next is read: a handful of
     * pool buffers serve the whole file */
    fail_unless_equals_int (seen.n_pooled, seen.n_buffers);
    fail_unless_equals_int (seen.n_aligned, seen.n_buffers);
    fail_unless (g_hash_table_size (seen.pointers) <= 4,
        "%u different blocks for %u buffers",
        g_hash_table_size (seen.pointers), seen.n_buffers);
  } else {
    fail_unless_equals_string (mode, "auto");
    fail_if (g_strcmp0 (g_getenv ("GST_MMAPSRC_SMALL_PAGES"), "read") == 0,
        "a file of 4 KiB writes was mapped");
  }

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_hash_table_unref (seen.pointers);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (path);
}

/* Pull mode's read() path: the same range asked for again and again, each
 * buffer dropped before the next, is served by one or two pool buffers; a
 * range larger than the largest pool (16 MiB) is read into an allocation
 * of its own. */
static void
check_pull_recycles (const gchar * path, gsize size)
{
  GHashTable *pointers = g_hash_table_new (NULL, NULL);
  GstBuffer *buf;
  GstMapInfo info;
  GstPad *pad;
  GstElement *src = start_pull (path, "read", &pad);
  gint i;

  for (i = 0; i < 20; i++) {
    guint64 offset = 4096 * (guint64) i + i;

    buf = NULL;
    fail_unless_equals_int (gst_pad_get_range (pad, offset, 300000, &buf),
        GST_FLOW_OK);
    fail_unless (buf->pool != NULL);
    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    fail_unless_equals_uint64 (info.size, 300000);
    assert_pattern (info.data, info.size, offset);
    g_hash_table_add (pointers, info.data);
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
  }
  fail_unless (g_hash_table_size (pointers) <= 2,
      "%u different blocks for 20 ranges", g_hash_table_size (pointers));

  buf = NULL;
  fail_unless_equals_int (gst_pad_get_range (pad, 1, 20 * 1024 * 1024, &buf),
      GST_FLOW_OK);
  fail_unless (buf->pool == NULL);
  fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
  fail_unless_equals_uint64 (info.size, MIN (20 * 1024 * 1024, size - 1));
  assert_pattern (info.data, info.size, 1);
  gst_buffer_unmap (buf, &info);
  gst_buffer_unref (buf);

  stop_pull (src, pad);
  g_hash_table_unref (pointers);
}

GST_START_TEST (test_read_path_recycles)
{
  const gsize size = 24 * 1024 * 1024 + 5;
  gchar *path = make_file ("pull-recycle.bin", size, LAYOUT_LARGE_WRITES);

  check_pull_recycles (path, size);
  g_free (path);

  check_read_path_recycles ("read", LAYOUT_LARGE_WRITES);
  g_setenv ("GST_MMAPSRC_SMALL_PAGES", "read", TRUE);
  check_read_path_recycles ("auto", LAYOUT_SMALL_WRITES);
  g_unsetenv ("GST_MMAPSRC_SMALL_PAGES");
}

GST_END_TEST;

static Suite *
mmapsrc_auto_suite (void)
{
  Suite *s = suite_create ("mmapsrc_auto");
  TCase *tc = tcase_create ("auto");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_small_writes);
  tcase_add_test (tc, test_small_pages_read);
  tcase_add_test (tc, test_large_writes);
  tcase_add_test (tc, test_dropped_from_cache);
  tcase_add_test (tc, test_small_files);
  tcase_add_test (tc, test_chosen_mode_reported);
  tcase_add_test (tc, test_read_path_recycles);

  return s;
}

GST_CHECK_MAIN (mmapsrc_auto);
