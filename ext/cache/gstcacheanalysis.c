/* gst-reuse: media analysis in the cache: key material and entries
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

#include "gstcacheanalysis.h"
#include "gstcachetool-private.h"

#include <string.h>

#define GST_CAT_DEFAULT gst_cache_discoverer_debug

/* The environment: which plugins can take part in an analysis.
 *
 * GstDiscoverer runs uridecodebin, which picks a source by the URI's
 * scheme, typefinds, and plugs demuxers, parsers, decoders and
 * depayloaders by rank. The bound: every element factory of rank MARGINAL
 * or above whose klass names Demuxer, Parser, Decoder or Depayloader (what
 * decodebin can plug), every typefind factory, and uridecodebin and
 * decodebin themselves. Each plugin that provides one of them goes into the
 * key by name and version; the factories themselves (name, plugin, rank)
 * go in as the XXH3-128 of their sorted list, so that a rank changed through
 * GST_PLUGIN_FEATURE_RANK, a factory added or removed, changes the key too.
 * Sources (filesrc is in GStreamer's core, whose version is in the key) and
 * the libraries below the plugins (FFmpeg below gst-libav) are not in it.
 *
 * Reading the registry's feature lists costs a millisecond or so; the text
 * is kept for the process and made again when the registry's feature list
 * cookie changes (a plugin or feature added or removed). A rank changed
 * later by the application with gst_plugin_feature_set_rank() does not
 * change the cookie and is not seen. */

static GMutex env_lock;
static gboolean env_valid;
static guint32 env_cookie;
static gchar *env_gstreamer;
static gchar *env_pbutils;
static gchar *env_plugins;
static gchar *env_factories;

static gboolean
klass_participates (const gchar * klass)
{
  return klass != NULL && (strstr (klass, "Demuxer") != NULL ||
      strstr (klass, "Parser") != NULL || strstr (klass, "Decoder") != NULL ||
      strstr (klass, "Depayloader") != NULL);
}

