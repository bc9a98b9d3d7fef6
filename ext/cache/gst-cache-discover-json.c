/* gst-reuse: gst-cache --discover --json, a media analysis as JSON
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

/* One JSON object per analysis (docs/analysis.md lists the fields): the
 * result, how the cache served it, the properties, the outermost container
 * and every other stream with its codec and the fields of its kind, tags
 * as objects keyed by GStreamer's tag names. Strings are escaped and made
 * valid UTF-8; numbers never depend on the locale. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst-cache-discover.h"

#include <math.h>
#include <string.h>

gchar *
gst_cache_tool_json_string (const gchar * s)
{
  gchar *valid = g_utf8_make_valid (s ? s : "", -1);
  GString *out = g_string_new ("\"");
  const gchar *p;

  for (p = valid; *p; p++) {
    guchar c = (guchar) * p;

    if (c == '"' || c == '\\')
      g_string_append_printf (out, "\\%c", c);
    else if (c == '\n')
      g_string_append (out, "\\n");
    else if (c == '\t')
      g_string_append (out, "\\t");
    else if (c < 0x20 || c == 0x7f)
      g_string_append_printf (out, "\\u%04x", c);
    else
      g_string_append_c (out, c);
  }
  g_string_append_c (out, '"');
  g_free (valid);
  return g_string_free (out, FALSE);
}

static void
json_key (GString * out, gboolean * first, const gchar * key)
{
  gchar *k = gst_cache_tool_json_string (key);

  g_string_append_printf (out, "%s%s: ", *first ? "" : ", ", k);
  *first = FALSE;
  g_free (k);
}

static void
json_str (GString * out, gboolean * first, const gchar * key,
    const gchar * value)
{
  gchar *v;

  json_key (out, first, key);
  if (value == NULL) {
    g_string_append (out, "null");
    return;
  }
  v = gst_cache_tool_json_string (value);
  g_string_append (out, v);
  g_free (v);
}

static void
json_uint (GString * out, gboolean * first, const gchar * key, guint64 value)
{
  json_key (out, first, key);
  g_string_append_printf (out, "%" G_GUINT64_FORMAT, value);
}

static void
json_bool (GString * out, gboolean * first, const gchar * key, gboolean value)
{
  json_key (out, first, key);
  g_string_append (out, value ? "true" : "false");
}

/* 15 significant digits: what a double holds exactly in decimal, so that
 * 0.1 reads 0.1; JSON has no infinities or NaN */
static void
json_double (GString * out, gdouble value)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    g_string_append (out, "null");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof (buf), "%.15g", value));
}

static void
json_fraction (GString * out, gboolean * first, const gchar * key,
    guint num, guint den)
{
  gchar *s = g_strdup_printf ("%u/%u", num, den);

  json_str (out, first, key, s);
  g_free (s);
}

/* one tag value: numbers, booleans and strings as such, dates as ISO
 * 8601 strings, samples (cover art) and buffers as their size and caps,
 * anything else serialised as GStreamer does */
