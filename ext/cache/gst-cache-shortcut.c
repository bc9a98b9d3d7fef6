/* gst-reuse: gst-cache --discover without GStreamer's registry, on a hit
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

/* The key of an analysis has a part that comes from GStreamer's registry
 * (the plugins that can take part, gstcacheanalysis.c), and reading the
 * registry is most of what a short process costs: gst_init() took 10.9 ms
 * with it and 2.4 ms with GST_REGISTRY_DISABLE=yes here
 * (docs/analysis.md). The shortcut keeps that part in the cache directory
 * (stat/registry/NAME, pruned with the stat manifest), under a NAME made
 * of what decides the registry without reading it:
 *
 * - gst-reuse's, GStreamer's and GstPbutils' versions;
 * - the environment variables with which GStreamer finds, ranks and
 *   caches its plugins (GST_PLUGIN_PATH, GST_PLUGIN_SYSTEM_PATH and their
 *   _1_0 forms, GST_PLUGIN_FEATURE_RANK, GST_PLUGIN_LOADING_WHITELIST,
 *   GST_REGISTRY_UPDATE, GST_REGISTRY, GST_REGISTRY_1_0), and the user's
 *   data and cache directories;
 * - the identity (device, inode, size, modification and change times) of
 *   the registry file, which GStreamer rewrites whenever it finds a plugin
 *   changed;
 *
 * and, inside, the digest of the identities of every file and directory
 * under the directories that GStreamer scans for plugins and those its
 * plugins came from. When all of it is unchanged, GStreamer would find its
 * registry up to date and read the same plugins from it: gst_init() runs
 * without the registry, and the key is made with the kept part.
 *
 * Only local hits of local files are served so. At the first input that
 * is not one (a miss, a bypass, an entry of a remote backend, an http(s)
 * input, whose identity costs a request), gst-cache executes
 * itself again with that input and those after it, without the shortcut:
 * that process loads the registry, analyses, and writes the memo again
 * for the next run (when no plugin directory changed while it started), so
 * that a memo whose key material missed is replaced at once.
 *
 * What it cannot see: a plugin's own external dependencies (a device or an
 * environment variable that a plugin declares to the registry) changing
 * while no GStreamer process has updated the registry since; the next one
 * that does rewrites the registry file. GST_CACHE_DISCOVER_SHORTCUT=0
 * turns the shortcut off. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst-cache-discover.h"
#include "gstcachestore.h"
#include "gstcachetool-private.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (shortcut_debug);
#define GST_CAT_DEFAULT shortcut_debug

#define MEMO_FORMAT "gst-cache-registry-shortcut-1"

/* after gst_init() */
static void
debug_init (void)
{
  GST_DEBUG_CATEGORY_INIT (shortcut_debug, "gst-cache-shortcut", 0,
      "gst-cache --discover without the registry");
}

/* deeper than GStreamer's own scan goes */
#define WALK_MAX_DEPTH 16

/* what GStreamer reads to find, rank and cache its plugins */
static const gchar *const env_names[] = {
  "GST_PLUGIN_PATH_1_0", "GST_PLUGIN_PATH", "GST_PLUGIN_SYSTEM_PATH_1_0",
  "GST_PLUGIN_SYSTEM_PATH", "GST_PLUGIN_FEATURE_RANK",
  "GST_PLUGIN_LOADING_WHITELIST", "GST_REGISTRY_UPDATE", "GST_REGISTRY_1_0",
  "GST_REGISTRY",
};

struct _GstCacheToolShortcut
{
  gboolean learn_only;          /* taking over from the shortcut */
  gchar *dir;                   /* the cache directory */
  gchar **scan_dirs;            /* what GStreamer scans, from the env */
  gchar *scan_walk;             /* their digest before gst_init() */
  gchar *why;                   /* why it was not used */
};

static void
hash_text (GstCacheHasher * h, const gchar * text)
{
  text = text ? text : "(unset)";
  gst_cache_hasher_update (h, text, strlen (text) + 1);
}

