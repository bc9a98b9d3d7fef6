/* gst-reuse: loading the remote tier's libraries as modules
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

/* The remote tier's libraries (libcurl, hiredis) are not linked to the
 * store: they are in modules (gstcachemodule.h) that the store loads when
 * a backend of their kind is configured or an input is on an HTTP server,
 * once per process. A process that only uses local entries loads neither.
 * A module that is missing, cannot be loaded, or is of another interface
 * version is a GST_CACHE_REMOTE_ERROR_CONFIG error that says where it was
 * looked for and why it was refused; the backend is then not used. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

/* dladdr() */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "gstcachemodule.h"

#include <dlfcn.h>
#include <string.h>

#include <gst/gst.h>

GST_DEBUG_CATEGORY_STATIC (gst_cache_module_debug);
#define GST_CAT_DEFAULT gst_cache_module_debug

typedef struct
{
  const gchar *file_name;
  const gchar *init_name;
  const gchar *library;         /* what the module brings */
  gboolean built;
  gpointer table;
  gsize size;
  GOnce once;
  GError *error;                /* why it is not loaded */
} ModuleSlot;

static GstCacheHttpModule http_module;
static GstCacheRedisModule redis_module;

#ifdef HAVE_LIBCURL
#define HTTP_BUILT TRUE
#else
#define HTTP_BUILT FALSE
#endif
#ifdef HAVE_HIREDIS
#define REDIS_BUILT TRUE
#else
#define REDIS_BUILT FALSE
#endif

static ModuleSlot http_slot = { "libgstcache-http.so",
  GST_CACHE_HTTP_MODULE_INIT, "libcurl", HTTP_BUILT, &http_module,
  sizeof (http_module), G_ONCE_INIT, NULL
};

static ModuleSlot redis_slot = { "libgstcache-redis.so",
  GST_CACHE_REDIS_MODULE_INIT, "hiredis", REDIS_BUILT, &redis_module,
  sizeof (redis_module), G_ONCE_INIT, NULL
};

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_cache_module_debug, "cachemodule", 0,
        "gst-reuse cache: the remote tier's modules");
    g_once_init_leave (&done, 1);
  }
}

static const GstCacheModuleHost *
get_host (void)
{
  static GstCacheModuleHost host;
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    host.version = GST_CACHE_MODULE_VERSION;
    host.size = sizeof (GstCacheModuleHost);
    host.remote_error = GST_CACHE_REMOTE_ERROR;
    host.read_secret = gst_cache_remote_read_secret;
    host.object_path = gst_cache_remote_object_path;
    g_once_init_leave (&done, 1);
  }
  return &host;
}

static void
add_dir (GPtrArray * dirs, const gchar * dir)
{
  guint i;

  if (dir == NULL || dir[0] == '\0')
    return;
  for (i = 0; i < dirs->len; i++)
    if (strcmp (g_ptr_array_index (dirs, i), dir) == 0)
      return;
  g_ptr_array_add (dirs, g_strdup (dir));
}

GStrv
gst_cache_module_dirs (void)
{
  GPtrArray *dirs = g_ptr_array_new ();
  const gchar *env = g_getenv (GST_CACHE_MODULE_DIR_ENV);
  Dl_info info;

  if (env) {
    gchar **parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
    guint i;

    for (i = 0; parts[i]; i++)
      add_dir (dirs, parts[i]);
    g_strfreev (parts);
  }
  /* next to the library (in the build tree: where the modules are built),
   * and in its gstreamer-cache-1.0 directory (an installed tree, wherever
   * it was unpacked). A program with the store linked in names itself. */
  if (dladdr ((gpointer) gst_cache_module_dirs, &info) && info.dli_fname &&
      info.dli_fname[0] == '/') {
    gchar *dir = g_path_get_dirname (info.dli_fname);
    gchar *sub = g_build_filename (dir, GST_CACHE_MODULE_SUBDIR, NULL);

    add_dir (dirs, dir);
    add_dir (dirs, sub);
    g_free (sub);
    g_free (dir);
  }
#ifdef GST_CACHE_MODULE_INSTALL_DIR
  add_dir (dirs, GST_CACHE_MODULE_INSTALL_DIR);
#endif
  g_ptr_array_add (dirs, NULL);
  return (GStrv) g_ptr_array_free (dirs, FALSE);
}