static void
json_tag_value (GString * out, const GValue * v)
{
  GType type = G_VALUE_TYPE (v);
  gchar *s = NULL;

  if (G_VALUE_HOLDS_STRING (v)) {
    s = gst_cache_tool_json_string (g_value_get_string (v));
  } else if (type == G_TYPE_BOOLEAN) {
    g_string_append (out, g_value_get_boolean (v) ? "true" : "false");
  } else if (type == G_TYPE_INT) {
    g_string_append_printf (out, "%d", g_value_get_int (v));
  } else if (type == G_TYPE_UINT) {
    g_string_append_printf (out, "%u", g_value_get_uint (v));
  } else if (type == G_TYPE_INT64) {
    g_string_append_printf (out, "%" G_GINT64_FORMAT, g_value_get_int64 (v));
  } else if (type == G_TYPE_UINT64) {
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, g_value_get_uint64 (v));
  } else if (type == G_TYPE_DOUBLE) {
    json_double (out, g_value_get_double (v));
  } else if (type == G_TYPE_FLOAT) {
    json_double (out, g_value_get_float (v));
  } else if (type == GST_TYPE_DATE_TIME && g_value_get_boxed (v)) {
    gchar *iso = gst_date_time_to_iso8601_string (g_value_get_boxed (v));

    s = gst_cache_tool_json_string (iso);
    g_free (iso);
  } else if (type == G_TYPE_DATE && g_value_get_boxed (v) &&
      g_date_valid (g_value_get_boxed (v))) {
    gchar iso[16];

    g_date_strftime (iso, sizeof (iso), "%Y-%m-%d", g_value_get_boxed (v));
    s = gst_cache_tool_json_string (iso);
  } else if (type == GST_TYPE_SAMPLE || type == GST_TYPE_BUFFER) {
    GstSample *sample = type == GST_TYPE_SAMPLE ?
        gst_value_get_sample (v) : NULL;
    GstBuffer *buffer = sample ? gst_sample_get_buffer (sample) :
        type == GST_TYPE_BUFFER ? gst_value_get_buffer (v) : NULL;
    GstCaps *caps = sample ? gst_sample_get_caps (sample) : NULL;
    gboolean first = TRUE;
    gchar *caps_str = caps ? gst_cache_tool_caps_text (caps, FALSE) : NULL;

    g_string_append_c (out, '{');
    json_uint (out, &first, "size", buffer ? gst_buffer_get_size (buffer) : 0);
    json_str (out, &first, "caps", caps_str);
    g_string_append_c (out, '}');
    g_free (caps_str);
  } else {
    gchar *text = gst_value_serialize (v);

    if (text)
      s = gst_cache_tool_json_string (text);
    else
      g_string_append (out, "null");
    g_free (text);
  }
  if (s) {
    g_string_append (out, s);
    g_free (s);
  }
}

static void
json_tag (const GstTagList * tags, const gchar * tag, gpointer user_data)
{
  GString *out = ((gpointer *) user_data)[0];
  gboolean *first = ((gpointer *) user_data)[1];
  guint i, n = gst_tag_list_get_tag_size (tags, tag);

  json_key (out, first, tag);
  if (n != 1)
    g_string_append_c (out, '[');
  for (i = 0; i < n; i++) {
    if (i)
      g_string_append (out, ", ");
    json_tag_value (out, gst_tag_list_get_value_index (tags, tag, i));
  }
  if (n != 1)
    g_string_append_c (out, ']');
}

/* a tag list as an object keyed by the tags' names; a tag with several
 * values as an array */
static void
json_tags (GString * out, gboolean * first, const gchar * key,
    const GstTagList * tags)
{
  gboolean inner = TRUE;
  gpointer data[2] = { out, &inner };

  json_key (out, first, key);
  g_string_append_c (out, '{');
  if (tags)
    gst_tag_list_foreach (tags, json_tag, data);
  g_string_append_c (out, '}');
}

/* the pixel format: the caps' own for raw video; for coded video, the
 * planar format that its chroma format and bit depth describe (what
 * GStreamer's software decoders produce), or NULL */
static const gchar *
pixel_format (const GstStructure * s)
{
  static const struct
  {
    const gchar *chroma;
    guint depth;
    const gchar *format;
  } planar[] = {
    {"4:2:0", 8, "I420"}, {"4:2:0", 10, "I420_10LE"},
    {"4:2:0", 12, "I420_12LE"}, {"4:2:2", 8, "Y42B"},
    {"4:2:2", 10, "I422_10LE"}, {"4:2:2", 12, "I422_12LE"},
    {"4:4:4", 8, "Y444"}, {"4:4:4", 10, "Y444_10LE"},
    {"4:4:4", 12, "Y444_12LE"}, {"4:0:0", 8, "GRAY8"},
  };
  const gchar *chroma;
  guint depth, i;

  if (gst_structure_get_string (s, "format"))
    return gst_structure_get_string (s, "format");
  chroma = gst_structure_get_string (s, "chroma-format");
  if (chroma == NULL || !gst_structure_get_uint (s, "bit-depth-luma", &depth))
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (planar); i++)
    if (!strcmp (chroma, planar[i].chroma) && depth == planar[i].depth)
      return planar[i].format;
  return NULL;
}

