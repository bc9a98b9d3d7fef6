/* gst-reuse: the remote tier of the cache store: Redis backend (hiredis)
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

/* Redis as a cache: GET, EXISTS, SET (atomic: a reader sees the old value
 * or all of the new one), DEL. Values are entries, so keep max-entry-size
 * below the server's proto-max-bulk-len (512 MB by default) and make the
 * server an LRU cache (maxmemory, maxmemory-policy allkeys-lru).
 *
 * redis://[[user]:password@]host[:port][/db], redis+unix:/path[?db=N];
 * attributes password-file, prefix (default "gst-reuse:"), ttl (seconds).
 * rediss:// (TLS) needs hiredis built with SSL (hiredis_ssl.h, hiredis 1.0
 * and later); Debian 12's libhiredis 0.14.1 has none, so it is refused
 * with an error that says so. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachemodule.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

/* built as libgstcache-redis.so: what it needs of the store comes from the
 * store when it is loaded (gstcachemodule.h) */
static const GstCacheModuleHost *module_host;

#undef GST_CACHE_REMOTE_ERROR
#define GST_CACHE_REMOTE_ERROR (module_host->remote_error)

#define DEFAULT_PREFIX "gst-reuse:"

typedef struct
{
  GstCacheRemote parent;
  redisContext *ctx;
  gchar *host;                  /* or NULL */
  gint port;
  gchar *socket;                /* or NULL */
  gint db;
  gchar *user, *password;       /* or NULL */
  gchar *prefix;
  guint64 ttl_s;                /* 0: none */
} GstCacheRemoteRedis;

static void
set_ctx_error (GstCacheRemoteRedis * r, const gchar * what, GError ** error)
{
  gint code = GST_CACHE_REMOTE_ERROR_PROTOCOL;

  if (r->ctx == NULL) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, code, "%s: out of memory",
        what);
    return;
  }
  if (r->ctx->err == REDIS_ERR_IO && (r->ctx->errstr[0] == '\0' ||
          errno == EAGAIN || errno == ETIMEDOUT || errno == EWOULDBLOCK ||
          strstr (r->ctx->errstr, "timed out")))
    code = GST_CACHE_REMOTE_ERROR_TIMEOUT;
  else if (r->ctx->err == REDIS_ERR_IO && (strstr (r->ctx->errstr,
              "refused") || strstr (r->ctx->errstr, "No such file")))
    code = GST_CACHE_REMOTE_ERROR_CONNECT;
  else if (r->ctx->err == REDIS_ERR_EOF)
    code = GST_CACHE_REMOTE_ERROR_PROTOCOL;
  g_set_error (error, GST_CACHE_REMOTE_ERROR, code, "%s: %s", what,
      r->ctx->errstr[0] ? r->ctx->errstr : g_strerror (errno));
  /* the connection is dropped: the next operation connects again */
  redisFree (r->ctx);
  r->ctx = NULL;
}

static void
ms_to_tv (guint ms, struct timeval *tv)
{
  tv->tv_sec = ms / 1000;
  tv->tv_usec = (ms % 1000) * 1000;
}