static gchar *
hasher_hex (GstCacheHasher * h)
{
  guint8 digest[GST_CACHE_DIGEST_SIZE];

  gst_cache_hasher_finish (h, digest);
  gst_cache_hasher_free (h);
  return gst_cache_digest_to_hex (digest, GST_CACHE_DIGEST_SIZE);
}

/* @path's identity (of what a symbolic link points to) into @h; its kind
 * in @st (0 when it is missing) */
static void
hash_identity (GstCacheHasher * h, const gchar * path, struct stat *st)
{
  gchar *line;

  if (stat (path, st) != 0) {
    line = g_strdup_printf ("%s missing %d\n", path, errno);
    st->st_mode = 0;
  } else {
    line = g_strdup_printf ("%s %o %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
        " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT ".%09ld %" G_GINT64_FORMAT
        ".%09ld\n", path, (guint) st->st_mode, (guint64) st->st_dev,
        (guint64) st->st_ino, (gint64) st->st_size,
        (gint64) st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
        (gint64) st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
  }
  gst_cache_hasher_update (h, line, strlen (line));
  g_free (line);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* every file and directory under @path, in name order, following symbolic
 * links as GStreamer's scan does; @on_path (device and inode of the
 * directories above) breaks loops */
static void
walk (GstCacheHasher * h, const gchar * path, guint depth, GHashTable * on_path)
{
  GPtrArray *names;
  struct stat st;
  const gchar *name;
  gchar *id;
  GDir *d;
  guint i;

  hash_identity (h, path, &st);
  if (!S_ISDIR (st.st_mode) || depth >= WALK_MAX_DEPTH)
    return;
  id = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
      (guint64) st.st_dev, (guint64) st.st_ino);
  if (g_hash_table_contains (on_path, id) ||
      (d = g_dir_open (path, 0, NULL)) == NULL) {
    g_free (id);
    return;
  }
  g_hash_table_add (on_path, id);
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);
  for (i = 0; i < names->len; i++) {
    gchar *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);

    walk (h, child, depth + 1, on_path);
    g_free (child);
  }
  g_ptr_array_unref (names);
  g_hash_table_remove (on_path, id);
}

static gchar *
walk_digest (gchar ** dirs)
{
  GstCacheHasher *h = gst_cache_hasher_new ();
  guint i;

  GHashTable *on_path = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);

  hash_text (h, MEMO_FORMAT " walk");
  for (i = 0; dirs[i]; i++)
    walk (h, dirs[i], 0, on_path);
  g_hash_table_unref (on_path);
  return hasher_hex (h);
}

/* @dir into @dirs (by its real path when it has one), once */
static void
add_dir (GPtrArray * dirs, const gchar * dir)
{
  char *real = realpath (dir, NULL);
  gchar *d = g_strdup (real ? real : dir);

  free (real);
  if (g_ptr_array_find_with_equal_func (dirs, d, g_str_equal, NULL))
    g_free (d);
  else
    g_ptr_array_add (dirs, d);
}

static void
add_split (GPtrArray * dirs, const gchar * list)
{
  gchar **parts = g_strsplit (list, G_SEARCHPATH_SEPARATOR_S, 0);
  guint i;

  for (i = 0; parts[i]; i++)
    if (*parts[i])
      add_dir (dirs, parts[i]);
  g_strfreev (parts);
}

/* the real path of the library that holds @symbol, or NULL */
static gchar *
library_of (gconstpointer symbol)
{
  Dl_info info;
  char *real;
  gchar *path;

  if (dladdr (symbol, &info) == 0 || info.dli_fname == NULL ||
      (real = realpath (info.dli_fname, NULL)) == NULL)
    return NULL;
  path = g_strdup (real);
  free (real);
  return path;
}

/* the directories GStreamer 1.22 scans (gstregistry.c,
 * scan_and_update_registry()): its system directory is gstreamer-1.0
 * beside the libgstreamer it runs with (priv_gst_get_relocated_libgstreamer()),
 * else the one it was built with */
