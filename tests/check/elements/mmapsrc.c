/* gst-reuse: mmapsrc element tests
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

/* The first part re-expresses what GStreamer core checks of filesrc
 * (tests/check/elements/filesrc.c) for mmapsrc; the rest checks what
 * mmapsrc adds: byte-exact output in both modes, zero copies, buffers that
 * outlive the element, read-only memory, growing files, streams and the
 * errors of files that cannot be read. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "reusetest.h"
#include <gst/check/gstharness.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static gchar *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("mmapsrc-test-XXXXXX", NULL);
  fail_unless (tmpdir != NULL);
}

static void
teardown (void)
{
  reuse_test_remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

static gchar *
make_file (const gchar * name, gsize size)
{
  gchar *path = g_build_filename (tmpdir, name, NULL);
  guint8 *data = g_malloc (size);
  gsize i;

  for (i = 0; i < size; i++)
    data[i] = reuse_test_pattern (i);
  fail_unless (g_file_set_contents (path, (gchar *) data, size, NULL));
  g_free (data);

  return path;
}

static GstHarness *
harness_for (const gchar * location)
{
  GstElement *src = gst_element_factory_make ("mmapsrc", NULL);
  GstHarness *h;

  fail_unless (src != NULL);
  g_object_set (src, "location", location, NULL);
  h = gst_harness_new_with_element (src, NULL, "src");
  gst_object_unref (src);

  return h;
}

/* Pulls every buffer up to EOS; returns their bytes, checks offsets. */
static GByteArray *
pull_all (GstHarness * h, guint * n_buffers)
{
  GByteArray *out = g_byte_array_new ();
  GstBuffer *buf;
  guint n = 0;

  while (TRUE) {
    GstMapInfo info;

    fail_unless (gst_harness_pull_until_eos (h, &buf), "timeout");
    if (buf == NULL)
      break;
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), out->len);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (buf),
        out->len + gst_buffer_get_size (buf));
    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    g_byte_array_append (out, info.data, info.size);
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
    n++;
  }
  if (n_buffers)
    *n_buffers = n;
  return out;
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

/* --- filesrc's tests, for mmapsrc ------------------------------------- */

static gboolean have_eos = FALSE;
static GCond eos_cond;
static GMutex event_mutex;
static GstPad *mysinkpad;

static GstStaticPadTemplate sinktemplate = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

static gboolean
event_func (GstPad * pad, GstObject * parent, GstEvent * event)
{
  g_mutex_lock (&event_mutex);
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    have_eos = TRUE;
    g_cond_broadcast (&eos_cond);
  }
  g_mutex_unlock (&event_mutex);
  gst_event_unref (event);

  return TRUE;
}

static void
wait_eos (void)
{
  g_mutex_lock (&event_mutex);
  while (!have_eos)
    g_cond_wait (&eos_cond, &event_mutex);
  g_mutex_unlock (&event_mutex);
}

static GstElement *
setup_mmapsrc (void)
{
  GstElement *src;

  have_eos = FALSE;
  g_cond_init (&eos_cond);
  g_mutex_init (&event_mutex);

  src = gst_check_setup_element ("mmapsrc");
  mysinkpad = gst_check_setup_sink_pad (src, &sinktemplate);
  gst_pad_set_event_function (mysinkpad, event_func);
  gst_pad_set_active (mysinkpad, TRUE);

  return src;
}

static void
cleanup_mmapsrc (GstElement * src)
{
  gst_check_drop_buffers ();
  gst_pad_set_active (mysinkpad, FALSE);
  gst_check_teardown_sink_pad (src);
  gst_check_teardown_element (src);

  g_mutex_clear (&event_mutex);
  g_cond_clear (&eos_cond);
}