/* what every stream and the container have: type, number, ID, codec */
static void
json_codec (GString * out, gboolean * first, const GstCacheToolNode * node)
{
  GstDiscovererStreamInfo *info = node->info;
  GstCaps *caps = gst_discoverer_stream_info_get_caps (info);
  GstStructure *s = caps && !gst_caps_is_empty (caps) ?
      gst_caps_get_structure (caps, 0) : NULL;
  gchar *desc = NULL, *text = NULL;

  if (caps && gst_caps_is_fixed (caps))
    desc = gst_pb_utils_get_codec_description (caps);
  if (caps)
    text = gst_cache_tool_caps_text (caps, FALSE);
  json_str (out, first, "type",
      gst_discoverer_stream_info_get_stream_type_nick (info));
  json_key (out, first, "index");
  g_string_append_printf (out, "%d", node->number);
  json_str (out, first, "stream_id",
      gst_discoverer_stream_info_get_stream_id (info));
  json_str (out, first, "codec", s ? gst_structure_get_name (s) : NULL);
  json_str (out, first, "codec_description", desc);
  json_str (out, first, "caps", text);
  if (GST_IS_DISCOVERER_VIDEO_INFO (info))
    json_str (out, first, "pixel_format", s ? pixel_format (s) : NULL);
  g_free (desc);
  g_free (text);
  if (caps)
    gst_caps_unref (caps);
}

static void
json_stream (GString * out, const GstCacheToolNode * node)
{
  GstDiscovererStreamInfo *info = node->info;
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  json_codec (out, &first, node);
  if (GST_IS_DISCOVERER_CONTAINER_INFO (info)) {
    json_tags (out, &first, "tags", node->container_tags);
    g_string_append_c (out, '}');
    return;
  }
  if (GST_IS_DISCOVERER_VIDEO_INFO (info)) {
    GstDiscovererVideoInfo *v = GST_DISCOVERER_VIDEO_INFO (info);

    json_uint (out, &first, "width", gst_discoverer_video_info_get_width (v));
    json_uint (out, &first, "height", gst_discoverer_video_info_get_height (v));
    json_fraction (out, &first, "frame_rate",
        gst_discoverer_video_info_get_framerate_num (v),
        gst_discoverer_video_info_get_framerate_denom (v));
    json_fraction (out, &first, "pixel_aspect_ratio",
        gst_discoverer_video_info_get_par_num (v),
        gst_discoverer_video_info_get_par_denom (v));
    json_bool (out, &first, "interlaced",
        gst_discoverer_video_info_is_interlaced (v));
    json_uint (out, &first, "depth", gst_discoverer_video_info_get_depth (v));
    json_uint (out, &first, "bitrate",
        gst_discoverer_video_info_get_bitrate (v));
    json_uint (out, &first, "max_bitrate",
        gst_discoverer_video_info_get_max_bitrate (v));
  } else if (GST_IS_DISCOVERER_AUDIO_INFO (info)) {
    GstDiscovererAudioInfo *a = GST_DISCOVERER_AUDIO_INFO (info);

    json_uint (out, &first, "sample_rate",
        gst_discoverer_audio_info_get_sample_rate (a));
    json_uint (out, &first, "channels",
        gst_discoverer_audio_info_get_channels (a));
    json_uint (out, &first, "channel_mask",
        gst_discoverer_audio_info_get_channel_mask (a));
    json_uint (out, &first, "depth", gst_discoverer_audio_info_get_depth (a));
    json_uint (out, &first, "bitrate",
        gst_discoverer_audio_info_get_bitrate (a));
    json_uint (out, &first, "max_bitrate",
        gst_discoverer_audio_info_get_max_bitrate (a));
    json_str (out, &first, "language",
        gst_discoverer_audio_info_get_language (a));
  } else if (GST_IS_DISCOVERER_SUBTITLE_INFO (info)) {
    json_str (out, &first, "language",
        gst_discoverer_subtitle_info_get_language
        (GST_DISCOVERER_SUBTITLE_INFO (info)));
  }
  json_tags (out, &first, "tags", gst_discoverer_stream_info_get_tags (info));
  g_string_append_c (out, '}');
}