static gchar **
scan_dirs (void)
{
  GPtrArray *dirs = g_ptr_array_new ();
  const gchar *v;

  if ((v = g_getenv ("GST_PLUGIN_PATH_1_0")) ||
      (v = g_getenv ("GST_PLUGIN_PATH")))
    add_split (dirs, v);
  if ((v = g_getenv ("GST_PLUGIN_SYSTEM_PATH_1_0")) ||
      (v = g_getenv ("GST_PLUGIN_SYSTEM_PATH"))) {
    add_split (dirs, v);
  } else {
    gchar *lib = library_of ((gconstpointer) gst_init);
    gchar *d = g_build_filename (g_get_user_data_dir (), "gstreamer-1.0",
        "plugins", NULL);

    add_dir (dirs, d);
    g_free (d);
    if (lib) {
      gchar *libdir = g_path_get_dirname (lib);

      d = g_build_filename (libdir, "gstreamer-1.0", NULL);
      add_dir (dirs, d);
      g_free (d);
      g_free (libdir);
    }
    if (*GST_SYSTEM_PLUGINS_DIR)
      add_dir (dirs, GST_SYSTEM_PLUGINS_DIR);
    g_free (lib);
  }
  g_ptr_array_add (dirs, NULL);
  return (gchar **) g_ptr_array_free (dirs, FALSE);
}

/* the registry files GStreamer may use: the one GST_REGISTRY names, or
 * the registry.*.bin files of the user's cache directory, in name order */
static GPtrArray *
registry_files (void)
{
  const gchar *file = g_getenv ("GST_REGISTRY_1_0");
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  const gchar *name;
  gchar *dir;
  GDir *d;

  if (file == NULL)
    file = g_getenv ("GST_REGISTRY");
  if (file) {
    g_ptr_array_add (files, g_strdup (file));
    return files;
  }
  dir = g_build_filename (g_get_user_cache_dir (), "gstreamer-1.0", NULL);
  d = g_dir_open (dir, 0, NULL);
  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, "registry.") && g_str_has_suffix (name, ".bin"))
      g_ptr_array_add (files, g_build_filename (dir, name, NULL));
  if (d)
    g_dir_close (d);
  g_free (dir);
  g_ptr_array_sort (files, compare_names);
  return files;
}

/* the registry file's identity */
static void
hash_registry (GstCacheHasher * h)
{
  GPtrArray *files = registry_files ();
  struct stat st;
  guint i;

  hash_text (h, g_get_user_cache_dir ());
  hash_text (h, g_getenv ("GST_REGISTRY_1_0"));
  hash_text (h, g_getenv ("GST_REGISTRY"));
  for (i = 0; i < files->len; i++)
    hash_identity (h, g_ptr_array_index (files, i), &st);
  g_ptr_array_unref (files);
}

/* whether GStreamer can keep its registry file up to date: the file
 * exists and can be written. Otherwise a change that only a rescan sees
 * (a plugin's external dependency) never changes its identity. */
static gboolean
registry_kept (void)
{
  GPtrArray *files = registry_files ();
  gboolean kept = FALSE;
  guint i;

  for (i = 0; i < files->len && !kept; i++)
    kept = access (g_ptr_array_index (files, i), W_OK) == 0;
  g_ptr_array_unref (files);
  return kept;
}

/* the memo's file: stat/registry/NAME of the cache directory */
static gchar *
memo_path (const GstCacheToolShortcut * sc)
{
  GstCacheHasher *h = gst_cache_hasher_new ();
  gchar *gst = gst_version_string ();
  gchar *pbutils = gst_plugins_base_version_string ();
  gchar *name, *path, *libs[2];
  guint i;

  hash_text (h, MEMO_FORMAT);
  hash_text (h, VERSION);
  hash_text (h, gst);
  hash_text (h, pbutils);
  for (i = 0; i < G_N_ELEMENTS (env_names); i++) {
    hash_text (h, env_names[i]);
    hash_text (h, g_getenv (env_names[i]));
  }
  hash_text (h, g_get_user_data_dir ());
  hash_text (h, g_get_user_cache_dir ());
  /* the libraries that make the key material: another build of either
   * may make it otherwise */
  libs[0] = library_of ((gconstpointer) gst_init);
  libs[1] = library_of ((gconstpointer) _gst_cache_tool_lookup);
  for (i = 0; i < G_N_ELEMENTS (libs); i++) {
    struct stat st;

    if (libs[i])
      hash_identity (h, libs[i], &st);
    else
      hash_text (h, "(library not found)");
    g_free (libs[i]);
  }
  hash_registry (h);
  name = hasher_hex (h);
  path = g_build_filename (sc->dir, "stat", "registry", name, NULL);
  g_free (name);
  g_free (pbutils);
  g_free (gst);
  return path;
}

