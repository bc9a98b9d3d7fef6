/* gst-reuse: the remote tier of the cache store: HTTP(S) backend (libcurl)
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

/* An HTTP server as a cache: GET and HEAD read, PUT writes, DELETE removes
 * an entry that failed verification. Any server that serves files can be
 * read; writing needs PUT, e.g. nginx's WebDAV module with
 * create_full_put_path on, or bazel-remote (layout=bazel). One curl handle
 * per backend, reset between requests, keeps its connections for the
 * process. Redirects are not followed: a 3xx is an unexpected status.
 * Credentials (bearer-token-file, basic-auth-file, or user:password in the
 * URL) go into headers only; the URL kept for logs has none. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachemodule.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

/* built as libgstcache-http.so: what it needs of the store comes from the
 * store when it is loaded (gstcachemodule.h) */
static const GstCacheModuleHost *module_host;

#undef GST_CACHE_REMOTE_ERROR
#define GST_CACHE_REMOTE_ERROR (module_host->remote_error)

typedef struct
{
  GstCacheRemote parent;
  CURL *curl;
  gchar *base;                  /* the URL without credentials, ending in / */
  gchar *userpwd;               /* basic auth, or NULL */
  gchar *bearer;                /* "Authorization: Bearer ..." or NULL */
  gchar errbuf[CURL_ERROR_SIZE];
} GstCacheRemoteHttp;

/* a GET into a file */
typedef struct
{
  GstCacheRemoteHttp *http;
  gint fd;
  guint64 size;
  guint64 max;
  gint local_errno;             /* writing the file failed */
  gboolean too_large;
  gboolean discard;             /* not a 200: the body is an error page */
} GetState;

/* a PUT from memory */
typedef struct
{
  const guint8 *data;
  gsize size, pos;
} PutState;

static gpointer
global_init (gpointer data)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
  return NULL;
}

static gchar *
object_url (GstCacheRemoteHttp * http, const gchar * hex)
{
  gchar *rel = module_host->object_path (&http->parent, hex);
  gchar *url = g_strconcat (http->base, rel, NULL);

  g_free (rel);
  return url;
}

static size_t
discard_cb (char *ptr, size_t size, size_t n, void *user)
{
  return size * n;
}

/* the settings every request of the store's HTTP client has: http and
 * https only, no redirects, bounded connecting, curl's errors in @errbuf.
 * The handle keeps its connections across resets. */
static void
setup_common (CURL * c, const gchar * url, guint connect_timeout_ms,
    gchar * errbuf)
{
  curl_easy_reset (c);
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS, (long) connect_timeout_ms);
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, discard_cb);
  curl_easy_setopt (c, CURLOPT_USERAGENT, "gst-reuse/" VERSION);
  errbuf[0] = '\0';
}

/* a request with the backend's settings */
static void
setup (GstCacheRemoteHttp * http, const gchar * url, struct curl_slist **hdrs)
{
  CURL *c = http->curl;

  setup_common (c, url, http->parent.connect_timeout_ms, http->errbuf);
  curl_easy_setopt (c, CURLOPT_TIMEOUT_MS,
      (long) http->parent.operation_timeout_ms);
  *hdrs = NULL;
  if (http->bearer)
    *hdrs = curl_slist_append (*hdrs, http->bearer);
  /* no "Expect: 100-continue" round trip before a PUT */
  *hdrs = curl_slist_append (*hdrs, "Expect:");
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, *hdrs);
  if (http->userpwd) {
    curl_easy_setopt (c, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
    curl_easy_setopt (c, CURLOPT_USERPWD, http->userpwd);
  }
}

/* a transfer's outcome: the status, or FALSE with @error */
static gboolean
perform_common (CURL * c, const gchar * errbuf, const gchar * what,
    glong * status, GError ** error)
{
  CURLcode res = curl_easy_perform (c);
  gint code;

  if (res == CURLE_OK) {
    curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, status);
    return TRUE;
  }
  switch (res) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      code = GST_CACHE_REMOTE_ERROR_CONNECT;
      break;
    case CURLE_OPERATION_TIMEDOUT:
      code = GST_CACHE_REMOTE_ERROR_TIMEOUT;
      break;
    case CURLE_LOGIN_DENIED:
      code = GST_CACHE_REMOTE_ERROR_AUTH;
      break;
    default:
      code = GST_CACHE_REMOTE_ERROR_PROTOCOL;
      break;
  }
  /* curl's messages name hosts and ports, never the credentials, which
   * are not in the URL it was given */
  g_set_error (error, GST_CACHE_REMOTE_ERROR, code, "%s: %s", what,
      errbuf[0] ? errbuf : curl_easy_strerror (res));
  return FALSE;
}