GST_START_TEST (test_seeking)
{
  GstElement *src;
  GstQuery *query;
  gboolean seekable;
  gchar *path = make_file ("seek.bin", 10000);

  src = setup_mmapsrc ();
  g_object_set (src, "location", path, NULL);
  fail_unless (gst_element_set_state (src,
          GST_STATE_PAUSED) == GST_STATE_CHANGE_SUCCESS);

  query = gst_query_new_seeking (GST_FORMAT_BYTES);
  fail_unless (gst_element_query (src, query));
  gst_query_parse_seeking (query, NULL, &seekable, NULL, NULL);
  fail_unless (seekable == TRUE);
  gst_query_unref (query);

  query = gst_query_new_duration (GST_FORMAT_BYTES);
  fail_unless (gst_element_query (src, query));
  {
    gint64 duration;

    gst_query_parse_duration (query, NULL, &duration);
    fail_unless_equals_int64 (duration, 10000);
  }
  gst_query_unref (query);

  fail_unless (gst_element_set_state (src,
          GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);
  cleanup_mmapsrc (src);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_reverse)
{
  GstElement *src;
  gchar *path = make_file ("reverse.bin", 10000);

  src = setup_mmapsrc ();
  g_object_set (src, "location", path, NULL);
  /* we're going to perform the seek in ready */
  fail_unless (gst_element_set_state (src,
          GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);

  /* reverse seek from end to start */
  gst_element_seek (src, -1.0, GST_FORMAT_BYTES, 0, GST_SEEK_TYPE_SET, 100,
      GST_SEEK_TYPE_SET, -1);

  fail_unless (gst_element_set_state (src,
          GST_STATE_PAUSED) == GST_STATE_CHANGE_SUCCESS);
  wait_eos ();

  fail_unless (gst_element_set_state (src,
          GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);
  cleanup_mmapsrc (src);
  g_free (path);
}

GST_END_TEST;

static void
check_pull_ranges (const gchar * mode)
{
  GstElement *src;
  GstQuery *query;
  gboolean seekable;
  gint64 start, stop;
  GstPad *pad;
  GstBuffer *buffer1, *buffer2;
  GstMapInfo info1, info2;
  gchar *path = make_file ("pull.bin", 12345);

  src = setup_mmapsrc ();
  g_object_set (src, "location", path, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "mode", mode);
  fail_unless (gst_element_set_state (src,
          GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);

  pad = gst_element_get_static_pad (src, "src");
  fail_unless (pad != NULL);
  fail_unless (gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, TRUE));
  fail_unless (gst_element_set_state (src,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_SUCCESS);

  query = gst_query_new_seeking (GST_FORMAT_BYTES);
  fail_unless (gst_element_query (src, query));
  gst_query_parse_seeking (query, NULL, &seekable, &start, &stop);
  fail_unless (seekable == TRUE);
  fail_unless (start == 0);
  fail_unless_equals_int64 (stop, 12345);
  gst_query_unref (query);

  /* (0,100) and (0,50) return the same bytes, (50,50) continues them */
  buffer1 = NULL;
  fail_unless_equals_int (gst_pad_get_range (pad, 0, 100, &buffer1),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_buffer_get_size (buffer1), 100);
  buffer2 = NULL;
  fail_unless_equals_int (gst_pad_get_range (pad, 0, 50, &buffer2),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_buffer_get_size (buffer2), 50);
  fail_unless (gst_buffer_map (buffer1, &info1, GST_MAP_READ));
  fail_unless (gst_buffer_map (buffer2, &info2, GST_MAP_READ));
  fail_unless (memcmp (info1.data, info2.data, 50) == 0);
  assert_pattern (info1.data, 100, 0);
  gst_buffer_unmap (buffer2, &info2);
  gst_buffer_unref (buffer2);

  buffer2 = NULL;
  fail_unless_equals_int (gst_pad_get_range (pad, 50, 50, &buffer2),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_buffer_get_size (buffer2), 50);
  fail_unless (gst_buffer_map (buffer2, &info2, GST_MAP_READ));
  fail_unless (memcmp ((guint8 *) info1.data + 50, info2.data, 50) == 0);
  gst_buffer_unmap (buffer2, &info2);
  gst_buffer_unmap (buffer1, &info1);
  gst_buffer_unref (buffer1);
  gst_buffer_unref (buffer2);

#define PULL(off, len, expect_ret, expect_size) G_STMT_START {            \
    GstBuffer *b = NULL;                                                  \
    fail_unless_equals_int (gst_pad_get_range (pad, off, len, &b),        \
        expect_ret);                                                      \
    if (expect_ret == GST_FLOW_OK) {                                      \
      fail_unless (b != NULL);                                            \
      fail_unless_equals_int (gst_buffer_get_size (b), expect_size);     \
      fail_unless_equals_uint64 (GST_BUFFER_OFFSET (b), off);             \
      gst_buffer_unref (b);                                               \
    }                                                                     \
  } G_STMT_END

  /* at the end: exact, short, empty, EOS */
  PULL (stop - 10, 10, GST_FLOW_OK, 10);
  PULL (stop - 10, 20, GST_FLOW_OK, 10);
  PULL (stop - 1, 0, GST_FLOW_OK, 0);
  PULL (stop - 1, 10, GST_FLOW_OK, 1);
  PULL (stop, 0, GST_FLOW_EOS, 0);
  PULL (stop, 10, GST_FLOW_EOS, 0);
  PULL (stop + 10, 0, GST_FLOW_EOS, 0);
  PULL (stop + 10, 10, GST_FLOW_EOS, 0);
  /* an empty range inside the file */
  PULL (100, 0, GST_FLOW_OK, 0);
  PULL (0, 0, GST_FLOW_OK, 0);
#undef PULL

  fail_unless (gst_element_set_state (src,
          GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pad);
  cleanup_mmapsrc (src);
  g_free (path);
}

GST_START_TEST (test_pull)
{
  check_pull_ranges ("auto");
}

GST_END_TEST;

GST_START_TEST (test_pull_read_mode)
{
  check_pull_ranges ("read");
}

GST_END_TEST;

static void
expect_start_error (const gchar * location, const gchar * mode,
    GQuark domain, gint code)
{
  GstElement *src;
  GstBus *bus;
  GstMessage *message;
  GError *err = NULL;
  gchar *debug = NULL;

  src = setup_mmapsrc ();
  bus = gst_bus_new ();
  gst_element_set_bus (src, bus);

  g_object_set (src, "location", location, NULL);
  if (mode)
    gst_util_set_object_arg (G_OBJECT (src), "mode", mode);
  fail_unless (gst_element_set_state (src,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE,
      "could set to playing with location %s", location);

  /* a state change and an error */
  fail_if ((message = gst_bus_pop (bus)) == NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (message),
      GST_MESSAGE_STATE_CHANGED);
  gst_message_unref (message);
  fail_if ((message = gst_bus_pop (bus)) == NULL);
  fail_unless_equals_int (GST_MESSAGE_TYPE (message), GST_MESSAGE_ERROR);
  gst_message_parse_error (message, &err, &debug);
  fail_unless (err->domain == domain && err->code == code,
      "wrong error for %s: %s (%s)", location, err->message, debug);
  /* the message names the file */
  if (location && *location)
    fail_unless (strstr (err->message, location) != NULL
        || (debug && strstr (debug, location) != NULL),
        "error does not name %s: %s", location, err->message);
  g_error_free (err);
  g_free (debug);
  gst_message_unref (message);

  fail_unless (gst_element_set_state (src,
          GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);
  gst_element_set_bus (src, NULL);
  gst_object_unref (bus);
  cleanup_mmapsrc (src);
}

GST_START_TEST (test_coverage)
{
  GstElement *src;
  gchar *location;

  /* filesrc's coverage test: a missing file */
  expect_start_error ("/i/do/not/exist", NULL, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND);

  src = gst_element_factory_make ("mmapsrc", NULL);
  g_object_set (src, "location", "/i/do/not/exist", NULL);
  g_object_get (src, "location", &location, NULL);
  fail_unless_equals_string (location, "/i/do/not/exist");
  g_free (location);
  g_object_set (src, "location", NULL, NULL);
  g_object_get (src, "location", &location, NULL);
  fail_if (location);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_no_location)
{
  expect_start_error (NULL, NULL, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND);
  expect_start_error ("", NULL, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND);
}

GST_END_TEST;

GST_START_TEST (test_directory)
{
  expect_start_error (tmpdir, NULL, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ);
}

GST_END_TEST;

/* A file we may not read. Root may read anything, so the check runs in a
 * child that gives up root first. */
GST_START_TEST (test_no_permission)
{
  gchar *path = make_file ("secret.bin", 100);
  gint status;
  pid_t pid;

  fail_unless (chmod (path, 0) == 0);
  fail_unless (chmod (tmpdir, 0755) == 0);

  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
      _exit (10);
    if (access (path, R_OK) == 0)
      _exit (11);
    expect_start_error (path, NULL, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_OPEN_READ);
    _exit (0);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
  fail_unless (WIFEXITED (status), "child died (status %d)", status);
  fail_unless_equals_int (WEXITSTATUS (status), 0);

  g_free (path);
}

GST_END_TEST;

/* Sets @uri; the element must give back @expect_uri and @expect_location. */
static void
check_set_uri (GstElement * src, const gchar * uri, const gchar * expect_uri,
    const gchar * expect_location)
{
  gchar *s;

  fail_unless (gst_uri_handler_set_uri (GST_URI_HANDLER (src), uri, NULL));
  s = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
  fail_unless_equals_string (s, expect_uri);
  g_free (s);
  g_object_get (G_OBJECT (src), "location", &s, NULL);
  fail_unless_equals_string (s, expect_location);
  g_free (s);
}

GST_START_TEST (test_uri_interface)
{
  GstElement *src;
  gchar *location;
  GstBus *bus;
  GstPad *pad;
  gchar *path = make_file ("uri.bin", 1000);

  src = setup_mmapsrc ();
  bus = gst_bus_new ();
  gst_element_set_bus (src, bus);

  g_object_set (G_OBJECT (src), "location", NULL, NULL);
  g_object_get (G_OBJECT (src), "location", &location, NULL);
  fail_unless (location == NULL);

  g_object_set (G_OBJECT (src), "location", "/i/do/not/exist", NULL);
  g_object_get (G_OBJECT (src), "location", &location, NULL);
  fail_unless_equals_string (location, "/i/do/not/exist");
  g_free (location);

  location = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
  fail_unless_equals_string (location, "file:///i/do/not/exist");
  g_free (location);

  /* should accept file:///foo/bar and file://localhost/foo/bar URIs */
  check_set_uri (src, "file:///foo/bar", "file:///foo/bar", "/foo/bar");
  check_set_uri (src, "file://localhost/foo/baz", "file:///foo/baz",
      "/foo/baz");

  /* should escape non-uri characters for the URI but not for the location */
  g_object_set (G_OBJECT (src), "location", "/foo/b?r", NULL);
  g_object_get (G_OBJECT (src), "location", &location, NULL);
  fail_unless_equals_string (location, "/foo/b?r");
  g_free (location);
  location = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
  fail_unless_equals_string (location, "file:///foo/b%3Fr");
  g_free (location);

  /* should fail with other hostnames */
  fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
          "file://hostname/foo/foo", NULL));

  g_object_set (G_OBJECT (src), "location", path, NULL);

  pad = gst_element_get_static_pad (src, "src");
  fail_unless (pad != NULL);
  fail_unless (gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, TRUE));
  gst_object_unref (pad);

  fail_unless (gst_element_set_state (src,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_SUCCESS);

  /* filesrc g_warning()s here; mmapsrc refuses, logs, and keeps the file */
  g_object_set (G_OBJECT (src), "location", "/wrong", NULL);
  g_object_get (G_OBJECT (src), "location", &location, NULL);
  fail_unless_equals_string (location, path);
  g_free (location);
  {
    GError *err = NULL;

    fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
            "file:///wrong", &err));
    fail_unless (g_error_matches (err, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE));
    g_error_free (err);
  }

  fail_unless (gst_element_set_state (src,
          GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);

  gst_element_set_bus (src, NULL);
  gst_object_unref (GST_OBJECT (bus));
  cleanup_mmapsrc (src);
  g_free (path);
}

GST_END_TEST;

static void
check_uri_for_location (GstElement * e, const gchar * location,
    const gchar * uri)
{
  GstQuery *query;
  gchar *query_uri = NULL;

  g_object_set (e, "location", location, NULL);
  query = gst_query_new_uri ();
  fail_unless (gst_element_query (e, query));
  gst_query_parse_uri (query, &query_uri);
  gst_query_unref (query);

  if (uri != NULL) {
    fail_unless_equals_string (query_uri, uri);
  } else {
    gchar *fn;

    fail_unless (gst_uri_is_valid (query_uri));
    fn = g_filename_from_uri (query_uri, NULL, NULL);
    fail_unless (fn != NULL);
    fail_unless (g_path_is_absolute (fn));
    g_free (fn);
  }

  g_free (query_uri);
}

GST_START_TEST (test_uri_query)
{
  GstElement *src;

  src = setup_mmapsrc ();

  check_uri_for_location (src, "/i/do/not/exist", "file:///i/do/not/exist");
  check_uri_for_location (src, "/i/do/not/../exist", "file:///i/do/exist");
  check_uri_for_location (src, "/i/do/not/.././exist", "file:///i/do/exist");
  check_uri_for_location (src, "/i/./do/not/../exist", "file:///i/do/exist");
  check_uri_for_location (src, "/i/do/./not/../exist", "file:///i/do/exist");
  check_uri_for_location (src, "/i/do/not/./../exist", "file:///i/do/exist");
  check_uri_for_location (src, "/i/./do/./././././exist", "file:///i/do/exist");
  check_uri_for_location (src, "/i/do/not/../../exist", "file:///i/exist");
  check_uri_for_location (src, "/i/../not/../exist", "file:///exist");
  /* hard to test relative URIs, just make sure it returns an URI of sorts */
  check_uri_for_location (src, "foo", NULL);
  check_uri_for_location (src, "foo/../bar", NULL);
  check_uri_for_location (src, "./foo", NULL);
  check_uri_for_location (src, "../foo", NULL);
  check_uri_for_location (src, "foo/./bar", NULL);
  /* make sure non-ASCII characters are escaped properly (U+00F6 here) */
  check_uri_for_location (src, "/i/./d\303\266/not/../exist",
      "file:///i/d%C3%B6/exist");
  /* let's see what happens if we set a malformed URI with ISO-8859-1 chars,
   * i.e. one that the input characters haven't been escaped properly. We
   * should get back a properly escaped URI */
  check_uri_for_location (src, "/i/./d\366/not/../exist",
      "file:///i/d%F6/exist");

  cleanup_mmapsrc (src);
}

GST_END_TEST;

/* mmapsrc has rank none: URIs go to filesrc unless the user opts in. */
GST_START_TEST (test_uri_rank)
{
  GstElementFactory *factory;
  GstElement *e;

  factory = gst_element_factory_find ("mmapsrc");
  fail_unless (factory != NULL);
  fail_unless_equals_int (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE
          (factory)), GST_RANK_NONE);

  e = gst_element_make_from_uri (GST_URI_SRC, "file:///tmp/x.mp4", NULL, NULL);
  fail_unless (e != NULL);
  fail_unless_equals_string (GST_OBJECT_NAME (gst_element_get_factory (e)),
      "filesrc");
  gst_object_unref (e);

  gst_plugin_feature_set_rank (GST_PLUGIN_FEATURE (factory),
      GST_RANK_PRIMARY + 1);
  e = gst_element_make_from_uri (GST_URI_SRC, "file:///tmp/x.mp4", NULL, NULL);
  fail_unless (e != NULL);
  fail_unless_equals_string (GST_OBJECT_NAME (gst_element_get_factory (e)),
      "mmapsrc");
  gst_object_unref (e);

  gst_plugin_feature_set_rank (GST_PLUGIN_FEATURE (factory), GST_RANK_NONE);
  gst_object_unref (factory);
}

GST_END_TEST;

/* --- output and memory -------------------------------------------------- */

static void
check_push_identical (gsize size, guint blocksize, const gchar * mode)
{
  gchar *path = make_file ("push.bin", size);
  GstHarness *h = harness_for (path);
  GByteArray *out;
  guint n;

  g_object_set (h->element, "blocksize", blocksize, NULL);
  gst_util_set_object_arg (G_OBJECT (h->element), "mode", mode);
  gst_harness_play (h);

  out = pull_all (h, &n);
  fail_unless_equals_uint64 (out->len, size);
  assert_pattern (out->data, out->len, 0);
  fail_unless_equals_int (n, (size + blocksize - 1) / blocksize);

  g_byte_array_unref (out);
  gst_harness_teardown (h);
  g_free (path);
}

GST_START_TEST (test_push_identical)
{
  const gchar *modes[] = { "auto", "mmap", "read" };
  gint i;

  for (i = 0; i < G_N_ELEMENTS (modes); i++) {
    check_push_identical (1, 4096, modes[i]);
    check_push_identical (4096, 4096, modes[i]);
    check_push_identical (3 * 1024 * 1024 + 7, 1024 * 1024, modes[i]);
    check_push_identical (1024 * 1024 + 13, 4096 + 13, modes[i]);
    check_push_identical (100000, 1, modes[i]);
  }
}

GST_END_TEST;

/* Push mode with windows much smaller than the file: every window must
 * cover the block that is cut out of it, so the output is the file byte for
 * byte, whether the blocks divide the window or straddle window boundaries,
 * and no window is much larger than window-size (or the block) asks. */
static void
check_push_windows (gsize size, guint64 window_size, guint blocksize)
{
  gchar *path = make_file ("windows.bin", size);
  GstHarness *h = harness_for (path);
  GByteArray *out = g_byte_array_new ();
  GstBuffer *buf;
  guint n = 0;

  g_object_set (h->element, "blocksize", blocksize, "window-size",
      window_size, NULL);
  gst_harness_play (h);

  while (gst_harness_pull_until_eos (h, &buf) && buf) {
    GstMemory *mem;
    GstMapInfo info;

    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), out->len);
    fail_unless_equals_int (gst_buffer_n_memory (buf), 1);
    mem = gst_buffer_peek_memory (buf, 0);
    fail_unless (gst_memory_is_type (mem, "MmapMemory"));
    fail_unless (mem->maxsize <= window_size + blocksize + 4096,
        "window of %" G_GSIZE_FORMAT " bytes for window-size %"
        G_GUINT64_FORMAT " and blocksize %u", mem->maxsize, window_size,
        blocksize);
    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    g_byte_array_append (out, info.data, info.size);
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
    n++;
  }
  fail_unless_equals_uint64 (out->len, size);
  assert_pattern (out->data, out->len, 0);
  fail_unless_equals_int (n, (size + blocksize - 1) / blocksize);

  g_byte_array_unref (out);
  gst_harness_teardown (h);
  g_free (path);
}