static gint
compare_strptr (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

static void
add_feature (GstPluginFeature * f, const gchar * kind, GPtrArray * lines,
    GHashTable * plugins)
{
  const gchar *plugin = gst_plugin_feature_get_plugin_name (f);

  if (plugin == NULL)
    plugin = "(static)";
  g_ptr_array_add (lines, g_strdup_printf ("%s %s %s %u", kind,
          gst_plugin_feature_get_name (f), plugin,
          gst_plugin_feature_get_rank (f)));
  /* the plugin's version, from the feature's own plugin (the registry
   * needs no search by name for it) */
  if (!g_hash_table_contains (plugins, plugin)) {
    GstPlugin *p = gst_plugin_feature_get_plugin (f);

    g_hash_table_insert (plugins, g_strdup (plugin),
        g_strdup (p ? gst_plugin_get_version (p) : NULL));
    if (p)
      gst_object_unref (p);
  }
}

static void
env_compute (GstRegistry * registry)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  /* plugin name -> version (NULL: not known from its features) */
  GHashTable *plugins = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, g_free);
  GString *text = g_string_new (NULL);
  GList *features, *l;
  GPtrArray *names;
  GstCacheHasher *hasher;
  guint8 digest[GST_CACHE_DIGEST_SIZE];
  GHashTableIter iter;
  gpointer name;
  guint i;

  features = gst_registry_get_feature_list (registry, GST_TYPE_ELEMENT_FACTORY);
  for (l = features; l; l = l->next) {
    GstPluginFeature *f = l->data;
    const gchar *fname = gst_plugin_feature_get_name (f);

    if (!strcmp (fname, "uridecodebin") || !strcmp (fname, "decodebin") ||
        (gst_plugin_feature_get_rank (f) >= GST_RANK_MARGINAL &&
            klass_participates (gst_element_factory_get_metadata
                (GST_ELEMENT_FACTORY (f), GST_ELEMENT_METADATA_KLASS))))
      add_feature (f, "element", lines, plugins);
  }
  gst_plugin_feature_list_free (features);

  features = gst_registry_get_feature_list (registry,
      GST_TYPE_TYPE_FIND_FACTORY);
  for (l = features; l; l = l->next)
    add_feature (l->data, "typefind", lines, plugins);
  gst_plugin_feature_list_free (features);

  g_ptr_array_sort (lines, compare_strptr);
  for (i = 0; i < lines->len; i++) {
    const gchar *line = g_ptr_array_index (lines, i);

    g_string_append (text, line);
    g_string_append_c (text, '\n');
  }
  /* XXH3-128 of the list: the key's own SHA-256 covers it; GLib's SHA-256
   * of these 40 KB took a quarter of a millisecond a process */
  hasher = gst_cache_hasher_new ();
  gst_cache_hasher_update (hasher, text->str, text->len);
  gst_cache_hasher_finish (hasher, digest);
  gst_cache_hasher_free (hasher);
  g_free (env_factories);
  env_factories = gst_cache_digest_to_hex (digest, GST_CACHE_DIGEST_SIZE);

  names = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, plugins);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (names, name);
  g_ptr_array_sort (names, compare_strptr);
  g_string_truncate (text, 0);
  for (i = 0; i < names->len; i++) {
    const gchar *pname = g_ptr_array_index (names, i);
    const gchar *version = g_hash_table_lookup (plugins, pname);
    GstPlugin *plugin = NULL;

    if (version == NULL) {
      plugin = gst_registry_find_plugin (registry, pname);
      version = plugin ? gst_plugin_get_version (plugin) : "(none)";
    }
    g_string_append_printf (text, "%s %s\n", pname, version);
    if (plugin)
      gst_object_unref (plugin);
  }
  g_free (env_plugins);
  env_plugins = g_string_free (text, FALSE);
  GST_DEBUG ("%u participating factories in %u plugins", lines->len,
      names->len);

  if (env_gstreamer == NULL) {
    env_gstreamer = gst_version_string ();
    env_pbutils = gst_plugins_base_version_string ();
  }

  g_ptr_array_unref (names);
  g_ptr_array_unref (lines);
  g_hash_table_unref (plugins);
}

void
gst_cache_analysis_key_add_environment (GstCacheKey * key)
{
  GstRegistry *registry = gst_registry_get ();
  guint32 cookie = gst_registry_get_feature_list_cookie (registry);

  g_mutex_lock (&env_lock);
  if (!env_valid || env_cookie != cookie) {
    env_compute (registry);
    env_cookie = cookie;
    env_valid = TRUE;
  }
  gst_cache_key_add (key, "gstreamer", env_gstreamer);
  gst_cache_key_add (key, "pbutils", env_pbutils);
  gst_cache_key_add (key, "plugins", env_plugins);
  gst_cache_key_add (key, "factories", env_factories);
  g_mutex_unlock (&env_lock);
}

/* the key material of gst_cache_analysis_key_add_environment() as key-file
 * text, for gst-cache's registry shortcut (gst-cache-shortcut.c) */
gchar *
_gst_cache_tool_environment_export (void)
{
  GstRegistry *registry = gst_registry_get ();
  guint32 cookie = gst_registry_get_feature_list_cookie (registry);
  GKeyFile *kf = g_key_file_new ();
  gchar *text;

  g_mutex_lock (&env_lock);
  if (!env_valid || env_cookie != cookie) {
    env_compute (registry);
    env_cookie = cookie;
    env_valid = TRUE;
  }
  g_key_file_set_string (kf, "environment", "gstreamer", env_gstreamer);
  g_key_file_set_string (kf, "environment", "pbutils", env_pbutils);
  g_key_file_set_string (kf, "environment", "plugins", env_plugins);
  g_key_file_set_string (kf, "environment", "factories", env_factories);
  g_mutex_unlock (&env_lock);
  text = g_key_file_to_data (kf, NULL, NULL);
  g_key_file_unref (kf);
  return text;
}