static gboolean
perform (GstCacheRemoteHttp * http, const gchar * what, glong * status,
    GError ** error)
{
  return perform_common (http->curl, http->errbuf, what, status, error);
}

static gboolean
status_error (GstCacheRemoteHttp * http, const gchar * what, glong status,
    GError ** error)
{
  g_set_error (error, GST_CACHE_REMOTE_ERROR, status == 401 || status == 403
      ? GST_CACHE_REMOTE_ERROR_AUTH : GST_CACHE_REMOTE_ERROR_STATUS,
      "%s: HTTP status %ld", what, status);
  return FALSE;
}

static size_t
get_cb (char *ptr, size_t size, size_t n, void *user)
{
  GetState *st = user;
  gsize len = size * n;
  glong status = 0;
  gsize done = 0;

  curl_easy_getinfo (st->http->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    st->discard = TRUE;
    return len;
  }
  if (st->max && st->size + len > st->max) {
    st->too_large = TRUE;
    return 0;
  }
  while (done < len) {
    gssize w = pwrite (st->fd, ptr + done, len - done, st->size + done);

    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      st->local_errno = w < 0 ? errno : ENOSPC;
      return 0;
    }
    done += w;
  }
  st->size += len;
  return len;
}

static GstCacheRemoteResult
http_get (GstCacheRemote * remote, const gchar * hex, gint fd,
    guint64 * size, GError ** error)
{
  GstCacheRemoteHttp *http = (GstCacheRemoteHttp *) remote;
  GetState st = { http, fd, 0, remote->max_entry_size, 0, FALSE, FALSE };
  gchar *url = object_url (http, hex);
  struct curl_slist *hdrs;
  curl_off_t length = -1;
  glong status = 0;
  GstCacheRemoteResult res = GST_CACHE_REMOTE_FAILED;

  setup (http, url, &hdrs);
  curl_easy_setopt (http->curl, CURLOPT_WRITEFUNCTION, get_cb);
  curl_easy_setopt (http->curl, CURLOPT_WRITEDATA, &st);
  if (!perform (http, "GET", &status, error)) {
    if (st.too_large) {
      g_clear_error (error);
      g_set_error (error, GST_CACHE_REMOTE_ERROR,
          GST_CACHE_REMOTE_ERROR_TOO_LARGE, "GET: the entry is larger than "
          "max-entry-size (%" G_GUINT64_FORMAT " bytes)", st.max);
    } else if (st.local_errno) {
      g_clear_error (error);
      g_set_error (error, GST_CACHE_REMOTE_ERROR,
          GST_CACHE_REMOTE_ERROR_LOCAL, "Could not write the downloaded "
          "entry: %s", g_strerror (st.local_errno));
    }
    goto out;
  }
  if (status == 404) {
    res = GST_CACHE_REMOTE_NOT_FOUND;
    goto out;
  }
  if (status != 200) {
    status_error (http, "GET", status, error);
    goto out;
  }
  curl_easy_getinfo (http->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  if (length >= 0 && (guint64) length != st.size) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR,
        GST_CACHE_REMOTE_ERROR_PROTOCOL, "GET: %" G_GUINT64_FORMAT " bytes "
        "received, Content-Length said %" G_GINT64_FORMAT, st.size,
        (gint64) length);
    goto out;
  }
  *size = st.size;
  res = GST_CACHE_REMOTE_FOUND;
out:
  curl_slist_free_all (hdrs);
  g_free (url);
  return res;
}