GST_START_TEST (test_push_small_windows)
{
  const gsize size = 3 * 1024 * 1024 + 7;
  const guint64 window = 64 * 1024;

  /* blocks that divide the window */
  check_push_windows (size, window, 4096);
  check_push_windows (size, window, window);
  /* blocks that straddle window boundaries */
  check_push_windows (size, window, 1000);
  check_push_windows (size, window, window + 13);
  check_push_windows (size, window, 100000);
  /* blocks larger than a window */
  check_push_windows (size, window, 1024 * 1024);
  /* the smallest window the property allows */
  check_push_windows (300000, 1, 4096 + 13);
}

GST_END_TEST;

/* A byte seek with start and stop in push mode gives exactly that range. */
GST_START_TEST (test_seek_push)
{
  const gchar *modes[] = { "auto", "read" };
  gchar *path = make_file ("seekpush.bin", 3 * 1024 * 1024);
  gint m;

  for (m = 0; m < G_N_ELEMENTS (modes); m++) {
    GstHarness *h = harness_for (path);
    GstBuffer *buf;
    guint64 expect = 1000001, stop = 2500003;

    gst_util_set_object_arg (G_OBJECT (h->element), "mode", modes[m]);
    g_object_set (h->element, "blocksize", 65536, NULL);
    fail_unless (gst_element_set_state (h->element,
            GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
    fail_unless (gst_element_seek (h->element, 1.0, GST_FORMAT_BYTES,
            GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, expect, GST_SEEK_TYPE_SET,
            stop));
    gst_harness_play (h);

    while (gst_harness_pull_until_eos (h, &buf) && buf) {
      GstMapInfo info;

      fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), expect);
      fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
      assert_pattern (info.data, info.size, expect);
      expect += info.size;
      gst_buffer_unmap (buf, &info);
      gst_buffer_unref (buf);
    }
    fail_unless_equals_uint64 (expect, stop);
    gst_harness_teardown (h);
  }
  g_free (path);
}

