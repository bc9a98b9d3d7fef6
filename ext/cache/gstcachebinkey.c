/* gst-reuse: cachebin, the run's input, chain description and key
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

#include "gstcachebin-private.h"
#include "gstcachekey.h"

#include <string.h>

#include <gst/base/gstbasesrc.h>

#define GST_CAT_DEFAULT gst_cache_bin_debug

#define PULL_HASH_CHUNK (1024 * 1024)

/* input identity */

/* the file behind our direct upstream peer, when it is a source element
 * with a file:// URI; an element in between could change the bytes */
static gchar *
upstream_file (GstCacheBin * self)
{
  GstPad *peer = gst_pad_get_peer (self->sinkpad);
  GstElement *up = peer ? gst_pad_get_parent_element (peer) : NULL;
  gchar *uri = NULL, *path = NULL;

  if (up && GST_IS_URI_HANDLER (up) &&
      gst_uri_handler_get_uri_type (GST_URI_HANDLER (up)) == GST_URI_SRC)
    uri = gst_uri_handler_get_uri (GST_URI_HANDLER (up));
  if (uri && gst_uri_has_protocol (uri, "file"))
    path = g_filename_from_uri (uri, NULL, NULL);
  g_free (uri);
  if (up)
    gst_object_unref (up);
  if (peer)
    gst_object_unref (peer);
  return path;
}

/* a live source does not answer the latency query before it runs: ask a
 * base source directly */
static gboolean
upstream_is_live (GstCacheBin * self)
{
  GstQuery *q = gst_query_new_latency ();
  GstPad *peer = gst_pad_get_peer (self->sinkpad);
  GstElement *up = peer ? gst_pad_get_parent_element (peer) : NULL;
  gboolean live = FALSE;

  if (up && GST_IS_BASE_SRC (up))
    live = gst_base_src_is_live (GST_BASE_SRC (up));
  if (!live && gst_pad_peer_query (self->sinkpad, q))
    gst_query_parse_latency (q, &live, NULL, NULL);
  gst_query_unref (q);
  if (up)
    gst_object_unref (up);
  if (peer)
    gst_object_unref (peer);
  return live;
}

static gboolean
upstream_can_pull (GstCacheBin * self)
{
  GstQuery *q = gst_query_new_scheduling ();
  gboolean pull = FALSE;

  if (gst_pad_peer_query (self->sinkpad, q))
    pull = gst_query_has_scheduling_mode_with_flags (q, GST_PAD_MODE_PULL,
        GST_SCHEDULING_FLAG_SEEKABLE);
  gst_query_unref (q);
  return pull;
}

static gboolean
downstream_seekable (GstCacheBin * self)
{
  GstQuery *q = gst_query_new_seeking (GST_FORMAT_BYTES);
  gboolean seekable = FALSE;

  if (gst_pad_peer_query (self->srcpad, q))
    gst_query_parse_seeking (q, NULL, &seekable, NULL, NULL);
  gst_query_unref (q);
  return seekable;
}

/* hash upstream's bytes through pulls, in pull mode; deactivates again */
static gboolean
hash_by_pulling (GstCacheBin * self, GstCacheFileId * id)
{
  GstCacheHasher *hasher;
  GstFlowReturn ret = GST_FLOW_OK;
  guint64 offset = 0;

  if (!gst_pad_activate_mode (self->sinkpad, GST_PAD_MODE_PULL, TRUE))
    return FALSE;
  hasher = gst_cache_hasher_new ();
  while (ret == GST_FLOW_OK) {
    GstBuffer *buf = NULL;
    GstMapInfo map;

    ret = gst_pad_pull_range (self->sinkpad, offset, PULL_HASH_CHUNK, &buf);
    if (ret != GST_FLOW_OK)
      break;
    if (gst_buffer_get_size (buf) == 0) {
      gst_buffer_unref (buf);
      ret = GST_FLOW_EOS;
      break;
    }
    gst_buffer_map (buf, &map, GST_MAP_READ);
    gst_cache_hasher_update (hasher, map.data, map.size);
    offset += map.size;
    gst_buffer_unmap (buf, &map);
    gst_buffer_unref (buf);
  }
  gst_cache_hasher_finish (hasher, id->digest);
  gst_cache_hasher_free (hasher);
  id->length = offset;
  gst_pad_activate_mode (self->sinkpad, GST_PAD_MODE_PULL, FALSE);
  return ret == GST_FLOW_EOS;
}