static GstCacheRemoteResult
http_head (GstCacheRemote * remote, const gchar * hex, GError ** error)
{
  GstCacheRemoteHttp *http = (GstCacheRemoteHttp *) remote;
  gchar *url = object_url (http, hex);
  struct curl_slist *hdrs;
  glong status = 0;
  GstCacheRemoteResult res = GST_CACHE_REMOTE_FAILED;

  setup (http, url, &hdrs);
  curl_easy_setopt (http->curl, CURLOPT_NOBODY, 1L);
  if (perform (http, "HEAD", &status, error)) {
    if (status == 200)
      res = GST_CACHE_REMOTE_FOUND;
    else if (status == 404)
      res = GST_CACHE_REMOTE_NOT_FOUND;
    else
      status_error (http, "HEAD", status, error);
  }
  curl_slist_free_all (hdrs);
  g_free (url);
  return res;
}

static size_t
put_cb (char *buf, size_t size, size_t n, void *user)
{
  PutState *st = user;
  gsize len = MIN (size * n, st->size - st->pos);

  memcpy (buf, st->data + st->pos, len);
  st->pos += len;
  return len;
}

static gboolean
http_put (GstCacheRemote * remote, const gchar * hex, const guint8 * data,
    gsize size, GError ** error)
{
  GstCacheRemoteHttp *http = (GstCacheRemoteHttp *) remote;
  PutState st = { data, size, 0 };
  gchar *url = object_url (http, hex);
  struct curl_slist *hdrs;
  glong status = 0;
  gboolean ok = FALSE;

  setup (http, url, &hdrs);
  curl_easy_setopt (http->curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (http->curl, CURLOPT_READFUNCTION, put_cb);
  curl_easy_setopt (http->curl, CURLOPT_READDATA, &st);
  curl_easy_setopt (http->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) size);
  if (perform (http, "PUT", &status, error)) {
    if (status == 200 || status == 201 || status == 204)
      ok = TRUE;
    else
      status_error (http, "PUT", status, error);
  }
  curl_slist_free_all (hdrs);
  g_free (url);
  return ok;
}

static gboolean
http_remove (GstCacheRemote * remote, const gchar * hex, GError ** error)
{
  GstCacheRemoteHttp *http = (GstCacheRemoteHttp *) remote;
  gchar *url = object_url (http, hex);
  struct curl_slist *hdrs;
  glong status = 0;
  gboolean ok = FALSE;

  setup (http, url, &hdrs);
  curl_easy_setopt (http->curl, CURLOPT_CUSTOMREQUEST, "DELETE");
  if (perform (http, "DELETE", &status, error)) {
    if (status == 200 || status == 202 || status == 204 || status == 404)
      ok = TRUE;
    else
      status_error (http, "DELETE", status, error);
  }
  curl_slist_free_all (hdrs);
  g_free (url);
  return ok;
}

static void
http_free (GstCacheRemote * remote)
{
  GstCacheRemoteHttp *http = (GstCacheRemoteHttp *) remote;

  if (http->curl)
    curl_easy_cleanup (http->curl);
  g_free (http->base);
  if (http->userpwd)
    memset (http->userpwd, 0, strlen (http->userpwd));
  g_free (http->userpwd);
  if (http->bearer)
    memset (http->bearer, 0, strlen (http->bearer));
  g_free (http->bearer);
  g_free (remote->url);
  g_free (remote->spec);
  if (remote->sign_key)
    g_bytes_unref (remote->sign_key);
  g_free (http);
}

static const GstCacheRemoteFuncs http_funcs = {
  http_get, http_head, http_put, http_remove, http_free,
};

/* takes the credentials out of @u: "user:password" (an empty password
 * when the URL has none), or NULL when it names no user; curl's decoded
 * copies are cleared before they are freed */
static gchar *
take_userpwd (CURLU * u)
{
  gchar *user = NULL, *password = NULL, *userpwd = NULL;

  curl_url_get (u, CURLUPART_USER, &user, CURLU_URLDECODE);
  curl_url_get (u, CURLUPART_PASSWORD, &password, CURLU_URLDECODE);
  curl_url_set (u, CURLUPART_USER, NULL, 0);
  curl_url_set (u, CURLUPART_PASSWORD, NULL, 0);
  if (user) {
    userpwd = g_strdup_printf ("%s:%s", user, password ? password : "");
    memset (user, 0, strlen (user));
  }
  curl_free (user);
  if (password)
    memset (password, 0, strlen (password));
  curl_free (password);
  return userpwd;
}

