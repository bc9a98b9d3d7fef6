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

#ifndef __GST_CACHE_BIN_H__
#define __GST_CACHE_BIN_H__

#include <gst/gst.h>
#include <gst/audio/audio.h>
#include <gst/video/video.h>

#include "gstcachestore.h"

G_BEGIN_DECLS

/**
 * GstCacheBinKeyMode:
 * @GST_CACHE_BIN_KEY_FULL: the input, the chain, the namespace, and the
 *     versions of GStreamer and of every plugin in the chain
 * @GST_CACHE_BIN_KEY_NO_VERSIONS: the same without the versions, so that
 *     results survive upgrades (for chains whose output does not change
 *     between versions, which the user vouches for)
 *
 * What the cache key is made of.
 */
typedef enum
{
  GST_CACHE_BIN_KEY_FULL,
  GST_CACHE_BIN_KEY_NO_VERSIONS,
} GstCacheBinKeyMode;

#define GST_TYPE_CACHE_BIN_KEY_MODE (gst_cache_bin_key_mode_get_type ())
GType gst_cache_bin_key_mode_get_type (void);

/**
 * GstCacheBinInputDigest:
 * @GST_CACHE_BIN_INPUT_DIGEST_XXH3_128: XXH3-128, fast; for inputs the
 *     service trusts (it is not collision-resistant)
 * @GST_CACHE_BIN_INPUT_DIGEST_SHA256: SHA-256, for caches shared by
 *     tenants who bring their own inputs
 *
 * The digest of the input (and of files that properties name) in the key.
 */
typedef enum
{
  GST_CACHE_BIN_INPUT_DIGEST_XXH3_128,
  GST_CACHE_BIN_INPUT_DIGEST_SHA256,
} GstCacheBinInputDigest;

#define GST_TYPE_CACHE_BIN_INPUT_DIGEST (gst_cache_bin_input_digest_get_type ())
GType gst_cache_bin_input_digest_get_type (void);

typedef enum
{
  GST_CACHE_BIN_RUN_NONE,
  GST_CACHE_BIN_RUN_HIT,
  GST_CACHE_BIN_RUN_MISS,
  GST_CACHE_BIN_RUN_BYPASS,
} GstCacheBinRun;

#define GST_TYPE_CACHE_BIN (gst_cache_bin_get_type ())
G_DECLARE_FINAL_TYPE (GstCacheBin, gst_cache_bin, GST, CACHE_BIN, GstBin)

struct _GstCacheBin
{
  GstBin parent;

  GstPad *sinkpad, *srcpad;
  /* internal pads, parented to the bin but not among its pads: the feed
   * pad feeds the inner chain, the capture pad takes its output */
  GstPad *feedpad, *capturepad;

  /* properties, OBJECT_LOCK */
  gchar *description;
  gchar *cache_dir;
  gchar *name_space;
  guint64 max_size;
  gboolean read_only;
  gboolean trust_stat;
  GstCacheBinKeyMode key_mode;
  GstCacheBinInputDigest input_digest;
  gchar *remote_storage;

  /* the run, set up in READY->PAUSED under the state lock */
  GstCacheBinRun run;
  const gchar *bypass_reason;
  GstCacheStore *store;
  GstElement *chain;            /* the chain built from the description */
  GstPad *chain_sink, *chain_src;
  gboolean upstream_pull;
  guint8 key[GST_CACHE_KEY_SIZE];
  gchar key_hex[GST_CACHE_KEY_HEX_SIZE];       /* OBJECT_LOCK */
  gchar *key_record;
  gchar *chain_text;
  gchar *versions;
  gchar **factories;
  gchar *input_path;
  GstCacheFileId input_id;
  gboolean input_from_manifest;
  gboolean damaged_entry;
  guint64 hash_ns, lookup_ns;
  gint64 start_ns;
  guint64 limit;
  guint64 max_entries;

  /* hit: replay, in the src pad's task */
  GstCacheEntry *entry;
  gsize replay_pos;
  gboolean replay_started;
  /* hit in push mode: upstream answered (a buffer, its response headers,
   * an end or a flush), or the run is being stopped; upstream_lock */
  GMutex upstream_lock;
  GCond upstream_cond;
  gboolean upstream_answered, upstream_cancelled;

  /* miss: capture, in the chain's streaming thread */
  GstCacheWriter *writer;
  gboolean capture_decided, capture_bytes;
  guint64 capture_pos;
  GstCaps *capture_caps;
  gchar *store_error;
  gint chain_failed;            /* atomic */
  gint capture_flushed;         /* atomic: a FLUSH_START went by */
  GList *capture_early;         /* events before the first segment */
  GstVideoInfo capture_vinfo;   /* layout of raw video, from the caps */
  GstAudioInfo capture_ainfo;   /* layout of raw audio, from the caps */
  gboolean capture_video, capture_audio;

  /* a miss is stored only when the chain saw the whole input and nothing
   * from outside changed its output: the first reason it did not, from
   * any thread (atomic pointer to a static string) */
  const gchar *unstorable;
  guint64 fed_bytes;            /* pushed into the chain (push mode) */
};

GST_ELEMENT_REGISTER_DECLARE (cachebin);

G_END_DECLS

#endif /* __GST_CACHE_BIN_H__ */