GstCacheToolShortcut *
gst_cache_tool_shortcut_new (const gchar * dir)
{
  GstCacheToolShortcut *sc;
  const gchar *v = g_getenv ("GST_CACHE_DISCOVER_SHORTCUT");

  /* off, or the registry is off anyway, or no way to run this program
   * again for what it cannot serve */
  if ((v && !strcmp (v, "0")) || g_getenv ("GST_REGISTRY_DISABLE") ||
      !g_file_test ("/proc/self/exe", G_FILE_TEST_EXISTS))
    return NULL;
  sc = g_new0 (GstCacheToolShortcut, 1);
  /* a process that takes over from the shortcut writes the memo again: a
   * memo whose key material missed is replaced at once */
  sc->learn_only = v && !strcmp (v, "learn");
  if (sc->learn_only)
    g_unsetenv ("GST_CACHE_DISCOVER_SHORTCUT");
  sc->dir = dir ? g_strdup (dir) : gst_cache_store_default_dir ();
  sc->scan_dirs = scan_dirs ();
  return sc;
}

void
gst_cache_tool_shortcut_free (GstCacheToolShortcut * sc)
{
  if (sc == NULL)
    return;
  g_free (sc->dir);
  g_strfreev (sc->scan_dirs);
  g_free (sc->scan_walk);
  g_free (sc->why);
  g_free (sc);
}

static void
set_why (GstCacheToolShortcut * sc, const gchar * why)
{
  g_free (sc->why);
  sc->why = g_strdup (why);
}

/* the memo, when it matches what is on disk now */
static GKeyFile *
memo_read (GstCacheToolShortcut * sc)
{
  gchar *path = memo_path (sc);
  GKeyFile *kf = g_key_file_new ();
  gchar **dirs = NULL, *walk = NULL, *now = NULL;
  gboolean ok = FALSE;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL)) {
    set_why (sc, "no memo of this registry yet");
  } else if ((dirs = g_key_file_get_string_list (kf, "shortcut", "dirs",
              NULL, NULL)) == NULL ||
      (walk = g_key_file_get_string (kf, "shortcut", "walk", NULL)) == NULL) {
    set_why (sc, "a memo that cannot be read");
  } else if (!g_key_file_has_key (kf, "environment", "gstreamer", NULL) ||
      !g_key_file_has_key (kf, "environment", "pbutils", NULL) ||
      !g_key_file_has_key (kf, "environment", "plugins", NULL) ||
      !g_key_file_has_key (kf, "environment", "factories", NULL)) {
    set_why (sc, "a memo without the key material");
  } else if (strcmp (walk, (now = walk_digest (dirs))) != 0) {
    set_why (sc, "a plugin directory changed");
  } else {
    ok = TRUE;
  }
  g_strfreev (dirs);
  g_free (walk);
  g_free (now);
  g_free (path);
  if (!ok)
    g_clear_pointer (&kf, g_key_file_unref);
  return kf;
}