static GstCacheRemote *
remote_http_new (const gchar * url, GHashTable * attrs, GError ** error)
{
  static GOnce once = G_ONCE_INIT;
  GstCacheRemoteHttp *http;
  CURLU *u;
  gchar *userpwd, *clean = NULL;
  const gchar *v;

  g_once (&once, global_init, NULL);
  u = curl_url ();
  if (curl_url_set (u, CURLUPART_URL, url, 0) != CURLUE_OK) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "Not a URL");
    curl_url_cleanup (u);
    return NULL;
  }
  userpwd = take_userpwd (u);
  curl_url_get (u, CURLUPART_URL, &clean, 0);
  curl_url_cleanup (u);

  http = g_new0 (GstCacheRemoteHttp, 1);
  http->parent.funcs = &http_funcs;
  http->base = g_str_has_suffix (clean, "/") ? g_strdup (clean) :
      g_strconcat (clean, "/", NULL);
  http->parent.url = g_strdup (http->base);
  http->userpwd = userpwd;
  curl_free (clean);

  if ((v = g_hash_table_lookup (attrs, "bearer-token-file"))) {
    gchar *token = module_host->read_secret (v, error);

    if (token == NULL)
      goto failed;
    http->bearer = g_strconcat ("Authorization: Bearer ", token, NULL);
    memset (token, 0, strlen (token));
    g_free (token);
    g_hash_table_remove (attrs, "bearer-token-file");
  }
  if ((v = g_hash_table_lookup (attrs, "basic-auth-file"))) {
    /* user:password */
    gchar *pair = module_host->read_secret (v, error);

    if (pair == NULL)
      goto failed;
    g_free (http->userpwd);
    http->userpwd = pair;
    g_hash_table_remove (attrs, "basic-auth-file");
  }
  http->curl = curl_easy_init ();
  if (http->curl == NULL) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "Could not make an HTTP client");
    goto failed;
  }
  return &http->parent;

failed:
  http_free (&http->parent);
  return NULL;
}

/* the client for objects that are not entries (gstcacheremotehttp.h) */

struct _GstCacheHttpClient
{
  CURL *curl;
  gchar *clean;                 /* the URL without userinfo */
  gchar *userpwd;               /* from the URL's userinfo, or NULL */
  guint connect_timeout_ms, stall_timeout_ms;
  gchar errbuf[CURL_ERROR_SIZE];
};

static void http_client_free (GstCacheHttpClient * client);

typedef struct
{
  GstCacheHttpClient *client;
  GstCacheHttpBodyFunc func;
  gpointer user_data;
  guint64 received;
} BodyState;

static size_t
body_cb (char *ptr, size_t size, size_t n, void *user)
{
  BodyState *st = user;
  gsize len = size * n;
  glong status = 0;

  /* an error page is not the object */
  curl_easy_getinfo (st->client->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200)
    return len;
  if (!st->func ((const guint8 *) ptr, len, st->user_data))
    return 0;
  st->received += len;
  return len;
}

static GstCacheHttpClient *
http_client_new (const gchar * url, guint connect_timeout_ms,
    guint stall_timeout_ms, GError ** error)
{
  static GOnce once = G_ONCE_INIT;
  GstCacheHttpClient *client;
  CURLU *u;
  gchar *scheme = NULL, *userpwd, *clean = NULL;
  gboolean ok;

  g_once (&once, global_init, NULL);
  u = curl_url ();
  ok = curl_url_set (u, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_get (u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
      (g_ascii_strcasecmp (scheme, "http") == 0 ||
      g_ascii_strcasecmp (scheme, "https") == 0);
  if (!ok) {
    /* the URL may hold credentials: it is not quoted */
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "Not an http:// or https:// URL");
    curl_free (scheme);
    curl_url_cleanup (u);
    return NULL;
  }
  userpwd = take_userpwd (u);
  /* a fragment is never sent */
  curl_url_set (u, CURLUPART_FRAGMENT, NULL, 0);
  curl_url_get (u, CURLUPART_URL, &clean, 0);
  curl_url_cleanup (u);

  client = g_new0 (GstCacheHttpClient, 1);
  client->clean = g_strdup (clean);
  client->userpwd = userpwd;
  client->connect_timeout_ms = connect_timeout_ms;
  client->stall_timeout_ms = stall_timeout_ms;
  curl_free (scheme);
  curl_free (clean);

  client->curl = curl_easy_init ();
  if (client->curl == NULL) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "Could not make an HTTP client");
    http_client_free (client);
    return NULL;
  }
  return client;
}

