/* gst-reuse: the cache store's remote tier: read-through and write-through
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

/* Below the local cache, above the backends (remote/): a local miss asks
 * each backend in order; what one returns is written to a temporary file
 * in tmp/, checked exactly as a local entry is (footer, key, checksum, and
 * the signature when the backend has a key-file), installed into the
 * local cache like a new entry (index row, LRU eviction) and served. After
 * a result is stored, it is uploaded to each writable backend that does
 * not hold it yet, in the storing thread, each request bounded by the
 * backend's timeouts.
 *
 * A backend that refuses, times out or answers nonsense is disabled for
 * the rest of the process after one warning (ccache's rule): it costs its
 * timeouts once. An entry that fails verification is never served, is
 * counted, and is removed from a writable backend; the backend stays in
 * use. Counters go to the index as remote-NAME (all backends) and
 * remote-NAME@URL (each backend); nothing here ever sees a credential. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachestore-private.h"
#include "gstcachecrypto.h"
#include "remote/gstcacheremote.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>


static void
warn (GstCacheStore * store, const gchar * format, ...)
G_GNUC_PRINTF (2, 3);

     static void warn (GstCacheStore * store, const gchar * format, ...)
{
  va_list ap;

  va_start (ap, format);
  g_mutex_lock (&store->remote_lock);
  g_ptr_array_add (store->remote_warnings, g_strdup_vprintf (format, ap));
  g_mutex_unlock (&store->remote_lock);
  va_end (ap);
}

gchar *
gst_cache_store_take_remote_warnings (GstCacheStore * store)
{
  gchar *text = NULL;

  g_mutex_lock (&store->remote_lock);
  if (store->remote_warnings->len > 0) {
    g_ptr_array_add (store->remote_warnings, NULL);
    text = g_strjoinv ("\n", (gchar **) store->remote_warnings->pdata);
    g_ptr_array_set_size (store->remote_warnings, 0);
  }
  g_mutex_unlock (&store->remote_lock);
  return text;
}

/* remote-NAME and remote-NAME@URL, @n pairs */
static void
count (GstCacheStore * store, GstCacheRemote * r, const gchar * name1,
    guint64 d1, const gchar * name2, guint64 d2, guint64 time_ns)
{
  gchar *a = g_strconcat ("remote-", name1, NULL);
  gchar *ab = g_strconcat ("remote-", name1, "@", r->url, NULL);
  gchar *b = g_strconcat ("remote-", name2 ? name2 : "time", NULL);
  gchar *bb = g_strconcat ("remote-", name2 ? name2 : "time", "@", r->url,
      NULL);
  gchar *t = g_strconcat ("remote-time@", r->url, NULL);

  if (name2)
    gst_cache_store_count (store, a, d1, ab, d1, b, d2, bb, d2,
        "remote-time", time_ns, t, time_ns, NULL);
  else
    gst_cache_store_count (store, a, d1, ab, d1, "remote-time", time_ns, t,
        time_ns, NULL);
  g_free (a);
  g_free (ab);
  g_free (b);
  g_free (bb);
  g_free (t);
}

/* a request failed: counted by kind; the backend is disabled unless the
 * fault was ours (the local disk) or the entry's (its size) */
static void
failed (GstCacheStore * store, GstCacheRemote * r, GError * err,
    guint64 time_ns)
{
  const gchar *kind = gst_cache_remote_error_kind (err->code);
  gchar *by_kind = g_strconcat ("errors-", kind, NULL);

  if (err->code == GST_CACHE_REMOTE_ERROR_TOO_LARGE) {
    count (store, r, "too-large", 1, NULL, 0, time_ns);
    warn (store, "Remote storage %s: %s: skipped for this entry", r->url,
        err->message);
  } else if (err->code == GST_CACHE_REMOTE_ERROR_LOCAL) {
    count (store, r, "errors", 1, by_kind, 1, time_ns);
    warn (store, "Remote storage %s: %s", r->url, err->message);
  } else {
    count (store, r, "errors", 1, by_kind, 1, time_ns);
    if (g_atomic_int_compare_and_exchange (&r->disabled, 0, 1))
      warn (store, "Remote storage %s failed (%s): %s; not used again by "
          "this process", r->url, kind, err->message);
  }
  g_free (by_kind);
}