/* a reply that must be a status "OK" (AUTH, SELECT) */
static gboolean
command_ok (GstCacheRemoteRedis * r, redisReply * reply, const gchar * what,
    gint code, GError ** error)
{
  gboolean ok;

  if (reply == NULL) {
    set_ctx_error (r, what, error);
    return FALSE;
  }
  ok = reply->type == REDIS_REPLY_STATUS;
  if (!ok)
    /* the server's message names the command, never its arguments */
    g_set_error (error, GST_CACHE_REMOTE_ERROR, code, "%s: %s", what,
        reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
  freeReplyObject (reply);
  return ok;
}

static gboolean
ensure_connected (GstCacheRemoteRedis * r, GError ** error)
{
  struct timeval ctv, otv;

  if (r->ctx)
    return TRUE;
  ms_to_tv (r->parent.connect_timeout_ms, &ctv);
  ms_to_tv (r->parent.operation_timeout_ms, &otv);
  if (r->socket)
    r->ctx = redisConnectUnixWithTimeout (r->socket, ctv);
  else
    r->ctx = redisConnectWithTimeout (r->host, r->port, ctv);
  if (r->ctx == NULL || r->ctx->err) {
    gint code = GST_CACHE_REMOTE_ERROR_CONNECT;

    if (r->ctx && strstr (r->ctx->errstr, "timed out"))
      code = GST_CACHE_REMOTE_ERROR_TIMEOUT;
    g_set_error (error, GST_CACHE_REMOTE_ERROR, code, "connect: %s",
        r->ctx ? r->ctx->errstr : "out of memory");
    if (r->ctx)
      redisFree (r->ctx);
    r->ctx = NULL;
    return FALSE;
  }
  redisSetTimeout (r->ctx, otv);
  if (r->password) {
    redisReply *reply = r->user ?
        redisCommand (r->ctx, "AUTH %s %s", r->user, r->password) :
        redisCommand (r->ctx, "AUTH %s", r->password);

    if (!command_ok (r, reply, "AUTH", GST_CACHE_REMOTE_ERROR_AUTH, error))
      goto failed;
  }
  if (r->db != 0 && !command_ok (r, redisCommand (r->ctx, "SELECT %d",
              r->db), "SELECT", GST_CACHE_REMOTE_ERROR_STATUS, error))
    goto failed;
  return TRUE;

failed:
  if (r->ctx)
    redisFree (r->ctx);
  r->ctx = NULL;
  return FALSE;
}

static gchar *
redis_key (GstCacheRemoteRedis * r, const gchar * hex)
{
  return g_strconcat (r->prefix, hex, NULL);
}

static GstCacheRemoteResult
redis_get (GstCacheRemote * remote, const gchar * hex, gint fd,
    guint64 * size, GError ** error)
{
  GstCacheRemoteRedis *r = (GstCacheRemoteRedis *) remote;
  GstCacheRemoteResult res = GST_CACHE_REMOTE_FAILED;
  redisReply *reply;
  gchar *key;
  gsize done = 0;

  if (!ensure_connected (r, error))
    return res;
  key = redis_key (r, hex);
  if (remote->max_entry_size) {
    /* STRLEN first: a value above the limit is never transferred */
    reply = redisCommand (r->ctx, "STRLEN %s", key);
    if (reply == NULL) {
      set_ctx_error (r, "STRLEN", error);
      goto out;
    }
    if (reply->type == REDIS_REPLY_INTEGER &&
        (guint64) reply->integer > remote->max_entry_size) {
      g_set_error (error, GST_CACHE_REMOTE_ERROR,
          GST_CACHE_REMOTE_ERROR_TOO_LARGE, "GET: the entry (%lld bytes) is "
          "larger than max-entry-size (%" G_GUINT64_FORMAT " bytes)",
          reply->integer, remote->max_entry_size);
      freeReplyObject (reply);
      goto out;
    }
    freeReplyObject (reply);
  }
  reply = redisCommand (r->ctx, "GET %s", key);
  if (reply == NULL) {
    set_ctx_error (r, "GET", error);
    goto out;
  }
  if (reply->type == REDIS_REPLY_NIL) {
    res = GST_CACHE_REMOTE_NOT_FOUND;
  } else if (reply->type != REDIS_REPLY_STRING) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_STATUS,
        "GET: %s", reply->type == REDIS_REPLY_ERROR ? reply->str :
        "unexpected reply");
  } else {
    while (done < reply->len) {
      gssize w = pwrite (fd, reply->str + done, reply->len - done, done);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0) {
        g_set_error (error, GST_CACHE_REMOTE_ERROR,
            GST_CACHE_REMOTE_ERROR_LOCAL, "Could not write the downloaded "
            "entry: %s", g_strerror (w < 0 ? errno : ENOSPC));
        break;
      }
      done += w;
    }
    if (done == reply->len) {
      *size = reply->len;
      res = GST_CACHE_REMOTE_FOUND;
    }
  }
  freeReplyObject (reply);
out:
  g_free (key);
  return res;
}

static GstCacheRemoteResult
redis_head (GstCacheRemote * remote, const gchar * hex, GError ** error)
{
  GstCacheRemoteRedis *r = (GstCacheRemoteRedis *) remote;
  GstCacheRemoteResult res = GST_CACHE_REMOTE_FAILED;
  redisReply *reply;
  gchar *key;

  if (!ensure_connected (r, error))
    return res;
  key = redis_key (r, hex);
  reply = redisCommand (r->ctx, "EXISTS %s", key);
  g_free (key);
  if (reply == NULL) {
    set_ctx_error (r, "EXISTS", error);
    return res;
  }
  if (reply->type == REDIS_REPLY_INTEGER)
    res = reply->integer ? GST_CACHE_REMOTE_FOUND : GST_CACHE_REMOTE_NOT_FOUND;
  else
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_STATUS,
        "EXISTS: %s", reply->type == REDIS_REPLY_ERROR ? reply->str :
        "unexpected reply");
  freeReplyObject (reply);
  return res;
}

