/* gst-reuse: the remote tier of the cache store: configuration, registry, signing
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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcacheremote.h"
#include "../gstcachecrypto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (gst - cache - remote - error - quark, gst_cache_remote_error);

static GMutex registry_lock;
static GHashTable *registry;    /* spec -> GstCacheRemote, for the process */

const gchar *
gst_cache_remote_error_kind (gint code)
{
  switch (code) {
    case GST_CACHE_REMOTE_ERROR_CONFIG:
      return "config";
    case GST_CACHE_REMOTE_ERROR_CONNECT:
      return "connect";
    case GST_CACHE_REMOTE_ERROR_TIMEOUT:
      return "timeout";
    case GST_CACHE_REMOTE_ERROR_STATUS:
      return "status";
    case GST_CACHE_REMOTE_ERROR_PROTOCOL:
      return "protocol";
    case GST_CACHE_REMOTE_ERROR_AUTH:
      return "auth";
    case GST_CACHE_REMOTE_ERROR_LOCAL:
      return "local";
    case GST_CACHE_REMOTE_ERROR_TOO_LARGE:
      return "too-large";
    default:
      return "other";
  }
}

gchar *
gst_cache_remote_read_secret (const gchar * path, GError ** error)
{
  gchar *contents = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, NULL)) {
    /* the path may be told, never what is in the file */
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "Could not read the secret file \"%s\"", path);
    return NULL;
  }
  contents[strcspn (contents, "\r\n")] = '\0';
  if (contents[0] == '\0') {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "The secret file \"%s\" is empty", path);
    g_free (contents);
    return NULL;
  }
  return contents;
}

gchar *
gst_cache_remote_redact_url (const gchar * url)
{
  const gchar *scheme_end = strstr (url, "://");
  const gchar *host, *at, *slash;

  if (scheme_end == NULL)
    return g_strdup (url);
  host = scheme_end + 3;
  slash = host + strcspn (host, "/?#");
  at = g_strstr_len (host, slash - host, "@");
  if (at == NULL)
    return g_strdup (url);
  /* the last @ before the path ends the userinfo */
  while (g_strstr_len (at + 1, slash - at - 1, "@"))
    at = g_strstr_len (at + 1, slash - at - 1, "@");
  return g_strdup_printf ("%.*s%s", (gint) (host - url), url, at + 1);
}

gchar *
gst_cache_remote_object_path (GstCacheRemote * remote, const gchar * hex)
{
  switch (remote->layout) {
    case GST_CACHE_REMOTE_LAYOUT_FLAT:
      return g_strdup (hex);
    case GST_CACHE_REMOTE_LAYOUT_BAZEL:
      /* bazel-remote's action cache: 64 hex digits, which a key is */
      return g_strconcat ("ac/", hex, NULL);
    case GST_CACHE_REMOTE_LAYOUT_SUBDIRS:
    default:
      return g_strdup_printf ("%.2s/%s", hex, hex);
  }
}

