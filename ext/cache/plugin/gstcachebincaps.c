/* gst-reuse: cachebin, the caps of its inner chain before it runs
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

/* gst-launch-1.0 links cachebin while it is in NULL, before the chain
 * exists: to pick the right request pad of a muxer after it (and to check
 * links at all) it asks cachebin's pads for caps. cachebin answers with
 * the caps of its chain's ends: for a description, from a chain parsed
 * only for that (a "probe"), remembered in the cache directory beside the
 * chain memo so that later runs, hits among them, neither parse the chain
 * nor load its plugins to link; for a chain the application added, from
 * its elements. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachebin-private.h"
#include "gstcachekey.h"

#include <string.h>

#include <glib/gstdio.h>

#define GST_CAT_DEFAULT gst_cache_bin_debug

/* the remembered caps of @description's ends, valid while the versions of
 * its plugins (from the registry: nothing is loaded) are unchanged */
static gboolean
caps_memo_load (const gchar * path, const gchar * description,
    gchar ** sink_caps, gchar ** src_caps)
{
  GKeyFile *kf = g_key_file_new ();
  gchar *desc = NULL, *versions = NULL, *now = NULL;
  gchar **factories = NULL;
  gboolean ok = FALSE;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    goto done;
  desc = g_key_file_get_string (kf, "caps", "description", NULL);
  versions = g_key_file_get_string (kf, "caps", "versions", NULL);
  factories = g_key_file_get_string_list (kf, "caps", "factories", NULL, NULL);
  *sink_caps = g_key_file_get_string (kf, "caps", "sink", NULL);
  *src_caps = g_key_file_get_string (kf, "caps", "src", NULL);
  if (!desc || !versions || !factories || !*sink_caps || !*src_caps ||
      strcmp (desc, description) != 0)
    goto done;
  now = gst_cache_describe_versions ((const gchar * const *) factories);
  ok = strcmp (now, versions) == 0;

done:
  if (!ok) {
    g_clear_pointer (sink_caps, g_free);
    g_clear_pointer (src_caps, g_free);
  }
  g_free (now);
  g_strfreev (factories);
  g_free (versions);
  g_free (desc);
  g_key_file_unref (kf);
  return ok;
}

static void
caps_memo_save (GstCacheBin * self, const gchar * path,
    const gchar * description, GstBin * chain, const gchar * sink_caps,
    const gchar * src_caps)
{
  gchar **factories = gst_cache_chain_factories (chain);
  gchar *versions = gst_cache_describe_versions ((const gchar * const *)
      factories);
  GKeyFile *kf = g_key_file_new ();

  g_key_file_set_string (kf, "caps", "description", description);
  g_key_file_set_string_list (kf, "caps", "factories",
      (const gchar * const *) factories, g_strv_length (factories));
  g_key_file_set_string (kf, "caps", "versions", versions);
  g_key_file_set_string (kf, "caps", "sink", sink_caps);
  g_key_file_set_string (kf, "caps", "src", src_caps);
  gst_cache_bin_memo_write (self, path, kf);
  g_key_file_unref (kf);
  g_free (versions);
  g_strfreev (factories);
}

/* the caps of the unlinked pad at one end of the elements of @bin */
static GstCaps *
end_caps (GstBin * bin, GstPadDirection dir)
{
  GList *elements = gst_cache_chain_elements (bin);
  GstPad *pad = gst_cache_bin_find_unlinked_pad (elements, dir);
  GstCaps *caps = pad ? gst_pad_query_caps (pad, NULL) : gst_caps_new_any ();

  g_list_free_full (elements, gst_object_unref);
  if (pad)
    gst_object_unref (pad);
  return caps;
}

static GstCaps *
probe_caps (GstCacheBin * self, const gchar * description,
    const gchar * cache_dir, GstPadDirection dir)
{
  gchar *path = gst_cache_bin_memo_path (cache_dir, description, ".caps");
  gchar *sink = NULL, *src = NULL;
  GstElement *chain;
  GstCaps *caps = NULL;
  GstCaps *sink_caps, *src_caps;

  if (caps_memo_load (path, description, &sink, &src)) {
    caps = gst_caps_from_string (dir == GST_PAD_SINK ? sink : src);
    GST_LOG_OBJECT (self, "chain caps from memo %s", path);
    goto done;
  }
  chain = gst_parse_bin_from_description_full (description, FALSE, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, NULL);
  if (chain == NULL)
    goto done;
  gst_object_ref_sink (chain);
  sink_caps = end_caps (GST_BIN (chain), GST_PAD_SINK);
  src_caps = end_caps (GST_BIN (chain), GST_PAD_SRC);
  sink = gst_caps_to_string (sink_caps);
  src = gst_caps_to_string (src_caps);
  caps = gst_caps_ref (dir == GST_PAD_SINK ? sink_caps : src_caps);
  caps_memo_save (self, path, description, GST_BIN (chain), sink, src);
  gst_caps_unref (sink_caps);
  gst_caps_unref (src_caps);
  gst_object_unref (chain);

done:
  g_free (sink);
  g_free (src);
  g_free (path);
  return caps;
}

/* the caps that the chain's end on side @dir can take or give, before a
 * run; NULL when unknown */
GstCaps *
gst_cache_bin_chain_caps (GstCacheBin * self, GstPadDirection dir,
    GstCaps * filter)
{
  gchar *description, *cache_dir;
  GstCaps *caps, *result;

  GST_OBJECT_LOCK (self);
  description = g_strdup (self->description);
  cache_dir = self->cache_dir ? g_strdup (self->cache_dir) :
      gst_cache_store_default_dir ();
  GST_OBJECT_UNLOCK (self);

  if (description)
    caps = probe_caps (self, description, cache_dir, dir);
  else if (GST_BIN_NUMCHILDREN (self) > 0)
    caps = end_caps (GST_BIN (self), dir);
  else
    caps = NULL;
  g_free (description);
  g_free (cache_dir);
  if (caps == NULL || filter == NULL)
    return caps;
  result = gst_caps_intersect_full (filter, caps, GST_CAPS_INTERSECT_FIRST);
  gst_caps_unref (caps);
  return result;
}
