/* gst-reuse: cachebin, a result cache around an inner chain
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
 * SECTION:element-cachebin
 * @title: cachebin
 * @see_also: gst-cache
 *
 * A bin around an inner chain (the #GstCacheBin:description, in
 * gst-launch-1.0 syntax) that stores the chain's output in a cache
 * directory and, when the same input goes through the same chain again,
 * replays the stored output instead of running the chain.
 *
 * The key is a SHA-256 of: the key format; the input's digest (the
 * #GstCacheBin:input-digest, XXH3-128 or SHA-256) and length; the
 * canonical chain (factories in order, non-default properties sorted by
 * name, caps with sorted fields, links; element names do not count); what
 * the parsed chain does not show (delayed links' pad names, properties that
 * cannot be read back, from the description's text); the contents of
 * files that properties name; the versions of GStreamer and of each plugin
 * in the chain, and the build IDs of the libraries those plugins load;
 * downstream's caps and whether it can seek (muxers write differently when
 * it cannot); and the #GstCacheBin:namespace.
 *
 * The input is known before any data flows: when cachebin's upstream peer
 * is a source element with a file:// URI (filesrc, mmapsrc), the file is
 * hashed, or a stat manifest recalls its digest; otherwise, when upstream
 * can be pulled from, its bytes are hashed through pulls. Push-only and
 * live inputs are run through the chain with nothing stored (a `bypass`).
 *
 * On a hit, the entry is verified (footer, key, checksum) before anything is
 * pushed, then replayed on the src pad: stream-start, the stored caps,
 * the events that came before the first segment, segment, data, EOS; an
 * entry whose caps downstream refuses is not replayed. The chain is parsed
 * to compute the key but is never added, linked or started, and upstream
 * sends nothing. On a miss, the
 * chain runs and its output is captured on the way out: byte streams
 * (BYTES segments, as muxers write them, headers rewritten at their
 * offsets) as the image filesink would write; other streams as records of
 * caps, events and timestamped buffers. The entry is committed atomically
 * at EOS; an error, a flush or a stop before EOS discards it, as does an
 * input file that changed during the run. A result is stored only when it
 * is the chain's whole result for the whole input: an input cut short (an
 * EOS sent to the pipeline, num-buffers on the source), a partial segment,
 * QoS reporting lateness, a seek or other events from outside make the
 * run go on as without cachebin and store nothing (`reason` on the bus).
 * Raw frames are stored in the layout their caps describe, so that every
 * downstream reads the same frames on a hit. A cache that cannot be written
 * (full disk, permissions) never fails the pipeline: cachebin posts a
 * warning and carries on.
 *
 * Each run posts an element message named `cachebin` with `result` (`hit`,
 * `miss` or `bypass`), `key`, `reason` (bypass, or a miss not stored),
 * `bytes`, `stored` (miss),
 * `hash-time`, `lookup-time` and `run-time` (nanoseconds), and more; see
 * docs/cachebin.md.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 filesrc location=movie.mp4 ! cachebin cache-dir=cache \
 *     description="qtdemux ! h264parse ! avdec_h264 ! videoscale ! video/x-raw,width=640,height=360 ! x264enc ! mp4mux" ! \
 *     filesink location=small.mp4
 * ]| Transcodes movie.mp4 the first time; the next time, replays the stored
 * result into small.mp4.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachebin-private.h"
#include "gstcachekey.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gst/base/gstbasesrc.h>

GST_DEBUG_CATEGORY (gst_cache_bin_debug);
#define GST_CAT_DEFAULT gst_cache_bin_debug

#define DEFAULT_KEY_MODE GST_CACHE_BIN_KEY_FULL
#define DEFAULT_INPUT_DIGEST GST_CACHE_BIN_INPUT_DIGEST_XXH3_128


enum
{
  PROP_0,
  PROP_DESCRIPTION,
  PROP_CACHE_DIR,
  PROP_MAX_SIZE,
  PROP_NAMESPACE,
  PROP_READ_ONLY,
  PROP_KEY_MODE,
  PROP_TRUST_STAT,
  PROP_KEY,
  PROP_INPUT_DIGEST,
  PROP_REMOTE_STORAGE,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define _do_init \
  GST_DEBUG_CATEGORY_INIT (gst_cache_bin_debug, "cachebin", 0, \
      "cachebin result cache");
#define gst_cache_bin_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstCacheBin, gst_cache_bin, GST_TYPE_BIN, _do_init);
GST_ELEMENT_REGISTER_DEFINE (cachebin, "cachebin", GST_RANK_NONE,
    GST_TYPE_CACHE_BIN);

GType
gst_cache_bin_key_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_CACHE_BIN_KEY_FULL, "Input, chain, namespace and the versions of "
          "GStreamer and of each plugin in the chain", "full"},
    {GST_CACHE_BIN_KEY_NO_VERSIONS, "Input, chain and namespace: results "
          "survive upgrades", "no-versions"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstCacheBinKeyMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void gst_cache_bin_dispose (GObject * object);
static void gst_cache_bin_finalize (GObject * object);
static void gst_cache_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_cache_bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_cache_bin_change_state (GstElement * element,
    GstStateChange transition);
static void gst_cache_bin_handle_message (GstBin * bin, GstMessage * msg);
static gboolean gst_cache_bin_send_event (GstElement * element,
    GstEvent * event);


static void
gst_cache_bin_class_init (GstCacheBinClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBinClass *bin_class = GST_BIN_CLASS (klass);

  gobject_class->dispose = gst_cache_bin_dispose;
  gobject_class->finalize = gst_cache_bin_finalize;
  gobject_class->set_property = gst_cache_bin_set_property;
  gobject_class->get_property = gst_cache_bin_get_property;

  /**
   * GstCacheBin:description:
   *
   * The inner chain, in gst-launch-1.0 syntax, with one unlinked sink pad
   * and one unlinked src pad. When unset, the elements that the
   * application added to the bin (linked among themselves) are the chain.
   */
  g_object_class_install_property (gobject_class, PROP_DESCRIPTION,
      g_param_spec_string ("description", "Description",
          "The inner chain, in gst-launch-1.0 syntax (unset: the elements "
          "added to the bin)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_CACHE_DIR,
      g_param_spec_string ("cache-dir", "Cache directory",
          "Where results are stored, created 0700 if missing (unset: "
          "$XDG_CACHE_HOME/gstreamer-1.0/cachebin)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MAX_SIZE,
      g_param_spec_uint64 ("max-size", "Maximum size",
          "Size limit of the cache directory in bytes; least recently used "
          "entries are evicted past it (0: the limit set with gst-cache "
          "--max-size, or 5 GiB)", 0, G_MAXUINT64, 0,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_NAMESPACE,
      g_param_spec_string ("namespace", "Namespace",
          "A salt mixed into the key: runs with different namespaces never "
          "share results", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_READ_ONLY,
      g_param_spec_boolean ("read-only", "Read only",
          "Replay hits but store nothing", FALSE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_KEY_MODE,
      g_param_spec_enum ("key-mode", "Key mode",
          "What the key is made of", GST_TYPE_CACHE_BIN_KEY_MODE,
          DEFAULT_KEY_MODE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TRUST_STAT,
      g_param_spec_boolean ("trust-stat", "Trust stat",
          "Recall the digest of an input file whose device, inode, size, "
          "mtime and ctime (ns) are unchanged and more than 2 s old, instead "
          "of hashing it again", TRUE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_KEY,
      g_param_spec_string ("key", "Key",
          "The key of the current run (hex), once the input is known", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstCacheBin:input-digest:
   *
   * The digest of the input, and of files that the chain's properties
   * name, in the key. `xxh3-128` is fast and fine for inputs the service
   * trusts; it is not collision-resistant, so a cache shared by tenants who
   * upload their own inputs should use `sha256`, where a crafted collision
   * cannot hand one tenant another's result.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_INPUT_DIGEST,
      g_param_spec_enum ("input-digest", "Input digest",
          "Digest of the input in the key: xxh3-128 (fast, for trusted "
          "inputs) or sha256 (collision-resistant, for shared caches)",
          GST_TYPE_CACHE_BIN_INPUT_DIGEST, DEFAULT_INPUT_DIGEST,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstCacheBin:remote-storage:
   *
   * Remote backends below the local cache, as ccache's remote_storage: a
   * space-separated list of URLs (`http://`, `https://`, `redis://`,
   * `redis+unix:`), each with optional `|attribute=value` suffixes
   * (`layout=subdirs|flat|bazel`, `read-only`, `connect-timeout=` and
   * `operation-timeout=` in ms, `max-entry-size=`, `bearer-token-file=`,
   * `basic-auth-file=`, `password-file=`, `key-file=` to sign entries). A
   * local miss asks each backend in order; a remote entry is verified,
   * kept in the local cache and replayed (the message's `source` is
   * `remote`); a stored miss is uploaded to each writable backend. Unset:
   * the cache directory's configuration (`gst-cache --remote-storage`);
   * an empty string: no remote storage. See docs/remote-cache.md.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_REMOTE_STORAGE,
      g_param_spec_string ("remote-storage", "Remote storage",
          "Space-separated backend URLs with |attr=value suffixes (unset: "
          "the cache directory's configuration; empty: none)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Result cache bin", "Generic/Bin",
      "Runs an inner chain and stores its output; replays the stored output "
      "when the same input goes through the same chain again",
      "The gst-reuse authors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_cache_bin_change_state);
  element_class->send_event = GST_DEBUG_FUNCPTR (gst_cache_bin_send_event);
  bin_class->handle_message = GST_DEBUG_FUNCPTR (gst_cache_bin_handle_message);

  gst_type_mark_as_plugin_api (GST_TYPE_CACHE_BIN_KEY_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_CACHE_BIN_INPUT_DIGEST, 0);
}

/* an internal pad has the external pad for parent, as a ghost pad's proxy
 * pad does: were its parent the bin, the bin's sorted iterator, which holds
 * the bin's lock, would lock the bin again when it looks at the chain's
 * peers */
static GstPad *
internal_pad (GstPad * external, const gchar * name, GstPadDirection dir)
{
  GstPad *pad = gst_pad_new (name, dir);

  gst_object_set_parent (GST_OBJECT (pad), GST_OBJECT (external));
  return pad;
}


static void
gst_cache_bin_init (GstCacheBin * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_activate_function (self->sinkpad, gst_cache_bin_sink_activate);
  gst_pad_set_chain_function (self->sinkpad, gst_cache_bin_sink_chain);
  gst_pad_set_event_function (self->sinkpad, gst_cache_bin_sink_event);
  gst_pad_set_query_function (self->sinkpad, gst_cache_bin_sink_query);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_activatemode_function (self->srcpad,
      gst_cache_bin_src_activate_mode);
  gst_pad_set_event_function (self->srcpad, gst_cache_bin_src_event);
  gst_pad_set_query_function (self->srcpad, gst_cache_bin_src_query);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->feedpad = internal_pad (self->sinkpad, "feed", GST_PAD_SRC);
  gst_pad_set_activatemode_function (self->feedpad,
      gst_cache_bin_feed_activate_mode);
  gst_pad_set_getrange_function (self->feedpad, gst_cache_bin_feed_getrange);
  gst_pad_set_event_function (self->feedpad, gst_cache_bin_feed_event);
  gst_pad_set_query_function (self->feedpad, gst_cache_bin_feed_query);

  self->capturepad = internal_pad (self->srcpad, "capture", GST_PAD_SINK);
  gst_pad_set_chain_function (self->capturepad, gst_cache_bin_capture_chain);
  gst_pad_set_event_function (self->capturepad, gst_cache_bin_capture_event);
  gst_pad_set_query_function (self->capturepad, gst_cache_bin_capture_query);

  g_mutex_init (&self->upstream_lock);
  g_cond_init (&self->upstream_cond);
  self->max_size = 0;
  self->trust_stat = TRUE;
  self->key_mode = DEFAULT_KEY_MODE;
  self->input_digest = DEFAULT_INPUT_DIGEST;
}

static void
gst_cache_bin_dispose (GObject * object)
{
  GstCacheBin *self = GST_CACHE_BIN (object);

  if (self->feedpad) {
    gst_object_unparent (GST_OBJECT (self->feedpad));
    self->feedpad = NULL;
  }
  if (self->capturepad) {
    gst_object_unparent (GST_OBJECT (self->capturepad));
    self->capturepad = NULL;
  }
  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_cache_bin_finalize (GObject * object)
{
  GstCacheBin *self = GST_CACHE_BIN (object);

  g_free (self->description);
  g_free (self->cache_dir);
  g_free (self->name_space);
  g_free (self->remote_storage);
  g_mutex_clear (&self->upstream_lock);
  g_cond_clear (&self->upstream_cond);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_cache_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstCacheBin *self = GST_CACHE_BIN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DESCRIPTION:
      g_free (self->description);
      self->description = g_value_dup_string (value);
      break;
    case PROP_CACHE_DIR:
      g_free (self->cache_dir);
      self->cache_dir = g_value_dup_string (value);
      break;
    case PROP_MAX_SIZE:
      self->max_size = g_value_get_uint64 (value);
      break;
    case PROP_NAMESPACE:
      g_free (self->name_space);
      self->name_space = g_value_dup_string (value);
      break;
    case PROP_READ_ONLY:
      self->read_only = g_value_get_boolean (value);
      break;
    case PROP_KEY_MODE:
      self->key_mode = g_value_get_enum (value);
      break;
    case PROP_INPUT_DIGEST:
      self->input_digest = g_value_get_enum (value);
      break;
    case PROP_TRUST_STAT:
      self->trust_stat = g_value_get_boolean (value);
      break;
    case PROP_REMOTE_STORAGE:
      g_free (self->remote_storage);
      self->remote_storage = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cache_bin_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstCacheBin *self = GST_CACHE_BIN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_CACHE_DIR:
      g_value_set_string (value, self->cache_dir);
      break;
    case PROP_MAX_SIZE:
      g_value_set_uint64 (value, self->max_size);
      break;
    case PROP_NAMESPACE:
      g_value_set_string (value, self->name_space);
      break;
    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;
    case PROP_KEY_MODE:
      g_value_set_enum (value, self->key_mode);
      break;
    case PROP_INPUT_DIGEST:
      g_value_set_enum (value, self->input_digest);
      break;
    case PROP_TRUST_STAT:
      g_value_set_boolean (value, self->trust_stat);
      break;
    case PROP_KEY:
      g_value_set_string (value, self->key_hex[0] ? self->key_hex : NULL);
      break;
    case PROP_REMOTE_STORAGE:
      g_value_set_string (value, self->remote_storage);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static const gchar *
run_name (GstCacheBinRun run)
{
  switch (run) {
    case GST_CACHE_BIN_RUN_HIT:
      return "hit";
    case GST_CACHE_BIN_RUN_MISS:
      return "miss";
    case GST_CACHE_BIN_RUN_BYPASS:
      return "bypass";
    default:
      return "none";
  }
}

/* what the remote backends did wrong (the store counts it): warnings */
static void
gst_cache_bin_post_remote_warnings (GstCacheBin * self)
{
  gchar *text = self->store ?
      gst_cache_store_take_remote_warnings (self->store) : NULL;

  if (text)
    GST_ELEMENT_WARNING (self, RESOURCE, READ, ("%s", text),
        ("remote storage; the pipeline goes on without it"));
  g_free (text);
}

void
gst_cache_bin_post_result (GstCacheBin * self, guint64 bytes, gboolean stored)
{
  GstStructure *s;
  guint64 run_ns = g_get_monotonic_time () * 1000 - self->start_ns;

  s = gst_structure_new ("cachebin",
      "result", G_TYPE_STRING, run_name (self->run),
      "key", G_TYPE_STRING, self->key_hex,
      "bytes", G_TYPE_UINT64, bytes,
      "input-bytes", G_TYPE_UINT64, self->input_id.length,
      "input-digest-recalled", G_TYPE_BOOLEAN, self->input_from_manifest,
      "hash-time", G_TYPE_UINT64, self->hash_ns,
      "lookup-time", G_TYPE_UINT64, self->lookup_ns,
      "run-time", G_TYPE_UINT64, run_ns,
      "damaged-entry", G_TYPE_BOOLEAN, self->damaged_entry, NULL);
  if (self->run == GST_CACHE_BIN_RUN_BYPASS)
    gst_structure_set (s, "reason", G_TYPE_STRING, self->bypass_reason, NULL);
  if (self->run == GST_CACHE_BIN_RUN_MISS) {
    const gchar *unstorable = g_atomic_pointer_get (&self->unstorable);

    gst_structure_set (s, "stored", G_TYPE_BOOLEAN, stored, NULL);
    if (!stored && unstorable)
      gst_structure_set (s, "reason", G_TYPE_STRING, unstorable, NULL);
    if (!stored && self->store_error)
      gst_structure_set (s, "store-error", G_TYPE_STRING, self->store_error,
          NULL);
  }
  if (self->store)
    gst_structure_set (s, "cache-dir", G_TYPE_STRING,
        gst_cache_store_get_dir (self->store), NULL);
  if (self->run == GST_CACHE_BIN_RUN_HIT && self->entry) {
    guint64 remote_ns = 0;
    const gchar *remote = gst_cache_entry_get_remote (self->entry,
        &remote_ns);

    gst_structure_set (s, "source", G_TYPE_STRING, remote ? "remote" :
        "local", NULL);
    if (remote)
      gst_structure_set (s, "remote", G_TYPE_STRING, remote, "remote-time",
          G_TYPE_UINT64, remote_ns, NULL);
  }
  gst_cache_bin_post_remote_warnings (self);

  GST_INFO_OBJECT (self, "%s: key %s, %" G_GUINT64_FORMAT " bytes, hash %"
      GST_TIME_FORMAT ", lookup %" GST_TIME_FORMAT ", run %" GST_TIME_FORMAT
      "%s%s", run_name (self->run), self->key_hex, bytes,
      GST_TIME_ARGS (self->hash_ns), GST_TIME_ARGS (self->lookup_ns),
      GST_TIME_ARGS (run_ns), self->bypass_reason ? ", reason " : "",
      self->bypass_reason ? self->bypass_reason : "");
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* the first unlinked sink pad, or the last unlinked src pad, of the chain's
 * elements in link order */
GstPad *
gst_cache_bin_find_unlinked_pad (GList * elements, GstPadDirection dir)
{
  GList *l = dir == GST_PAD_SINK ? elements : g_list_last (elements);

  for (; l; l = dir == GST_PAD_SINK ? l->next : l->prev) {
    GstElement *e = l->data;
    GstPad *found = NULL;
    GList *p;

    GST_OBJECT_LOCK (e);
    for (p = dir == GST_PAD_SINK ? e->sinkpads : e->srcpads; p; p = p->next) {
      if (GST_PAD_PEER (p->data) == NULL) {
        found = gst_object_ref (p->data);
        break;
      }
    }
    GST_OBJECT_UNLOCK (e);
    if (found)
      return found;
  }
  return NULL;
}

gboolean
gst_cache_bin_build_chain (GstCacheBin * self, const gchar * description,
    gboolean describe)
{
  GError *err = NULL;
  GstBin *container;
  GList *elements;

  if (description == NULL) {
    /* the application's own elements */
    if (GST_BIN_NUMCHILDREN (self) == 0) {
      GST_ELEMENT_ERROR (self, CORE, FAILED,
          ("No inner chain: set the description property, or add elements "
              "to the bin."), (NULL));
      return FALSE;
    }
    container = GST_BIN (self);
  } else {
    GstElement *chain;

    chain = gst_parse_bin_from_description_full (description, FALSE, NULL,
        GST_PARSE_FLAG_FATAL_ERRORS, &err);
    if (chain == NULL) {
      if (g_error_matches (err, GST_PARSE_ERROR,
              GST_PARSE_ERROR_NO_SUCH_ELEMENT))
        GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
            ("Could not build the inner chain \"%s\": %s", description,
                err->message), (NULL));
      else
        GST_ELEMENT_ERROR (self, CORE, FAILED,
            ("Could not build the inner chain \"%s\": %s", description,
                err->message), (NULL));
      g_clear_error (&err);
      return FALSE;
    }
    self->chain = gst_object_ref_sink (chain);
    container = GST_BIN (chain);
  }

  elements = gst_cache_chain_elements (container);
  self->chain_sink = gst_cache_bin_find_unlinked_pad (elements, GST_PAD_SINK);
  self->chain_src = gst_cache_bin_find_unlinked_pad (elements, GST_PAD_SRC);
  g_list_free_full (elements, gst_object_unref);
  if (describe) {
    gchar **factories = gst_cache_chain_factories (container);

    self->chain_text = gst_cache_describe_chain (container);
    self->versions = gst_cache_describe_versions ((const gchar * const *)
        factories);
    self->factories = factories;
  }

  if (self->chain_sink == NULL || self->chain_src == NULL) {
    GST_ELEMENT_ERROR (self, CORE, FAILED,
        ("The inner chain needs an unlinked sink pad and an unlinked src "
            "pad."), ("description: %s",
            description ? description : "(elements added to the bin)"));
    return FALSE;
  }
  if (self->chain) {
    GstPad *sink = gst_ghost_pad_new ("sink", self->chain_sink);
    GstPad *src = gst_ghost_pad_new ("src", self->chain_src);

    gst_element_add_pad (self->chain, sink);
    gst_element_add_pad (self->chain, src);
    gst_object_replace ((GstObject **) & self->chain_sink, GST_OBJECT (sink));
    gst_object_replace ((GstObject **) & self->chain_src, GST_OBJECT (src));
  }
  return TRUE;
}

void
gst_cache_bin_bypass (GstCacheBin * self, const gchar * reason)
{
  self->run = GST_CACHE_BIN_RUN_BYPASS;
  self->bypass_reason = reason;
}

/* a verified entry, or NULL (the store removes and counts a damaged one) */
static void
lookup (GstCacheBin * self)
{
  GError *err = NULL;
  gint64 t0 = g_get_monotonic_time ();

  self->entry = gst_cache_store_lookup (self->store, self->key, &err);
  self->lookup_ns = (g_get_monotonic_time () - t0) * 1000;
  gst_cache_bin_post_remote_warnings (self);
  if (err) {
    /* the store counts damaged entries itself */
    if (g_error_matches (err, GST_CACHE_STORE_ERROR,
            GST_CACHE_STORE_ERROR_DAMAGED))
      self->damaged_entry = TRUE;
    else
      gst_cache_store_count (self->store, "errors", (guint64) 1, NULL);
    GST_ELEMENT_WARNING (self, RESOURCE, READ,
        ("Could not use a cache entry, running the chain: %s", err->message),
        (NULL));
    g_clear_error (&err);
  }
}

/* READY->PAUSED, before the children change state: know the input, make
 * the key, look it up, and set up a replay or the chain */
static gboolean
prepare_run (GstCacheBin * self)
{
  gchar *description, *cache_dir, *name_space, *remote_storage;
  gboolean read_only, trust_stat, ok = FALSE;
  GstCacheBinKeyMode key_mode;
  guint64 max_size;
  GError *err = NULL;

  GST_OBJECT_LOCK (self);
  description = g_strdup (self->description);
  cache_dir = self->cache_dir ? g_strdup (self->cache_dir) :
      gst_cache_store_default_dir ();
  name_space = g_strdup (self->name_space ? self->name_space : "");
  read_only = self->read_only;
  trust_stat = self->trust_stat;
  key_mode = self->key_mode;
  max_size = self->max_size;
  remote_storage = g_strdup (self->remote_storage);
  self->key_hex[0] = '\0';
  GST_OBJECT_UNLOCK (self);

  self->start_ns = g_get_monotonic_time () * 1000;
  self->run = GST_CACHE_BIN_RUN_NONE;

  /* nothing to run: an error before the cache is touched */
  if (description == NULL && GST_BIN_NUMCHILDREN (self) == 0) {
    gst_cache_bin_build_chain (self, NULL, FALSE);
    goto out;
  }

  self->store = gst_cache_store_open (cache_dir, &err);
  if (self->store == NULL) {
    GST_ELEMENT_WARNING (self, RESOURCE, OPEN_READ_WRITE,
        ("Cache unavailable, running without it: %s", err->message), (NULL));
    g_clear_error (&err);
    gst_cache_bin_bypass (self, "cache-unavailable");
    goto setup_chain;
  }
  if (gst_cache_store_get_notice (self->store))
    GST_ELEMENT_WARNING (self, RESOURCE, READ, ("%s",
            gst_cache_store_get_notice (self->store)), (NULL));
  self->limit = max_size ? max_size :
      gst_cache_store_get_config_max_size (self->store);
  if (self->limit == 0)
    self->limit = GST_CACHE_DEFAULT_MAX_SIZE;
  self->max_entries = gst_cache_store_get_config_max_entries (self->store);
  if (!gst_cache_store_set_remote_storage (self->store, remote_storage, &err)) {
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS, ("%s", err->message),
        ("remote-storage: the backends that parse are used"));
    g_clear_error (&err);
  }

  if (!gst_cache_bin_identify_input (self, trust_stat))
    goto setup_chain;
  if (!gst_cache_bin_describe_chain (self, description))
    goto out;
  gst_cache_bin_make_key (self, key_mode, name_space);
  lookup (self);

  /* a stored result that downstream would refuse is no result for this
   * pipeline: the chain negotiates with downstream instead */
  if (self->entry && !gst_cache_bin_downstream_accepts_entry (self)) {
    g_clear_pointer (&self->entry, gst_cache_entry_unref);
    g_free (self->store_error);
    self->store_error = g_strdup ("downstream refuses the stored caps");
    read_only = TRUE;
  }

  if (self->entry) {
    self->run = GST_CACHE_BIN_RUN_HIT;
    self->replay_pos = 0;
    self->replay_started = FALSE;
    g_mutex_lock (&self->upstream_lock);
    self->upstream_answered = self->upstream_cancelled = FALSE;
    g_mutex_unlock (&self->upstream_lock);
    GST_INFO_OBJECT (self, "hit: %s, verified in %" GST_TIME_FORMAT,
        gst_cache_entry_get_path (self->entry),
        GST_TIME_ARGS (self->lookup_ns));
    /* a chain parsed for its key is dropped unstarted */
    gst_clear_object (&self->chain_sink);
    gst_clear_object (&self->chain_src);
    gst_clear_object (&self->chain);
    ok = TRUE;
    goto out;
  }

  self->run = GST_CACHE_BIN_RUN_MISS;
  GST_INFO_OBJECT (self, "miss: running the chain");
  if (read_only) {
    if (self->store_error == NULL)
      self->store_error = g_strdup ("read-only");
  } else {
    self->writer = gst_cache_writer_new (self->store, self->key, self->limit,
        &err);
    if (self->writer == NULL) {
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
          ("Cannot store the result, running without the cache: %s",
              err->message), (NULL));
      self->store_error = g_strdup (err->message);
      gst_cache_store_count (self->store, "errors", (guint64) 1, NULL);
      g_clear_error (&err);
    }
  }

setup_chain:
  if (self->chain_sink == NULL
      && !gst_cache_bin_build_chain (self, description, FALSE))
    goto out;
  if (self->run == GST_CACHE_BIN_RUN_BYPASS) {
    GST_INFO_OBJECT (self,
        "gst_cache_bin_bypass (%s): running the chain, storing nothing",
        self->bypass_reason);
    if (self->store) {
      gchar *by_reason = g_strconcat ("bypasses-", self->bypass_reason, NULL);

      gst_cache_store_count (self->store, "bypasses", (guint64) 1,
          by_reason, (guint64) 1, NULL);
      g_free (by_reason);
    }
    gst_cache_bin_post_result (self, 0, FALSE);
  }
  self->capture_decided = FALSE;
  self->capture_pos = 0;
  self->capture_video = self->capture_audio = FALSE;
  self->unstorable = NULL;
  self->fed_bytes = 0;
  g_atomic_int_set (&self->chain_failed, 0);
  g_atomic_int_set (&self->capture_flushed, 0);
  if (self->chain)
    gst_bin_add (GST_BIN (self), self->chain);
  gst_pad_set_active (self->feedpad, TRUE);
  gst_pad_set_active (self->capturepad, TRUE);
  if (gst_pad_link_full (self->feedpad, self->chain_sink,
          GST_PAD_LINK_CHECK_NOTHING) != GST_PAD_LINK_OK ||
      gst_pad_link_full (self->chain_src, self->capturepad,
          GST_PAD_LINK_CHECK_NOTHING) != GST_PAD_LINK_OK) {
    GST_ELEMENT_ERROR (self, CORE, PAD, ("Could not link the inner chain."),
        (NULL));
    goto out;
  }
  ok = TRUE;

out:
  g_free (description);
  g_free (cache_dir);
  g_free (name_space);
  g_free (remote_storage);
  return ok;
}

/* PAUSED->READY (and failures): drop what the run set up */
static void
cleanup_run (GstCacheBin * self)
{
  if (self->chain_sink && GST_PAD_PEER (self->chain_sink) == self->feedpad)
    gst_pad_unlink (self->feedpad, self->chain_sink);
  if (self->chain_src && GST_PAD_PEER (self->chain_src) == self->capturepad)
    gst_pad_unlink (self->chain_src, self->capturepad);
  gst_pad_set_active (self->feedpad, FALSE);
  gst_pad_set_active (self->capturepad, FALSE);
  if (self->chain) {
    if (GST_OBJECT_PARENT (self->chain) == GST_OBJECT (self)) {
      gst_element_set_state (self->chain, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (self), self->chain);
    }
    gst_clear_object (&self->chain);
  }
  gst_clear_object (&self->chain_sink);
  gst_clear_object (&self->chain_src);
  if (self->writer) {
    GST_INFO_OBJECT (self, "stopped before the end of the stream: the "
        "partial result is discarded");
    g_clear_pointer (&self->writer, gst_cache_writer_free);
  }
  g_clear_pointer (&self->entry, gst_cache_entry_unref);
  g_clear_pointer (&self->store, gst_cache_store_free);
  g_clear_pointer (&self->key_record, g_free);
  g_clear_pointer (&self->chain_text, g_free);
  g_clear_pointer (&self->versions, g_free);
  g_clear_pointer (&self->factories, g_strfreev);
  g_clear_pointer (&self->input_path, g_free);
  g_clear_pointer (&self->store_error, g_free);
  gst_clear_caps (&self->capture_caps);
  g_list_free_full (self->capture_early, (GDestroyNotify) gst_event_unref);
  self->capture_early = NULL;
  self->unstorable = NULL;
  memset (&self->input_id, 0, sizeof (self->input_id));
  self->input_from_manifest = FALSE;
  self->damaged_entry = FALSE;
  self->hash_ns = self->lookup_ns = 0;
  self->bypass_reason = NULL;
  self->run = GST_CACHE_BIN_RUN_NONE;
}

static GstStateChangeReturn
gst_cache_bin_change_state (GstElement * element, GstStateChange transition)
{
  GstCacheBin *self = GST_CACHE_BIN (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    if (!prepare_run (self)) {
      cleanup_run (self);
      return GST_STATE_CHANGE_FAILURE;
    }
  }

  /* a replay waiting for upstream's answer (gstcachebinreplay.c) stops
   * waiting before its pad is deactivated */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_cache_bin_upstream_answered (self, TRUE);

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (ret == GST_STATE_CHANGE_FAILURE)
        cleanup_run (self);
      else if (self->run == GST_CACHE_BIN_RUN_HIT)
        gst_pad_start_task (self->srcpad,
            (GstTaskFunction) gst_cache_bin_replay_loop, self->srcpad, NULL);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      cleanup_run (self);
      break;
    default:
      break;
  }
  return ret;
}

/* the first reason a miss cannot be stored; later ones are only logged */
void
gst_cache_bin_unstorable (GstCacheBin * self, const gchar * reason)
{
  if (g_atomic_pointer_compare_and_exchange (&self->unstorable, NULL, reason))
    GST_INFO_OBJECT (self, "the result will not be stored: %s", reason);
  else
    GST_DEBUG_OBJECT (self, "also unstorable: %s", reason);
}

/* an event sent to the bin itself comes from outside the input */
static gboolean
gst_cache_bin_send_event (GstElement * element, GstEvent * event)
{
  GstCacheBin *self = GST_CACHE_BIN (element);

  if (self->run == GST_CACHE_BIN_RUN_MISS)
    gst_cache_bin_unstorable (self, "injected-event");
  return GST_ELEMENT_CLASS (parent_class)->send_event (element, event);
}

static void
gst_cache_bin_handle_message (GstBin * bin, GstMessage * msg)
{
  GstCacheBin *self = GST_CACHE_BIN (bin);

  /* an error in the chain: whatever it produced is not a result */
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR &&
      GST_MESSAGE_SRC (msg) != GST_OBJECT (self))
    g_atomic_int_set (&self->chain_failed, 1);

  GST_BIN_CLASS (parent_class)->handle_message (bin, msg);
}