/* The canonical text of a description, remembered in the cache directory
 * so that a hit needs neither to parse the description nor to load the
 * chain's plugins: valid while GStreamer's version and the versions of
 * the chain's plugins (from the registry) are those it was made with. It
 * carries a checksum of its text: a torn memo is never used. */
static gchar *
memo_path (GstCacheBin * self, const gchar * description)
{
  gchar *gst = gst_version_string ();
  gchar *id = g_strconcat (gst, "\n", description, NULL);
  gchar *name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, id, -1);
  gchar *path = g_build_filename (gst_cache_store_get_dir (self->store),
      "chains", name, NULL);

  g_free (name);
  g_free (id);
  g_free (gst);
  return path;
}

static gboolean
memo_load (GstCacheBin * self, const gchar * description)
{
  gchar *path = memo_path (self, description);
  GKeyFile *kf = g_key_file_new ();
  gchar *desc = NULL, *text = NULL, *versions = NULL, *sum = NULL;
  gchar *check = NULL, *now = NULL, *both = NULL;
  gchar **factories = NULL;
  gboolean ok = FALSE;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    goto done;
  desc = g_key_file_get_string (kf, "chain", "description", NULL);
  text = g_key_file_get_string (kf, "chain", "text", NULL);
  versions = g_key_file_get_string (kf, "chain", "versions", NULL);
  sum = g_key_file_get_string (kf, "chain", "checksum", NULL);
  factories = g_key_file_get_string_list (kf, "chain", "factories", NULL, NULL);
  if (!desc || !text || !versions || !sum || !factories ||
      strcmp (desc, description) != 0)
    goto done;
  both = g_strconcat (text, "\n", versions, NULL);
  check = g_compute_checksum_for_string (G_CHECKSUM_SHA256, both, -1);
  now = gst_cache_describe_versions ((const gchar * const *) factories);
  if (strcmp (check, sum) != 0 || strcmp (now, versions) != 0) {
    GST_DEBUG_OBJECT (self, "chain memo %s is stale", path);
    goto done;
  }
  self->chain_text = g_steal_pointer (&text);
  self->versions = g_steal_pointer (&versions);
  self->factories = g_steal_pointer (&factories);
  ok = TRUE;
  GST_DEBUG_OBJECT (self, "chain text from memo %s", path);

done:
  g_free (both);
  g_free (now);
  g_free (check);
  g_free (sum);
  g_free (versions);
  g_free (text);
  g_free (desc);
  g_strfreev (factories);
  g_key_file_unref (kf);
  g_free (path);
  return ok;
}

static void
memo_save (GstCacheBin * self, const gchar * description)
{
  gchar *path = memo_path (self, description);
  gchar *dir = g_path_get_dirname (path);
  gchar *both = g_strconcat (self->chain_text, "\n", self->versions, NULL);
  gchar *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, both, -1);
  GKeyFile *kf = g_key_file_new ();
  gchar *data;
  gsize len;

  g_key_file_set_string (kf, "chain", "description", description);
  g_key_file_set_string (kf, "chain", "text", self->chain_text);
  g_key_file_set_string (kf, "chain", "versions", self->versions);
  g_key_file_set_string_list (kf, "chain", "factories",
      (const gchar * const *) self->factories, g_strv_length (self->factories));
  g_key_file_set_string (kf, "chain", "checksum", sum);
  data = g_key_file_to_data (kf, &len, NULL);
  /* a hint: a failure only costs the next hit a parse */
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (path, data, len, NULL))
    GST_DEBUG_OBJECT (self, "could not write chain memo %s", path);
  g_free (data);
  g_key_file_unref (kf);
  g_free (sum);
  g_free (both);
  g_free (dir);
  g_free (path);
}

