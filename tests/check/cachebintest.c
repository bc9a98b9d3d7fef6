/* gst-reuse: helpers shared by the cachebin element tests
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

#include <gst/check/gstcheck.h>

#include "cachebintest.h"
#include "reusetest.h"

#include <string.h>

gchar *cachebin_test_tmpdir;
gchar *cachebin_test_cachedir;

/* The checked fixture of the cachebin tests: a temporary directory, and
 * the cache directory's name in it. */
void
cachebin_test_setup (void)
{
  cachebin_test_tmpdir = g_dir_make_tmp ("cachebin-test-XXXXXX", NULL);
  fail_unless (cachebin_test_tmpdir != NULL);
  cachebin_test_cachedir = g_build_filename (cachebin_test_tmpdir, "cache",
      NULL);
}

void
cachebin_test_teardown (void)
{
  reuse_test_remove_tree (cachebin_test_tmpdir);
  g_clear_pointer (&cachebin_test_tmpdir, g_free);
  g_clear_pointer (&cachebin_test_cachedir, g_free);
}

/* @name in the temporary directory */
gchar *
cachebin_test_path (const gchar * name)
{
  return g_build_filename (cachebin_test_tmpdir, name, NULL);
}

void
cachebin_test_run_clear (CacheBinTestRun * r)
{
  if (r->result)
    gst_structure_free (r->result);
  g_clear_error (&r->error);
  g_free (r->warnings);
  memset (r, 0, sizeof (*r));
}

static void
on_deep_element_added (GstBin * pipeline, GstBin * sub, GstElement * e,
    CacheBinTestRun * r)
{
  /* anything added below the cachebin (the chain and its elements) */
  GstObject *p = GST_OBJECT (sub);

  while (p && !GST_IS_PIPELINE (p)) {
    if (g_str_has_prefix (GST_OBJECT_NAME (p), "cache"))
      g_atomic_int_inc (&r->chain_elements_added);
    p = GST_OBJECT_PARENT (p);
  }
}

static GstPadProbeReturn
count_upstream (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  CacheBinTestRun *r = data;

  if (GST_PAD_PROBE_INFO_TYPE (info) & (GST_PAD_PROBE_TYPE_BUFFER |
          GST_PAD_PROBE_TYPE_BUFFER_LIST))
    g_atomic_int_inc (&r->upstream_buffers);
  return GST_PAD_PROBE_OK;
}

/* runs @desc (a launch line, with a cachebin named "cache"; the buffers
 * out of a source named "src" are counted) to its end */
void
cachebin_test_run_line (const gchar * desc, CacheBinTestRun * r)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  GstElement *src;
  GstBus *bus;
  gboolean done = FALSE;

  memset (r, 0, sizeof (*r));
  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "?");
  g_signal_connect (pipeline, "deep-element-added",
      G_CALLBACK (on_deep_element_added), r);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  if (src) {
    GstPad *pad = gst_element_get_static_pad (src, "src");

    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
        GST_PAD_PROBE_TYPE_BUFFER_LIST | GST_PAD_PROBE_TYPE_SCHEDULING,
        count_upstream, r, NULL);
    gst_object_unref (pad);
    gst_object_unref (src);
  }

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (!done) {
    GstMessage *msg = gst_bus_timed_pop (bus, 120 * GST_SECOND);

    fail_unless (msg != NULL, "%s: no end after 120 s", desc);
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_EOS:
        r->eos = TRUE;
        done = TRUE;
        break;
      case GST_MESSAGE_ERROR:
        gst_message_parse_error (msg, &r->error, NULL);
        done = TRUE;
        break;
      case GST_MESSAGE_WARNING:{
        GError *w = NULL;
        gchar *all;

        gst_message_parse_warning (msg, &w, NULL);
        r->n_warnings++;
        all = g_strconcat (r->warnings ? r->warnings : "", w->message, "\n",
            NULL);
        g_free (r->warnings);
        r->warnings = all;
        g_error_free (w);
        break;
      }
      case GST_MESSAGE_ELEMENT:
        if (gst_message_has_name (msg, "cachebin")) {
          if (r->result)
            gst_structure_free (r->result);
          r->result = gst_structure_copy (gst_message_get_structure (msg));
          r->n_results++;
        }
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

/* the result the run's last cachebin message gives */
const gchar *
cachebin_test_result_of (CacheBinTestRun * r)
{
  fail_unless (r->result != NULL, "no cachebin message");
  return gst_structure_get_string (r->result, "result");
}

/* the files @a and @b are not empty and hold the same bytes */
void
cachebin_test_assert_same_file (const gchar * a, const gchar * b)
{
  gchar *da, *db;
  gsize la, lb;

  fail_unless (g_file_get_contents (a, &da, &la, NULL), "%s", a);
  fail_unless (g_file_get_contents (b, &db, &lb, NULL), "%s", b);
  fail_unless (la > 0, "%s is empty", a);
  fail_unless_equals_uint64 (la, lb);
  fail_unless (memcmp (da, db, la) == 0, "%s and %s differ", a, b);
  g_free (da);
  g_free (db);
}

/* a file of @size pattern bytes */
gchar *
cachebin_test_make_bytes (const gchar * name, gsize size)
{
  gchar *path = cachebin_test_path (name);
  guint8 *data = g_malloc (size);
  gsize i;

  for (i = 0; i < size; i++)
    data[i] = reuse_test_pattern (i);
  fail_unless (g_file_set_contents (path, (gchar *) data, size, NULL));
  g_free (data);
  return path;
}

/* a file of @size bytes of reuse_test_noise() from @seed */
gchar *
cachebin_test_make_noise (const gchar * name, gsize size, guint32 seed)
{
  gchar *path = cachebin_test_path (name);
  guint8 *data = reuse_test_noise (size, seed);

  fail_unless (g_file_set_contents (path, (gchar *) data, size, NULL));
  g_free (data);
  return path;
}

/* a file made by the launch line @line (with OUT for its location) */
gchar *
cachebin_test_make_with (const gchar * name, const gchar * line)
{
  gchar *path = cachebin_test_path (name);
  gchar **parts = g_strsplit (line, "OUT", 2);
  gchar *desc = g_strjoin (path, parts[0], parts[1], NULL);
  CacheBinTestRun r;

  g_strfreev (parts);
  cachebin_test_run_line (desc, &r);
  fail_unless (r.eos, "could not make %s: %s", name,
      r.error ? r.error->message : "?");
  cachebin_test_run_clear (&r);
  g_free (desc);
  return path;
}

/* the paths of what is below @sub of the cache: its files, and what its
 * directories hold */
GPtrArray *
cachebin_test_list_files (const gchar * sub)
{
  gchar *top = g_build_filename (cachebin_test_cachedir, sub, NULL);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (top, 0, NULL);
  const gchar *name;

  while (d && (name = g_dir_read_name (d))) {
    gchar *p = g_build_filename (top, name, NULL);

    if (g_file_test (p, G_FILE_TEST_IS_DIR)) {
      GDir *s = g_dir_open (p, 0, NULL);
      const gchar *e;

      while (s && (e = g_dir_read_name (s)))
        g_ptr_array_add (files, g_build_filename (p, e, NULL));
      if (s)
        g_dir_close (s);
      g_free (p);
    } else {
      g_ptr_array_add (files, p);
    }
  }
  if (d)
    g_dir_close (d);
  g_free (top);
  return files;
}
