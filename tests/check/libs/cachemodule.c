/* gst-reuse: unit tests of the remote tier's modules: libcurl and hiredis
 * are loaded only when a backend or an input needs them
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


/* Each test runs in its own process (check forks), so each starts with no
 * module loaded. The store is linked in statically: the test program is
 * not next to the modules, and GST_CACHE_MODULE_DIR is what finds them. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include <string.h>

#include "cachestoretest.h"
#include "gstcacheinput.h"
#include "gstcachemodule.h"
#include "reusetest.h"

/* whether a file whose name contains @name is mapped into this process */
static gboolean
mapped (const gchar * name)
{
  gchar *maps = NULL;
  gchar **lines;
  gboolean found = FALSE;
  guint i;

  fail_unless (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  for (i = 0; lines[i] && !found; i++) {
    const gchar *path = strchr (lines[i], '/');

    found = path && strstr (path, name) != NULL;
  }
  g_strfreev (lines);
  g_free (maps);
  return found;
}

/* where the build puts the modules */
static gchar *
build_module_dir (void)
{
  const gchar *root = g_getenv ("GST_REUSE_BUILD_ROOT");

  fail_unless (root != NULL, "GST_REUSE_BUILD_ROOT is not set");
  return g_build_filename (root, "ext", "cache", NULL);
}

static void
use_build_modules (void)
{
  gchar *dir = build_module_dir ();

  g_setenv (GST_CACHE_MODULE_DIR_ENV, dir, TRUE);
  g_free (dir);
}

/* a store with one entry, and that entry found again */
static GstCacheStore *
store_with_a_hit (gchar ** dir)
{
  guint8 key[GST_CACHE_KEY_SIZE];
  static const guint8 payload[] = "a local entry";
  GstCacheStore *store;
  GstCacheWriter *w;
  GstCacheEntry *e;
  GKeyFile *meta = g_key_file_new ();
  GError *err = NULL;
  gsize size = 0;

  *dir = cachestore_test_make_dir ();
  store = gst_cache_store_open (*dir, &err);
  fail_unless (store != NULL, "%s", err ? err->message : "");
  cachestore_test_make_key (key, 1);
  w = gst_cache_writer_new (store, key, 0, &err);
  fail_unless (w != NULL, "%s", err ? err->message : "");
  g_key_file_set_string (meta, "entry", "description", "cachemodule");
  fail_unless (gst_cache_writer_append (w, payload, sizeof (payload), &err));
  fail_unless (gst_cache_writer_commit (w, GST_CACHE_ENTRY_KIND_BYTES, meta,
          0, 0, NULL, &err), "%s", err ? err->message : "");
  gst_cache_writer_free (w);
  g_key_file_unref (meta);

  e = gst_cache_store_lookup (store, key, &err);
  fail_unless (e != NULL, "%s", err ? err->message : "no hit");
  fail_unless (memcmp (gst_cache_entry_get_payload (e, &size), payload,
          sizeof (payload)) == 0);
  fail_unless_equals_uint64 (size, sizeof (payload));
  gst_cache_entry_unref (e);
  return store;
}

static void
close_store (GstCacheStore * store, gchar * dir)
{
  gst_cache_store_free (store);
  reuse_test_remove_tree (dir);
  g_free (dir);
}

/* the store's own code, a local write and a hit: neither library, nor a
 * module, is in the process */
GST_START_TEST (test_local_hit_loads_nothing)
{
  gchar *dir;
  GstCacheStore *store;
  GError *err = NULL;

  use_build_modules ();
  store = store_with_a_hit (&dir);
  fail_unless (gst_cache_store_set_remote_storage (store, "", &err));
  fail_if (mapped ("libcurl"), "libcurl is loaded");
  fail_if (mapped ("libhiredis"), "hiredis is loaded");
  fail_if (mapped ("libgstcache-http"), "libgstcache-http.so is loaded");
  fail_if (mapped ("libgstcache-redis"), "libgstcache-redis.so is loaded");
  close_store (store, dir);
}

GST_END_TEST;

/* a backend of @spec loads its module and its library, nothing of the
 * other backend's */
static void
check_backend_loads (const gchar * spec, const gchar * url,
    const gchar * module, const gchar * lib, const gchar * other_module,
    const gchar * other_lib)
{
  gchar *dir, **urls;
  GstCacheStore *store;
  GError *err = NULL;

  use_build_modules ();
  store = store_with_a_hit (&dir);
  fail_unless (gst_cache_store_set_remote_storage (store, spec, &err), "%s",
      err ? err->message : "");
  urls = gst_cache_store_get_remote_urls (store);
  fail_unless_equals_int (g_strv_length (urls), 1);
  if (url)
    fail_unless_equals_string (urls[0], url);
  g_strfreev (urls);
  fail_unless (mapped (module), "%s is not loaded", module);
  fail_unless (mapped (lib), "%s is not loaded", lib);
  fail_if (mapped (other_module), "%s is loaded", other_module);
  fail_if (mapped (other_lib), "%s is loaded", other_lib);
  close_store (store, dir);
}

/* an HTTP backend loads its module (and libcurl with it), nothing else */
GST_START_TEST (test_http_remote_loads_its_module)
{
  check_backend_loads ("http://127.0.0.1:1/cache|connect-timeout=50",
      "http://127.0.0.1:1/cache/", "/libgstcache-http.so", "libcurl",
      "libgstcache-redis", "libhiredis");
}

GST_END_TEST;

GST_START_TEST (test_redis_remote_loads_its_module)
{
  check_backend_loads ("redis://127.0.0.1:1", NULL, "/libgstcache-redis.so",
      "libhiredis", "libgstcache-http", "libcurl");
}

GST_END_TEST;

/* GST_CACHE_MODULE_DIR comes first, in its order; the installed
 * directory last */
GST_START_TEST (test_module_dirs)
{
  GStrv dirs;
  guint n;

  g_setenv (GST_CACHE_MODULE_DIR_ENV, "/nonexistent/a:/nonexistent/b", TRUE);
  dirs = gst_cache_module_dirs ();
  n = g_strv_length (dirs);
  fail_unless (n >= 3);
  fail_unless_equals_string (dirs[0], "/nonexistent/a");
  fail_unless_equals_string (dirs[1], "/nonexistent/b");
  fail_unless (g_str_has_suffix (dirs[n - 1], "/" GST_CACHE_MODULE_SUBDIR));
  g_strfreev (dirs);
}

GST_END_TEST;

/* the message the tests expect when no directory has @name */
static gchar *
not_found_message (const gchar * name)
{
  GStrv dirs = gst_cache_module_dirs ();
  gchar *joined, *msg;
  guint i;

  for (i = 0; dirs[i]; i++) {
    gchar *path = g_build_filename (dirs[i], name, NULL);

    fail_if (g_file_test (path, G_FILE_TEST_EXISTS), "%s is installed: the "
        "test cannot hide it", path);
    g_free (path);
  }
  joined = g_strjoinv (", ", dirs);
  msg = g_strdup_printf ("needs %s, not found in %s", name, joined);
  g_free (joined);
  g_strfreev (dirs);
  return msg;
}

/* no module anywhere: the backends are left out with a configuration
 * error that names the module and where it was looked for; local entries
 * still work, and an input on a server is one that cannot be identified */
GST_START_TEST (test_module_missing)
{
  gchar *dir, *empty, *http_msg, *redis_msg, *want, **urls;
  guint8 digest[GST_CACHE_DIGEST_MAX_SIZE];
  GstCacheStore *store;
  GError *err = NULL;
  guint64 length = 0;

  empty = cachestore_test_make_dir ();
  g_setenv (GST_CACHE_MODULE_DIR_ENV, empty, TRUE);
  http_msg = not_found_message ("libgstcache-http.so");
  redis_msg = not_found_message ("libgstcache-redis.so");
  fail_unless (strstr (http_msg, empty) != NULL);

  store = store_with_a_hit (&dir);
  fail_if (gst_cache_store_set_remote_storage (store,
          "http://127.0.0.1:1/ redis://127.0.0.1:1", &err));
  fail_unless (err != NULL);
  fail_unless (g_error_matches (err, GST_CACHE_REMOTE_ERROR,
          GST_CACHE_REMOTE_ERROR_CONFIG), "%s", err->message);
  want = g_strdup_printf ("Remote storage \"http://127.0.0.1:1/\": %s; "
      "Remote storage \"redis://127.0.0.1:1\": %s", http_msg, redis_msg);
  fail_unless_equals_string (err->message, want);
  g_free (want);
  g_clear_error (&err);
  urls = gst_cache_store_get_remote_urls (store);
  fail_unless_equals_int (g_strv_length (urls), 0);
  g_strfreev (urls);

  fail_if (gst_cache_hash_http (store, "http://127.0.0.1:1/movie.mp4",
          GST_CACHE_DIGEST_XXH3_128, digest, &length, NULL, &err));
  fail_unless (g_error_matches (err, GST_CACHE_HTTP_ERROR,
          GST_CACHE_HTTP_ERROR_UNSUPPORTED), "%s", err->message);
  want = g_strdup_printf ("Inputs on HTTP servers cannot be identified: %s",
      http_msg);
  fail_unless_equals_string (err->message, want);
  g_free (want);
  g_clear_error (&err);

  fail_if (mapped ("libcurl"));
  fail_if (mapped ("libhiredis"));
  close_store (store, dir);
  g_free (http_msg);
  g_free (redis_msg);
  reuse_test_remove_tree (empty);
  g_free (empty);
}

GST_END_TEST;

/* a file of that name that is not a module, a module of the other kind,
 * and a module whose table is not the store's: each refused, with why */
GST_START_TEST (test_module_broken)
{
  gchar *bad = cachestore_test_make_dir ();
  gchar *build = build_module_dir ();
  gchar *path = g_build_filename (bad, "libgstcache-http.so", NULL);
  gchar *redis = g_build_filename (build, "libgstcache-redis.so", NULL);
  const gchar *bad_dirs[] = { bad, NULL };
  const gchar *build_dirs[] = { build, NULL };
  gchar *contents = NULL, *want;
  guint8 table[sizeof (GstCacheHttpModule) + 16];
  GModule *handle;
  GError *err = NULL;
  gsize len;

  fail_unless (g_file_set_contents (path, "not a shared object\n", -1, NULL));
  fail_if (gst_cache_module_load ("libgstcache-http.so", bad_dirs,
          GST_CACHE_HTTP_MODULE_INIT, table, sizeof (GstCacheHttpModule),
          &err));
  want = g_strdup_printf ("needs libgstcache-http.so: %s could not be loaded "
      "(", path);
  fail_unless (g_str_has_prefix (err->message, want), "%s", err->message);
  g_free (want);
  g_clear_error (&err);

  /* the Redis module under the HTTP module's name has no HTTP entry point */
  fail_unless (g_file_get_contents (redis, &contents, &len, NULL));
  fail_unless (g_file_set_contents (path, contents, len, NULL));
  g_free (contents);
  fail_if (gst_cache_module_load ("libgstcache-http.so", bad_dirs,
          GST_CACHE_HTTP_MODULE_INIT, table, sizeof (GstCacheHttpModule),
          &err));
  want = g_strdup_printf ("needs libgstcache-http.so: %s is not such a "
      "module (", path);
  fail_unless (g_str_has_prefix (err->message, want), "%s", err->message);
  g_free (want);
  g_clear_error (&err);

  /* a store that expects another table: the module refuses it */
  fail_if (gst_cache_module_load ("libgstcache-http.so", build_dirs,
          GST_CACHE_HTTP_MODULE_INIT, table, sizeof (table), &err));
  fail_unless (g_error_matches (err, GST_CACHE_REMOTE_ERROR,
          GST_CACHE_REMOTE_ERROR_CONFIG));
  fail_unless (strstr (err->message, "libgstcache-http.so and the store "
          "library disagree on the module interface") != NULL, "%s",
      err->message);
  g_clear_error (&err);

  /* and the right table is filled */
  handle = gst_cache_module_load ("libgstcache-http.so", build_dirs,
      GST_CACHE_HTTP_MODULE_INIT, table, sizeof (GstCacheHttpModule), &err);
  fail_unless (handle != NULL, "%s", err ? err->message : "");
  fail_unless_equals_int (((GstCacheHttpModule *) table)->version,
      GST_CACHE_MODULE_VERSION);
  fail_unless (((GstCacheHttpModule *) table)->parse_date != NULL);
  fail_unless_equals_int64 (((GstCacheHttpModule *) table)->parse_date
      ("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  g_module_close (handle);

  reuse_test_remove_tree (bad);
  g_free (bad);
  g_free (build);
  g_free (path);
  g_free (redis);
}

GST_END_TEST;

static Suite *
cachemodule_suite (void)
{
  Suite *s = suite_create ("cachemodule");
  TCase *tc_chain = tcase_create ("general");

  suite_add_tcase (s, tc_chain);
  tcase_add_test (tc_chain, test_local_hit_loads_nothing);
  tcase_add_test (tc_chain, test_http_remote_loads_its_module);
  tcase_add_test (tc_chain, test_redis_remote_loads_its_module);
  tcase_add_test (tc_chain, test_module_dirs);
  tcase_add_test (tc_chain, test_module_missing);
  tcase_add_test (tc_chain, test_module_broken);

  return s;
}

GST_CHECK_MAIN (cachemodule);
