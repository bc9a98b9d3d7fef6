/* gst-reuse: media analysis in the cache: the analysis of one URI
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

/* For GstCacheDiscoverer (gstcachediscoverer.c, the object, its
 * synchronous and asynchronous modes): what one analysis does. The input is
 * identified (a file by its digest, recalled from the stat manifest when
 * unchanged; an http(s) object by gst_cache_hash_http()), the key made
 * (gstcacheanalysis.c gives what does not depend on the input), the store
 * asked; on a hit the stored result is restored with the URI asked for, on
 * a miss the caller's GstDiscoverer runs and a complete result is stored.
 * The store is used under the discoverer's store_lock; hashing and the
 * analysis run outside it. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcacheanalysis.h"
#include "gstcachetool-private.h"
#include "gstcachestore-private.h"

#include <string.h>
#include <sys/stat.h>

#define GST_CAT_DEFAULT gst_cache_discoverer_debug

/* a stored result is read whole into memory to be restored: larger ones
 * (tags with very large pictures) are not served */
#define MAX_STREAMED_PAYLOAD (G_GUINT64_CONSTANT (256) << 20)

/* the memo of checked results: entries, and the payload of each, at most */
#define MEMO_MAX_ENTRIES 64
#define MEMO_MAX_PAYLOAD (256 * 1024)

/* a copy of the properties, for one analysis */
typedef struct
{
  GstClockTime timeout;
  gchar *cache_dir;             /* resolved: never NULL */
  gchar *remote_storage;
  gchar *name_space;
  guint64 max_size;
  GstDiscovererSerializeFlags flags;
  GstCacheDigestAlgorithm alg;
  gboolean trust_stat;
  gboolean read_only;
} Settings;

/* what is known of one analysis before GstDiscoverer runs */
typedef struct
{
  GstCacheResult result;
  GstCacheStore *store;
  gchar *path;
  GstCacheFileId id;
  gboolean http;                /* an http(s) object, else a file */
  guint8 digest[GST_CACHE_DIGEST_MAX_SIZE];
  guint8 key[GST_CACHE_KEY_SIZE];
  gchar *key_hex;
  gchar *record;
  /* a look only (_gst_cache_tool_lookup()): the local cache, and a bypass
   * is not counted (the analysis that follows counts it) */
  gboolean look_only;
} Job;

/* what a GstDiscovererInfo carries: qdata */
typedef struct
{
  GstCacheResult result;
  const gchar *source;          /* static */
  gchar *key;
} ResultData;

/* a result already read from a local entry file and checked, for the hits
 * that follow while that file stays as it was: the variant that
 * gst_discoverer_info_from_variant() restores, with the URI asked for */
typedef struct
{
  GstCacheStore *store;         /* kept until the discoverer's dispose */
  gchar *uri;
  gchar *path;                  /* of the entry file */
  GVariant *variant;
  struct stat id;               /* of the entry file */
} Memo;

/* the key of an input file already identified from its stat manifest, for
 * the calls that follow while the file keeps that identity (device, inode,
 * size, modification and change times: what the manifest itself is
 * checked against) and the settings and the plugins are the same */
typedef struct
{
  GstCacheFileId id;
  guint8 digest[GST_CACHE_DIGEST_MAX_SIZE];
  GstCacheDigestAlgorithm alg;
  GstDiscovererSerializeFlags flags;
  gchar *name_space;
  guint32 cookie;
  guint8 key[GST_CACHE_KEY_SIZE];
  gchar *key_hex;
  gchar *record;
} Identity;

#define IDENTITY_MAX_ENTRIES 256

static GQuark
identity_quark (void)
{
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark,
        g_quark_from_static_string ("gst-cache-discoverer-identity"));
  return (GQuark) quark;
}

static GQuark
memo_quark (void)
{
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark,
        g_quark_from_static_string ("gst-cache-discoverer-memo"));
  return (GQuark) quark;
}

static GQuark
result_data_quark (void)
{
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark,
        g_quark_from_static_string ("gst-cache-discoverer-result"));
  return (GQuark) quark;
}

/* settings */