static gboolean
redis_put (GstCacheRemote * remote, const gchar * hex, const guint8 * data,
    gsize size, GError ** error)
{
  GstCacheRemoteRedis *r = (GstCacheRemoteRedis *) remote;
  redisReply *reply;
  gchar *key;

  if (!ensure_connected (r, error))
    return FALSE;
  key = redis_key (r, hex);
  if (r->ttl_s)
    reply = redisCommand (r->ctx, "SET %s %b EX %" G_GUINT64_FORMAT, key,
        data, size, r->ttl_s);
  else
    reply = redisCommand (r->ctx, "SET %s %b", key, data, size);
  g_free (key);
  return command_ok (r, reply, "SET", GST_CACHE_REMOTE_ERROR_STATUS, error);
}

static gboolean
redis_remove (GstCacheRemote * remote, const gchar * hex, GError ** error)
{
  GstCacheRemoteRedis *r = (GstCacheRemoteRedis *) remote;
  redisReply *reply;
  gchar *key;
  gboolean ok;

  if (!ensure_connected (r, error))
    return FALSE;
  key = redis_key (r, hex);
  reply = redisCommand (r->ctx, "DEL %s", key);
  g_free (key);
  if (reply == NULL) {
    set_ctx_error (r, "DEL", error);
    return FALSE;
  }
  ok = reply->type == REDIS_REPLY_INTEGER;
  if (!ok)
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_STATUS,
        "DEL: %s", reply->type == REDIS_REPLY_ERROR ? reply->str :
        "unexpected reply");
  freeReplyObject (reply);
  return ok;
}

static void
redis_free (GstCacheRemote * remote)
{
  GstCacheRemoteRedis *r = (GstCacheRemoteRedis *) remote;

  if (r->ctx)
    redisFree (r->ctx);
  g_free (r->host);
  g_free (r->socket);
  g_free (r->user);
  if (r->password)
    memset (r->password, 0, strlen (r->password));
  g_free (r->password);
  g_free (r->prefix);
  g_free (remote->url);
  g_free (remote->spec);
  if (remote->sign_key)
    g_bytes_unref (remote->sign_key);
  g_free (r);
}

static const GstCacheRemoteFuncs redis_funcs = {
  redis_get, redis_head, redis_put, redis_remove, redis_free,
};

static gboolean
parse_db (const gchar * s, gint * db, GError ** error)
{
  gchar *end = NULL;
  gint64 v = g_ascii_strtoll (s, &end, 10);

  if (end == s || *end != '\0' || v < 0 || v > G_MAXINT) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "Bad database number \"%s\"", s);
    return FALSE;
  }
  *db = v;
  return TRUE;
}

/* redis://[[user]:password@]host[:port][/db] */
static gboolean
parse_tcp (GstCacheRemoteRedis * r, const gchar * rest, GError ** error)
{
  const gchar *slash = rest + strcspn (rest, "/?");
  gchar *authority = g_strndup (rest, slash - rest);
  gchar *hostport = strrchr (authority, '@');
  gchar *colon;
  gboolean ok = TRUE;

  if (hostport) {
    gchar *userinfo = authority;
    gchar *c;

    *hostport++ = '\0';
    c = strchr (userinfo, ':');
    if (c) {
      *c = '\0';
      r->password = g_uri_unescape_string (c + 1, NULL);
      if (userinfo[0])
        r->user = g_uri_unescape_string (userinfo, NULL);
    } else {
      /* redis://password@host, as some clients accept */
      r->password = g_uri_unescape_string (userinfo, NULL);
    }
  } else {
    hostport = authority;
  }
  r->port = 6379;
  if (hostport[0] == '[') {
    gchar *close = strchr (hostport, ']');

    if (close == NULL) {
      ok = FALSE;
      goto out;
    }
    r->host = g_strndup (hostport + 1, close - hostport - 1);
    colon = close[1] == ':' ? close + 1 : NULL;
  } else {
    colon = strrchr (hostport, ':');
    r->host = colon ? g_strndup (hostport, colon - hostport) :
        g_strdup (hostport);
  }
  if (colon) {
    gchar *end = NULL;
    gint64 port = g_ascii_strtoll (colon + 1, &end, 10);

    if (end == colon + 1 || *end != '\0' || port <= 0 || port > 65535)
      ok = FALSE;
    r->port = port;
  }
  if (r->host[0] == '\0')
    ok = FALSE;
  if (ok && slash[0] == '/' && slash[1] != '\0' && slash[1] != '?')
    ok = parse_db (slash + 1, &r->db, error);
  if (ok && strstr (slash, "?db="))
    ok = parse_db (strstr (slash, "?db=") + 4, &r->db, error);
  r->parent.url = g_strdup_printf ("redis://%s%s%s:%d/%d",
      strchr (r->host, ':') ? "[" : "", r->host,
      strchr (r->host, ':') ? "]" : "", r->port, r->db);
out:
  if (!ok && error && *error == NULL)
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "Bad Redis URL (redis://[[user]:password@]host[:port][/db])");
  g_free (authority);
  return ok;
}

