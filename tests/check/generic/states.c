/* gst-reuse: every element of the package through every state change
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

/* As gst-plugins-good's generic/states.c, every element factory whose
 * plugin comes from this package (source module PACKAGE) goes through the
 * state changes in three orders, unconfigured and configured. We also
 * assert the results: no state change may be left pending (a hang), every
 * element must get back to NULL, and an element configured with what it
 * needs (the table below; every element must have an entry) must get
 * through every change. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "reusetest.h"

#include <string.h>

static GList *elements = NULL;
static gchar *tmpdir = NULL;
static gchar *input_path = NULL;
static gchar *cache_path = NULL;

/* What each element needs to reach PLAYING. "%f" is replaced by the path of
 * a small regular file, "%d" by a private directory. */
static const struct
{
  const gchar *factory;
  const gchar *property;
  const gchar *value;
} configs[] = {
  {"mmapsrc", "location", "%f"},
  {"pipesink", "command", "sh -c 'cat > /dev/null'"},
  {"pipesrc", "command", "head -c 100000 /dev/zero"},
  {"cachebin", "description", "identity"},
  {"cachebin", "cache-dir", "%d"},
};

static void
setup (void)
{
  GList *features, *f;
  GList *plugins, *p;
  gchar **ignorelist = NULL;
  const gchar *ignore_env;
  GstRegistry *def;

  ignore_env = g_getenv ("GST_STATE_IGNORE_ELEMENTS");
  if (!g_getenv ("GST_NO_STATE_IGNORE_ELEMENTS") && ignore_env)
    ignorelist = g_strsplit (ignore_env, " ", 0);

  def = gst_registry_get ();
  plugins = gst_registry_get_plugin_list (def);

  for (p = plugins; p; p = p->next) {
    GstPlugin *plugin = p->data;

    if (strcmp (gst_plugin_get_source (plugin), PACKAGE) != 0)
      continue;

    features = gst_registry_get_feature_list_by_plugin (def,
        gst_plugin_get_name (plugin));

    for (f = features; f; f = f->next) {
      GstPluginFeature *feature = f->data;
      const gchar *name = gst_plugin_feature_get_name (feature);
      gboolean ignore = FALSE;
      gchar **s;

      if (!GST_IS_ELEMENT_FACTORY (feature))
        continue;

      for (s = ignorelist; s && *s; ++s) {
        if (**s && g_str_has_prefix (name, *s))
          ignore = TRUE;
      }
      if (ignore)
        continue;

      GST_DEBUG ("adding element %s", name);
      elements = g_list_prepend (elements, g_strdup (name));
    }
    gst_plugin_feature_list_free (features);
  }
  gst_plugin_list_free (plugins);
  g_strfreev (ignorelist);

  tmpdir = g_dir_make_tmp ("states-XXXXXX", NULL);
  input_path = g_build_filename (tmpdir, "input.bin", NULL);
  fail_unless (g_file_set_contents (input_path, "0123456789", 10, NULL));
  cache_path = g_build_filename (tmpdir, "cache", NULL);
}


static void
teardown (void)
{
  g_list_free_full (elements, g_free);
  elements = NULL;
  g_unlink (input_path);
  reuse_test_remove_tree (cache_path);
  g_rmdir (tmpdir);
  g_clear_pointer (&input_path, g_free);
  g_clear_pointer (&cache_path, g_free);
  g_clear_pointer (&tmpdir, g_free);
}

static GstElement *
make_element (const gchar * name, gboolean configure)
{
  GstElement *element = gst_element_factory_make (name, name);
  gboolean found = FALSE;
  gint i;

  fail_if (element == NULL, "Could not make element from factory %s", name);

  for (i = 0; i < G_N_ELEMENTS (configs); i++) {
    if (strcmp (configs[i].factory, name) != 0)
      continue;
    found = TRUE;
    if (configure) {
      const gchar *value = configs[i].value;

      if (strcmp (value, "%f") == 0)
        value = input_path;
      else if (strcmp (value, "%d") == 0)
        value = cache_path;
      gst_util_set_object_arg (G_OBJECT (element), configs[i].property, value);
    }
  }
  fail_unless (found, "element %s has no entry in the states test's "
      "configuration table", name);

  return element;
}