static gboolean
parse_uint (const gchar * name, const gchar * value, guint64 max,
    guint64 * out, GError ** error)
{
  gchar *end = NULL;
  guint64 v;

  errno = 0;
  v = g_ascii_strtoull (value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || v > max) {
    g_set_error (error, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "Bad value for \"%s\": \"%s\"", name, value);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

/* the attributes every backend has */
static gboolean
apply_common (GstCacheRemote * remote, GHashTable * attrs, GError ** error)
{
  const gchar *v;
  guint64 n;

  remote->connect_timeout_ms = GST_CACHE_REMOTE_DEFAULT_CONNECT_TIMEOUT_MS;
  remote->operation_timeout_ms = GST_CACHE_REMOTE_DEFAULT_OPERATION_TIMEOUT_MS;
  if ((v = g_hash_table_lookup (attrs, "connect-timeout"))) {
    if (!parse_uint ("connect-timeout", v, G_MAXINT, &n, error))
      return FALSE;
    remote->connect_timeout_ms = n;
    g_hash_table_remove (attrs, "connect-timeout");
  }
  if ((v = g_hash_table_lookup (attrs, "operation-timeout"))) {
    if (!parse_uint ("operation-timeout", v, G_MAXINT, &n, error))
      return FALSE;
    remote->operation_timeout_ms = n;
    g_hash_table_remove (attrs, "operation-timeout");
  }
  if ((v = g_hash_table_lookup (attrs, "max-entry-size"))) {
    if (!parse_uint ("max-entry-size", v, G_MAXUINT64, &n, error))
      return FALSE;
    remote->max_entry_size = n;
    g_hash_table_remove (attrs, "max-entry-size");
  }
  if ((v = g_hash_table_lookup (attrs, "read-only"))) {
    if (*v && strcmp (v, "true") && strcmp (v, "false")) {
      g_set_error (error, GST_CACHE_REMOTE_ERROR,
          GST_CACHE_REMOTE_ERROR_CONFIG, "Bad value for \"read-only\": "
          "\"%s\" (true or false)", v);
      return FALSE;
    }
    remote->read_only = strcmp (v, "false") != 0;
    g_hash_table_remove (attrs, "read-only");
  }
  if ((v = g_hash_table_lookup (attrs, "layout"))) {
    if (!strcmp (v, "subdirs"))
      remote->layout = GST_CACHE_REMOTE_LAYOUT_SUBDIRS;
    else if (!strcmp (v, "flat"))
      remote->layout = GST_CACHE_REMOTE_LAYOUT_FLAT;
    else if (!strcmp (v, "bazel"))
      remote->layout = GST_CACHE_REMOTE_LAYOUT_BAZEL;
    else {
      g_set_error (error, GST_CACHE_REMOTE_ERROR,
          GST_CACHE_REMOTE_ERROR_CONFIG, "Unknown layout \"%s\" (subdirs, "
          "flat or bazel)", v);
      return FALSE;
    }
    g_hash_table_remove (attrs, "layout");
  }
  if ((v = g_hash_table_lookup (attrs, "key-file"))) {
    gchar *secret = gst_cache_remote_read_secret (v, error);

    if (secret == NULL)
      return FALSE;
    remote->sign_key = g_bytes_new_take (secret, strlen (secret));
    g_hash_table_remove (attrs, "key-file");
  }
  return TRUE;
}

/* one URL with its attributes */
static GstCacheRemote *
remote_new (const gchar * spec, GError ** error)
{
  gchar **parts = g_strsplit (spec, "|", -1);
  GHashTable *attrs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  GstCacheRemote *remote = NULL;
  const gchar *url = parts[0];
  GError *err = NULL;
  guint i;

  for (i = 1; parts[i]; i++) {
    gchar *eq = strchr (parts[i], '=');

    if (parts[i][0] == '\0')
      continue;
    if (eq)
      g_hash_table_insert (attrs, g_strndup (parts[i], eq - parts[i]),
          g_strdup (eq + 1));
    else
      g_hash_table_insert (attrs, g_strdup (parts[i]), g_strdup (""));
  }

  /* each kind's module is loaded here, the first time it is needed */
  if (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://"))
    remote = gst_cache_remote_http_new (url, attrs, &err);
  else if (g_str_has_prefix (url, "redis://") ||
      g_str_has_prefix (url, "rediss://") ||
      g_str_has_prefix (url, "redis+unix:"))
    remote = gst_cache_remote_redis_new (url, attrs, &err);
  else
    g_set_error (&err, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "Unknown kind of remote storage (http://, https://, redis://, "
        "redis+unix:)");

  if (remote && !apply_common (remote, attrs, &err)) {
    remote->funcs->free (remote);
    remote = NULL;
  }
  if (remote && g_hash_table_size (attrs) > 0) {
    GList *names = g_hash_table_get_keys (attrs);

    g_set_error (&err, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_CONFIG,
        "Unknown attribute \"%s\"", (const gchar *) names->data);
    g_list_free (names);
    remote->funcs->free (remote);
    remote = NULL;
  }
  if (remote) {
    remote->spec = g_strdup (spec);
    g_mutex_init (&remote->lock);
  } else {
    gchar *safe = gst_cache_remote_redact_url (url);

    g_set_error (error, GST_CACHE_REMOTE_ERROR, err->code,
        "Remote storage \"%s\": %s", safe, err->message);
    g_free (safe);
    g_error_free (err);
  }
  g_hash_table_unref (attrs);
  g_strfreev (parts);
  return remote;
}

GPtrArray *
gst_cache_remote_get_all (const gchar * config, GError ** error)
{
  GPtrArray *remotes = g_ptr_array_new ();
  gchar **specs;
  GString *errors = NULL;
  guint i;

  if (config == NULL)
    return remotes;
  specs = g_strsplit_set (config, " \t\n", -1);
  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; specs[i]; i++) {
    GstCacheRemote *remote;
    GError *err = NULL;

    if (specs[i][0] == '\0')
      continue;
    remote = g_hash_table_lookup (registry, specs[i]);
    if (remote == NULL) {
      remote = remote_new (specs[i], &err);
      if (remote == NULL) {
        if (errors == NULL)
          errors = g_string_new (NULL);
        else
          g_string_append (errors, "; ");
        g_string_append (errors, err->message);
        g_error_free (err);
        continue;
      }
      g_hash_table_insert (registry, remote->spec, remote);
    }
    g_ptr_array_add (remotes, remote);
  }
  g_mutex_unlock (&registry_lock);
  g_strfreev (specs);
  if (errors) {
    g_set_error_literal (error, GST_CACHE_REMOTE_ERROR,
        GST_CACHE_REMOTE_ERROR_CONFIG, errors->str);
    g_string_free (errors, TRUE);
  }
  return remotes;
}

#define SIGN_DOMAIN "gst-reuse remote entry v1"

gboolean
gst_cache_remote_sign (GBytes * key, const guint8 * data, gsize size,
    guint8 out[32])
{
  const guint8 *parts[] = { (const guint8 *) SIGN_DOMAIN, data };
  const gsize sizes[] = { sizeof (SIGN_DOMAIN), size };
  gsize key_len;
  gconstpointer k = g_bytes_get_data (key, &key_len);

  return gst_cache_hmac_sha256 (k, key_len, parts, sizes, 2, out);
}