/* the chain's text and versions: from the memo, or by parsing */
gboolean
gst_cache_bin_describe_chain (GstCacheBin * self, const gchar * description)
{
  if (description && memo_load (self, description))
    return TRUE;
  if (!gst_cache_bin_build_chain (self, description, TRUE))
    return FALSE;
  if (description)
    memo_save (self, description);
  return TRUE;
}

/* the input's identity and digest; FALSE: gst_cache_bin_bypass (reason set) */
gboolean
gst_cache_bin_identify_input (GstCacheBin * self, gboolean trust_stat)
{
  GError *err = NULL;
  gint64 t0 = g_get_monotonic_time ();

  self->input_path = upstream_file (self);
  self->upstream_pull = upstream_can_pull (self);
  if (upstream_is_live (self)) {
    gst_cache_bin_bypass (self, "live");
    return FALSE;
  } else if (self->input_path) {
    if (!gst_cache_hash_file (self->store, self->input_path, trust_stat,
            &self->input_id, &self->input_from_manifest, &err)) {
      GST_WARNING_OBJECT (self, "cannot hash the input: %s", err->message);
      g_clear_error (&err);
      gst_cache_bin_bypass (self, "input-unreadable");
      return FALSE;
    }
  } else if (self->upstream_pull) {
    if (!hash_by_pulling (self, &self->input_id)) {
      gst_cache_bin_bypass (self, "input-unreadable");
      return FALSE;
    }
  } else {
    GST_INFO_OBJECT (self, "upstream is neither a local file nor seekable "
        "in pull mode: running without the cache");
    gst_cache_bin_bypass (self, "push-only-upstream");
    return FALSE;
  }
  self->hash_ns = (g_get_monotonic_time () - t0) * 1000;
  return TRUE;
}

void
gst_cache_bin_make_key (GstCacheBin * self, GstCacheBinKeyMode key_mode,
    const gchar * name_space)
{
  GstCacheKey *key = gst_cache_key_new ();
  gchar *s;

  gst_cache_key_add (key, "format", GST_CACHE_KEY_FORMAT);
  s = gst_cache_digest_to_hex (self->input_id.digest, GST_CACHE_DIGEST_SIZE);
  gst_cache_key_add (key, "input-digest", s);
  g_free (s);
  s = g_strdup_printf ("%" G_GUINT64_FORMAT, self->input_id.length);
  gst_cache_key_add (key, "input-length", s);
  g_free (s);
  gst_cache_key_add (key, "chain", self->chain_text);
  if (key_mode == GST_CACHE_BIN_KEY_FULL)
    gst_cache_key_add (key, "versions", self->versions);
  gst_cache_key_add (key, "downstream-seekable",
      downstream_seekable (self) ? "yes" : "no");
  gst_cache_key_add (key, "namespace", name_space);
  gst_cache_key_finish (key, self->key, &self->key_record);
  gst_cache_key_free (key);

  s = gst_cache_digest_to_hex (self->key, GST_CACHE_KEY_SIZE);
  GST_OBJECT_LOCK (self);
  g_strlcpy (self->key_hex, s, sizeof (self->key_hex));
  GST_OBJECT_UNLOCK (self);
  g_free (s);
  GST_INFO_OBJECT (self, "input %s: %" G_GUINT64_FORMAT " bytes, %s in %"
      GST_TIME_FORMAT "; key %s", self->input_path ? self->input_path :
      "pulled from upstream", self->input_id.length,
      self->input_from_manifest ? "digest recalled" : "hashed",
      GST_TIME_ARGS (self->hash_ns), self->key_hex);
  GST_DEBUG_OBJECT (self, "key record:\n%s", self->key_record);
}
