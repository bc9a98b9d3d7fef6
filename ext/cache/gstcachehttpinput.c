/* gst-reuse: the cache store: inputs on HTTP servers and the HTTP manifest
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

/* An object on an HTTP server, identified by content: downloaded with the
 * store's HTTP client (remote/gstcacheremotehttp.c) and hashed as it
 * arrives, and remembered in an HTTP manifest, so that an unchanged object
 * costs one conditional HEAD next time, the way the stat manifest spares
 * a local file its hashing. The manifest lives beside the stat manifest,
 * in the same stat/XX/ shards (named by a SHA-256 of "http\n" and the URL
 * without credentials), and is pruned with them. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachestore-private.h"
#include "gstcacheinput.h"

#include <string.h>
#include <time.h>
#include <utime.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "remote/gstcacheremote.h"
#include "remote/gstcacheremotehttp.h"

GST_DEBUG_CATEGORY_STATIC (gst_cache_http_input_debug);
#define GST_CAT_DEFAULT gst_cache_http_input_debug

#define HTTP_MAGIC "gst-reuse-http 1"
/* an object written again within the second of its Last-Modified keeps
 * it (and nginx's ETag, made of the mtime and the size): such a response
 * is not remembered */
#define HTTP_TRUST_AGE_S 2
/* connecting to the server; a transfer that moves nothing for this long
 * (a HEAD: that takes this long) */
#define HTTP_CONNECT_TIMEOUT_MS 10000
#define HTTP_STALL_TIMEOUT_MS 30000
#define N_ALGORITHMS 2

G_DEFINE_QUARK (gst - cache - http - error - quark, gst_cache_http_error);

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_cache_http_input_debug, "cachehttpinput", 0,
        "gst-reuse cache: inputs on HTTP servers");
    g_once_init_leave (&done, 1);
  }
}

/* the manifest of one URL; it names the URL by its SHA-256 only: a query
 * string may hold a signature (presigned URLs), a credential as good as a
 * password until it expires */
typedef struct
{
  gchar *url;                   /* SHA-256 of the URL, hex */
  gchar *etag;                  /* strong, or NULL */
  gchar *last_modified;         /* or NULL */
  guint64 length;
  gboolean have[N_ALGORITHMS];
  guint8 digest[N_ALGORITHMS][GST_CACHE_DIGEST_MAX_SIZE];
} HttpManifest;

static void
http_manifest_clear (HttpManifest * m)
{
  g_free (m->url);
  g_free (m->etag);
  g_free (m->last_modified);
  memset (m, 0, sizeof (*m));
}

static gchar *
url_hash (const gchar * url)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
}

/* stat/XX/<SHA-256 of "http\n" and the URL> */
static gchar *
http_manifest_path (GstCacheStore * store, const gchar * url)
{
  gchar *id = g_strconcat ("http\n", url, NULL);
  gchar *name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, id, -1);
  gchar shard[3] = { name[0], name[1], '\0' };
  gchar *p = g_build_filename (store->stat_dir, shard, name, NULL);

  g_free (name);
  g_free (id);
  return p;
}

/* the URL as logs and messages name it: without its query, which may
 * hold a signature (userinfo is gone already) */
static gchar *
log_url (const gchar * url)
{
  const gchar *q = strchr (url, '?');

  return q ? g_strdup_printf ("%.*s?…", (gint) (q - url), url) :
      g_strdup (url);
}