static const gchar *
http_client_get_url (GstCacheHttpClient * client)
{
  return client->clean;
}

/* a response header's value, or NULL; the last one of its name */
static gchar *
response_header (CURL * c, const gchar * name)
{
  struct curl_header *h = NULL;

  if (curl_easy_header (c, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK ||
      h == NULL)
    return NULL;
  /* a header sent several times: the last one */
  if (h->amount > 1 && curl_easy_header (c, name, h->amount - 1,
          CURLH_HEADER, -1, &h) != CURLHE_OK)
    return NULL;
  return g_strstrip (g_strdup (h->value));
}

static gboolean
http_client_request (GstCacheHttpClient * client,
    const gchar * const *headers, GstCacheHttpBodyFunc body,
    gpointer user_data, GstCacheHttpResponse * resp, guint64 * received,
    GError ** error)
{
  CURL *c = client->curl;
  BodyState st = { client, body, user_data, 0 };
  struct curl_slist *hdrs = NULL;
  curl_off_t length = -1;
  gboolean ok;
  guint i;

  memset (resp, 0, sizeof (*resp));
  resp->content_length = -1;
  setup_common (c, client->clean, client->connect_timeout_ms, client->errbuf);
  if (body) {
    /* a download as long as it moves: a stall fails it */
    curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME,
        (long) MAX (1, client->stall_timeout_ms / 1000));
    curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, body_cb);
    curl_easy_setopt (c, CURLOPT_WRITEDATA, &st);
  } else {
    curl_easy_setopt (c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, (long) client->stall_timeout_ms);
  }
  for (i = 0; headers && headers[i]; i++)
    hdrs = curl_slist_append (hdrs, headers[i]);
  if (hdrs)
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, hdrs);
  if (client->userpwd) {
    curl_easy_setopt (c, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
    curl_easy_setopt (c, CURLOPT_USERPWD, client->userpwd);
  }
  ok = perform_common (c, client->errbuf, body ? "GET" : "HEAD",
      &resp->status, error);
  /* after a failed transfer too: the headers say what was promised */
  curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &resp->status);
  curl_easy_getinfo (c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  resp->content_length = length;
  resp->etag = response_header (c, "ETag");
  resp->last_modified = response_header (c, "Last-Modified");
  resp->date = response_header (c, "Date");
  if (received)
    *received = st.received;
  curl_slist_free_all (hdrs);
  return ok;
}

static void
http_client_free (GstCacheHttpClient * client)
{
  if (client == NULL)
    return;
  if (client->curl)
    curl_easy_cleanup (client->curl);
  if (client->userpwd)
    memset (client->userpwd, 0, strlen (client->userpwd));
  g_free (client->userpwd);
  g_free (client->clean);
  g_free (client);
}

static gint64
http_parse_date (const gchar * date)
{
  return curl_getdate (date, NULL);
}

/* the module's entry point (GST_CACHE_HTTP_MODULE_INIT) */
G_MODULE_EXPORT gboolean
gst_cache_http_module_init (const GstCacheModuleHost * store,
    gpointer module, gsize module_size, GError ** error)
{
  GstCacheHttpModule *m = module;

  if (!gst_cache_module_check_version (store, module_size,
          sizeof (GstCacheHttpModule), "libgstcache-http.so", error))
    return FALSE;
  module_host = store;
  m->version = GST_CACHE_MODULE_VERSION;
  m->size = sizeof (GstCacheHttpModule);
  m->remote_new = remote_http_new;
  m->client_new = http_client_new;
  m->client_get_url = http_client_get_url;
  m->client_request = http_client_request;
  m->client_free = http_client_free;
  m->parse_date = http_parse_date;
  return TRUE;
}
