/* gst-reuse: the store's HTTP client for objects that are not entries
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

#ifndef __GST_CACHE_REMOTE_HTTP_H__
#define __GST_CACHE_REMOTE_HTTP_H__

/* Not installed: the HTTP backend's request handling (gstcacheremotehttp.c,
 * in the module libgstcache-http.so with libcurl, see gstcachemodule.h)
 * for any object on a server, such as an input that cachebin identifies by
 * content (gstcachehttpinput.c). gst_cache_http_client_new() loads the
 * module; without it, it fails with an error that says why.
 * The same rules as for the backend: http and https only, redirects not
 * followed (a 3xx is a status like any other), the status and the
 * Content-Length left to the caller to check, credentials from the URL's
 * userinfo sent as basic authentication and kept out of every URL and
 * message. Errors are in the GST_CACHE_REMOTE_ERROR domain. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GstCacheHttpClient GstCacheHttpClient;

/* what a response said about the object; strings as sent, or NULL */
typedef struct
{
  glong status;
  gchar *etag;
  gchar *last_modified;
  gchar *date;
  gint64 content_length;        /* -1: none */
} GstCacheHttpResponse;

/* the body of a 200 response, in pieces; FALSE aborts the transfer */
typedef gboolean (*GstCacheHttpBodyFunc) (const guint8 * data, gsize size,
    gpointer user_data);

/* a client for @url (http:// or https://): one connection, reused by its
 * requests. @connect_timeout_ms bounds connecting; a transfer that moves
 * no byte for @stall_timeout_ms fails, however long the whole takes; a
 * HEAD is bounded by @stall_timeout_ms as a whole. */
GstCacheHttpClient *gst_cache_http_client_new (const gchar * url,
    guint connect_timeout_ms, guint stall_timeout_ms, GError ** error);
/* @url without userinfo: what logs and manifests may name */
const gchar *gst_cache_http_client_get_url (GstCacheHttpClient * client);
/* a HEAD (@body NULL) or a GET whose 200 body goes to @body, with @headers
 * ("Name: value", NULL-terminated, or NULL) added. TRUE when a response
 * came (any status, in @resp); *@received: the body bytes of a 200. */
gboolean gst_cache_http_client_request (GstCacheHttpClient * client,
    const gchar * const *headers, GstCacheHttpBodyFunc body,
    gpointer user_data, GstCacheHttpResponse * resp, guint64 * received,
    GError ** error);
void gst_cache_http_client_free (GstCacheHttpClient * client);

void gst_cache_http_response_clear (GstCacheHttpResponse * resp);

/* an HTTP date (IMF-fixdate or an obsolete form) as seconds since the
 * epoch, or -1; once a client exists */
gint64 gst_cache_http_parse_date (const gchar * date);

G_END_DECLS

#endif /* __GST_CACHE_REMOTE_HTTP_H__ */