static void
settings_get (GstCacheDiscoverer * self, Settings * s)
{
  g_mutex_lock (&self->lock);
  s->timeout = self->timeout;
  s->cache_dir = self->cache_dir ? g_strdup (self->cache_dir) :
      gst_cache_store_default_dir ();
  s->remote_storage = g_strdup (self->remote_storage);
  s->name_space = g_strdup (self->name_space ? self->name_space : "");
  s->max_size = self->max_size;
  s->flags = self->flags;
  s->alg = self->alg;
  s->trust_stat = self->trust_stat;
  s->read_only = self->read_only;
  g_mutex_unlock (&self->lock);
}

static void
settings_clear (Settings * s)
{
  g_free (s->cache_dir);
  g_free (s->remote_storage);
  g_free (s->name_space);
}

/* results */

static void
result_data_free (ResultData * data)
{
  g_free (data->key);
  g_free (data);
}

static void
mark (GstDiscovererInfo * info, GstCacheResult result, const gchar * source,
    const gchar * key)
{
  ResultData *data = g_new0 (ResultData, 1);

  data->result = result;
  data->source = source;
  data->key = g_strdup (key);
  g_object_set_qdata_full (G_OBJECT (info), result_data_quark (), data,
      (GDestroyNotify) result_data_free);
}

/* the store, under store_lock */

static void
log_remote_warnings (GstCacheDiscoverer * self, GstCacheStore * store)
{
  gchar *text = gst_cache_store_take_remote_warnings (store);

  if (text)
    GST_WARNING_OBJECT (self, "remote storage: %s", text);
  g_free (text);
}

/* the store of the settings' directory and backends, or NULL (the cache is
 * unusable: analyses run without it) */
static GstCacheStore *
ensure_store (GstCacheDiscoverer * self, const Settings * s)
{
  GError *err = NULL;

  if (self->store && !g_strcmp0 (self->store_dir, s->cache_dir) &&
      !g_strcmp0 (self->store_remote, s->remote_storage))
    return self->store;
  if (self->store)
    g_ptr_array_add (self->old_stores, self->store);
  self->store = NULL;
  g_clear_pointer (&self->store_dir, g_free);
  g_clear_pointer (&self->store_remote, g_free);

  self->store = gst_cache_store_open (s->cache_dir, &err);
  if (self->store == NULL) {
    GST_WARNING_OBJECT (self, "cache unavailable, analysing without it: %s",
        err->message);
    g_error_free (err);
    return NULL;
  }
  if (gst_cache_store_get_notice (self->store))
    GST_WARNING_OBJECT (self, "%s", gst_cache_store_get_notice (self->store));
  if (!gst_cache_store_set_remote_storage (self->store, s->remote_storage,
          &err)) {
    GST_WARNING_OBJECT (self, "remote-storage: %s (the backends that parse "
        "are used)", err->message);
    g_clear_error (&err);
  }
  self->store_dir = g_strdup (s->cache_dir);
  self->store_remote = g_strdup (s->remote_storage);
  return self->store;
}

/* identities, under store_lock */

static void
identity_free (Identity * ident)
{
  g_free (ident->name_space);
  g_free (ident->key_hex);
  g_free (ident->record);
  g_free (ident);
}

/* the key of @job's file as the last identification made it, if the file
 * has the same identity now (a stat: the check the stat manifest makes,
 * without reading the manifest again) */
static gboolean
identity_recall (GstCacheDiscoverer * self, const Settings * s, Job * job)
{
  GHashTable *t;
  Identity *ident;
  gboolean ok = FALSE;

  if (!s->trust_stat)
    return FALSE;
  g_mutex_lock (&self->store_lock);
  t = g_object_get_qdata (G_OBJECT (self), identity_quark ());
  ident = t ? g_hash_table_lookup (t, job->path) : NULL;
  if (ident && ident->alg == s->alg && ident->flags == s->flags &&
      !strcmp (ident->name_space, s->name_space) &&
      ident->cookie == gst_cache_analysis_environment_cookie ()) {
    GstCacheFileId id = ident->id;

    if (gst_cache_file_unchanged (job->path, &id)) {
      job->id = ident->id;
      memcpy (job->digest, ident->digest, sizeof (job->digest));
      memcpy (job->key, ident->key, sizeof (job->key));
      job->key_hex = g_strdup (ident->key_hex);
      job->record = g_strdup (ident->record);
      ok = TRUE;
    } else {
      g_hash_table_remove (t, job->path);
    }
  }
  g_mutex_unlock (&self->store_lock);
  return ok;
}