/* takes the key material from @kf (what the export wrote) instead of the
 * registry, for as long as the registry's feature list does not change */
gboolean
_gst_cache_tool_environment_import (GKeyFile * kf)
{
  static const gchar *const names[] = { "gstreamer", "pbutils", "plugins",
    "factories"
  };
  gchar *v[G_N_ELEMENTS (names)];
  gboolean ok = TRUE;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    v[i] = g_key_file_get_string (kf, "environment", names[i], NULL);
    ok = ok && v[i] != NULL;
  }
  if (!ok) {
    for (i = 0; i < G_N_ELEMENTS (names); i++)
      g_free (v[i]);
    return FALSE;
  }
  g_mutex_lock (&env_lock);
  g_free (env_gstreamer);
  g_free (env_pbutils);
  g_free (env_plugins);
  g_free (env_factories);
  env_gstreamer = v[0];
  env_pbutils = v[1];
  env_plugins = v[2];
  env_factories = v[3];
  env_cookie = gst_registry_get_feature_list_cookie (gst_registry_get ());
  env_valid = TRUE;
  g_mutex_unlock (&env_lock);
  return TRUE;
}

guint32
gst_cache_analysis_environment_cookie (void)
{
  return gst_registry_get_feature_list_cookie (gst_registry_get ());
}

gchar *
gst_cache_analysis_flags_to_string (GstDiscovererSerializeFlags flags)
{
  GString *s = g_string_new (NULL);
  guint rest = flags & ~GST_DISCOVERER_SERIALIZE_ALL;

  if (flags & GST_DISCOVERER_SERIALIZE_CAPS)
    g_string_append (s, "+caps");
  if (flags & GST_DISCOVERER_SERIALIZE_TAGS)
    g_string_append (s, "+tags");
  if (flags & GST_DISCOVERER_SERIALIZE_MISC)
    g_string_append (s, "+misc");
  if (rest)
    g_string_append_printf (s, "+0x%x", rest);
  if (s->len == 0)
    g_string_append (s, "+none");
  g_string_erase (s, 0, 1);
  return g_string_free (s, FALSE);
}

/* Serialising. gst_discoverer_info_to_variant() (1.22) follows every
 * stream's "next" without checking that a plain stream (neither container,
 * audio, video nor subtitle) has one: such a result is not stored. */

#define MAX_DEPTH 64

static gboolean
stream_serialisable (GstDiscovererStreamInfo * sinfo, guint depth)
{
  GstDiscovererStreamInfo *next;
  gboolean ok = TRUE;

  if (depth > MAX_DEPTH)
    return FALSE;
  next = gst_discoverer_stream_info_get_next (sinfo);
  if (GST_IS_DISCOVERER_CONTAINER_INFO (sinfo)) {
    GList *streams, *l;

    streams = gst_discoverer_container_info_get_streams
        (GST_DISCOVERER_CONTAINER_INFO (sinfo));
    for (l = streams; l && ok; l = l->next)
      ok = stream_serialisable (l->data, depth + 1);
    gst_discoverer_stream_info_list_free (streams);
  } else if (!GST_IS_DISCOVERER_AUDIO_INFO (sinfo) &&
      !GST_IS_DISCOVERER_VIDEO_INFO (sinfo) &&
      !GST_IS_DISCOVERER_SUBTITLE_INFO (sinfo) && next == NULL) {
    ok = FALSE;
  }
  if (ok && next)
    ok = stream_serialisable (next, depth + 1);
  if (next)
    gst_discoverer_stream_info_unref (next);
  return ok;
}

