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
 * A hit carries the URI that was asked for, also when the result was stored
 * for a copy of the file under another name; the streams' ids, which
 * GStreamer makes from the SHA-256 of the source's URI, are made again for
 * that URI, so the result is what #GstDiscoverer gives for it. The global
 * tags are those of the stored analysis (#GstDiscoverer keeps the first
 * value of each tag that arrives, so two analyses of one file can differ
 * there, in the bitrate for one).
 *
 * Counters in the store (gst-cache --show-stats): `analysis-hit`,
 * `analysis-hit-remote` (the hits fetched from a backend),
 * `analysis-miss`, `analysis-stored`, `analysis-unstorable` (a miss not
 * stored, with `analysis-unstorable-REASON`: `missing-plugins`, `error`,
 * `timeout`, `uri-invalid`, `busy`, `no-streams`, `unserialisable`,
 * `input-modified`, `no-result`), `analysis-bypass` (with
 * `analysis-bypass-REASON`: `scheme`, `uri-invalid`, `input-unreadable`),
 * `analysis-unparsable` (an entry that passed the store's checks but does
 * not parse as a result; also counted as `damaged`, as the store counts an
 * entry that fails its checks). A miss that is neither stored nor
 * unstorable was not written because of #GstCacheDiscoverer:read-only or a
 * write failure (`errors`, `too-large`).
 *
 * The synchronous call analyses in the calling thread. The asynchronous
 * mode works as #GstDiscoverer's: gst_cache_discoverer_start() takes the
 * thread-default main context; URIs added with
 * gst_cache_discoverer_discover_uri_async() are analysed in order by a
 * worker thread; #GstCacheDiscoverer::starting,
 * #GstCacheDiscoverer::discovered (once per URI, in order) and
 * #GstCacheDiscoverer::finished (when the queue is empty) are emitted in
 * that context. #GstCacheDiscoverer:timeout bounds each real analysis, as
 * #GstDiscoverer:timeout does. Each real analysis runs a synchronous
 * #GstDiscoverer; one is kept for the next analysis only after a complete
 * result (after a failure, #GstDiscoverer 1.22 can time out on its next
 * input).
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

#include "gstcacheanalysis.h"

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

/* synchronous calls: a GstDiscoverer in the calling thread */

static GstDiscovererInfo *
run_sync (gpointer data, const gchar * uri, GstClockTime timeout,
    GError ** error)
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
 * @error: where to put an error
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
 * @error: where to put the error of the analysis
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
  return gst_cache_analysis_run (discoverer, uri, run_sync, discoverer, error);
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

/* the worker thread: the queue in order, each URI as a synchronous call
 * would do it (an analysis under way when stop() comes is finished, then
 * dropped: GstDiscoverer 1.22 leaks its result when it is stopped in the
 * middle, and a complete result is still worth storing) */
static gpointer
worker_main (gpointer data)
{
  GstCacheDiscoverer *self = data;

  g_mutex_lock (&self->lock);
  while (!self->stopping) {
    GstDiscovererInfo *info;
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

    info = gst_cache_analysis_run (self, uri, run_sync, self, &err);
    g_free (uri);

    g_mutex_lock (&self->lock);
    if (self->stopping) {
      g_clear_object (&info);
      g_clear_error (&err);
      break;
    }
    push_item (self, ITEM_DISCOVERED, info, err);
  }
  g_mutex_unlock (&self->lock);
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
 * queued are dropped, an analysis under way is finished (it is bounded by
 * #GstCacheDiscoverer:timeout; a complete result is stored) but not
 * reported, the worker thread is joined, and no signal of the asynchronous
 * mode is emitted after this returns (when called in the context of
 * gst_cache_discoverer_start()). Unreferencing the discoverer stops it
 * too.
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
  GstCacheResult result;
  const gchar *source, *key;

  g_return_val_if_fail (GST_IS_DISCOVERER_INFO (info), GST_CACHE_RESULT_BYPASS);

  if (!gst_cache_analysis_get_result (info, &result, &source, &key))
    return GST_CACHE_RESULT_BYPASS;
  return result;
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
  GstCacheResult result;
  const gchar *source, *key;

  g_return_val_if_fail (GST_IS_DISCOVERER_INFO (info), NULL);

  if (!gst_cache_analysis_get_result (info, &result, &source, &key))
    return NULL;
  return source;
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
  GstCacheResult result;
  const gchar *source, *key;

  g_return_val_if_fail (GST_IS_DISCOVERER_INFO (info), NULL);

  if (!gst_cache_analysis_get_result (info, &result, &source, &key))
    return NULL;
  return key;
}