/* after an identification from the stat manifest */
static void
identity_remember (GstCacheDiscoverer * self, const Settings * s, Job * job,
    guint32 cookie)
{
  Identity *ident = g_new0 (Identity, 1);
  GHashTable *t;

  ident->id = job->id;
  memcpy (ident->digest, job->digest, sizeof (ident->digest));
  ident->alg = s->alg;
  ident->flags = s->flags;
  ident->name_space = g_strdup (s->name_space);
  ident->cookie = cookie;
  memcpy (ident->key, job->key, sizeof (ident->key));
  ident->key_hex = g_strdup (job->key_hex);
  ident->record = g_strdup (job->record);
  g_mutex_lock (&self->store_lock);
  t = g_object_get_qdata (G_OBJECT (self), identity_quark ());
  if (t == NULL) {
    t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
        (GDestroyNotify) identity_free);
    g_object_set_qdata_full (G_OBJECT (self), identity_quark (), t,
        (GDestroyNotify) g_hash_table_unref);
  }
  if (g_hash_table_size (t) >= IDENTITY_MAX_ENTRIES)
    g_hash_table_remove_all (t);
  g_hash_table_replace (t, g_strdup (job->path), ident);
  g_mutex_unlock (&self->store_lock);
}

/* the memo, under store_lock */

static void
memo_free (Memo * m)
{
  g_free (m->uri);
  g_free (m->path);
  g_variant_unref (m->variant);
  g_free (m);
}

static GHashTable *
memos (GstCacheDiscoverer * self)
{
  GHashTable *t = g_object_get_qdata (G_OBJECT (self), memo_quark ());

  if (t == NULL) {
    t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
        (GDestroyNotify) memo_free);
    g_object_set_qdata_full (G_OBJECT (self), memo_quark (), t,
        (GDestroyNotify) g_hash_table_unref);
  }
  return t;
}

/* the same file, unchanged: device, inode, size, modification and change
 * times (a file rewritten in place or replaced changes one of them) */