static guint64
elapsed_ns (gint64 t0)
{
  return (g_get_monotonic_time () - t0) * 1000;
}

/* an entry that failed verification is removed from the backend, so that
 * the next reader does not download it again */
static void
reject (GstCacheStore * store, GstCacheRemote * r, const gchar * hex,
    const gchar * counter, const gchar * why)
{
  GError *err = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gboolean removed = FALSE;

  if (!r->read_only) {
    g_mutex_lock (&r->lock);
    removed = r->funcs->remove (r, hex, &err);
    g_mutex_unlock (&r->lock);
  }
  count (store, r, counter, 1, NULL, 0, elapsed_ns (t0));
  warn (store, "Remote storage %s: the entry %s is %s (%s): not used%s",
      r->url, hex, strcmp (counter, "untrusted") ? "damaged" : "untrusted",
      why, removed ? ", removed from the server" : "");
  if (err) {
    failed (store, r, err, 0);
    g_error_free (err);
  }
}

/* the signature trailer, if the object has one: taken off the file */
static gboolean
take_signature (gint fd, guint64 * size, guint8 sig[32])
{
  guint8 trailer[GST_CACHE_REMOTE_SIG_SIZE];

  if (*size < GST_CACHE_REMOTE_SIG_SIZE + GST_CACHE_FOOTER_SIZE ||
      !gst_cache_pread_all (fd, trailer, sizeof (trailer),
          *size - GST_CACHE_REMOTE_SIG_SIZE) ||
      memcmp (trailer, GST_CACHE_REMOTE_SIG_MAGIC, 8) != 0)
    return FALSE;
  memcpy (sig, trailer + 8, 32);
  *size -= GST_CACHE_REMOTE_SIG_SIZE;
  return ftruncate (fd, *size) == 0;
}

static GstCacheEntry *
fetch_one (GstCacheStore * store, GstCacheRemote * r,
    const guint8 key[GST_CACHE_KEY_SIZE], const gchar * hex)
{
  GstCacheWriter *w;
  GstCacheEntry *entry = NULL;
  GstCacheRemoteResult res;
  GError *err = NULL;
  guint64 size = 0, limit, get_ns;
  const gchar *why = NULL;
  gboolean has_sig;
  guint8 sig[32], mac[32];
  gchar *path = NULL;
  gint64 t0;
  gint fd;

  w = gst_cache_writer_new (store, key, 0, &err);
  if (w == NULL) {
    warn (store, "Remote storage %s not asked: %s", r->url, err->message);
    g_error_free (err);
    return NULL;
  }
  fd = gst_cache_writer_get_fd (w);
  t0 = g_get_monotonic_time ();
  g_mutex_lock (&r->lock);
  res = r->funcs->get (r, hex, fd, &size, &err);
  g_mutex_unlock (&r->lock);
  get_ns = elapsed_ns (t0);
  if (res == GST_CACHE_REMOTE_FAILED) {
    failed (store, r, err, get_ns);
    goto out;
  }
  if (res == GST_CACHE_REMOTE_NOT_FOUND) {
    count (store, r, "misses", 1, NULL, 0, get_ns);
    goto out;
  }

  has_sig = take_signature (fd, &size, sig);
  if (r->sign_key && !has_sig) {
    reject (store, r, hex, "untrusted", "not signed");
    goto out;
  }
  entry = gst_cache_store_load_entry (key, fd, size, &why, &err);
  if (entry == NULL && why == NULL) {
    err->code = GST_CACHE_REMOTE_ERROR_LOCAL;
    err->domain = GST_CACHE_REMOTE_ERROR;
    failed (store, r, err, get_ns);
    goto out;
  }
  if (entry == NULL) {
    reject (store, r, hex, "damaged", why);
    goto out;
  }
  if (r->sign_key) {
    gsize n;
    const guint8 *data = gst_cache_entry_get_data (entry, &n);

    if (!gst_cache_remote_sign (r->sign_key, data, n, mac) ||
        !gst_cache_crypto_equal (mac, sig, 32)) {
      g_clear_pointer (&entry, gst_cache_entry_unref);
      reject (store, r, hex, "untrusted", "bad signature");
      goto out;
    }
  }

  limit = gst_cache_store_get_config_max_size (store);
  if (!gst_cache_writer_install (w, size, 0, gst_cache_entry_get_meta (entry),
          limit ? limit : GST_CACHE_DEFAULT_MAX_SIZE,
          gst_cache_store_get_config_max_entries (store), &path, &err)) {
    /* checked: served all the same, from memory */
    warn (store, "A remote entry could not be kept in the local cache: %s",
        err->message);
    g_clear_error (&err);
  }
  gst_cache_entry_set_origin (entry, path, r->url, get_ns);
  count (store, r, "hits", 1, "bytes-down", size, elapsed_ns (t0));
  g_free (path);

out:
  g_clear_error (&err);
  gst_cache_writer_free (w);
  return entry;
}