const gchar *
gst_cache_analysis_unstorable (GstDiscovererInfo * info)
{
  GstDiscovererStreamInfo *sinfo;
  gboolean ok;

  if (gst_discoverer_info_get_result (info) != GST_DISCOVERER_OK) {
    /* GstDiscoverer's own nick of the result: "uri-invalid", "error",
     * "timeout", "busy", "missing-plugins" */
    GEnumClass *klass = g_type_class_ref (GST_TYPE_DISCOVERER_RESULT);
    GEnumValue *value = g_enum_get_value (klass,
        gst_discoverer_info_get_result (info));
    const gchar *nick = value ? value->value_nick : "unknown-result";

    g_type_class_unref (klass);
    return nick;
  }
  sinfo = gst_discoverer_info_get_stream_info (info);
  if (sinfo == NULL)
    return "no-streams";
  ok = stream_serialisable (sinfo, 0);
  gst_discoverer_stream_info_unref (sinfo);
  return ok ? NULL : "unserialisable";
}

GBytes *
gst_cache_analysis_serialize (GstDiscovererInfo * info,
    GstDiscovererSerializeFlags flags)
{
  GVariant *v = g_variant_ref_sink (gst_discoverer_info_to_variant (info,
          flags));
  GBytes *bytes = g_variant_get_data_as_bytes (v);

  g_variant_unref (v);
  return bytes;
}

/* Restoring. gst_discoverer_info_from_variant() reads its input without
 * any check (a wrong type is a critical warning or a crash), so the layout
 * that _serialize_info() and gst_discoverer_info_to_variant_recurse()
 * write is checked first, all of it:
 *   v                          the wrapper
 *    (vv)                      info, top stream
 *     info: (mstbmsb)          uri, duration, seekable, tags, live
 *     stream: (yvav) for 'c'   type, common, children (each a stream)
 *             (yvv)  for 'a' (uuuuumst), 'v' (uuuuuuubuub), 's' ms, 'n'
 *      common: (msmsmsmsv)     stream id, caps, tags, misc, next: () or a
 *                              stream
 * Tag lists must read "taglist..." (gst_tag_list_new_from_string() checks
 * that with a critical warning). The entry was written by this code and
 * checked by the store (checksum, and the signature of a remote one when
 * configured); this guards against a writer of another version, or a
 * backend that anyone can write to. */

static gboolean
valid_tags (GVariant * tuple, gsize index)
{
  GVariant *maybe = g_variant_get_child_value (tuple, index);
  GVariant *str = g_variant_get_maybe (maybe);
  gboolean ok = TRUE;

  if (str) {
    ok = g_str_has_prefix (g_variant_get_string (str, NULL), "taglist");
    g_variant_unref (str);
  }
  g_variant_unref (maybe);
  return ok;
}

static gboolean valid_stream (GVariant * stream, guint depth);

/* @boxed: a "v" holding what @type says */
static gboolean
valid_boxed (GVariant * tuple, gsize index, const gchar * type)
{
  GVariant *boxed = g_variant_get_child_value (tuple, index);
  GVariant *inner = g_variant_get_variant (boxed);
  gboolean ok = g_variant_is_of_type (inner, G_VARIANT_TYPE (type));

  g_variant_unref (inner);
  g_variant_unref (boxed);
  return ok;
}

static gboolean
valid_common (GVariant * stream, guint depth)
{
  GVariant *boxed = g_variant_get_child_value (stream, 1);
  GVariant *common = g_variant_get_variant (boxed);
  gboolean ok = FALSE;

  if (g_variant_is_of_type (common, G_VARIANT_TYPE ("(msmsmsmsv)")) &&
      valid_tags (common, 2)) {
    GVariant *nboxed = g_variant_get_child_value (common, 4);
    GVariant *next = g_variant_get_variant (nboxed);

    ok = g_variant_is_of_type (next, G_VARIANT_TYPE_UNIT) ||
        valid_stream (next, depth + 1);
    g_variant_unref (next);
    g_variant_unref (nboxed);
  }
  g_variant_unref (common);
  g_variant_unref (boxed);
  return ok;
}