static gboolean
same_file (const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
      a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
      a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
      a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
      a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* after a local hit: @before is the entry file's identity before it was
 * opened; the result is remembered if the file stayed the same one */
static void
memo_put (GstCacheDiscoverer * self, Job * job, const gchar * uri,
    const gchar * path, const struct stat *before, GVariant * variant)
{
  GHashTable *t = memos (self);
  struct stat after;
  Memo *m;

  if (stat (path, &after) != 0 || after.st_dev != before->st_dev ||
      after.st_ino != before->st_ino || after.st_size != before->st_size)
    return;
  if (g_hash_table_size (t) >= MEMO_MAX_ENTRIES)
    g_hash_table_remove_all (t);
  m = g_new0 (Memo, 1);
  m->store = job->store;
  m->uri = g_strdup (uri);
  m->path = g_strdup (path);
  m->variant = g_variant_ref (variant);
  m->id = after;
  g_hash_table_replace (t, g_strdup (job->key_hex), m);
}

/* a hit from the memo: the input was identified and the key made as for
 * any lookup; the entry file is still the one that was read and checked.
 * A use is recorded as a lookup records it, and counted. */
static GstDiscovererInfo *
memo_hit (GstCacheDiscoverer * self, Job * job, const gchar * uri)
{
  GHashTable *t = g_object_get_qdata (G_OBJECT (self), memo_quark ());
  GstDiscovererInfo *info;
  struct stat now;
  Memo *m;

  if (t == NULL || (m = g_hash_table_lookup (t, job->key_hex)) == NULL)
    return NULL;
  if (m->store != job->store || strcmp (m->uri, uri) != 0 ||
      stat (m->path, &now) != 0 || !same_file (&now, &m->id)) {
    g_hash_table_remove (t, job->key_hex);
    return NULL;
  }
  info = gst_discoverer_info_from_variant (m->variant);
  if (info == NULL) {
    g_hash_table_remove (t, job->key_hex);
    return NULL;
  }
  /* recording the use sets the file's mtime: its new identity */
  if (gst_cache_store_note_use (job->store, job->key, m->path) &&
      (stat (m->path, &now) != 0 || now.st_ino != m->id.st_ino ||
          now.st_dev != m->id.st_dev || now.st_size != m->id.st_size))
    g_hash_table_remove (t, job->key_hex);
  else
    m->id = now;
  GST_DEBUG_OBJECT (self, "hit (remembered): %s", job->key_hex);
  gst_cache_store_count (job->store, "analysis-hit", (guint64) 1, NULL);
  mark (info, GST_CACHE_RESULT_HIT, "local", job->key_hex);
  return info;
}

static void
job_clear (Job * job)
{
  g_free (job->path);
  g_free (job->key_hex);
  g_free (job->record);
}

static void
bypass (GstCacheDiscoverer * self, Job * job, const gchar * reason)
{
  gchar *counter = g_strconcat ("analysis-bypass-", reason, NULL);

  GST_INFO_OBJECT (self, "bypass (%s): analysing, storing nothing", reason);
  job->result = GST_CACHE_RESULT_BYPASS;
  if (job->look_only) {
    g_free (counter);
    return;
  }
  g_mutex_lock (&self->store_lock);
  gst_cache_store_count (job->store, "analysis-bypass", (guint64) 1, counter,
      (guint64) 1, NULL);
  g_mutex_unlock (&self->store_lock);
  g_free (counter);
}

static void
make_key (Job * job, const Settings * s, const guint8 * digest)
{
  GstCacheKey *key = gst_cache_key_new ();
  gchar *hex = gst_cache_digest_to_hex (digest,
      gst_cache_digest_algorithm_size (s->alg));
  gchar *text;

  gst_cache_key_add (key, "format", GST_CACHE_ANALYSIS_FORMAT);
  /* the source element may change the result (seekability, tags) */
  gst_cache_key_add (key, "source", job->http ? "http" : "file");
  text = g_strconcat (gst_cache_digest_algorithm_name (s->alg), ":", hex, NULL);
  gst_cache_key_add (key, "input", text);
  g_free (text);
  text = g_strdup_printf ("%" G_GUINT64_FORMAT, job->id.length);
  gst_cache_key_add (key, "input-length", text);
  g_free (text);
  text = gst_cache_analysis_flags_to_string (s->flags);
  gst_cache_key_add (key, "serialize-flags", text);
  g_free (text);
  gst_cache_key_add (key, "namespace", s->name_space);
  gst_cache_analysis_key_add_environment (key);
  gst_cache_key_finish (key, job->key, &job->record);
  gst_cache_key_free (key);
  job->key_hex = gst_cache_digest_to_hex (job->key, GST_CACHE_KEY_SIZE);
  g_free (hex);
}

/* the stored result of a verified entry, or NULL (counted) */
static GstDiscovererInfo *
restore (GstCacheDiscoverer * self, Job * job, GstCacheEntry * entry,
    const gchar * uri, GVariant ** variant)
{
  GstDiscovererInfo *info = NULL;
  const gchar *why = NULL, *remote;
  const guint8 *payload = NULL;
  GBytes *bytes;
  gsize size;

  if (gst_cache_entry_get_kind (entry) != GST_CACHE_ENTRY_KIND_BYTES ||
      !g_key_file_has_group (gst_cache_entry_get_meta (entry), "analysis")) {
    why = "not an analysis entry";
  } else {
    payload = gst_cache_entry_get_payload (entry, &size);
  }
  if (why == NULL && payload == NULL) {
    /* a large entry (tags with pictures) is streamed: read it whole */
    guint64 total = gst_cache_entry_get_payload_size (entry);
    GError *err = NULL;
    guint8 *data = total <= MAX_STREAMED_PAYLOAD ? g_try_malloc (total) : NULL;

    if (data == NULL) {
      why = "too large to restore";
    } else if (!gst_cache_entry_read (entry, 0, data, total, &err)) {
      GST_WARNING_OBJECT (self, "%s", err->message);
      g_error_free (err);
      g_free (data);
      why = "changed while it was read";
    } else {
      bytes = g_bytes_new_take (data, total);
      info = gst_cache_analysis_restore (bytes, uri, &why);
      g_bytes_unref (bytes);
    }
  } else if (why == NULL) {
    bytes = g_bytes_new_with_free_func (payload, size,
        (GDestroyNotify) gst_cache_entry_unref, gst_cache_entry_ref (entry));
    *variant = gst_cache_analysis_restore_variant (bytes, uri, &why);
    if (*variant) {
      info = gst_discoverer_info_from_variant (*variant);
      if (info == NULL) {
        why = "not restored";
        g_clear_pointer (variant, g_variant_unref);
      }
    }
    g_bytes_unref (bytes);
  }
  if (info == NULL) {
    GST_WARNING_OBJECT (self, "entry %s not served (%s): analysing again",
        job->key_hex, why);
    /* a look only: the analysis that follows finds it again and counts */
    if (!job->look_only)
      gst_cache_store_count (job->store, "damaged", (guint64) 1,
          "analysis-unparsable", (guint64) 1, NULL);
    return NULL;
  }
  remote = gst_cache_entry_get_remote (entry, NULL);
  if (remote) {
    GST_INFO_OBJECT (self, "hit from %s: %s", remote, job->key_hex);
    gst_cache_store_count (job->store, "analysis-hit", (guint64) 1,
        "analysis-hit-remote", (guint64) 1, NULL);
  } else {
    GST_DEBUG_OBJECT (self, "hit: %s", job->key_hex);
    gst_cache_store_count (job->store, "analysis-hit", (guint64) 1, NULL);
  }
  mark (info, GST_CACHE_RESULT_HIT, remote ? "remote" : "local", job->key_hex);
  return info;
}

/* before an analysis: the input's identity, the key, a stored result. A
 * hit is returned; otherwise @job says whether the result is to be
 * stored. */
static GstDiscovererInfo *
lookup (GstCacheDiscoverer * self, const Settings * s, const gchar * uri,
    Job * job)
{
  guint8 digest[GST_CACHE_DIGEST_MAX_SIZE];
  GstDiscovererInfo *info = NULL;
  GstCacheEntry *entry;
  const gchar *scheme;
  gboolean from_manifest, have_before, known = FALSE;
  GError *err = NULL;
  struct stat before;
  gchar *path;

  job->result = GST_CACHE_RESULT_BYPASS;
  g_mutex_lock (&self->store_lock);
  job->store = ensure_store (self, s);
  g_mutex_unlock (&self->store_lock);
  if (job->store == NULL)
    return NULL;

  scheme = g_uri_peek_scheme (uri);
  if (scheme && (!strcmp (scheme, "http") || !strcmp (scheme, "https"))) {
    /* an unchanged object costs one conditional HEAD */
    job->http = TRUE;
    if (!gst_cache_hash_http (job->store, uri, s->alg, digest,
            &job->id.length, &from_manifest, &err)) {
      GST_INFO_OBJECT (self, "cannot identify the input: %s", err->message);
      g_error_free (err);
      bypass (self, job, "input-unreadable");
      return NULL;
    }
  } else if (scheme && !strcmp (scheme, "file")) {
    job->path = g_filename_from_uri (uri, NULL, NULL);
    if (job->path == NULL) {
      bypass (self, job, "uri-invalid");
      return NULL;
    }
    if (identity_recall (self, s, job)) {
      from_manifest = known = TRUE;
    } else if (!gst_cache_hash_file_full (job->store, job->path, s->alg,
            s->trust_stat, &job->id, digest, &from_manifest, &err)) {
      GST_INFO_OBJECT (self, "cannot identify the input: %s", err->message);
      g_error_free (err);
      bypass (self, job, "input-unreadable");
      return NULL;
    }
  } else {
    bypass (self, job, scheme ? "scheme" : "uri-invalid");
    return NULL;
  }
  if (!known) {
    guint32 cookie = gst_cache_analysis_environment_cookie ();

    memcpy (job->digest, digest, sizeof (digest));
    make_key (job, s, digest);
    if (!job->http && from_manifest)
      identity_remember (self, s, job, cookie);
  }
  job->result = GST_CACHE_RESULT_MISS;

  g_mutex_lock (&self->store_lock);
  info = memo_hit (self, job, uri);
  if (info) {
    g_mutex_unlock (&self->store_lock);
    return info;
  }
  path = gst_cache_store_entry_path (job->store, job->key, NULL);
  have_before = stat (path, &before) == 0;
  entry = job->look_only ?
      gst_cache_store_lookup_local (job->store, job->key, TRUE, NULL, &err) :
      gst_cache_store_lookup (job->store, job->key, &err);
  log_remote_warnings (self, job->store);
  if (err) {
    /* the store counts and removes a damaged entry itself */
    if (!g_error_matches (err, GST_CACHE_STORE_ERROR,
            GST_CACHE_STORE_ERROR_DAMAGED) && !job->look_only)
      gst_cache_store_count (job->store, "errors", (guint64) 1, NULL);
    GST_WARNING_OBJECT (self, "could not use a cache entry, analysing "
        "again: %s", err->message);
    g_clear_error (&err);
  }
  if (entry) {
    GVariant *variant = NULL;

    info = restore (self, job, entry, uri, &variant);
    /* a small result read from a local file is remembered */
    if (info && variant && have_before &&
        gst_cache_entry_get_remote (entry, NULL) == NULL &&
        gst_cache_entry_get_payload_size (entry) <= MEMO_MAX_PAYLOAD)
      memo_put (self, job, uri, path, &before, variant);
    if (variant)
      g_variant_unref (variant);
    gst_cache_entry_unref (entry);
  }
  g_mutex_unlock (&self->store_lock);
  g_free (path);
  if (info == NULL)
    GST_INFO_OBJECT (self, "miss: %s (input digest %s)", job->key_hex,
        from_manifest ? "recalled" : "computed");
  return info;
}

/* whether the input still has the content that the key names: a file's
 * identity (device, inode, size, times) is unchanged; an http(s) object
 * still validates (one conditional HEAD; a download when it changed) */
static gboolean
input_unchanged (Job * job, const Settings * s, const gchar * uri)
{
  guint8 digest[GST_CACHE_DIGEST_MAX_SIZE];
  GError *err = NULL;
  guint64 length;

  if (!job->http)
    return gst_cache_file_unchanged (job->path, &job->id);
  if (!gst_cache_hash_http (job->store, uri, s->alg, digest, &length, NULL,
          &err)) {
    GST_INFO ("cannot identify %s again: %s", uri, err->message);
    g_error_free (err);
    return FALSE;
  }
  return length == job->id.length && memcmp (digest, job->digest,
      gst_cache_digest_algorithm_size (s->alg)) == 0;
}

static void
count_unstorable (GstCacheStore * store, const gchar * why)
{
  gchar *counter = g_strconcat ("analysis-unstorable-", why, NULL);

  gst_cache_store_count (store, "analysis-miss", (guint64) 1,
      "analysis-unstorable", (guint64) 1, counter, (guint64) 1, NULL);
  g_free (counter);
}

/* after a miss, under store_lock: the result goes into the store when it
 * is complete and its input did not change meanwhile */
static void
store_result (GstCacheDiscoverer * self, const Settings * s, Job * job,
    GstDiscovererInfo * info, const gchar * why, const gchar * uri,
    guint64 compute_ns)
{
  GstCacheWriter *writer = NULL;
  GKeyFile *meta = NULL;
  GBytes *bytes = NULL;
  GError *err = NULL;
  guint64 limit;
  guint evicted = 0;
  gchar *text;
  gsize size;
  gconstpointer data;

  if (g_strcmp0 (why, "input-modified") == 0) {
    GST_WARNING_OBJECT (self, "%s changed during the analysis: not storing",
        uri);
    gst_cache_store_count (job->store, "input-modified", (guint64) 1, NULL);
  }
  if (why) {
    GST_INFO_OBJECT (self, "not storing the result: %s", why);
    count_unstorable (job->store, why);
    return;
  }
  if (s->read_only) {
    gst_cache_store_count (job->store, "analysis-miss", (guint64) 1, NULL);
    return;
  }

  limit = s->max_size ? s->max_size :
      gst_cache_store_get_config_max_size (job->store);
  if (limit == 0)
    limit = GST_CACHE_DEFAULT_MAX_SIZE;
  bytes = gst_cache_analysis_serialize (info, s->flags);
  data = g_bytes_get_data (bytes, &size);
  writer = gst_cache_writer_new (job->store, job->key, limit, &err);
  if (writer == NULL || !gst_cache_writer_append (writer, data, size, &err))
    goto failed;

  meta = g_key_file_new ();
  g_key_file_set_string (meta, "entry", "key", job->key_hex);
  g_key_file_set_int64 (meta, "entry", "created", g_get_real_time () /
      G_USEC_PER_SEC);
  g_key_file_set_uint64 (meta, "entry", "compute-time", compute_ns);
  g_key_file_set_string (meta, "entry", "namespace", s->name_space);
  text = g_strconcat ("discover ", uri, NULL);
  g_key_file_set_string (meta, "entry", "description", text);
  g_free (text);
  g_key_file_set_string (meta, "entry", "record", job->record);
  g_key_file_set_string (meta, "analysis", "format", GST_CACHE_ANALYSIS_FORMAT);
  g_key_file_set_string (meta, "analysis", "uri", uri);
  text = gst_cache_analysis_flags_to_string (s->flags);
  g_key_file_set_string (meta, "analysis", "serialize-flags", text);
  g_free (text);
  g_key_file_set_uint64 (meta, "analysis", "duration",
      gst_discoverer_info_get_duration (info));

  if (!gst_cache_writer_commit (writer, GST_CACHE_ENTRY_KIND_BYTES, meta,
          limit, gst_cache_store_get_config_max_entries (job->store),
          &evicted, &err))
    goto failed;
  GST_INFO_OBJECT (self, "stored %" G_GSIZE_FORMAT " bytes under %s; %u "
      "least recently used entries evicted", size, job->key_hex, evicted);
  gst_cache_store_count (job->store, "analysis-miss", (guint64) 1,
      "analysis-stored", (guint64) 1, NULL);
  goto out;

failed:
  if (g_error_matches (err, GST_CACHE_STORE_ERROR,
          GST_CACHE_STORE_ERROR_TOO_LARGE)) {
    GST_WARNING_OBJECT (self, "not storing: %s", err->message);
    gst_cache_store_count (job->store, "analysis-miss", (guint64) 1,
        "too-large", (guint64) 1, NULL);
  } else {
    GST_WARNING_OBJECT (self, "could not store the result: %s", err->message);
    gst_cache_store_count (job->store, "analysis-miss", (guint64) 1,
        "errors", (guint64) 1, NULL);
  }
  g_clear_error (&err);
out:
  log_remote_warnings (self, job->store);
  gst_cache_writer_free (writer);
  if (meta)
    g_key_file_unref (meta);
  g_bytes_unref (bytes);
}

/* one URI: a hit, or @run and maybe a store */
GstDiscovererInfo *
gst_cache_analysis_run (GstCacheDiscoverer * self, const gchar * uri,
    GstCacheAnalysisRunFunc run, gpointer run_data, GError ** error)
{
  GstDiscovererInfo *info;
  Job job = { 0, };
  Settings s;
  gint64 t0;

  settings_get (self, &s);
  info = lookup (self, &s, uri, &job);
  if (info)
    goto out;

  t0 = g_get_monotonic_time ();
  info = run (run_data, uri, s.timeout, error);
  if (job.result == GST_CACHE_RESULT_MISS) {
    guint64 compute_ns = (g_get_monotonic_time () - t0) * 1000;
    const gchar *why = info ? gst_cache_analysis_unstorable (info) :
        "no-result";

    if (why == NULL && !input_unchanged (&job, &s, uri))
      why = "input-modified";
    g_mutex_lock (&self->store_lock);
    store_result (self, &s, &job, info, why, uri, compute_ns);
    g_mutex_unlock (&self->store_lock);
  }
  if (info)
    mark (info, job.result, NULL, job.key_hex);

out:
  job_clear (&job);
  settings_clear (&s);
  return info;
}

/* gst-cache's registry shortcut (gst-cache-shortcut.c): a stored result
 * of the local cache, counted as a hit, or NULL with nothing counted but
 * a damaged entry that the store removed (the process that analyses next
 * does not find it again). Never analyses. */
GstDiscovererInfo *
_gst_cache_tool_lookup (GstCacheDiscoverer * self, const gchar * uri)
{
  GstDiscovererInfo *info;
  Job job = { 0, };
  Settings s;

  g_return_val_if_fail (GST_IS_CACHE_DISCOVERER (self), NULL);

  settings_get (self, &s);
  job.look_only = TRUE;
  info = lookup (self, &s, uri, &job);
  job_clear (&job);
  settings_clear (&s);
  return info;
}

gboolean
gst_cache_analysis_get_result (GstDiscovererInfo * info,
    GstCacheResult * result, const gchar ** source, const gchar ** key)
{
  ResultData *data = g_object_get_qdata (G_OBJECT (info),
      result_data_quark ());

  if (data == NULL)
    return FALSE;
  *result = data->result;
  *source = data->source;
  *key = data->key;
  return TRUE;
}