/* GstDiscoverer's own nick of the result ("ok", "uri-invalid", "error",
 * "timeout", "busy", "missing-plugins") */
static const gchar *
discoverer_result_nick (GstDiscovererResult result)
{
  GEnumClass *klass = g_type_class_ref (GST_TYPE_DISCOVERER_RESULT);
  GEnumValue *value = g_enum_get_value (klass, result);
  const gchar *nick = value ? value->value_nick : "error";

  /* value_nick points into the type's static table */
  g_type_class_unref (klass);
  return nick;
}

void
gst_cache_tool_format_json (GString * out, const gchar * input,
    const gchar * uri, GstDiscovererInfo * info, const GError * error,
    GstCacheResult result, const gchar * source)
{
  GstClockTime duration;
  gboolean first = TRUE, none = TRUE;
  const gchar **details;
  GArray *nodes;
  GstCacheToolNode *node;
  guint i;

  g_string_append_c (out, '{');
  json_str (out, &first, "input", input);
  json_str (out, &first, "uri", info ? gst_discoverer_info_get_uri (info) :
      uri);
  json_str (out, &first, "result", info ?
      discoverer_result_nick (gst_discoverer_info_get_result (info)) : "error");
  json_str (out, &first, "error", error ? error->message : NULL);
  json_str (out, &first, "cache",
      info ? gst_cache_tool_cache_result_nick (result) : NULL);
  json_str (out, &first, "cache_source", info
      && result == GST_CACHE_RESULT_HIT ? source : NULL);
  json_str (out, &first, "cache_key",
      info ? gst_cache_discoverer_info_get_key (info) : NULL);
  if (info == NULL)
    goto done;

  if (gst_discoverer_info_get_result (info) == GST_DISCOVERER_MISSING_PLUGINS) {
    details = gst_discoverer_info_get_missing_elements_installer_details (info);
    json_key (out, &first, "missing_plugins");
    g_string_append_c (out, '[');
    for (i = 0; details && details[i]; i++) {
      gchar *d = gst_cache_tool_json_string (details[i]);

      g_string_append_printf (out, "%s%s", i ? ", " : "", d);
      g_free (d);
    }
    g_string_append_c (out, ']');
  }

  duration = gst_discoverer_info_get_duration (info);
  json_key (out, &first, "duration");
  if (GST_CLOCK_TIME_IS_VALID (duration))
    g_string_append_printf (out, "%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT,
        duration / GST_SECOND, duration % GST_SECOND);
  else
    g_string_append (out, "null");
  json_key (out, &first, "duration_ns");
  if (GST_CLOCK_TIME_IS_VALID (duration))
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, duration);
  else
    g_string_append (out, "null");
  json_bool (out, &first, "seekable", gst_discoverer_info_get_seekable (info));
  json_bool (out, &first, "live", gst_discoverer_info_get_live (info));
  json_tags (out, &first, "tags", gst_discoverer_info_get_tags (info));

  /* the outermost container, and every stream that is not one */
  nodes = gst_cache_tool_topology_new (info, result == GST_CACHE_RESULT_HIT);
  json_key (out, &first, "container");
  for (i = 0; i < nodes->len; i++) {
    node = &g_array_index (nodes, GstCacheToolNode, i);
    if (GST_IS_DISCOVERER_CONTAINER_INFO (node->info)) {
      json_stream (out, node);
      break;
    }
  }
  if (i == nodes->len)
    g_string_append (out, "null");
  json_key (out, &first, "streams");
  g_string_append_c (out, '[');
  for (i = 0; i < nodes->len; i++) {
    node = &g_array_index (nodes, GstCacheToolNode, i);
    if (GST_IS_DISCOVERER_CONTAINER_INFO (node->info))
      continue;
    if (!none)
      g_string_append (out, ", ");
    json_stream (out, node);
    none = FALSE;
  }
  g_string_append_c (out, ']');
  g_array_unref (nodes);

done:
  g_string_append_c (out, '}');
}
