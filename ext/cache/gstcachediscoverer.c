/* gst-reuse: media analysis (GstDiscoverer results) served from the cache
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

/**
 * SECTION:gstcachediscoverer
 * @title: GstCacheDiscoverer
 * @short_description: GstDiscoverer results served from the content-keyed
 *     cache
 *
 * #GstCacheDiscoverer analyses media as #GstDiscoverer does and returns the
 * same #GstDiscovererInfo, but keeps each result in the cache directory
 * that cachebin and gst-cache use, keyed by the input's content: the same
 * file analysed again, or a copy of it under another path, is answered
 * from the cache in a fraction of a millisecond, without loading any
 * demuxer, parser or decoder.
 *
 * The key is the SHA-256 of: the format tag `gst-cache-analysis-1`; the
 * input's digest (XXH3-128 by default, see #GstCacheDiscoverer:input-digest)
 * and length, recalled from the stat manifest when the file's device,
 * inode, size, mtime and ctime (ns) are unchanged and more than 2 s old;
 * #GstCacheDiscoverer:serialize-flags; #GstCacheDiscoverer:namespace; the
 * versions of GStreamer and GstPbutils; and the plugins that can take part
 * in an analysis, read from the registry without loading any: every element
 * factory of rank MARGINAL or above whose klass names Demuxer, Parser,
 * Decoder or Depayloader, every typefind factory, uridecodebin and
 * decodebin, each plugin by name and version, and the list of those
 * factories with their ranks by its digest. A file rewritten with the same
 * size and modification time is analysed again (its ctime and content
 * differ); a plugin upgrade is a miss.
 *
 * Local files (`file://` URIs) and http(s) objects are identified by
 * content; an http(s) object seen before costs one conditional HEAD
 * request (gst_cache_hash_http(); on a miss GstDiscoverer downloads what
 * it reads again). The kind of source (file or http) is in the key. Any
 * other URI is a bypass: #GstDiscoverer runs and nothing is stored.
 *
 * Only complete results are stored: %GST_DISCOVERER_OK. Missing plugins,
 * errors and timeouts are not stored at all (a short life would still
 * serve a stale failure after the plugin is installed or the server is
 * back), nor is a result whose input changed while it was analysed; every
 * later call analyses again. What is stored is
 * gst_discoverer_info_to_variant() of the result with
 * #GstCacheDiscoverer:serialize-flags, so a restored result holds what that
 * serialisation keeps: no #GstToc (GStreamer 1.22 does not serialise it)
 * and no missing-plugin details (never stored). Each entry is an ordinary
 * entry of the store (verified before use, committed atomically, evicted
 * least recently used first with cachebin's, sent to and fetched from the
 * remote backends). A damaged or unparsable entry is never served: it is
 * counted and the input is analysed again.
 *
 * Counters in the store (gst-cache --show-stats): `analysis-hit`,
 * `analysis-hit-remote` (the hits fetched from a backend),
 * `analysis-miss`, `analysis-stored`, `analysis-unstorable` (a miss not
 * stored, with `analysis-unstorable-REASON`: `missing-plugins`, `error`,
 * `timeout`, `uri-invalid`, `busy`, `no-streams`, `unserialisable`,
 * `input-modified`, `no-result`), `analysis-bypass` (with
 * `analysis-bypass-REASON`: `scheme`, `uri-invalid`, `input-unreadable`), `analysis-unparsable` (also counted as `damaged`).
 * A miss that is neither stored nor unstorable was not written because of
 * #GstCacheDiscoverer:read-only or a write failure (`errors`,
 * `too-large`).
 *
 * The synchronous call analyses in the calling thread. The asynchronous
 * mode works as #GstDiscoverer's: gst_cache_discoverer_start() takes the
 * thread-default main context; URIs added with
 * gst_cache_discoverer_discover_uri_async() are analysed in order by a
 * worker thread; #GstCacheDiscoverer::starting,
 * #GstCacheDiscoverer::discovered (once per URI, in order) and
 * #GstCacheDiscoverer::finished (when the queue is empty) are emitted in
 * that context. #GstCacheDiscoverer:timeout bounds each real analysis, as
 * #GstDiscoverer:timeout does.
 *
 * ## Example
 * |[<!-- language="C" -->
 * GError *err = NULL;
 * GstCacheDiscoverer *dc = gst_cache_discoverer_new (5 * GST_SECOND, &err);
 * GstDiscovererInfo *info =
 *     gst_cache_discoverer_discover_uri (dc, "file:///srv/in.mp4", &err);
 *
 * if (info && gst_discoverer_info_get_result (info) == GST_DISCOVERER_OK)
 *   g_print ("%" GST_TIME_FORMAT " (%s)\n",
 *       GST_TIME_ARGS (gst_discoverer_info_get_duration (info)),
 *       gst_cache_discoverer_info_get_result (info) == GST_CACHE_RESULT_HIT ?
 *       "from the cache" : "analysed");
 * g_clear_object (&info);
 * g_clear_error (&err);
 * g_object_unref (dc);
 * ]|
 *
 * Since: 1.0
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachediscoverer.h"
#include "gstcacheanalysis.h"
#include "gstcacheinput.h"
#include "gstcachekey.h"

#include <string.h>

GST_DEBUG_CATEGORY (gst_cache_discoverer_debug);
#define GST_CAT_DEFAULT gst_cache_discoverer_debug

#define DEFAULT_TIMEOUT (15 * GST_SECOND)
#define DEFAULT_MAX_SIZE 0
#define DEFAULT_SERIALIZE_FLAGS GST_DISCOVERER_SERIALIZE_ALL
#define DEFAULT_INPUT_DIGEST GST_CACHE_DIGEST_XXH3_128
#define DEFAULT_TRUST_STAT TRUE
#define DEFAULT_READ_ONLY FALSE
/* idle GstDiscoverers kept for synchronous calls */
#define MAX_IDLE_RUNNERS 4