GstCacheEntry *
gst_cache_tier_fetch (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE])
{
  gchar *hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  GstCacheEntry *entry = NULL;
  guint i;

  for (i = 0; entry == NULL && i < store->remotes->len; i++) {
    GstCacheRemote *r = g_ptr_array_index (store->remotes, i);

    if (g_atomic_int_get (&r->disabled)) {
      count (store, r, "skipped", 1, NULL, 0, 0);
      continue;
    }
    entry = fetch_one (store, r, key, hex);
  }
  g_free (hex);
  return entry;
}

static void
upload_one (GstCacheStore * store, GstCacheRemote * r, const gchar * hex,
    guint8 * data, gsize size)
{
  GstCacheRemoteResult res;
  GError *err = NULL;
  gsize total = size + (r->sign_key ? GST_CACHE_REMOTE_SIG_SIZE : 0);
  gint64 t0 = g_get_monotonic_time ();

  if (r->max_entry_size && total > r->max_entry_size) {
    g_set_error (&err, GST_CACHE_REMOTE_ERROR,
        GST_CACHE_REMOTE_ERROR_TOO_LARGE, "the entry (%" G_GSIZE_FORMAT
        " bytes) is larger than max-entry-size (%" G_GUINT64_FORMAT
        " bytes)", total, r->max_entry_size);
    failed (store, r, err, 0);
    g_error_free (err);
    return;
  }
  if (r->sign_key) {
    memcpy (data + size, GST_CACHE_REMOTE_SIG_MAGIC, 8);
    if (!gst_cache_remote_sign (r->sign_key, data, size, data + size + 8)) {
      warn (store, "Remote storage %s: could not sign the entry", r->url);
      return;
    }
  }
  g_mutex_lock (&r->lock);
  res = r->funcs->head (r, hex, &err);
  if (res == GST_CACHE_REMOTE_NOT_FOUND &&
      !r->funcs->put (r, hex, data, total, &err))
    res = GST_CACHE_REMOTE_FAILED;
  g_mutex_unlock (&r->lock);
  if (res == GST_CACHE_REMOTE_FAILED) {
    failed (store, r, err, elapsed_ns (t0));
    g_error_free (err);
  } else if (res == GST_CACHE_REMOTE_FOUND) {
    count (store, r, "already-there", 1, NULL, 0, elapsed_ns (t0));
  } else {
    count (store, r, "uploads", 1, "bytes-up", total, elapsed_ns (t0));
  }
}

void
gst_cache_tier_upload (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], const gchar * path)
{
  gchar *hex;
  guint8 *data;
  gsize size = 0;
  gboolean any = FALSE;
  guint i;
  gint fd;

  for (i = 0; i < store->remotes->len; i++) {
    GstCacheRemote *r = g_ptr_array_index (store->remotes, i);

    if (!r->read_only && !g_atomic_int_get (&r->disabled))
      any = TRUE;
  }
  if (!any)
    return;
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  size = lseek (fd, 0, SEEK_END);
  /* room for a signature after the entry */
  data = g_try_malloc (size + GST_CACHE_REMOTE_SIG_SIZE);
  if (data == NULL || !gst_cache_pread_all (fd, data, size, 0)) {
    warn (store, "Could not read \"%s\" to upload it", path);
    g_free (data);
    close (fd);
    return;
  }
  close (fd);
  hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  for (i = 0; i < store->remotes->len; i++) {
    GstCacheRemote *r = g_ptr_array_index (store->remotes, i);

    if (!r->read_only && !g_atomic_int_get (&r->disabled))
      upload_one (store, r, hex, data, size);
  }
  g_free (hex);
  g_free (data);
}