/* Sets @state; the change must not stay pending and, for a configured
 * element, must succeed. */
static void
change_state (GstElement * element, GstState state, gboolean configured)
{
  GstStateChangeReturn ret;
  GstState current, pending;

  ret = gst_element_set_state (element, state);
  /* a sink with nothing upstream waits for preroll, as it should; what
   * must never hang is the way back down */
  if (ret == GST_STATE_CHANGE_ASYNC && state >= GST_STATE_PAUSED &&
      GST_OBJECT_FLAG_IS_SET (element, GST_ELEMENT_FLAG_SINK))
    return;
  if (ret == GST_STATE_CHANGE_ASYNC)
    ret = gst_element_get_state (element, &current, &pending, 10 * GST_SECOND);
  fail_if (ret == GST_STATE_CHANGE_ASYNC,
      "%s: change to %s still pending after 10 s", GST_OBJECT_NAME (element),
      gst_element_state_get_name (state));

  /* an unconfigured element may refuse to start (sinks already in READY),
   * but must always get back to NULL */
  if (configured || state == GST_STATE_NULL)
    fail_if (ret == GST_STATE_CHANGE_FAILURE, "%s: change to %s failed",
        GST_OBJECT_NAME (element), gst_element_state_get_name (state));
}

static void
run_sequence (const GstState * states, gint n_states)
{
  GList *e;
  gint configure, i;

  for (e = elements; e; e = e->next) {
    for (configure = 0; configure < 2; configure++) {
      const gchar *name = e->data;
      GstElement *element = make_element (name, configure);
      GstState current;

      GST_INFO ("testing element %s (%s)", name,
          configure ? "configured" : "unconfigured");
      for (i = 0; i < n_states; i++)
        change_state (element, states[i], configure);

      fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
          GST_STATE_CHANGE_SUCCESS);
      fail_unless_equals_int (gst_element_get_state (element, &current, NULL,
              0), GST_STATE_CHANGE_SUCCESS);
      fail_unless_equals_int (current, GST_STATE_NULL);
      gst_object_unref (element);
    }
  }
}

GST_START_TEST (test_state_changes_up_and_down_seq)
{
  static const GstState states[] = {
    GST_STATE_READY, GST_STATE_PAUSED, GST_STATE_PLAYING, GST_STATE_PAUSED,
    GST_STATE_READY, GST_STATE_NULL, GST_STATE_PAUSED, GST_STATE_READY,
    GST_STATE_PLAYING, GST_STATE_PAUSED, GST_STATE_NULL
  };

  fail_if (elements == NULL, "no element of package %s found", PACKAGE);
  run_sequence (states, G_N_ELEMENTS (states));
}

GST_END_TEST;

GST_START_TEST (test_state_changes_up_seq)
{
  static const GstState states[] = {
    GST_STATE_READY, GST_STATE_PAUSED, GST_STATE_READY, GST_STATE_PAUSED,
    GST_STATE_PLAYING, GST_STATE_PAUSED, GST_STATE_READY, GST_STATE_NULL
  };

  run_sequence (states, G_N_ELEMENTS (states));
}

GST_END_TEST;

GST_START_TEST (test_state_changes_down_seq)
{
  static const GstState states[] = {
    GST_STATE_READY, GST_STATE_PAUSED, GST_STATE_PLAYING, GST_STATE_PAUSED,
    GST_STATE_PLAYING, GST_STATE_PAUSED, GST_STATE_READY, GST_STATE_PAUSED,
    GST_STATE_PLAYING, GST_STATE_PAUSED, GST_STATE_READY, GST_STATE_NULL
  };

  run_sequence (states, G_N_ELEMENTS (states));
}

GST_END_TEST;

static Suite *
states_suite (void)
{
  Suite *s = suite_create ("states_reuse");
  TCase *tc_chain = tcase_create ("general");

  suite_add_tcase (s, tc_chain);
  tcase_add_checked_fixture (tc_chain, setup, teardown);
  tcase_add_test (tc_chain, test_state_changes_up_and_down_seq);
  tcase_add_test (tc_chain, test_state_changes_up_seq);
  tcase_add_test (tc_chain, test_state_changes_down_seq);

  return s;
}

GST_CHECK_MAIN (states);