static gboolean
valid_stream (GVariant * stream, guint depth)
{
  GVariant *child;
  gboolean ok;
  guchar type;

  if (depth > MAX_DEPTH)
    return FALSE;
  if (g_variant_is_of_type (stream, G_VARIANT_TYPE ("(yvav)"))) {
    GVariantIter iter;
    GVariant *boxed;

    child = g_variant_get_child_value (stream, 0);
    type = g_variant_get_byte (child);
    g_variant_unref (child);
    if (type != 'c' || !valid_common (stream, depth))
      return FALSE;
    child = g_variant_get_child_value (stream, 2);
    g_variant_iter_init (&iter, child);
    ok = TRUE;
    while (ok && (boxed = g_variant_iter_next_value (&iter))) {
      GVariant *inner = g_variant_get_variant (boxed);

      ok = valid_stream (inner, depth + 1);
      g_variant_unref (inner);
      g_variant_unref (boxed);
    }
    g_variant_unref (child);
    return ok;
  }
  if (!g_variant_is_of_type (stream, G_VARIANT_TYPE ("(yvv)")))
    return FALSE;
  child = g_variant_get_child_value (stream, 0);
  type = g_variant_get_byte (child);
  g_variant_unref (child);
  switch (type) {
    case 'a':
      ok = valid_boxed (stream, 2, "(uuuuumst)");
      break;
    case 'v':
      ok = valid_boxed (stream, 2, "(uuuuuuubuub)");
      break;
    case 's':
      ok = valid_boxed (stream, 2, "ms");
      break;
    case 'n':
      /* not read by the parser */
      ok = TRUE;
      break;
    default:
      ok = FALSE;
      break;
  }
  return ok && valid_common (stream, depth);
}

/* GStreamer names a file's streams after the SHA-256 of the source's URI
 * (gst_pad_create_stream_id(): filesrc's URI is gst_filename_to_uri() of
 * its location), so a result stored for another name gets the stream ids
 * that an analysis of the asked URI gives */
static gchar *
source_uri_hash (const gchar * uri)
{
  gchar *path = g_filename_from_uri (uri, NULL, NULL);
  gchar *norm = path ? gst_filename_to_uri (path, NULL) : g_strdup (uri);
  gchar *hash = NULL;

  if (norm)
    hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, norm, -1);
  g_free (norm);
  g_free (path);
  return hash;
}

/* @stream (checked by valid_stream()) with the ids that begin with @from
 * beginning with @to */
static GVariant *
rename_stream (GVariant * stream, const gchar * from, const gchar * to)
{
  GVariant *type = g_variant_get_child_value (stream, 0);
  GVariant *boxed = g_variant_get_child_value (stream, 1);
  GVariant *common = g_variant_get_variant (boxed);
  GVariant *specific = g_variant_get_child_value (stream, 2);
  GVariant *fields[5], *parts[3], *id, *next_boxed, *next;
  gsize i;

  for (i = 0; i < 5; i++)
    fields[i] = g_variant_get_child_value (common, i);
  id = g_variant_get_maybe (fields[0]);
  if (id && g_str_has_prefix (g_variant_get_string (id, NULL), from)) {
    gchar *renamed = g_strconcat (to, g_variant_get_string (id, NULL) +
        strlen (from), NULL);

    g_variant_unref (fields[0]);
    fields[0] = g_variant_ref_sink (g_variant_new_maybe (G_VARIANT_TYPE_STRING,
            g_variant_new_string (renamed)));
    g_free (renamed);
  }
  if (id)
    g_variant_unref (id);
  next_boxed = fields[4];
  next = g_variant_get_variant (next_boxed);
  if (!g_variant_is_of_type (next, G_VARIANT_TYPE_UNIT)) {
    fields[4] = g_variant_ref_sink (g_variant_new_variant (rename_stream (next,
                from, to)));
    g_variant_unref (next_boxed);
  }
  g_variant_unref (next);

  parts[0] = type;
  parts[1] = g_variant_new_variant (g_variant_new_tuple (fields, 5));
  if (g_variant_is_of_type (specific, G_VARIANT_TYPE ("av"))) {
    gsize n = g_variant_n_children (specific);
    GVariant **children = g_new0 (GVariant *, n + 1);

    for (i = 0; i < n; i++) {
      GVariant *child_boxed = g_variant_get_child_value (specific, i);
      GVariant *child = g_variant_get_variant (child_boxed);

      children[i] = g_variant_new_variant (rename_stream (child, from, to));
      g_variant_unref (child);
      g_variant_unref (child_boxed);
    }
    parts[2] = g_variant_new_array (G_VARIANT_TYPE_VARIANT, children, n);
    g_free (children);
  } else {
    parts[2] = specific;
  }
  stream = g_variant_new_tuple (parts, 3);

  for (i = 0; i < 5; i++)
    g_variant_unref (fields[i]);
  g_variant_unref (specific);
  g_variant_unref (common);
  g_variant_unref (boxed);
  g_variant_unref (type);
  return stream;
}

