/* gst-reuse: the remote tier of the cache store: backend interface
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

#ifndef __GST_CACHE_REMOTE_H__
#define __GST_CACHE_REMOTE_H__

/* Not installed, not for the element: the interface of a remote backend
 * (an HTTP server, Redis) and what all backends share: the configuration
 * (ccache's "URL|attr=value ..." syntax), a registry that keeps one
 * backend per configuration for the whole process (its connection is
 * reused, and a backend that failed stays skipped), and signing.
 *
 * The store (gstcachetier.c) uses it; the backends (one file each) know
 * neither the store nor the element. A remote object is an entry file,
 * byte for byte, followed, when the backend has a key-file, by a trailer:
 * GST_CACHE_REMOTE_SIG_MAGIC and an HMAC-SHA256 of the entry. */

#include <glib.h>

G_BEGIN_DECLS

#define GST_CACHE_REMOTE_SIG_MAGIC "GSTCSIG1"
#define GST_CACHE_REMOTE_SIG_SIZE (8 + 32)

/* ccache's defaults */
#define GST_CACHE_REMOTE_DEFAULT_CONNECT_TIMEOUT_MS 100
#define GST_CACHE_REMOTE_DEFAULT_OPERATION_TIMEOUT_MS 10000

#define GST_CACHE_REMOTE_ERROR (gst_cache_remote_error_quark ())
GQuark gst_cache_remote_error_quark (void);

/* what went wrong, also the suffix of the remote-errors-KIND counters */
typedef enum
{
  GST_CACHE_REMOTE_ERROR_CONFIG,        /* bad URL or attribute */
  GST_CACHE_REMOTE_ERROR_CONNECT,       /* refused, unreachable, unresolved */
  GST_CACHE_REMOTE_ERROR_TIMEOUT,       /* connect or operation timeout */
  GST_CACHE_REMOTE_ERROR_STATUS,        /* an unexpected status or reply */
  GST_CACHE_REMOTE_ERROR_PROTOCOL,      /* a short body, a wrong length */
  GST_CACHE_REMOTE_ERROR_AUTH,          /* credentials refused */
  GST_CACHE_REMOTE_ERROR_LOCAL,         /* writing the local copy failed */
  GST_CACHE_REMOTE_ERROR_TOO_LARGE,     /* above max-entry-size */
} GstCacheRemoteError;

const gchar *gst_cache_remote_error_kind (gint code);

typedef enum
{
  GST_CACHE_REMOTE_LAYOUT_SUBDIRS,      /* <first 2 hex>/<key> */
  GST_CACHE_REMOTE_LAYOUT_FLAT,         /* <key> */
  GST_CACHE_REMOTE_LAYOUT_BAZEL,        /* ac/<64 hex> */
} GstCacheRemoteLayout;

typedef enum
{
  GST_CACHE_REMOTE_FOUND,
  GST_CACHE_REMOTE_NOT_FOUND,
  GST_CACHE_REMOTE_FAILED,
} GstCacheRemoteResult;

typedef struct _GstCacheRemote GstCacheRemote;

typedef struct
{
  /* writes the object of @hex to @fd from offset 0, at most
   * max_entry_size bytes; *@size: how many */
  GstCacheRemoteResult (*get) (GstCacheRemote * remote, const gchar * hex,
      gint fd, guint64 * size, GError ** error);
  GstCacheRemoteResult (*head) (GstCacheRemote * remote, const gchar * hex,
      GError ** error);
  gboolean (*put) (GstCacheRemote * remote, const gchar * hex,
      const guint8 * data, gsize size, GError ** error);
  gboolean (*remove) (GstCacheRemote * remote, const gchar * hex,
      GError ** error);
  void (*free) (GstCacheRemote * remote);
} GstCacheRemoteFuncs;

/* a backend: the first member of each backend's own structure */
struct _GstCacheRemote
{
  const GstCacheRemoteFuncs *funcs;
  gchar *spec;                  /* as configured: the registry's key */
  gchar *url;                   /* without credentials or attributes: for
                                 * logs, messages and counters */
  gboolean read_only;
  guint connect_timeout_ms;
  guint operation_timeout_ms;
  guint64 max_entry_size;       /* 0: no limit */
  GstCacheRemoteLayout layout;
  GBytes *sign_key;             /* NULL: entries are not signed */
  gint disabled;                /* atomic: failed, skipped from now on */
  GMutex lock;                  /* one operation at a time */
};

/* backends: each parses its own URL and the attributes it knows, and
 * takes from @attrs what it used. Each is in a module (gstcachemodule.h),
 * loaded by the first call; without it, an error that says why. */
GstCacheRemote *gst_cache_remote_http_new (const gchar * url,
    GHashTable * attrs, GError ** error);
GstCacheRemote *gst_cache_remote_redis_new (const gchar * url,
    GHashTable * attrs, GError ** error);

/* the process-wide backends of a configuration (space-separated URLs with
 * |attr=value suffixes), in order; URLs that do not parse are left out
 * and described in @error. The backends live as long as the process. */
GPtrArray *gst_cache_remote_get_all (const gchar * config, GError ** error);
/* the relative path of an entry on the server */
gchar *gst_cache_remote_object_path (GstCacheRemote * remote,
    const gchar * hex);
/* reads a credentials file: its first line, without the line end */
gchar *gst_cache_remote_read_secret (const gchar * path, GError ** error);
/* removes userinfo from @url, for logs */
gchar *gst_cache_remote_redact_url (const gchar * url);

/* HMAC-SHA256 of (domain tag, @data) under @key */
gboolean gst_cache_remote_sign (GBytes * key, const guint8 * data,
    gsize size, guint8 out[32]);

G_END_DECLS

#endif /* __GST_CACHE_REMOTE_H__ */