GST_END_TEST;

/* Random ranges in pull mode give the file's bytes. */
GST_START_TEST (test_pull_identical)
{
  const gsize size = 2 * 1024 * 1024 + 333;
  gchar *path = make_file ("pullid.bin", size);
  GstElement *src;
  GstPad *pad;
  GRand *rand = g_rand_new_with_seed (1234);
  gint i;

  src = setup_mmapsrc ();
  g_object_set (src, "location", path, NULL);
  fail_unless (gst_element_set_state (src,
          GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  pad = gst_element_get_static_pad (src, "src");
  fail_unless (gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, TRUE));
  fail_unless (gst_element_set_state (src,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_SUCCESS);

  for (i = 0; i < 500; i++) {
    guint64 off = g_rand_int_range (rand, 0, size);
    guint len = g_rand_int_range (rand, 0, 300000);
    GstBuffer *buf = NULL;
    GstMapInfo info;

    fail_unless_equals_int (gst_pad_get_range (pad, off, len, &buf),
        GST_FLOW_OK);
    fail_unless_equals_int (gst_buffer_get_size (buf), MIN (len, size - off));
    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    assert_pattern (info.data, info.size, off);
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
  }

  /* a buffer provided by the caller is filled */
  {
    GstBuffer *buf = gst_buffer_new_allocate (NULL, 1000, NULL);
    GstBuffer *in = buf;
    GstMapInfo info;

    fail_unless_equals_int (gst_pad_get_range (pad, 5000, 1000, &buf),
        GST_FLOW_OK);
    fail_unless (buf == in);
    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    assert_pattern (info.data, 1000, 5000);
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
  }

  fail_unless (gst_element_set_state (src,
          GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pad);
  cleanup_mmapsrc (src);
  g_rand_free (rand);
  g_free (path);
}

GST_END_TEST;

typedef struct
{
  guintptr start, end;
} Range;

/* The ranges of this process's address space that map @path. */
static GArray *
file_mappings (const gchar * path)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  gchar *maps = NULL, **lines, **l;
  gchar *real = realpath (path, NULL);

  fail_unless (real != NULL);
  fail_unless (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  for (l = lines; *l; l++) {
    Range r;
    gchar *name = strchr (*l, '/');

    if (name && strcmp (name, real) == 0
        && sscanf (*l, "%" G_GINTPTR_MODIFIER "x-%" G_GINTPTR_MODIFIER "x",
            &r.start, &r.end) == 2)
      g_array_append_val (ranges, r);
  }
  g_strfreev (lines);
  g_free (maps);
  free (real);

  return ranges;
}

/* Every pushed buffer points into the file's mapping: no copy anywhere. */
GST_START_TEST (test_zero_copy)
{
  const gsize size = 5 * 1024 * 1024 + 1000;
  gchar *path = make_file ("zerocopy.bin", size);
  GstHarness *h = harness_for (path);
  GPtrArray *buffers = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_buffer_unref);
  GArray *ranges;
  GstBuffer *buf;
  gboolean mapped;
  const guint8 *first = NULL;
  guint64 total = 0;
  gint i, j;

  /* mode=auto may read a file held in 4 KiB pages (mmapsrc_auto.c) */
  gst_util_set_object_arg (G_OBJECT (h->element), "mode", "mmap");
  g_object_set (h->element, "blocksize", 256 * 1024, NULL);
  gst_harness_play (h);
  g_object_get (h->element, "mapped", &mapped, NULL);
  fail_unless (mapped);

  while (gst_harness_pull_until_eos (h, &buf) && buf)
    g_ptr_array_add (buffers, buf);
  fail_unless_equals_int (buffers->len, (size + 256 * 1024 - 1) / (256 * 1024));

  ranges = file_mappings (path);
  fail_unless (ranges->len > 0, "the file is not mapped");

  for (i = 0; i < buffers->len; i++) {
    GstMemory *mem;
    GstMapInfo info;
    gboolean inside = FALSE;

    buf = g_ptr_array_index (buffers, i);
    fail_unless_equals_int (gst_buffer_n_memory (buf), 1);
    mem = gst_buffer_peek_memory (buf, 0);
    fail_unless (gst_memory_is_type (mem, "MmapMemory"));
    fail_unless (GST_MEMORY_IS_READONLY (mem));

    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    for (j = 0; j < ranges->len; j++) {
      Range *r = &g_array_index (ranges, Range, j);

      if ((guintptr) info.data >= r->start
          && (guintptr) info.data + info.size <= r->end)
        inside = TRUE;
    }
    fail_unless (inside, "buffer %d at %p is not inside the file mapping", i,
        info.data);
    /* one mapping, in file order */
    if (first == NULL)
      first = info.data;
    fail_unless (info.data == first + total);
    total += info.size;
    gst_buffer_unmap (buf, &info);
  }
  fail_unless_equals_uint64 (total, size);

  /* two neighbouring buffers merge without a copy (is_span) */
  {
    GstBuffer *both =
        gst_buffer_append (gst_buffer_ref (g_ptr_array_index (buffers, 1)),
        gst_buffer_ref (g_ptr_array_index (buffers, 2)));
    GstMapInfo info;

    fail_unless (gst_buffer_map (both, &info, GST_MAP_READ));
    fail_unless (info.data == first + 256 * 1024);
    assert_pattern (info.data, info.size, 256 * 1024);
    gst_buffer_unmap (both, &info);
    gst_buffer_unref (both);
  }

  g_array_unref (ranges);
  g_ptr_array_unref (buffers);
  gst_harness_teardown (h);

  /* once the buffers are gone, so is the mapping */
  ranges = file_mappings (path);
  fail_unless_equals_int (ranges->len, 0);
  g_array_unref (ranges);
  g_free (path);
}

GST_END_TEST;

/* Far more live buffers than a memory can count shares (65535): each
 * still maps the right byte, and no lock count overflows (a critical would
 * fail the test). */
GST_START_TEST (test_many_live_buffers)
{
  const gsize size = 100000;
  gchar *path = make_file ("many.bin", size);
  GstHarness *h = harness_for (path);
  GPtrArray *buffers = g_ptr_array_new_with_free_func (
      (GDestroyNotify) gst_buffer_unref);
  GstBuffer *buf;
  gint i;

  g_object_set (h->element, "blocksize", 1, NULL);
  gst_harness_play (h);
  while (gst_harness_pull_until_eos (h, &buf) && buf)
    g_ptr_array_add (buffers, buf);
  fail_unless_equals_int (buffers->len, size);

  for (i = 0; i < buffers->len; i++) {
    GstMapInfo info;

    buf = g_ptr_array_index (buffers, i);
    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    fail_unless_equals_int (info.size, 1);
    fail_unless_equals_int (info.data[0], reuse_test_pattern (i));
    gst_buffer_unmap (buf, &info);
  }

  g_ptr_array_unref (buffers);
  gst_harness_teardown (h);
  g_free (path);
}

GST_END_TEST;

/* A buffer stays valid after its element and pipeline are gone. */
GST_START_TEST (test_buffer_outlives_element)
{
  gchar *path = make_file ("outlive.bin", 300000);
  GstHarness *h = harness_for (path);
  GstBuffer *keep[3];
  GstBuffer *buf;
  GstMapInfo info;
  gint i;

  g_object_set (h->element, "blocksize", 100000, NULL);
  gst_harness_play (h);
  for (i = 0; i < 3; i++) {
    keep[i] = gst_harness_pull (h);
    fail_unless (keep[i] != NULL);
  }
  fail_unless (gst_harness_pull_until_eos (h, &buf));
  fail_unless (buf == NULL);
  gst_harness_teardown (h);

  /* the file is gone too */
  fail_unless (g_unlink (path) == 0);

  for (i = 0; i < 3; i++) {
    fail_unless (gst_buffer_map (keep[i], &info, GST_MAP_READ));
    fail_unless_equals_int (info.size, 100000);
    assert_pattern (info.data, info.size, i * 100000);
    gst_buffer_unmap (keep[i], &info);
    gst_buffer_unref (keep[i]);
  }
  g_free (path);
}

GST_END_TEST;

/* Writers get a copy; the file is never modified. */
GST_START_TEST (test_write_gets_copy)
{
  gchar *path = make_file ("write.bin", 8192);
  GstHarness *h = harness_for (path);
  GstBuffer *buf, *sub;
  GstMapInfo rinfo, winfo;
  gchar *contents;
  gsize len;

  gst_harness_play (h);
  buf = gst_harness_pull (h);
  fail_unless (buf != NULL);

  fail_unless (gst_buffer_map (buf, &rinfo, GST_MAP_READ));
  sub = gst_buffer_copy_region (buf, GST_BUFFER_COPY_ALL, 10, 100);
  buf = gst_buffer_make_writable (buf);
  fail_unless (gst_buffer_map (buf, &winfo, GST_MAP_WRITE));
  fail_if (winfo.data == rinfo.data, "write map did not copy");
  assert_pattern (winfo.data, winfo.size, 0);
  memset (winfo.data, 0xAA, winfo.size);
  gst_buffer_unmap (buf, &winfo);

  /* the mapping and the file still hold the original bytes */
  assert_pattern (rinfo.data, 8192, 0);
  gst_buffer_unmap (buf, &rinfo);
  fail_unless (gst_buffer_map (sub, &rinfo, GST_MAP_READ));
  assert_pattern (rinfo.data, 100, 10);
  gst_buffer_unmap (sub, &rinfo);
  fail_unless (g_file_get_contents (path, &contents, &len, NULL));
  fail_unless_equals_int (len, 8192);
  assert_pattern ((guint8 *) contents, len, 0);
  g_free (contents);

  gst_buffer_unref (sub);
  gst_buffer_unref (buf);
  gst_harness_teardown (h);
  g_free (path);
}

GST_END_TEST;

static GstPadProbeReturn
append_on_first_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  const gchar *path = data;
  guint8 more[50000];
  gint fd, i;

  for (i = 0; i < sizeof (more); i++)
    more[i] = reuse_test_pattern (100000 + i);
  fd = open (path, O_WRONLY | O_APPEND);
  fail_unless (fd >= 0);
  fail_unless (write (fd, more, sizeof (more)) == sizeof (more));
  close (fd);

  return GST_PAD_PROBE_REMOVE;
}

/* A file that grows while it is read is followed, as filesrc does. */
GST_START_TEST (test_growing_file)
{
  const gchar *modes[] = { "auto", "read" };
  gint m;

  for (m = 0; m < G_N_ELEMENTS (modes); m++) {
    gchar *path = make_file ("grow.bin", 100000);
    GstHarness *h = harness_for (path);
    GstPad *pad = gst_element_get_static_pad (h->element, "src");
    GByteArray *out;

    gst_util_set_object_arg (G_OBJECT (h->element), "mode", modes[m]);
    g_object_set (h->element, "blocksize", 30000, NULL);
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, append_on_first_buffer,
        path, NULL);
    gst_object_unref (pad);
    gst_harness_play (h);

    out = pull_all (h, NULL);
    fail_unless_equals_int (out->len, 150000);
    assert_pattern (out->data, out->len, 0);

    g_byte_array_unref (out);
    gst_harness_teardown (h);
    g_free (path);
  }
}

