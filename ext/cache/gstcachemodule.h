/* gst-reuse: the remote tier's libraries, loaded as modules
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

#ifndef __GST_CACHE_MODULE_H__
#define __GST_CACHE_MODULE_H__

/* Not installed: the interface between the store and the loadable modules
 * that hold the remote tier's libraries, so that a process that only uses
 * local entries never loads libcurl or hiredis:
 *
 *   libgstcache-http.so   libcurl: the HTTP backend and the HTTP client
 *                         of inputs on servers (gstcacheremotehttp.c)
 *   libgstcache-redis.so  hiredis: the Redis backend
 *                         (gstcacheremoteredis.c)
 *
 * A module does not link libgstcache: what it needs from the store comes
 * in a GstCacheModuleHost at load. It exports one function, named by
 * GST_CACHE_HTTP_MODULE_INIT or GST_CACHE_REDIS_MODULE_INIT, that checks
 * the host's interface version and fills a table of its functions. Any
 * change to these tables, to GstCacheRemote, GstCacheRemoteFuncs or
 * GstCacheHttpResponse bumps GST_CACHE_MODULE_VERSION: a module of another
 * version is refused. The store loads each module once, on first use
 * (gstcachemodule.c), and forwards the functions of gstcacheremote.h and
 * gstcacheremotehttp.h to it. */

#include <glib.h>
#include <gmodule.h>

#include "remote/gstcacheremote.h"
#include "remote/gstcacheremotehttp.h"

G_BEGIN_DECLS

#define GST_CACHE_MODULE_VERSION 1

/* where the modules are installed, under libdir */
#define GST_CACHE_MODULE_SUBDIR "gstreamer-cache-1.0"
/* overrides the places where they are looked for */
#define GST_CACHE_MODULE_DIR_ENV "GST_CACHE_MODULE_DIR"

/* what the store gives a module; the first three members never change */
typedef struct
{
  guint version;                /* GST_CACHE_MODULE_VERSION */
  guint size;                   /* sizeof (GstCacheModuleHost) */
  GQuark remote_error;          /* GST_CACHE_REMOTE_ERROR */
  gchar *(*read_secret) (const gchar * path, GError ** error);
  gchar *(*object_path) (GstCacheRemote * remote, const gchar * hex);
} GstCacheModuleHost;

/* libgstcache-http.so */
typedef struct
{
  guint version;
  guint size;                   /* sizeof (GstCacheHttpModule) */
  GstCacheRemote *(*remote_new) (const gchar * url, GHashTable * attrs,
      GError ** error);
  GstCacheHttpClient *(*client_new) (const gchar * url,
      guint connect_timeout_ms, guint stall_timeout_ms, GError ** error);
  const gchar *(*client_get_url) (GstCacheHttpClient * client);
  gboolean (*client_request) (GstCacheHttpClient * client,
      const gchar * const *headers, GstCacheHttpBodyFunc body,
      gpointer user_data, GstCacheHttpResponse * resp, guint64 * received,
      GError ** error);
  void (*client_free) (GstCacheHttpClient * client);
  /* an HTTP date (RFC 9110 and its obsolete forms) as a time_t, or -1 */
  gint64 (*parse_date) (const gchar * date);
} GstCacheHttpModule;

/* libgstcache-redis.so */
typedef struct
{
  guint version;
  guint size;                   /* sizeof (GstCacheRedisModule) */
  GstCacheRemote *(*remote_new) (const gchar * url, GHashTable * attrs,
      GError ** error);
} GstCacheRedisModule;

/* the entry point of a module: fills @module (@module_size bytes) for
 * @host, or fails when either is of another version than the module */
typedef gboolean (*GstCacheModuleInitFunc) (const GstCacheModuleHost * host,
    gpointer module, gsize module_size, GError ** error);

#define GST_CACHE_HTTP_MODULE_INIT "gst_cache_http_module_init"
#define GST_CACHE_REDIS_MODULE_INIT "gst_cache_redis_module_init"
G_MODULE_EXPORT gboolean gst_cache_http_module_init (const GstCacheModuleHost *
    host, gpointer module, gsize module_size, GError ** error);
G_MODULE_EXPORT gboolean gst_cache_redis_module_init (const GstCacheModuleHost
    * host, gpointer module, gsize module_size, GError ** error);

/* what a module's entry point checks first; @name: its file name */
static inline gboolean
gst_cache_module_check_version (const GstCacheModuleHost * host,
    gsize module_size, gsize expected_size, const gchar * name,
    GError ** error)
{
  if (host->version != GST_CACHE_MODULE_VERSION) {
    g_set_error (error, host->remote_error, GST_CACHE_REMOTE_ERROR_CONFIG,
        "%s is of module interface version %d, the store library's is %u "
        "(they are from different builds)", name, GST_CACHE_MODULE_VERSION,
        host->version);
    return FALSE;
  }
  if (host->size != sizeof (GstCacheModuleHost) ||
      module_size != expected_size) {
    g_set_error (error, host->remote_error, GST_CACHE_REMOTE_ERROR_CONFIG,
        "%s and the store library disagree on the module interface (version "
        "%d, tables of %u and %" G_GSIZE_FORMAT " bytes)", name,
        GST_CACHE_MODULE_VERSION, (guint) expected_size, module_size);
    return FALSE;
  }
  return TRUE;
}

/* the store's side */

/* the modules, loaded on first use, or NULL with @error (a
 * GST_CACHE_REMOTE_ERROR_CONFIG that names the module, the places looked
 * at and GModule's error). Built without the library: always NULL. */
const GstCacheHttpModule *gst_cache_module_get_http (GError ** error);
const GstCacheRedisModule *gst_cache_module_get_redis (GError ** error);

/* the places a module is looked for, in order: $GST_CACHE_MODULE_DIR, the
 * directory of the loaded store library (or program), its
 * gstreamer-cache-1.0 subdirectory, the installed directory */
GStrv gst_cache_module_dirs (void);
/* loads @file_name from the first of @dirs that has it and calls its
 * @init_name for a table of @module_size bytes; not cached (the getters
 * above are) */
GModule *gst_cache_module_load (const gchar * file_name,
    const gchar * const *dirs, const gchar * init_name, gpointer module,
    gsize module_size, GError ** error);

G_END_DECLS

#endif /* __GST_CACHE_MODULE_H__ */