enum
{
  PROP_0,
  PROP_TIMEOUT,
  PROP_CACHE_DIR,
  PROP_REMOTE_STORAGE,
  PROP_MAX_SIZE,
  PROP_NAMESPACE,
  PROP_SERIALIZE_FLAGS,
  PROP_INPUT_DIGEST,
  PROP_TRUST_STAT,
  PROP_READ_ONLY,
  N_PROPS
};

enum
{
  SIGNAL_STARTING,
  SIGNAL_DISCOVERED,
  SIGNAL_FINISHED,
  LAST_SIGNAL
};

static GParamSpec *obj_props[N_PROPS];
static guint signals[LAST_SIGNAL];

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
} Job;

/* what a GstDiscovererInfo carries: qdata */
typedef struct
{
  GstCacheResult result;
  const gchar *source;          /* static */
  gchar *key;
} ResultData;

typedef enum
{
  ITEM_STARTING,
  ITEM_DISCOVERED,
  ITEM_FINISHED,
} ItemType;

/* a signal to emit in the context of start() */
typedef struct
{
  ItemType type;
  GstDiscovererInfo *info;
  GError *error;
} Item;

/* the worker thread's own GstDiscoverer, run in its own main context so
 * that stop() can interrupt it */
typedef struct
{
  GstCacheDiscoverer *self;
  GMainLoop *loop;
  GstDiscoverer *dc;
  gboolean done;
  GstDiscovererInfo *info;
  GError *error;
} Worker;

typedef GstDiscovererInfo *(*RunFunc) (gpointer data, const gchar * uri,
    GstClockTime timeout, gboolean * cancelled, GError ** error);

struct _GstCacheDiscoverer
{
  GObject parent;

  /* properties, idle runners, the asynchronous state */
  GMutex lock;
  GstClockTime timeout;
  gchar *cache_dir;
  gchar *remote_storage;
  gchar *name_space;
  guint64 max_size;
  GstDiscovererSerializeFlags flags;
  GstCacheDigestAlgorithm alg;
  gboolean trust_stat;
  gboolean read_only;

  GPtrArray *runners;           /* idle GstDiscoverer for synchronous calls */

  /* the store is not thread-safe: used under store_lock. A store opened
   * for other settings is kept until dispose, so that a pointer taken
   * under the lock stays valid (input hashing runs outside the lock). */
  GMutex store_lock;
  GstCacheStore *store;
  gchar *store_dir;
  gchar *store_remote;
  GPtrArray *old_stores;

  /* asynchronous mode, under lock */
  GCond cond;
  gboolean async;
  gboolean stopping;
  gboolean busy;
  GMainContext *ctx;
  GQueue pending;
  GThread *worker;
  GMainContext *worker_ctx;
  GMainLoop *worker_loop;
  GQueue items;
  GSource *dispatch;
};

static GQuark result_data_quark (void);
G_DEFINE_QUARK (gst - cache - discoverer - result, result_data);

#define _do_init \
  GST_DEBUG_CATEGORY_INIT (gst_cache_discoverer_debug, "cachediscoverer", 0, \
      "media analysis served from the cache"); \
  gst_pb_utils_init ();
G_DEFINE_TYPE_WITH_CODE (GstCacheDiscoverer, gst_cache_discoverer,
    G_TYPE_OBJECT, _do_init);

static void gst_cache_discoverer_dispose (GObject * object);
static void gst_cache_discoverer_finalize (GObject * object);
static void gst_cache_discoverer_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_cache_discoverer_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);