gboolean
gst_cache_store_set_remote_storage (GstCacheStore * store,
    const gchar * config, GError ** error)
{
  gchar *from_config = NULL;

  if (config == NULL)
    config = from_config = gst_cache_store_get_config_string (store,
        "remote-storage");
  if (store->remotes)
    g_ptr_array_unref (store->remotes);
  store->remotes = gst_cache_remote_get_all (config, error);
  g_free (from_config);
  return error == NULL || *error == NULL;
}

gchar **
gst_cache_store_get_remote_urls (GstCacheStore * store)
{
  GPtrArray *urls = g_ptr_array_new ();
  guint i;

  for (i = 0; store->remotes && i < store->remotes->len; i++) {
    GstCacheRemote *r = g_ptr_array_index (store->remotes, i);

    g_ptr_array_add (urls, g_strdup (r->url));
  }
  g_ptr_array_add (urls, NULL);
  return (gchar **) g_ptr_array_free (urls, FALSE);
}

/* one backend: a random key that no entry has; write, read back, remove */
static gboolean
check_one (GstCacheStore * store, GstCacheRemote * r, GString * report)
{
  static const gchar probe[] = "gst-cache --check-remote probe\n";
  guint8 key[GST_CACHE_KEY_SIZE];
  gchar *hex;
  GstCacheWriter *w;
  GError *err = NULL;
  GstCacheRemoteResult res;
  guint64 size = 0;
  gint64 t0;
  gchar got[sizeof (probe)];
  gboolean ok = FALSE;
  guint i;

  for (i = 0; i < GST_CACHE_KEY_SIZE; i++)
    key[i] = g_random_int_range (0, 256);
  hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  w = gst_cache_writer_new (store, key, 0, &err);
  if (w == NULL)
    goto out;
  t0 = g_get_monotonic_time ();
  g_mutex_lock (&r->lock);
  if (!r->read_only && !r->funcs->put (r, hex, (const guint8 *) probe,
          sizeof (probe) - 1, &err))
    goto unlock;
  res = r->funcs->get (r, hex, gst_cache_writer_get_fd (w), &size, &err);
  if (res == GST_CACHE_REMOTE_FAILED)
    goto unlock;
  if (!r->read_only && (res != GST_CACHE_REMOTE_FOUND ||
          size != sizeof (probe) - 1 ||
          !gst_cache_pread_all (gst_cache_writer_get_fd (w), (guint8 *) got,
              size, 0) || memcmp (got, probe, size) != 0)) {
    g_set_error (&err, GST_CACHE_REMOTE_ERROR, GST_CACHE_REMOTE_ERROR_STATUS,
        "what was written did not read back");
    goto unlock;
  }
  if (!r->read_only && !r->funcs->remove (r, hex, &err))
    goto unlock;
  ok = TRUE;
  g_string_append_printf (report, "ok      %s (%s), %.1f ms\n", r->url,
      r->read_only ? "read" : "write, read, delete",
      (g_get_monotonic_time () - t0) / 1000.0);
unlock:
  g_mutex_unlock (&r->lock);
out:
  if (err) {
    g_string_append_printf (report, "FAILED  %s: %s (%s)\n", r->url,
        err->message, err->domain == GST_CACHE_REMOTE_ERROR ?
        gst_cache_remote_error_kind (err->code) : "local");
    g_error_free (err);
  }
  gst_cache_writer_free (w);
  g_free (hex);
  return ok;
}

gboolean
gst_cache_store_check_remote (GstCacheStore * store, GString * report)
{
  gboolean ok = TRUE;
  guint i;

  for (i = 0; store->remotes && i < store->remotes->len; i++)
    if (!check_one (store, g_ptr_array_index (store->remotes, i), report))
      ok = FALSE;
  return ok;
}