GVariant *
gst_cache_analysis_restore_variant (GBytes * payload, const gchar * uri,
    const gchar ** why)
{
  GVariant *wrapper, *outer = NULL, *info_boxed = NULL, *info = NULL;
  GVariant *stream_boxed = NULL, *stream = NULL, *fixed, *rebuilt = NULL;
  guint64 duration;
  gboolean seekable, live;
  gchar *tags_str = NULL, *stored_uri = NULL;
  GVariant *renamed = NULL;

  /* not trusted: the accessors stay within the bytes whatever they hold */
  wrapper = g_variant_ref_sink (g_variant_new_from_bytes
      (G_VARIANT_TYPE_VARIANT, payload, FALSE));
  outer = g_variant_get_variant (wrapper);
  if (!g_variant_is_of_type (outer, G_VARIANT_TYPE ("(vv)"))) {
    *why = "not a serialised GstDiscovererInfo";
    goto out;
  }
  info_boxed = g_variant_get_child_value (outer, 0);
  info = g_variant_get_variant (info_boxed);
  stream_boxed = g_variant_get_child_value (outer, 1);
  stream = g_variant_get_variant (stream_boxed);
  if (!g_variant_is_of_type (info, G_VARIANT_TYPE ("(mstbmsb)")) ||
      !valid_tags (info, 3)) {
    *why = "the result's fields do not parse";
    goto out;
  }
  if (!valid_stream (stream, 0)) {
    *why = "a stream's fields do not parse";
    goto out;
  }

  /* the same fields with the URI that was asked for */
  g_variant_get (info, "(mstbmsb)", &stored_uri, &duration, &seekable,
      &tags_str, &live);
  fixed = g_variant_new ("(mstbmsb)", uri, duration, seekable, tags_str, live);
  if (stored_uri && strcmp (stored_uri, uri) != 0) {
    gchar *from = source_uri_hash (stored_uri), *to = source_uri_hash (uri);

    if (from && to)
      renamed = g_variant_ref_sink (rename_stream (stream, from, to));
    g_free (from);
    g_free (to);
  }
  rebuilt = g_variant_ref_sink (g_variant_new_variant (g_variant_new ("(vv)",
              fixed, renamed ? renamed : stream)));

out:
  g_free (tags_str);
  g_free (stored_uri);
  if (renamed)
    g_variant_unref (renamed);
  if (stream)
    g_variant_unref (stream);
  if (stream_boxed)
    g_variant_unref (stream_boxed);
  if (info)
    g_variant_unref (info);
  if (info_boxed)
    g_variant_unref (info_boxed);
  g_variant_unref (outer);
  g_variant_unref (wrapper);
  return rebuilt;
}

GstDiscovererInfo *
gst_cache_analysis_restore (GBytes * payload, const gchar * uri,
    const gchar ** why)
{
  GVariant *rebuilt = gst_cache_analysis_restore_variant (payload, uri, why);
  GstDiscovererInfo *result;

  if (rebuilt == NULL)
    return NULL;
  result = gst_discoverer_info_from_variant (rebuilt);
  g_variant_unref (rebuilt);
  return result;
}