GST_END_TEST;

/* --- files that cannot be mapped ------------------------------------------ */

GST_START_TEST (test_empty_file)
{
  gchar *path = make_file ("empty.bin", 0);
  GstHarness *h = harness_for (path);
  GByteArray *out;
  guint n;

  gst_harness_play (h);
  out = pull_all (h, &n);
  fail_unless_equals_int (n, 0);
  fail_unless_equals_int (out->len, 0);
  g_byte_array_unref (out);
  gst_harness_teardown (h);

  /* mode=mmap refuses */
  expect_start_error (path, "mmap", GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ);
  g_free (path);
}

GST_END_TEST;

/* /proc files say their size is 0: they are read as streams */
GST_START_TEST (test_proc_file)
{
  GstHarness *h = harness_for ("/proc/version");
  GByteArray *out;
  gchar *expected;
  gsize len;
  gboolean mapped;
  GstQuery *query;
  gboolean seekable;

  fail_unless (g_file_get_contents ("/proc/version", &expected, &len, NULL));
  fail_unless (len > 0);

  gst_harness_play (h);
  g_object_get (h->element, "mapped", &mapped, NULL);
  fail_if (mapped);
  query = gst_query_new_seeking (GST_FORMAT_BYTES);
  fail_unless (gst_element_query (h->element, query));
  gst_query_parse_seeking (query, NULL, &seekable, NULL, NULL);
  fail_if (seekable);
  gst_query_unref (query);

  out = pull_all (h, NULL);
  fail_unless_equals_int (out->len, len);
  fail_unless (memcmp (out->data, expected, len) == 0);

  g_byte_array_unref (out);
  g_free (expected);
  gst_harness_teardown (h);

  expect_start_error ("/proc/version", "mmap", GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ);
}