static GstCacheRemote *
remote_redis_new (const gchar * url, GHashTable * attrs, GError ** error)
{
  GstCacheRemoteRedis *r;
  const gchar *v;

  if (g_str_has_prefix (url, "rediss://")) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "rediss:// (Redis over TLS) is not available: the hiredis library "
        "this was built with (Debian 12's libhiredis 0.14) has no TLS "
        "support; reach the server through a TLS tunnel (stunnel, spiped) "
        "as redis://");
    return NULL;
  }
  r = g_new0 (GstCacheRemoteRedis, 1);
  r->parent.funcs = &redis_funcs;
  /* a Redis value stops at 512 MB (proto-max-bulk-len) */
  r->parent.max_entry_size = G_GUINT64_CONSTANT (512) * 1000 * 1000;
  if (g_str_has_prefix (url, "redis+unix:")) {
    const gchar *path = url + strlen ("redis+unix:");
    const gchar *q;

    /* redis+unix:/path and redis+unix:///path */
    if (g_str_has_prefix (path, "//"))
      path += 2;
    q = strchr (path, '?');
    r->socket = q ? g_strndup (path, q - path) : g_strdup (path);
    if (r->socket[0] != '/') {
      g_set_error (error, GST_CACHE_REMOTE_ERROR,
          GST_CACHE_REMOTE_ERROR_CONFIG, "Bad Redis URL (redis+unix:/path)");
      goto failed;
    }
    if (q && g_str_has_prefix (q, "?db=") && !parse_db (q + 4, &r->db, error))
      goto failed;
    r->parent.url = g_strdup_printf ("redis+unix:%s?db=%d", r->socket, r->db);
  } else if (!parse_tcp (r, url + strlen ("redis://"), error)) {
    goto failed;
  }
  if ((v = g_hash_table_lookup (attrs, "password-file"))) {
    gchar *secret = module_host->read_secret (v, error);

    if (secret == NULL)
      goto failed;
    g_free (r->password);
    r->password = secret;
    g_hash_table_remove (attrs, "password-file");
  }
  r->prefix = g_strdup (DEFAULT_PREFIX);
  if ((v = g_hash_table_lookup (attrs, "prefix"))) {
    g_free (r->prefix);
    r->prefix = g_strdup (v);
    g_hash_table_remove (attrs, "prefix");
  }
  if ((v = g_hash_table_lookup (attrs, "ttl"))) {
    gchar *end = NULL;

    r->ttl_s = g_ascii_strtoull (v, &end, 10);
    if (end == v || *end != '\0') {
      g_set_error (error, GST_CACHE_REMOTE_ERROR,
          GST_CACHE_REMOTE_ERROR_CONFIG, "Bad value for \"ttl\": \"%s\"", v);
      goto failed;
    }
    g_hash_table_remove (attrs, "ttl");
  }
  return &r->parent;

failed:
  redis_free (&r->parent);
  return NULL;
}

/* the module's entry point (GST_CACHE_REDIS_MODULE_INIT) */
G_MODULE_EXPORT gboolean
gst_cache_redis_module_init (const GstCacheModuleHost * store,
    gpointer module, gsize module_size, GError ** error)
{
  GstCacheRedisModule *m = module;

  if (!gst_cache_module_check_version (store, module_size,
          sizeof (GstCacheRedisModule), "libgstcache-redis.so", error))
    return FALSE;
  module_host = store;
  m->version = GST_CACHE_MODULE_VERSION;
  m->size = sizeof (GstCacheRedisModule);
  m->remote_new = remote_redis_new;
  return TRUE;
}