GModule *
gst_cache_module_load (const gchar * file_name, const gchar * const *dirs,
    const gchar * init_name, gpointer module, gsize module_size,
    GError ** error)
{
  GstCacheModuleInitFunc init = NULL;
  GError *err = NULL;
  GModule *handle;
  gchar *path = NULL, *places;
  guint i;

  ensure_debug_category ();
  for (i = 0; dirs[i]; i++) {
    path = g_build_filename (dirs[i], file_name, NULL);
    if (g_file_test (path, G_FILE_TEST_EXISTS))
      break;
    GST_LOG ("no %s", path);
    g_clear_pointer (&path, g_free);
  }
  if (path == NULL) {
    places = g_strjoinv (", ", (gchar **) dirs);
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "needs %s, not found in %s", file_name,
        places[0] ? places : "(no directory)");
    g_free (places);
    return NULL;
  }

  /* its libraries' symbols stay its own */
  handle = g_module_open (path, G_MODULE_BIND_LOCAL);
  if (handle == NULL) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "needs %s: %s could not be loaded (%s)", file_name, path,
        g_module_error ());
    g_free (path);
    return NULL;
  }
  if (!g_module_symbol (handle, init_name, (gpointer *) & init) || init == NULL) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "needs %s: %s is not such a module (%s)", file_name, path,
        g_module_error ());
    goto failed;
  }
  memset (module, 0, module_size);
  if (!init (get_host (), module, module_size, &err)) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "needs %s: %s refused: %s", file_name, path, err->message);
    g_error_free (err);
    goto failed;
  }
  /* the first two members of every table */
  if (((guint *) module)[0] != GST_CACHE_MODULE_VERSION ||
      ((guint *) module)[1] != module_size) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "needs %s: %s is of module interface version %u, the store "
        "library's is %d", file_name, path, ((guint *) module)[0],
        GST_CACHE_MODULE_VERSION);
    goto failed;
  }
  GST_INFO ("loaded %s", path);
  g_free (path);
  return handle;

failed:
  memset (module, 0, module_size);
  g_module_close (handle);
  g_free (path);
  return NULL;
}

static gpointer
load_slot (gpointer data)
{
  ModuleSlot *slot = data;
  GModule *handle;
  GStrv dirs;

  ensure_debug_category ();
  if (!slot->built) {
    g_set_error (&slot->error, GST_CACHE_REMOTE_ERROR,
        GST_CACHE_REMOTE_ERROR_CONFIG, "built without %s (no %s)",
        slot->library, slot->file_name);
    return NULL;
  }
  dirs = gst_cache_module_dirs ();
  handle = gst_cache_module_load (slot->file_name,
      (const gchar * const *) dirs, slot->init_name, slot->table, slot->size,
      &slot->error);
  g_strfreev (dirs);
  if (handle == NULL) {
    GST_WARNING ("%s", slot->error->message);
    return NULL;
  }
  /* its functions are in backends that live as long as the process */
  g_module_make_resident (handle);
  return slot->table;
}

static gpointer
get_slot (ModuleSlot * slot, GError ** error)
{
  gpointer table = g_once (&slot->once, load_slot, slot);

  if (table == NULL && error)
    *error = g_error_copy (slot->error);
  return table;
}

const GstCacheHttpModule *
gst_cache_module_get_http (GError ** error)
{
  return get_slot (&http_slot, error);
}

const GstCacheRedisModule *
gst_cache_module_get_redis (GError ** error)
{
  return get_slot (&redis_slot, error);
}

/* the functions of gstcacheremote.h and gstcacheremotehttp.h, forwarded */

GstCacheRemote *
gst_cache_remote_http_new (const gchar * url, GHashTable * attrs,
    GError ** error)
{
  const GstCacheHttpModule *m = gst_cache_module_get_http (error);

  return m ? m->remote_new (url, attrs, error) : NULL;
}

GstCacheRemote *
gst_cache_remote_redis_new (const gchar * url, GHashTable * attrs,
    GError ** error)
{
  const GstCacheRedisModule *m = gst_cache_module_get_redis (error);

  return m ? m->remote_new (url, attrs, error) : NULL;
}

GstCacheHttpClient *
gst_cache_http_client_new (const gchar * url, guint connect_timeout_ms,
    guint stall_timeout_ms, GError ** error)
{
  const GstCacheHttpModule *m = gst_cache_module_get_http (error);

  if (m == NULL) {
    g_prefix_error (error, "Inputs on HTTP servers cannot be identified: ");
    return NULL;
  }
  return m->client_new (url, connect_timeout_ms, stall_timeout_ms, error);
}

/* a client exists: its module is loaded */
static const GstCacheHttpModule *
loaded_http (void)
{
  const GstCacheHttpModule *m = gst_cache_module_get_http (NULL);

  g_assert (m != NULL);
  return m;
}

const gchar *
gst_cache_http_client_get_url (GstCacheHttpClient * client)
{
  return loaded_http ()->client_get_url (client);
}

gboolean
gst_cache_http_client_request (GstCacheHttpClient * client,
    const gchar * const *headers, GstCacheHttpBodyFunc body,
    gpointer user_data, GstCacheHttpResponse * resp, guint64 * received,
    GError ** error)
{
  return loaded_http ()->client_request (client, headers, body, user_data,
      resp, received, error);
}

void
gst_cache_http_client_free (GstCacheHttpClient * client)
{
  if (client == NULL)
    return;
  loaded_http ()->client_free (client);
}

gint64
gst_cache_http_parse_date (const gchar * date)
{
  const GstCacheHttpModule *m = gst_cache_module_get_http (NULL);

  return m && date ? m->parse_date (date) : -1;
}

/* the strings are GLib's, whoever made them */
void
gst_cache_http_response_clear (GstCacheHttpResponse * resp)
{
  g_clear_pointer (&resp->etag, g_free);
  g_clear_pointer (&resp->last_modified, g_free);
  g_clear_pointer (&resp->date, g_free);
}