GST_END_TEST;

GST_START_TEST (test_char_device)
{
  GstHarness *h = harness_for ("/dev/zero");
  GstBuffer *buf;
  GstMapInfo info;
  gint n = 0, i;

  g_object_set (h->element, "num-buffers", 3, "blocksize", 1000, NULL);
  gst_harness_play (h);
  while (gst_harness_pull_until_eos (h, &buf) && buf) {
    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    fail_unless_equals_int (info.size, 1000);
    for (i = 0; i < info.size; i++)
      fail_unless_equals_int (info.data[i], 0);
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
    n++;
  }
  fail_unless_equals_int (n, 3);
  gst_harness_teardown (h);
}

GST_END_TEST;

static gpointer
fifo_writer (gpointer data)
{
  const gchar *path = data;
  guint8 chunk[10000];
  gint fd, i, k;

  fd = open (path, O_WRONLY);
  fail_unless (fd >= 0);
  for (k = 0; k < 100; k++) {
    for (i = 0; i < sizeof (chunk); i++)
      chunk[i] = reuse_test_pattern (k * sizeof (chunk) + i);
    fail_unless (write (fd, chunk, sizeof (chunk)) == sizeof (chunk));
  }
  close (fd);

  return NULL;
}

GST_START_TEST (test_fifo)
{
  gchar *path = g_build_filename (tmpdir, "fifo", NULL);
  GstHarness *h;
  GThread *writer;
  GByteArray *out;
  gboolean mapped;

  fail_unless (mkfifo (path, 0600) == 0);
  h = harness_for (path);
  gst_harness_play (h);
  g_object_get (h->element, "mapped", &mapped, NULL);
  fail_if (mapped);

  /* the writer comes after the source started: no early EOS */
  g_usleep (G_USEC_PER_SEC / 10);
  writer = g_thread_new ("writer", fifo_writer, path);

  out = pull_all (h, NULL);
  fail_unless_equals_int (out->len, 1000000);
  assert_pattern (out->data, out->len, 0);

  g_thread_join (writer);
  g_byte_array_unref (out);
  gst_harness_teardown (h);
  g_free (path);
}