/* the command line of the process that takes over at @inputs */
static gchar **
take_over_argv (const gchar * self, gchar ** inputs, const gchar * dir,
    GstClockTime timeout, gboolean json)
{
  GPtrArray *argv = g_ptr_array_new ();
  gchar seconds[G_ASCII_DTOSTR_BUF_SIZE];
  guint i;

  g_ptr_array_add (argv, g_strdup (self));
  g_ptr_array_add (argv, g_strdup ("--discover"));
  g_ascii_dtostr (seconds, sizeof (seconds),
      (gdouble) MAX (timeout, 1) / GST_SECOND);
  g_ptr_array_add (argv, g_strconcat ("--timeout=", seconds, NULL));
  if (dir)
    g_ptr_array_add (argv, g_strconcat ("--dir=", dir, NULL));
  if (json)
    g_ptr_array_add (argv, g_strdup ("--json"));
  g_ptr_array_add (argv, g_strdup ("--"));
  for (i = 0; inputs[i]; i++)
    g_ptr_array_add (argv, g_strdup (inputs[i]));
  g_ptr_array_add (argv, NULL);
  return (gchar **) g_ptr_array_free (argv, FALSE);
}

/* the rest of @inputs in a new process of this program, without the
 * shortcut: returns only when that cannot start. /proc/self/exe is the
 * running program even if its file was replaced since. */
static void
take_over (gchar ** inputs, const gchar * dir, GstClockTime timeout,
    gboolean json)
{
  gchar *self = g_file_read_link ("/proc/self/exe", NULL);
  gchar **argv = take_over_argv (self ? self : "gst-cache", inputs, dir,
      timeout, json);

  g_unsetenv ("GST_REGISTRY_DISABLE");
  g_setenv ("GST_CACHE_DISCOVER_SHORTCUT", "learn", TRUE);
  fflush (stdout);
  fflush (stderr);
  execv ("/proc/self/exe", argv);
  fprintf (stderr, "gst-cache: cannot run itself again for the analysis: "
      "%s\n", g_strerror (errno));
  g_strfreev (argv);
  g_free (self);
}

gint
gst_cache_tool_shortcut_run (GstCacheToolShortcut * sc, gchar ** inputs,
    const gchar * dir, GstClockTime timeout, gboolean json)
{
  GstCacheDiscoverer *dc;
  GKeyFile *memo;
  GString *out;
  guint i;

  if (sc->learn_only)
    set_why (sc, "taking over from the shortcut");
  if (sc->learn_only || (memo = memo_read (sc)) == NULL) {
    /* what gst_init() is about to scan, for gst_cache_tool_shortcut_learn() */
    sc->scan_walk = walk_digest (sc->scan_dirs);
    return -1;
  }

  g_setenv ("GST_REGISTRY_DISABLE", "yes", TRUE);
  gst_init (NULL, NULL);
  gst_pb_utils_init ();
  debug_init ();
  if (!_gst_cache_tool_environment_import (memo)) {
    /* the registry is not loaded now: the process that loads it writes a
     * new memo */
    g_key_file_unref (memo);
    take_over (inputs, dir, timeout, json);
    return 2;
  }
  g_key_file_unref (memo);
  GST_INFO ("using the memo of the registry: %u inputs",
      g_strv_length (inputs));

  dc = g_object_new (GST_TYPE_CACHE_DISCOVERER, "timeout", timeout, NULL);
  if (dir)
    g_object_set (dc, "cache-dir", dir, NULL);
  out = g_string_new (NULL);
  for (i = 0; inputs[i]; i++) {
    GstDiscovererInfo *info = NULL;
    gchar *uri = gst_cache_tool_input_uri (inputs[i], NULL);

    /* an http(s) input costs a request to identify it: only a process
     * that can analyse it on a miss makes it */
    if (uri && g_strcmp0 (g_uri_peek_scheme (uri), "file") == 0)
      info = _gst_cache_tool_lookup (dc, uri);
    if (info == NULL) {
      GST_INFO ("%s is not a local hit: analysing it and the %u after it "
          "with the registry", inputs[i], g_strv_length (inputs + i) - 1);
      g_free (uri);
      g_string_free (out, TRUE);
      g_object_unref (dc);
      take_over (inputs + i, dir, timeout, json);
      return 2;
    }
    g_string_truncate (out, 0);
    if (json) {
      gst_cache_tool_format_json (out, inputs[i], uri, info, NULL,
          GST_CACHE_RESULT_HIT, gst_cache_discoverer_info_get_source (info));
      g_string_append_c (out, '\n');
    } else {
      g_string_append_printf (out, "Analyzing %s\n", uri);
      gst_cache_tool_format_info (out, info, NULL, GST_CACHE_RESULT_HIT,
          gst_cache_discoverer_info_get_source (info));
    }
    fwrite (out->str, 1, out->len, stdout);
    fflush (stdout);
    gst_discoverer_info_unref (info);
    g_free (uri);
  }
  g_string_free (out, TRUE);
  g_object_unref (dc);
  return 0;
}