static void
set_string (gchar ** field, const gchar * value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* "NAME VALUE" lines after the magic; a manifest of another URL (@url is
 * its hash), or one that does not parse, is none */
static gboolean
http_manifest_read (const gchar * path, const gchar * url, HttpManifest * m)
{
  gchar *contents = NULL;
  gchar **lines;
  gboolean have_length = FALSE;
  guint i;

  memset (m, 0, sizeof (*m));
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  lines = g_strsplit (contents, "\n", -1);
  g_free (contents);
  if (g_strcmp0 (lines[0], HTTP_MAGIC) != 0)
    goto bad;
  for (i = 1; lines[i]; i++) {
    gchar *sp = strchr (lines[i], ' ');
    GstCacheDigestAlgorithm alg;

    if (sp == NULL)
      continue;
    *sp++ = '\0';
    if (strcmp (lines[i], "url-sha256") == 0) {
      set_string (&m->url, sp);
    } else if (strcmp (lines[i], "etag") == 0) {
      set_string (&m->etag, sp);
    } else if (strcmp (lines[i], "last-modified") == 0) {
      set_string (&m->last_modified, sp);
    } else if (strcmp (lines[i], "length") == 0) {
      gchar *end = NULL;

      m->length = g_ascii_strtoull (sp, &end, 10);
      have_length = end && end != sp && *end == '\0';
    } else if (gst_cache_digest_algorithm_from_name (lines[i], &alg)) {
      m->have[alg] = gst_cache_hex_to_digest (sp, m->digest[alg],
          gst_cache_digest_algorithm_size (alg));
    }
  }
  if (g_strcmp0 (m->url, url) != 0 || !have_length ||
      (m->etag == NULL && m->last_modified == NULL))
    goto bad;
  g_strfreev (lines);
  return TRUE;

bad:
  g_strfreev (lines);
  http_manifest_clear (m);
  return FALSE;
}

static gboolean
same_validators (const HttpManifest * a, const HttpManifest * b)
{
  return a->length == b->length && g_strcmp0 (a->etag, b->etag) == 0 &&
      g_strcmp0 (a->last_modified, b->last_modified) == 0;
}

/* @m's digest of @alg, merged with the other algorithms' digests that the
 * manifest already has for the same validators; written atomically (a
 * manifest is a hint: a lost one costs a download) */
static void
http_manifest_store (const gchar * path, HttpManifest * m,
    GstCacheDigestAlgorithm alg)
{
  HttpManifest old;
  GString *text = g_string_new (HTTP_MAGIC "\n");
  gchar *dir = g_path_get_dirname (path);
  guint i;

  if (http_manifest_read (path, m->url, &old) && same_validators (&old, m)) {
    for (i = 0; i < N_ALGORITHMS; i++) {
      if (i != alg && old.have[i]) {
        m->have[i] = TRUE;
        memcpy (m->digest[i], old.digest[i], GST_CACHE_DIGEST_MAX_SIZE);
      }
    }
  }
  http_manifest_clear (&old);
  g_string_append_printf (text, "url-sha256 %s\n", m->url);
  if (m->etag)
    g_string_append_printf (text, "etag %s\n", m->etag);
  if (m->last_modified)
    g_string_append_printf (text, "last-modified %s\n", m->last_modified);
  g_string_append_printf (text, "length %" G_GUINT64_FORMAT "\n", m->length);
  for (i = 0; i < N_ALGORITHMS; i++) {
    gchar *hex;

    if (!m->have[i])
      continue;
    hex = gst_cache_digest_to_hex (m->digest[i],
        gst_cache_digest_algorithm_size (i));
    g_string_append_printf (text, "%s %s\n",
        gst_cache_digest_algorithm_name (i), hex);
    g_free (hex);
  }
  if (g_mkdir_with_parents (dir, 0700) == 0)
    gst_cache_replace_file (path, text->str, text->len);
  g_string_free (text, TRUE);
  g_free (dir);
}

static gboolean
etag_is_strong (const gchar * etag)
{
  /* a weak one starts with W/ */
  return etag != NULL && etag[0] == '"';
}

/* a header value that goes on a line of the manifest */
static gboolean
one_line (const gchar * s)
{
  return s == NULL || (strchr (s, '\n') == NULL && strchr (s, '\r') == NULL);
}

/* a failed transfer as a GST_CACHE_HTTP_ERROR */
static void
transfer_error (GError ** error, GError * err, const gchar * url,
    const GstCacheHttpResponse * resp, guint64 received)
{
  gint code;

  switch (err->code) {
    case GST_CACHE_REMOTE_ERROR_CONNECT:
      code = GST_CACHE_HTTP_ERROR_UNREACHABLE;
      break;
    case GST_CACHE_REMOTE_ERROR_TIMEOUT:
      code = resp->status ? GST_CACHE_HTTP_ERROR_TIMEOUT :
          GST_CACHE_HTTP_ERROR_UNREACHABLE;
      break;
    case GST_CACHE_REMOTE_ERROR_CONFIG:
      code = GST_CACHE_HTTP_ERROR_UNSUPPORTED;
      break;
    default:
      code = resp->status == 200 && resp->content_length >= 0 &&
          received < (guint64) resp->content_length ?
          GST_CACHE_HTTP_ERROR_SHORT_BODY : GST_CACHE_HTTP_ERROR_PROTOCOL;
      break;
  }
  g_set_error (error, GST_CACHE_HTTP_ERROR, code, "%s: %s", url, err->message);
}

static void
status_error (GError ** error, const gchar * what, const gchar * url,
    glong status)
{
  g_set_error (error, GST_CACHE_HTTP_ERROR, status == 404 || status == 410 ?
      GST_CACHE_HTTP_ERROR_NOT_FOUND : GST_CACHE_HTTP_ERROR_STATUS,
      "%s %s: HTTP status %ld", what, url, status);
}

/* the validators that a HEAD's answer confirms: every one that both the
 * manifest and the response have must be equal; a 304 says the rest, a
 * 200 must carry the same Content-Length and the validator the question
 * was about */
static gboolean
head_confirms (const HttpManifest * m, const GstCacheHttpResponse * resp)
{
  if (resp->etag && m->etag && strcmp (resp->etag, m->etag) != 0)
    return FALSE;
  if (resp->last_modified && m->last_modified &&
      strcmp (resp->last_modified, m->last_modified) != 0)
    return FALSE;
  /* a 304 has no body: the Content-Length of some servers' is 0 */
  if (resp->status == 304)
    return TRUE;
  if (resp->status != 200 || resp->content_length < 0 ||
      (guint64) resp->content_length != m->length)
    return FALSE;
  if (m->etag)
    return resp->etag != NULL;
  /* a manifest without a strong ETag: the object has none now either */
  return resp->last_modified != NULL && !etag_is_strong (resp->etag);
}

typedef struct
{
  GstCacheHasher *hasher;
} HashState;

static gboolean
hash_body (const guint8 * data, gsize size, gpointer user_data)
{
  HashState *st = user_data;

  gst_cache_hasher_update (st->hasher, data, size);
  return TRUE;
}

/* what of a GET's response can be remembered: FALSE when nothing */
static gboolean
response_validators (const GstCacheHttpResponse * resp, HttpManifest * m)
{
  gboolean strong = etag_is_strong (resp->etag) && one_line (resp->etag);
  const gchar *lm = one_line (resp->last_modified) ? resp->last_modified : NULL;

  if (resp->content_length < 0)
    return FALSE;
  if (lm) {
    time_t lm_t = gst_cache_http_parse_date (lm);
    time_t date_t = resp->date ? gst_cache_http_parse_date (resp->date) : -1;

    if (date_t < 0)
      date_t = (time_t) (g_get_real_time () / G_USEC_PER_SEC);
    if (lm_t < 0) {
      lm = NULL;
    } else if (date_t - lm_t < HTTP_TRUST_AGE_S) {
      GST_DEBUG ("Last-Modified %s is within %d s of the response: not "
          "remembered", lm, HTTP_TRUST_AGE_S);
      return FALSE;
    }
  }
  if (!strong && lm == NULL)
    return FALSE;
  m->etag = strong ? g_strdup (resp->etag) : NULL;
  m->last_modified = g_strdup (lm);
  m->length = resp->content_length;
  return TRUE;
}

gboolean
gst_cache_hash_http (GstCacheStore * store, const gchar * uri,
    GstCacheDigestAlgorithm alg, guint8 digest[GST_CACHE_DIGEST_MAX_SIZE],
    guint64 * length, gboolean * from_manifest, GError ** error)
{
  GstCacheHttpClient *client;
  GstCacheHttpResponse resp = { 0, };
  HttpManifest m = { 0, };
  HashState st = { NULL };
  GError *err = NULL;
  gchar *mpath = NULL, *uhash = NULL, *url = NULL;
  guint64 received = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (uri != NULL, FALSE);
  ensure_debug_category ();
  if (from_manifest)
    *from_manifest = FALSE;

  client = gst_cache_http_client_new (uri, HTTP_CONNECT_TIMEOUT_MS,
      HTTP_STALL_TIMEOUT_MS, &err);
  if (client == NULL) {
    g_set_error (error, GST_CACHE_HTTP_ERROR, GST_CACHE_HTTP_ERROR_UNSUPPORTED,
        "%s", err->message);
    g_clear_error (&err);
    return FALSE;
  }
  uhash = url_hash (gst_cache_http_client_get_url (client));
  url = log_url (gst_cache_http_client_get_url (client));
  if (store != NULL)
    mpath = http_manifest_path (store, gst_cache_http_client_get_url (client));

  /* known: one conditional HEAD */
  if (mpath && http_manifest_read (mpath, uhash, &m) && m.have[alg]) {
    gchar *cond = m.etag ? g_strconcat ("If-None-Match: ", m.etag, NULL) :
        g_strconcat ("If-Modified-Since: ", m.last_modified, NULL);
    const gchar *headers[] = { cond, NULL };

    ok = gst_cache_http_client_request (client, headers, NULL, NULL, &resp,
        NULL, &err);
    g_free (cond);
    if (!ok) {
      transfer_error (error, err, url, &resp, 0);
      g_clear_error (&err);
      goto out;
    }
    ok = FALSE;
    if ((resp.status == 304 || resp.status == 200) && head_confirms (&m, &resp)) {
      memcpy (digest, m.digest[alg], gst_cache_digest_algorithm_size (alg));
      *length = m.length;
      if (from_manifest)
        *from_manifest = TRUE;
      /* recently used: the last to be pruned */
      g_utime (mpath, NULL);
      GST_INFO ("%s: unchanged (HEAD: %ld), %" G_GUINT64_FORMAT " bytes, "
          "digest from the manifest", url, resp.status, m.length);
      ok = TRUE;
      goto out;
    }
    if (resp.status != 200 && resp.status != 304) {
      status_error (error, "HEAD", url, resp.status);
      goto out;
    }
    GST_INFO ("%s: changed (HEAD: %ld, ETag %s, Last-Modified %s, "
        "Content-Length %" G_GINT64_FORMAT "): downloading", url,
        resp.status, GST_STR_NULL (resp.etag),
        GST_STR_NULL (resp.last_modified), resp.content_length);
    gst_cache_http_response_clear (&resp);
  }
  http_manifest_clear (&m);

  /* new or changed: download and hash */
  st.hasher = gst_cache_hasher_new_full (alg);
  if (!gst_cache_http_client_request (client, NULL, hash_body, &st, &resp,
          &received, &err)) {
    transfer_error (error, err, url, &resp, received);
    g_clear_error (&err);
    goto out;
  }
  if (resp.status != 200) {
    status_error (error, "GET", url, resp.status);
    goto out;
  }
  if (resp.content_length >= 0 && received != (guint64) resp.content_length) {
    g_set_error (error, GST_CACHE_HTTP_ERROR, received <
        (guint64) resp.content_length ? GST_CACHE_HTTP_ERROR_SHORT_BODY :
        GST_CACHE_HTTP_ERROR_PROTOCOL, "GET %s: %" G_GUINT64_FORMAT
        " bytes received, Content-Length said %" G_GINT64_FORMAT, url,
        received, resp.content_length);
    goto out;
  }
  gst_cache_hasher_finish_full (st.hasher, digest);
  *length = received;
  ok = TRUE;
  GST_INFO ("%s: downloaded and hashed, %" G_GUINT64_FORMAT " bytes "
      "(ETag %s, Last-Modified %s)", url, received, GST_STR_NULL (resp.etag),
      GST_STR_NULL (resp.last_modified));

  if (mpath && response_validators (&resp, &m)) {
    m.url = g_strdup (uhash);
    m.have[alg] = TRUE;
    memcpy (m.digest[alg], digest, gst_cache_digest_algorithm_size (alg));
    http_manifest_store (mpath, &m, alg);
  }

out:
  if (st.hasher)
    gst_cache_hasher_free (st.hasher);
  http_manifest_clear (&m);
  gst_cache_http_response_clear (&resp);
  gst_cache_http_client_free (client);
  g_free (mpath);
  g_free (uhash);
  g_free (url);
  return ok;
}