GST_END_TEST;

/* A FIFO that nobody writes to must not block the state change. */
GST_START_TEST (test_fifo_unlock)
{
  gchar *path = g_build_filename (tmpdir, "fifo", NULL);
  GstElement *pipeline, *src;

  fail_unless (mkfifo (path, 0600) == 0);
  pipeline = gst_parse_launch ("mmapsrc name=src ! fakesink", NULL);
  fail_unless (pipeline != NULL);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_object_set (src, "location", path, NULL);
  gst_object_unref (src);

  fail_unless (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_ASYNC);
  g_usleep (G_USEC_PER_SEC / 10);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipeline);
  g_free (path);
}

GST_END_TEST;

/* The SIGBUS handler is there only while mapped windows exist. */
GST_START_TEST (test_sigbus_handler_lifetime)
{
  gchar *path = make_file ("handler.bin", 100000);
  struct sigaction initial, now;
  GstHarness *h;
  GstBuffer *buf;

  fail_unless (sigaction (SIGBUS, NULL, &initial) == 0);

  h = harness_for (path);
  gst_harness_play (h);
  fail_unless (sigaction (SIGBUS, NULL, &now) == 0);
  fail_unless (now.sa_sigaction != initial.sa_sigaction,
      "no SIGBUS handler while mapped");
  buf = gst_harness_pull (h);
  gst_harness_teardown (h);

  /* a buffer still holds the mapping, so the handler stays */
  fail_unless (sigaction (SIGBUS, NULL, &now) == 0);
  fail_unless (now.sa_sigaction != initial.sa_sigaction);
  gst_buffer_unref (buf);

  fail_unless (sigaction (SIGBUS, NULL, &now) == 0);
  fail_unless (now.sa_sigaction == initial.sa_sigaction,
      "SIGBUS handler left behind");
  fail_unless ((now.sa_flags & SA_SIGINFO) == (initial.sa_flags & SA_SIGINFO));

  /* handle-sigbus=false never installs it */
  h = harness_for (path);
  g_object_set (h->element, "handle-sigbus", FALSE, NULL);
  gst_harness_play (h);
  fail_unless (sigaction (SIGBUS, NULL, &now) == 0);
  fail_unless (now.sa_sigaction == initial.sa_sigaction);
  gst_harness_teardown (h);

  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_properties)
{
  GstElement *src = gst_element_factory_make ("mmapsrc", NULL);
  guint blocksize;
  guint64 readahead;
  gboolean prefault, handle_sigbus, mapped;
  gchar *mode, *advice;

  g_object_get (src, "blocksize", &blocksize, "readahead", &readahead,
      "prefault", &prefault, "handle-sigbus", &handle_sigbus, "mapped",
      &mapped, NULL);
  fail_unless_equals_int (blocksize, 1024 * 1024);
  fail_unless_equals_uint64 (readahead, 0);
  fail_unless (prefault);
  fail_unless (handle_sigbus);
  fail_if (mapped);

  gst_util_set_object_arg (G_OBJECT (src), "mode", "read");
  gst_util_set_object_arg (G_OBJECT (src), "advice", "random");
  {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, g_type_from_name ("GstMmapSrcMode"));
    g_object_get_property (G_OBJECT (src), "mode", &v);
    mode = gst_value_serialize (&v);
    g_value_unset (&v);
    g_value_init (&v, g_type_from_name ("GstMmapSrcAdvice"));
    g_object_get_property (G_OBJECT (src), "advice", &v);
    advice = gst_value_serialize (&v);
    g_value_unset (&v);
  }
  fail_unless_equals_string (mode, "read");
  fail_unless_equals_string (advice, "random");
  g_free (mode);
  g_free (advice);

  gst_object_unref (src);
}