void
gst_cache_tool_shortcut_learn (GstCacheToolShortcut * sc)
{
  GPtrArray *dirs = NULL;
  GList *plugins, *l;
  GstCacheStore *store = NULL;
  GKeyFile *kf = NULL;
  gchar *walk, *env = NULL, *path = NULL, *parent = NULL, *data = NULL;
  GError *err = NULL;
  guint i;

  debug_init ();
  GST_INFO ("not used: %s", sc->why ? sc->why : "turned off");

  /* a plugin directory that changed while gst_init() read the registry
   * may not be what the registry holds */
  walk = walk_digest (sc->scan_dirs);
  if (sc->scan_walk == NULL || strcmp (walk, sc->scan_walk) != 0) {
    GST_INFO ("a plugin directory changed at start-up: no memo written");
    goto done;
  }
  g_free (walk);
  walk = NULL;
  if (!registry_kept ()) {
    GST_INFO ("GStreamer cannot write its registry file: no memo written");
    goto done;
  }
  /* nothing is written where the store writes nothing (a network file
   * system) */
  store = gst_cache_store_open (sc->dir, &err);
  if (store == NULL || gst_cache_store_read_only (store)) {
    GST_INFO ("no memo written: %s", store ?
        gst_cache_store_read_only (store) : err->message);
    goto done;
  }

  /* what GStreamer scans, and where its plugins came from */
  dirs = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; sc->scan_dirs[i]; i++)
    g_ptr_array_add (dirs, g_strdup (sc->scan_dirs[i]));
  plugins = gst_registry_get_plugin_list (gst_registry_get ());
  for (l = plugins; l; l = l->next) {
    const gchar *file = gst_plugin_get_filename (l->data);
    gchar *d;

    if (file == NULL)
      continue;
    d = g_path_get_dirname (file);
    add_dir (dirs, d);
    g_free (d);
  }
  gst_plugin_list_free (plugins);
  g_ptr_array_add (dirs, NULL);
  walk = walk_digest ((gchar **) dirs->pdata);

  env = _gst_cache_tool_environment_export ();
  kf = g_key_file_new ();
  if (!g_key_file_load_from_data (kf, env, -1, G_KEY_FILE_NONE, &err)) {
    GST_WARNING ("no memo written: %s", err->message);
    goto done;
  }
  g_key_file_set_string_list (kf, "shortcut", "dirs",
      (const gchar * const *) dirs->pdata, dirs->len - 1);
  g_key_file_set_string (kf, "shortcut", "walk", walk);

  /* under the name of the registry as it is now, after gst_init() */
  path = memo_path (sc);
  parent = g_path_get_dirname (path);
  data = g_key_file_to_data (kf, NULL, NULL);
  if (g_mkdir_with_parents (parent, 0700) != 0)
    GST_INFO ("no memo written: %s: %s", parent, g_strerror (errno));
  else if (!g_file_set_contents_full (path, data, -1,
          G_FILE_SET_CONTENTS_CONSISTENT, 0600, &err))
    GST_INFO ("no memo written: %s", err->message);
  else
    GST_INFO ("memo of the registry written: %s", path);

done:
  g_clear_error (&err);
  if (dirs)
    g_ptr_array_unref (dirs);
  if (kf)
    g_key_file_unref (kf);
  gst_cache_store_free (store);
  g_free (data);
  g_free (parent);
  g_free (path);
  g_free (env);
  g_free (walk);
}