static void
gst_cache_discoverer_class_init (GstCacheDiscovererClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->dispose = gst_cache_discoverer_dispose;
  gobject_class->finalize = gst_cache_discoverer_finalize;
  gobject_class->set_property = gst_cache_discoverer_set_property;
  gobject_class->get_property = gst_cache_discoverer_get_property;

  /**
   * GstCacheDiscoverer:timeout:
   *
   * The time (in nanoseconds) after which the analysis of one URI times
   * out, as #GstDiscoverer:timeout: it bounds each real analysis (a miss or
   * a bypass); a hit takes no analysis. A timed-out result has
   * %GST_DISCOVERER_TIMEOUT and is not stored.
   *
   * Since: 1.0
   */
  obj_props[PROP_TIMEOUT] = g_param_spec_uint64 ("timeout", "Timeout",
      "Time limit of the analysis of one URI, in nanoseconds", GST_SECOND,
      3600 * GST_SECOND, DEFAULT_TIMEOUT,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  /**
   * GstCacheDiscoverer:cache-dir:
   *
   * The cache directory, shared with cachebin and gst-cache (created 0700
   * if missing). %NULL: `$XDG_CACHE_HOME/gstreamer-1.0/cachebin`.
   *
   * Since: 1.0
   */
  obj_props[PROP_CACHE_DIR] = g_param_spec_string ("cache-dir",
      "Cache directory", "Where results are stored (unset: "
      "$XDG_CACHE_HOME/gstreamer-1.0/cachebin)", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstCacheDiscoverer:remote-storage:
   *
   * Remote backends below the local cache, as cachebin's
   * `remote-storage`: space-separated URLs with `|attribute=value`
   * suffixes. A local miss asks each backend in order (a result fetched
   * from one is a hit whose source is "remote"); a stored result is
   * uploaded to each writable backend. %NULL: the cache directory's
   * configuration (`gst-cache --remote-storage`); an empty string: none.
   *
   * Since: 1.0
   */
  obj_props[PROP_REMOTE_STORAGE] = g_param_spec_string ("remote-storage",
      "Remote storage", "Space-separated backend URLs with |attr=value "
      "suffixes (unset: the cache directory's configuration; empty: none)",
      NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstCacheDiscoverer:max-size:
   *
   * Size limit of the cache directory in bytes, as cachebin's
   * `max-size`: least recently used entries (of any kind) are evicted past
   * it when a result is stored. 0: the limit set with gst-cache
   * --max-size, or 5 GiB.
   *
   * Since: 1.0
   */
  obj_props[PROP_MAX_SIZE] = g_param_spec_uint64 ("max-size", "Maximum size",
      "Size limit of the cache directory in bytes (0: the limit set with "
      "gst-cache --max-size, or 5 GiB)", 0, G_MAXUINT64, DEFAULT_MAX_SIZE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstCacheDiscoverer:namespace:
   *
   * A salt mixed into the key: analyses with different namespaces never
   * share results.
   *
   * Since: 1.0
   */
  obj_props[PROP_NAMESPACE] = g_param_spec_string ("namespace", "Namespace",
      "A salt mixed into the key: different namespaces never share results",
      NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstCacheDiscoverer:serialize-flags:
   *
   * What a stored result keeps (gst_discoverer_info_to_variant()): caps,
   * tags and misc structures of the streams. Part of the key: results
   * stored with other flags are not served. A miss returns the complete
   * result of #GstDiscoverer whatever the flags; a hit returns what was
   * kept.
   *
   * Since: 1.0
   */
  obj_props[PROP_SERIALIZE_FLAGS] = g_param_spec_flags ("serialize-flags",
      "Serialize flags", "What a stored result keeps",
      GST_TYPE_DISCOVERER_SERIALIZE_FLAGS, DEFAULT_SERIALIZE_FLAGS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstCacheDiscoverer:input-digest:
   *
   * The digest of the input in the key, as cachebin's `input-digest`:
   * "xxh3-128" (fast, for inputs the service trusts) or "sha256"
   * (collision-resistant, for a cache shared by tenants who bring their own
   * inputs). Another name is refused with a warning.
   *
   * Since: 1.0
   */
  obj_props[PROP_INPUT_DIGEST] = g_param_spec_string ("input-digest",
      "Input digest", "Digest of the input in the key: xxh3-128 or sha256",
      "xxh3-128", G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstCacheDiscoverer:trust-stat:
   *
   * Recall the digest of an input file whose device, inode, size, mtime
   * and ctime (ns) are unchanged and more than 2 s old, instead of reading
   * it again.
   *
   * Since: 1.0
   */
  obj_props[PROP_TRUST_STAT] = g_param_spec_boolean ("trust-stat",
      "Trust stat", "Recall the digest of an unchanged input file instead "
      "of reading it again", DEFAULT_TRUST_STAT,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstCacheDiscoverer:read-only:
   *
   * Serve stored results but store none.
   *
   * Since: 1.0
   */
  obj_props[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", "Read only",
      "Serve stored results but store none", DEFAULT_READ_ONLY,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PROPS, obj_props);

  /**
   * GstCacheDiscoverer::starting:
   * @discoverer: the #GstCacheDiscoverer
   *
   * Emitted when the analysis of queued URIs begins (in the context of
   * gst_cache_discoverer_start()), and at the start of each synchronous
   * call (in the calling thread), as #GstDiscoverer::starting.
   *
   * Since: 1.0
   */
  signals[SIGNAL_STARTING] = g_signal_new ("starting",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0, G_TYPE_NONE);

  /**
   * GstCacheDiscoverer::discovered:
   * @discoverer: the #GstCacheDiscoverer
   * @info: (nullable): the result, as gst_cache_discoverer_discover_uri()
   *     returns it
   * @error: (nullable) (type GLib.Error): what went wrong, or %NULL; owned
   *     by the discoverer
   *
   * Emitted in asynchronous mode once for each URI, in the order they were
   * added, in the main context of gst_cache_discoverer_start().
   *
   * Since: 1.0
   */
  signals[SIGNAL_DISCOVERED] = g_signal_new ("discovered",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, GST_TYPE_DISCOVERER_INFO,
      G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * GstCacheDiscoverer::finished:
   * @discoverer: the #GstCacheDiscoverer
   *
   * Emitted in asynchronous mode when every queued URI has been analysed,
   * in the main context of gst_cache_discoverer_start().
   *
   * Since: 1.0
   */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0, G_TYPE_NONE);
}

static void
gst_cache_discoverer_init (GstCacheDiscoverer * self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->store_lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->pending);
  g_queue_init (&self->items);
  self->timeout = DEFAULT_TIMEOUT;
  self->max_size = DEFAULT_MAX_SIZE;
  self->flags = DEFAULT_SERIALIZE_FLAGS;
  self->alg = DEFAULT_INPUT_DIGEST;
  self->trust_stat = DEFAULT_TRUST_STAT;
  self->read_only = DEFAULT_READ_ONLY;
  self->runners = g_ptr_array_new_with_free_func (gst_object_unref);
  self->old_stores = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_cache_store_free);
}

static void
gst_cache_discoverer_dispose (GObject * object)
{
  GstCacheDiscoverer *self = GST_CACHE_DISCOVERER (object);

  gst_cache_discoverer_stop (self);
  g_ptr_array_set_size (self->runners, 0);

  G_OBJECT_CLASS (gst_cache_discoverer_parent_class)->dispose (object);
}

static void
gst_cache_discoverer_finalize (GObject * object)
{
  GstCacheDiscoverer *self = GST_CACHE_DISCOVERER (object);

  g_clear_pointer (&self->store, gst_cache_store_free);
  g_ptr_array_unref (self->old_stores);
  g_ptr_array_unref (self->runners);
  g_free (self->store_dir);
  g_free (self->store_remote);
  g_free (self->cache_dir);
  g_free (self->remote_storage);
  g_free (self->name_space);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->store_lock);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (gst_cache_discoverer_parent_class)->finalize (object);
}

static void
gst_cache_discoverer_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstCacheDiscoverer *self = GST_CACHE_DISCOVERER (object);

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_TIMEOUT:
      self->timeout = g_value_get_uint64 (value);
      break;
    case PROP_CACHE_DIR:
      g_free (self->cache_dir);
      self->cache_dir = g_value_dup_string (value);
      break;
    case PROP_REMOTE_STORAGE:
      g_free (self->remote_storage);
      self->remote_storage = g_value_dup_string (value);
      break;
    case PROP_MAX_SIZE:
      self->max_size = g_value_get_uint64 (value);
      break;
    case PROP_NAMESPACE:
      g_free (self->name_space);
      self->name_space = g_value_dup_string (value);
      break;
    case PROP_SERIALIZE_FLAGS:
      self->flags = g_value_get_flags (value);
      break;
    case PROP_INPUT_DIGEST:{
      const gchar *name = g_value_get_string (value);
      GstCacheDigestAlgorithm alg;

      if (name == NULL)
        self->alg = DEFAULT_INPUT_DIGEST;
      else if (gst_cache_digest_algorithm_from_name (name, &alg))
        self->alg = alg;
      else
        GST_WARNING_OBJECT (self, "unknown input digest \"%s\" (xxh3-128 "
            "or sha256), keeping %s", name,
            gst_cache_digest_algorithm_name (self->alg));
      break;
    }
    case PROP_TRUST_STAT:
      self->trust_stat = g_value_get_boolean (value);
      break;
    case PROP_READ_ONLY:
      self->read_only = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
}

static void
gst_cache_discoverer_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstCacheDiscoverer *self = GST_CACHE_DISCOVERER (object);

  g_mutex_lock (&self->lock);
  switch (prop_id) {
    case PROP_TIMEOUT:
      g_value_set_uint64 (value, self->timeout);
      break;
    case PROP_CACHE_DIR:
      g_value_set_string (value, self->cache_dir);
      break;
    case PROP_REMOTE_STORAGE:
      g_value_set_string (value, self->remote_storage);
      break;
    case PROP_MAX_SIZE:
      g_value_set_uint64 (value, self->max_size);
      break;
    case PROP_NAMESPACE:
      g_value_set_string (value, self->name_space);
      break;
    case PROP_SERIALIZE_FLAGS:
      g_value_set_flags (value, self->flags);
      break;
    case PROP_INPUT_DIGEST:
      g_value_set_string (value, gst_cache_digest_algorithm_name (self->alg));
      break;
    case PROP_TRUST_STAT:
      g_value_set_boolean (value, self->trust_stat);
      break;
    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&self->lock);
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
    const gchar * uri)
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
    why = "not held in memory";
  } else if (why == NULL) {
    bytes = g_bytes_new_with_free_func (payload, size,
        (GDestroyNotify) gst_cache_entry_unref, gst_cache_entry_ref (entry));
    info = gst_cache_analysis_restore (bytes, uri, &why);
    g_bytes_unref (bytes);
  }
  if (info == NULL) {
    GST_WARNING_OBJECT (self, "entry %s not served (%s): analysing again",
        job->key_hex, why);
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
  gboolean from_manifest;
  GError *err = NULL;

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
    if (!gst_cache_hash_file_full (job->store, job->path, s->alg,
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
  memcpy (job->digest, digest, sizeof (digest));
  make_key (job, s, digest);
  job->result = GST_CACHE_RESULT_MISS;

  g_mutex_lock (&self->store_lock);
  entry = gst_cache_store_lookup (job->store, job->key, &err);
  log_remote_warnings (self, job->store);
  if (err) {
    /* the store counts and removes a damaged entry itself */
    if (!g_error_matches (err, GST_CACHE_STORE_ERROR,
            GST_CACHE_STORE_ERROR_DAMAGED))
      gst_cache_store_count (job->store, "errors", (guint64) 1, NULL);
    GST_WARNING_OBJECT (self, "could not use a cache entry, analysing "
        "again: %s", err->message);
    g_clear_error (&err);
  }
  if (entry) {
    info = restore (self, job, entry, uri);
    gst_cache_entry_unref (entry);
  }
  g_mutex_unlock (&self->store_lock);
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

/* one URI: a hit, or @run and maybe a store. NULL with *@cancelled when
 * @run was interrupted by stop() */
static GstDiscovererInfo *
analyse (GstCacheDiscoverer * self, const gchar * uri, RunFunc run,
    gpointer run_data, gboolean * cancelled, GError ** error)
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
  info = run (run_data, uri, s.timeout, cancelled, error);
  if (cancelled && *cancelled)
    goto out;
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

/* synchronous calls: a GstDiscoverer in the calling thread */

static GstDiscovererInfo *
run_sync (gpointer data, const gchar * uri, GstClockTime timeout,
    gboolean * cancelled, GError ** error)
{
  GstCacheDiscoverer *self = data;
  GstDiscoverer *dc = NULL;
  GstDiscovererInfo *info;

  g_mutex_lock (&self->lock);
  if (self->runners->len > 0)
    dc = g_ptr_array_steal_index (self->runners, self->runners->len - 1);
  g_mutex_unlock (&self->lock);
  if (dc == NULL) {
    dc = gst_discoverer_new (timeout, error);
    if (dc == NULL)
      return NULL;
  } else {
    g_object_set (dc, "timeout", timeout, NULL);
  }

  info = gst_discoverer_discover_uri (dc, uri, error);

  /* GstDiscoverer 1.22 is not always reusable after a failure (its next
   * analysis can time out): only one that succeeded is kept */
  g_mutex_lock (&self->lock);
  if (info && gst_discoverer_info_get_result (info) == GST_DISCOVERER_OK &&
      self->runners->len < MAX_IDLE_RUNNERS) {
    g_ptr_array_add (self->runners, dc);
    dc = NULL;
  }
  g_mutex_unlock (&self->lock);
  if (dc)
    gst_object_unref (dc);
  return info;
}

/**
 * gst_cache_discoverer_new:
 * @timeout: the time limit of the analysis of one URI, in nanoseconds,
 *     from one second (#GST_SECOND) to one hour, as gst_discoverer_new()
 * @error: (optional): where to put an error
 *
 * Creates a discoverer that serves results from the cache directory of
 * #GstCacheDiscoverer:cache-dir (by default the user's, shared with
 * cachebin). The cache is opened at the first analysis; if it cannot be
 * used, analyses run without it (results are bypasses).
 *
 * Returns: (transfer full) (nullable): a new #GstCacheDiscoverer, or %NULL
 *     with @error set when GstDiscoverer cannot work here (no uridecodebin)
 *
 * Since: 1.0
 */
GstCacheDiscoverer *
gst_cache_discoverer_new (GstClockTime timeout, GError ** error)
{
  GstElementFactory *factory;

  g_return_val_if_fail (GST_CLOCK_TIME_IS_VALID (timeout), NULL);

  factory = gst_element_factory_find ("uridecodebin");
  if (factory == NULL) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "Couldn't create 'uridecodebin' element");
    return NULL;
  }
  gst_object_unref (factory);
  return g_object_new (GST_TYPE_CACHE_DISCOVERER, "timeout", timeout, NULL);
}

/**
 * gst_cache_discoverer_discover_uri:
 * @discoverer: a #GstCacheDiscoverer
 * @uri: the URI to analyse
 * @error: (optional): where to put the error of the analysis
 *
 * Analyses @uri synchronously, in the calling thread, as
 * gst_discoverer_discover_uri() does: from the cache when it holds the
 * result (gst_cache_discoverer_info_get_result() says
 * %GST_CACHE_RESULT_HIT; the result carries @uri, even when it was stored
 * for a copy of the file under another name), otherwise with
 * #GstDiscoverer, whose complete result is then stored. The result and
 * @error are those of gst_discoverer_discover_uri() for the same input.
 * Several threads may call this at once.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL with @error
 *     set when no analysis could run
 *
 * Since: 1.0
 */
GstDiscovererInfo *
gst_cache_discoverer_discover_uri (GstCacheDiscoverer * discoverer,
    const gchar * uri, GError ** error)
{
  g_return_val_if_fail (GST_IS_CACHE_DISCOVERER (discoverer), NULL);
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  GST_DEBUG_OBJECT (discoverer, "uri: %s", uri);
  g_signal_emit (discoverer, signals[SIGNAL_STARTING], 0);
  return analyse (discoverer, uri, run_sync, discoverer, NULL, error);
}

/* asynchronous mode */

static void
item_free (Item * item)
{
  if (item->info)
    g_object_unref (item->info);
  if (item->error)
    g_error_free (item->error);
  g_free (item);
}

static void
weak_ref_free (GWeakRef * ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

/* in the context of start(): one signal per dispatch, in order, without a
 * lock held */
static gboolean
dispatch_cb (gpointer data)
{
  GstCacheDiscoverer *self = g_weak_ref_get (data);
  gboolean more;
  Item *item;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  g_mutex_lock (&self->lock);
  item = g_queue_pop_head (&self->items);
  more = !g_queue_is_empty (&self->items);
  if (!more && self->dispatch == g_main_current_source ())
    g_clear_pointer (&self->dispatch, g_source_unref);
  g_mutex_unlock (&self->lock);

  if (item) {
    switch (item->type) {
      case ITEM_STARTING:
        g_signal_emit (self, signals[SIGNAL_STARTING], 0);
        break;
      case ITEM_DISCOVERED:
        g_signal_emit (self, signals[SIGNAL_DISCOVERED], 0, item->info,
            item->error);
        break;
      case ITEM_FINISHED:
        g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
        break;
    }
    item_free (item);
  }
  g_object_unref (self);
  return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* under lock */
static void
push_item (GstCacheDiscoverer * self, ItemType type, GstDiscovererInfo * info,
    GError * error)
{
  Item *item = g_new0 (Item, 1);

  item->type = type;
  item->info = info;
  item->error = error;
  g_queue_push_tail (&self->items, item);
  if (self->dispatch == NULL) {
    GWeakRef *ref = g_new0 (GWeakRef, 1);

    g_weak_ref_init (ref, self);
    self->dispatch = g_idle_source_new ();
    g_source_set_priority (self->dispatch, G_PRIORITY_DEFAULT);
    g_source_set_callback (self->dispatch, dispatch_cb, ref,
        (GDestroyNotify) weak_ref_free);
    g_source_attach (self->dispatch, self->ctx);
  }
}

static void
worker_discovered (GstDiscoverer * dc, GstDiscovererInfo * info,
    const GError * error, Worker * w)
{
  if (!w->done) {
    w->done = TRUE;
    w->info = info ? g_object_ref (info) : NULL;
    w->error = error ? g_error_copy (error) : NULL;
  }
  g_main_loop_quit (w->loop);
}

/* GstDiscoverer in asynchronous mode in the worker's own context, which
 * stop() can interrupt; a GstDiscoverer stopped in the middle of an
 * analysis keeps its bus flushing and is replaced */
static GstDiscovererInfo *
run_worker (gpointer data, const gchar * uri, GstClockTime timeout,
    gboolean * cancelled, GError ** error)
{
  Worker *w = data;
  GstCacheDiscoverer *self = w->self;
  GstDiscovererInfo *info;
  gboolean stopping;

  if (w->dc == NULL) {
    w->dc = gst_discoverer_new (timeout, error);
    if (w->dc == NULL)
      return NULL;
    g_signal_connect (w->dc, "discovered", G_CALLBACK (worker_discovered), w);
  } else {
    g_object_set (w->dc, "timeout", timeout, NULL);
  }
  w->done = FALSE;
  gst_discoverer_start (w->dc);
  gst_discoverer_discover_uri_async (w->dc, uri);
  g_mutex_lock (&self->lock);
  stopping = self->stopping;
  g_mutex_unlock (&self->lock);
  if (!stopping)
    g_main_loop_run (w->loop);
  gst_discoverer_stop (w->dc);

  if (!w->done) {
    GST_DEBUG_OBJECT (self, "analysis of %s interrupted", uri);
    g_clear_object (&w->dc);
    *cancelled = TRUE;
    return NULL;
  }
  info = w->info;
  w->info = NULL;
  /* as for synchronous calls: not reused after a failure */
  if (info == NULL || gst_discoverer_info_get_result (info) !=
      GST_DISCOVERER_OK)
    g_clear_object (&w->dc);
  if (w->error)
    g_propagate_error (error, w->error);
  w->error = NULL;
  return info;
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gpointer
worker_main (gpointer data)
{
  GstCacheDiscoverer *self = data;
  GMainContext *ctx = g_main_context_new ();
  Worker w = { self, NULL, };

  g_main_context_push_thread_default (ctx);
  w.loop = g_main_loop_new (ctx, FALSE);

  g_mutex_lock (&self->lock);
  self->worker_ctx = g_main_context_ref (ctx);
  self->worker_loop = g_main_loop_ref (w.loop);
  while (!self->stopping) {
    GstDiscovererInfo *info;
    gboolean cancelled = FALSE;
    GError *err = NULL;
    gchar *uri;

    if (g_queue_is_empty (&self->pending)) {
      if (self->busy) {
        self->busy = FALSE;
        push_item (self, ITEM_FINISHED, NULL, NULL);
      }
      g_cond_wait (&self->cond, &self->lock);
      continue;
    }
    if (!self->busy) {
      self->busy = TRUE;
      push_item (self, ITEM_STARTING, NULL, NULL);
    }
    uri = g_queue_pop_head (&self->pending);
    g_mutex_unlock (&self->lock);

    info = analyse (self, uri, run_worker, &w, &cancelled, &err);
    g_free (uri);

    g_mutex_lock (&self->lock);
    if (self->stopping || cancelled) {
      g_clear_object (&info);
      g_clear_error (&err);
      break;
    }
    push_item (self, ITEM_DISCOVERED, info, err);
  }
  g_clear_pointer (&self->worker_ctx, g_main_context_unref);
  g_clear_pointer (&self->worker_loop, g_main_loop_unref);
  g_mutex_unlock (&self->lock);

  g_clear_object (&w.dc);
  g_main_loop_unref (w.loop);
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  return NULL;
}

/**
 * gst_cache_discoverer_start:
 * @discoverer: a #GstCacheDiscoverer
 *
 * Starts the asynchronous mode, as gst_discoverer_start(): a worker thread
 * analyses the URIs added with gst_cache_discoverer_discover_uri_async(),
 * in order, and the signals are emitted in the thread-default main context
 * of the caller (the global default one if none), which must be running.
 *
 * Since: 1.0
 */
void
gst_cache_discoverer_start (GstCacheDiscoverer * discoverer)
{
  g_return_if_fail (GST_IS_CACHE_DISCOVERER (discoverer));

  g_mutex_lock (&discoverer->lock);
  if (discoverer->async) {
    g_mutex_unlock (&discoverer->lock);
    GST_DEBUG_OBJECT (discoverer, "already started");
    return;
  }
  discoverer->async = TRUE;
  discoverer->stopping = FALSE;
  discoverer->busy = FALSE;
  discoverer->ctx = g_main_context_ref_thread_default ();
  discoverer->worker = g_thread_new ("cachediscoverer", worker_main,
      discoverer);
  g_mutex_unlock (&discoverer->lock);
  GST_DEBUG_OBJECT (discoverer, "started");
}

/**
 * gst_cache_discoverer_stop:
 * @discoverer: a #GstCacheDiscoverer
 *
 * Stops the asynchronous mode, as gst_discoverer_stop(): the URIs still
 * queued are dropped, an analysis under way is interrupted (nothing of it
 * is stored), the worker thread is joined, and no signal of the
 * asynchronous mode is emitted after this returns (when called in the
 * context of gst_cache_discoverer_start()). Unreferencing the discoverer
 * stops it too.
 *
 * Since: 1.0
 */
void
gst_cache_discoverer_stop (GstCacheDiscoverer * discoverer)
{
  GThread *worker;
  GQueue items = G_QUEUE_INIT;

  g_return_if_fail (GST_IS_CACHE_DISCOVERER (discoverer));

  g_mutex_lock (&discoverer->lock);
  if (!discoverer->async) {
    g_queue_clear_full (&discoverer->pending, g_free);
    g_mutex_unlock (&discoverer->lock);
    return;
  }
  discoverer->stopping = TRUE;
  g_queue_clear_full (&discoverer->pending, g_free);
  g_cond_broadcast (&discoverer->cond);
  if (discoverer->worker_ctx) {
    GSource *quit = g_idle_source_new ();

    g_source_set_priority (quit, G_PRIORITY_HIGH);
    g_source_set_callback (quit, quit_loop,
        g_main_loop_ref (discoverer->worker_loop),
        (GDestroyNotify) g_main_loop_unref);
    g_source_attach (quit, discoverer->worker_ctx);
    g_source_unref (quit);
  }
  worker = discoverer->worker;
  discoverer->worker = NULL;
  g_mutex_unlock (&discoverer->lock);

  if (worker)
    g_thread_join (worker);

  g_mutex_lock (&discoverer->lock);
  if (discoverer->dispatch) {
    g_source_destroy (discoverer->dispatch);
    g_clear_pointer (&discoverer->dispatch, g_source_unref);
  }
  items = discoverer->items;
  g_queue_init (&discoverer->items);
  g_clear_pointer (&discoverer->ctx, g_main_context_unref);
  discoverer->async = FALSE;
  discoverer->stopping = FALSE;
  discoverer->busy = FALSE;
  g_mutex_unlock (&discoverer->lock);

  g_queue_clear_full (&items, (GDestroyNotify) item_free);
  GST_DEBUG_OBJECT (discoverer, "stopped");
}

/**
 * gst_cache_discoverer_discover_uri_async:
 * @discoverer: a #GstCacheDiscoverer
 * @uri: the URI to add
 *
 * Adds @uri to the URIs to analyse, as
 * gst_discoverer_discover_uri_async(): its
 * #GstCacheDiscoverer::discovered comes after those of the URIs added
 * before it. The analysis takes place once gst_cache_discoverer_start() has
 * been called.
 *
 * Returns: %TRUE if @uri was queued
 *
 * Since: 1.0
 */
gboolean
gst_cache_discoverer_discover_uri_async (GstCacheDiscoverer * discoverer,
    const gchar * uri)
{
  g_return_val_if_fail (GST_IS_CACHE_DISCOVERER (discoverer), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);

  GST_DEBUG_OBJECT (discoverer, "queued: %s", uri);
  g_mutex_lock (&discoverer->lock);
  g_queue_push_tail (&discoverer->pending, g_strdup (uri));
  g_cond_signal (&discoverer->cond);
  g_mutex_unlock (&discoverer->lock);
  return TRUE;
}

static ResultData *
result_data (GstDiscovererInfo * info)
{
  return g_object_get_qdata (G_OBJECT (info), result_data_quark ());
}

/**
 * gst_cache_discoverer_info_get_result:
 * @info: a result of a #GstCacheDiscoverer
 *
 * How the cache served @info.
 *
 * Returns: %GST_CACHE_RESULT_HIT (from the cache), %GST_CACHE_RESULT_MISS
 *     (analysed, stored if complete) or %GST_CACHE_RESULT_BYPASS (analysed
 *     without the cache; also for a result that did not come from a
 *     #GstCacheDiscoverer)
 *
 * Since: 1.0
 */
GstCacheResult
gst_cache_discoverer_info_get_result (GstDiscovererInfo * info)
{
  ResultData *data;

  g_return_val_if_fail (GST_IS_DISCOVERER_INFO (info), GST_CACHE_RESULT_BYPASS);

  data = result_data (info);
  return data ? data->result : GST_CACHE_RESULT_BYPASS;
}

/**
 * gst_cache_discoverer_info_get_source:
 * @info: a result of a #GstCacheDiscoverer
 *
 * Where a hit came from: "local" (the cache directory) or "remote" (a
 * remote backend, after which it is in the cache directory too).
 *
 * Returns: (nullable) (transfer none): "local" or "remote" for a hit,
 *     %NULL otherwise
 *
 * Since: 1.0
 */
const gchar *
gst_cache_discoverer_info_get_source (GstDiscovererInfo * info)
{
  ResultData *data;

  g_return_val_if_fail (GST_IS_DISCOVERER_INFO (info), NULL);

  data = result_data (info);
  return data ? data->source : NULL;
}

/**
 * gst_cache_discoverer_info_get_key:
 * @info: a result of a #GstCacheDiscoverer
 *
 * The key of @info in the cache (64 hexadecimal digits), as gst-cache
 * --list shows it: for a hit, the entry it came from; for a miss, the entry
 * it was stored under if it was stored.
 *
 * Returns: (nullable) (transfer none): the key, or %NULL for a bypass
 *
 * Since: 1.0
 */
const gchar *
gst_cache_discoverer_info_get_key (GstDiscovererInfo * info)
{
  ResultData *data;

  g_return_val_if_fail (GST_IS_DISCOVERER_INFO (info), NULL);

  data = result_data (info);
  return data ? data->key : NULL;
}