GST_END_TEST;

/* Read-ahead and advice settings change nothing in the output. */
GST_START_TEST (test_advice_and_readahead)
{
  const gchar *advices[] = { "auto", "normal", "sequential", "random" };
  gsize size = 3 * 1024 * 1024 + 5;
  gchar *path = make_file ("advice.bin", size);
  gint i;

  for (i = 0; i < G_N_ELEMENTS (advices); i++) {
    GstHarness *h = harness_for (path);
    GByteArray *out;

    gst_util_set_object_arg (G_OBJECT (h->element), "advice", advices[i]);
    g_object_set (h->element, "readahead", (guint64) (i * 1024 * 1024),
        "prefault", i % 2 == 0, "blocksize", 300000, NULL);
    gst_harness_play (h);
    out = pull_all (h, NULL);
    fail_unless_equals_int (out->len, size);
    assert_pattern (out->data, out->len, 0);
    g_byte_array_unref (out);
    gst_harness_teardown (h);
  }
  g_free (path);
}

GST_END_TEST;

static Suite *
mmapsrc_suite (void)
{
  Suite *s = suite_create ("mmapsrc");
  TCase *tc = tcase_create ("filesrc");
  TCase *tc2 = tcase_create ("mmapsrc");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_seeking);
  tcase_add_test (tc, test_reverse);
  tcase_add_test (tc, test_pull);
  tcase_add_test (tc, test_pull_read_mode);
  tcase_add_test (tc, test_coverage);
  tcase_add_test (tc, test_uri_interface);
  tcase_add_test (tc, test_uri_query);

  suite_add_tcase (s, tc2);
  tcase_add_checked_fixture (tc2, setup, teardown);
  tcase_add_test (tc2, test_no_location);
  tcase_add_test (tc2, test_directory);
  tcase_add_test (tc2, test_no_permission);
  tcase_add_test (tc2, test_uri_rank);
  tcase_add_test (tc2, test_push_identical);
  tcase_add_test (tc2, test_push_small_windows);
  tcase_add_test (tc2, test_seek_push);
  tcase_add_test (tc2, test_pull_identical);
  tcase_add_test (tc2, test_zero_copy);
  tcase_add_test (tc2, test_many_live_buffers);
  tcase_add_test (tc2, test_buffer_outlives_element);
  tcase_add_test (tc2, test_write_gets_copy);
  tcase_add_test (tc2, test_growing_file);
  tcase_add_test (tc2, test_empty_file);
  tcase_add_test (tc2, test_proc_file);
  tcase_add_test (tc2, test_char_device);
  tcase_add_test (tc2, test_fifo);
  tcase_add_test (tc2, test_fifo_unlock);
  tcase_add_test (tc2, test_sigbus_handler_lifetime);
  tcase_add_test (tc2, test_properties);
  tcase_add_test (tc2, test_advice_and_readahead);

  return s;
}

GST_CHECK_MAIN (mmapsrc);
