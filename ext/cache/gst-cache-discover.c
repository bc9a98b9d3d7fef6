/* gst-reuse: gst-cache --discover, media analysis from the cache
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

/* The plain output is the text of gst-discoverer-1.0 -v (gst-plugins-base
 * 1.22): the same lines, in the same order, with the same indentation,
 * including its quirks (a stream's tags come before its codec, and the
 * line after a list of tags holds only spaces), so that scripts written
 * for one read the other. The TOC (gst-discoverer-1.0 --toc) and the
 * deprecated "Additional info" are not printed. One line is added after
 * "Done discovering URI": "Cache: hit (local)", "Cache: hit (remote)",
 * "Cache: miss" or "Cache: bypass". docs/analysis.md describes both
 * outputs. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst-cache-discover.h"

#include <gst/audio/audio.h>

#include <stdio.h>
#include <string.h>

/* what is printed before each line of a nesting level */
static void
indent (GString * out, guint depth)
{
  guint i;

  for (i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static gboolean
field_without_buffers (GQuark field, GValue * value, gpointer unused)
{
  guint i;

  if (G_VALUE_HOLDS (value, GST_TYPE_BUFFER))
    return FALSE;
  if (GST_VALUE_HOLDS_ARRAY (value)) {
    for (i = 0; i < gst_value_array_get_size (value); i++)
      if (!field_without_buffers (field,
              (GValue *) gst_value_array_get_value (value, i), NULL))
        return FALSE;
  }
  return TRUE;
}

static gboolean
structure_without_buffers (GstCapsFeatures * features, GstStructure * s,
    gpointer unused)
{
  gst_structure_filter_and_map_in_place (s, field_without_buffers, NULL);
  return TRUE;
}

/* @caps as text; without the fields that hold buffers (codec data,
 * stream headers) unless @whole */
gchar *
gst_cache_tool_caps_text (const GstCaps * caps, gboolean whole)
{
  GstCaps *copy;
  gchar *text;

  if (whole)
    return gst_caps_to_string (caps);
  copy = gst_caps_copy (caps);
  gst_caps_map_in_place (copy, structure_without_buffers, NULL);
  text = gst_caps_to_string (copy);
  gst_caps_unref (copy);
  return text;
}

/* ---- the text of gst-discoverer-1.0 -v ---- */

static gchar *
tag_value_text (const GValue * value)
{
  GstSample *sample;
  GstBuffer *buffer;
  GstCaps *caps;
  gchar *caps_str, *text;

  if (G_VALUE_HOLDS_STRING (value))
    return g_value_dup_string (value);
  if (G_VALUE_TYPE (value) != GST_TYPE_SAMPLE)
    return gst_value_serialize (value);

  sample = gst_value_get_sample (value);
  buffer = gst_sample_get_buffer (sample);
  caps = gst_sample_get_caps (sample);
  if (buffer == NULL)
    return g_strdup ("NULL buffer");
  if (caps == NULL)
    return g_strdup_printf ("buffer of %" G_GSIZE_FORMAT " bytes",
        gst_buffer_get_size (buffer));
  caps_str = gst_cache_tool_caps_text (caps, TRUE);
  text = g_strdup_printf ("buffer of %" G_GSIZE_FORMAT " bytes, type: %s",
      gst_buffer_get_size (buffer), caps_str);
  g_free (caps_str);
  return text;
}

typedef struct
{
  GString *out;
  guint depth;
} TagPrint;

static void
format_tag (const GstTagList * tags, const gchar * tag, gpointer user_data)
{
  TagPrint *p = user_data;
  GValue value = G_VALUE_INIT;
  gchar *text;

  if (!gst_tag_list_copy_value (&value, tags, tag))
    return;
  text = tag_value_text (&value);
  indent (p->out, p->depth);
  g_string_append_printf (p->out, "%s: %s\n", gst_tag_get_nick (tag),
      GST_STR_NULL (text));
  g_free (text);
  g_value_unset (&value);
}

/* a stream's or a container's tags: a "Tags:" line, the tags one level
 * deeper (or "None"), and a line of spaces */
static void
format_tags_block (GString * out, guint depth, const GstTagList * tags)
{
  TagPrint p = { out, depth + 1 };

  indent (out, depth);
  g_string_append (out, "Tags:\n");
  if (tags) {
    gst_tag_list_foreach (tags, format_tag, &p);
  } else {
    indent (out, depth + 1);
    g_string_append (out, "None\n");
  }
  indent (out, depth);
  g_string_append (out, "\n");
}

static gchar *
channel_layout (GstDiscovererAudioInfo * audio)
{
  GstAudioChannelPosition pos[64];
  guint channels = gst_discoverer_audio_info_get_channels (audio);
  guint64 mask = gst_discoverer_audio_info_get_channel_mask (audio);
  GEnumClass *positions;
  GString *s;
  guint i;

  if (channels == 0)
    return g_strdup ("");
  if (mask == 0 || channels > G_N_ELEMENTS (pos) ||
      !gst_audio_channel_positions_from_mask (channels, mask, pos))
    return g_strdup ("unknown layout");
  positions = g_type_class_ref (GST_TYPE_AUDIO_CHANNEL_POSITION);
  s = g_string_new (NULL);
  for (i = 0; i < channels; i++) {
    GEnumValue *v = g_enum_get_value (positions, pos[i]);

    g_string_append_printf (s, "%s%s", i ? ", " : "", v ? v->value_nick : "?");
  }
  g_type_class_unref (positions);
  return g_string_free (s, FALSE);
}

static void
line (GString * out, guint depth, const gchar * format, ...)
G_GNUC_PRINTF (3, 4);

     static void line (GString * out, guint depth, const gchar * format, ...)
{
  va_list args;

  indent (out, depth);
  va_start (args, format);
  g_string_append_vprintf (out, format, args);
  va_end (args);
}

/* ---- the topology ---- */

typedef struct
{
  GArray *nodes;                /* GstCacheToolNode */
  gint count;
} Topology;

static void
topology_add (Topology * t, GstDiscovererStreamInfo * info, guint depth)
{
  GstDiscovererStreamInfo *next = gst_discoverer_stream_info_get_next (info);
  GstCacheToolNode node =
      { gst_discoverer_stream_info_ref (info), depth, 0, NULL };
  GList *streams, *l;

  /* GstDiscoverer numbers the streams in this order; a restored result
   * (GStreamer 1.22 does not serialise the numbers) has -1 */
  node.number = gst_discoverer_stream_info_get_stream_number (info);
  if (node.number < 0)
    node.number = t->count;
  t->count++;
  if (GST_IS_DISCOVERER_CONTAINER_INFO (info)) {
    const GstTagList *tags = gst_discoverer_container_info_get_tags
        (GST_DISCOVERER_CONTAINER_INFO (info));

    node.container_tags = tags ? gst_tag_list_ref ((GstTagList *) tags) : NULL;
  }
  g_array_append_val (t->nodes, node);

  if (next) {
    topology_add (t, next, depth + 1);
    gst_discoverer_stream_info_unref (next);
  } else if (GST_IS_DISCOVERER_CONTAINER_INFO (info)) {
    streams = gst_discoverer_container_info_get_streams
        (GST_DISCOVERER_CONTAINER_INFO (info));
    for (l = streams; l; l = l->next)
      topology_add (t, l->data, depth + 1);
    gst_discoverer_stream_info_list_free (streams);
  }
}

static void
node_clear (GstCacheToolNode * node)
{
  gst_discoverer_stream_info_unref (node->info);
  if (node->container_tags)
    gst_tag_list_unref (node->container_tags);
}

/* GStreamer 1.22 does not serialise a container's own tags either: in a
 * restored result (@restored) the outermost container gets the tags of
 * the whole input that no other stream carries, which are the
 * container's unless a stream has a tag of the same name */
static void
restore_container_tags (GstDiscovererInfo * info, GArray * nodes)
{
  const GstTagList *global = gst_discoverer_info_get_tags (info);
  GstCacheToolNode *container = NULL;
  GstTagList *tags;
  guint i;
  gint j;

  for (i = 0; i < nodes->len && container == NULL; i++)
    if (GST_IS_DISCOVERER_CONTAINER_INFO (g_array_index (nodes,
                GstCacheToolNode, i).info))
      container = &g_array_index (nodes, GstCacheToolNode, i);
  if (container == NULL || container->container_tags || global == NULL)
    return;
  tags = gst_tag_list_copy (global);
  for (i = 0; i < nodes->len; i++) {
    GstDiscovererStreamInfo *s =
        g_array_index (nodes, GstCacheToolNode, i).info;
    const GstTagList *st =
        GST_IS_DISCOVERER_CONTAINER_INFO (s) ? NULL :
        gst_discoverer_stream_info_get_tags (s);

    for (j = 0; st && j < gst_tag_list_n_tags (st); j++)
      gst_tag_list_remove_tag (tags, gst_tag_list_nth_tag_name (st, j));
  }
  if (gst_tag_list_is_empty (tags))
    gst_tag_list_unref (tags);
  else
    container->container_tags = tags;
}

/* the result's streams in gst-discoverer-1.0's order, depth first (a
 * stream, then what follows it or a container's streams) */
GArray *
gst_cache_tool_topology_new (GstDiscovererInfo * info, gboolean restored)
{
  GstDiscovererStreamInfo *top = gst_discoverer_info_get_stream_info (info);
  Topology t = { g_array_new (FALSE, FALSE, sizeof (GstCacheToolNode)), 0 };

  g_array_set_clear_func (t.nodes, (GDestroyNotify) node_clear);
  if (top) {
    topology_add (&t, top, 0);
    gst_discoverer_stream_info_unref (top);
  }
  if (restored)
    restore_container_tags (info, t.nodes);
  return t.nodes;
}

/* ---- the text of gst-discoverer-1.0 -v, continued ---- */

/* the lines under a stream's first line, at @depth */
static void
format_stream_details (GString * out, const GstCacheToolNode * node,
    guint depth)
{
  GstDiscovererStreamInfo *info = node->info;
  GstCaps *caps = gst_discoverer_stream_info_get_caps (info);
  const gchar *language = NULL;
  gchar *text;

  if (GST_IS_DISCOVERER_CONTAINER_INFO (info)) {
    format_tags_block (out, depth, node->container_tags);
    goto done;
  }
  if (!GST_IS_DISCOVERER_AUDIO_INFO (info) &&
      !GST_IS_DISCOVERER_VIDEO_INFO (info) &&
      !GST_IS_DISCOVERER_SUBTITLE_INFO (info))
    goto done;

  format_tags_block (out, depth, gst_discoverer_stream_info_get_tags (info));
  line (out, depth, "Codec:\n");
  text = caps ? gst_cache_tool_caps_text (caps, TRUE) : NULL;
  line (out, depth + 1, "%s\n", GST_STR_NULL (text));
  g_free (text);
  line (out, depth, "Stream ID: %s\n",
      GST_STR_NULL (gst_discoverer_stream_info_get_stream_id (info)));

  if (GST_IS_DISCOVERER_AUDIO_INFO (info)) {
    GstDiscovererAudioInfo *a = GST_DISCOVERER_AUDIO_INFO (info);
    gchar *layout = channel_layout (a);

    language = gst_discoverer_audio_info_get_language (a);
    line (out, depth, "Language: %s\n", language ? language : "<unknown>");
    line (out, depth, "Channels: %u (%s)\n",
        gst_discoverer_audio_info_get_channels (a), layout);
    line (out, depth, "Sample rate: %u\n",
        gst_discoverer_audio_info_get_sample_rate (a));
    line (out, depth, "Depth: %u\n", gst_discoverer_audio_info_get_depth (a));
    line (out, depth, "Bitrate: %u\n",
        gst_discoverer_audio_info_get_bitrate (a));
    line (out, depth, "Max bitrate: %u\n",
        gst_discoverer_audio_info_get_max_bitrate (a));
    g_free (layout);
  } else if (GST_IS_DISCOVERER_VIDEO_INFO (info)) {
    GstDiscovererVideoInfo *v = GST_DISCOVERER_VIDEO_INFO (info);

    line (out, depth, "Width: %u\n", gst_discoverer_video_info_get_width (v));
    line (out, depth, "Height: %u\n", gst_discoverer_video_info_get_height (v));
    line (out, depth, "Depth: %u\n", gst_discoverer_video_info_get_depth (v));
    line (out, depth, "Frame rate: %u/%u\n",
        gst_discoverer_video_info_get_framerate_num (v),
        gst_discoverer_video_info_get_framerate_denom (v));
    line (out, depth, "Pixel aspect ratio: %u/%u\n",
        gst_discoverer_video_info_get_par_num (v),
        gst_discoverer_video_info_get_par_denom (v));
    line (out, depth, "Interlaced: %s\n",
        gst_discoverer_video_info_is_interlaced (v) ? "true" : "false");
    line (out, depth, "Bitrate: %u\n",
        gst_discoverer_video_info_get_bitrate (v));
    line (out, depth, "Max bitrate: %u\n",
        gst_discoverer_video_info_get_max_bitrate (v));
  } else {
    language = gst_discoverer_subtitle_info_get_language
        (GST_DISCOVERER_SUBTITLE_INFO (info));
    line (out, depth, "Language: %s\n", language ? language : "<unknown>");
  }

done:
  if (caps)
    gst_caps_unref (caps);
}

static void
format_topology (GString * out, GArray * nodes)
{
  guint i;

  for (i = 0; i < nodes->len; i++) {
    GstCacheToolNode *node = &g_array_index (nodes, GstCacheToolNode, i);
    GstCaps *caps = gst_discoverer_stream_info_get_caps (node->info);
    gchar *text = caps ? gst_cache_tool_caps_text (caps, TRUE) : NULL;

    line (out, node->depth + 1, "%s #%d: %s\n",
        gst_discoverer_stream_info_get_stream_type_nick (node->info),
        node->number, GST_STR_NULL (text));
    g_free (text);
    if (caps)
      gst_caps_unref (caps);
    format_stream_details (out, node, node->depth + 2);
  }
}

const gchar *
gst_cache_tool_cache_result_nick (GstCacheResult result)
{
  switch (result) {
    case GST_CACHE_RESULT_HIT:
      return "hit";
    case GST_CACHE_RESULT_MISS:
      return "miss";
    case GST_CACHE_RESULT_BYPASS:
    default:
      return "bypass";
  }
}

void
gst_cache_tool_format_info (GString * out, GstDiscovererInfo * info,
    const GError * error, GstCacheResult result, const gchar * source)
{
  const GstTagList *tags;
  const gchar **details;
  GArray *nodes;
  gchar *duration;
  guint i;

  if (info == NULL) {
    g_string_append_printf (out, "Could not discover URI\n %s\n",
        error ? error->message : "unknown error");
    return;
  }
  g_string_append_printf (out, "Done discovering %s\n",
      gst_discoverer_info_get_uri (info));
  g_string_append_printf (out, "Cache: %s",
      gst_cache_tool_cache_result_nick (result));
  if (result == GST_CACHE_RESULT_HIT && source)
    g_string_append_printf (out, " (%s)", source);
  g_string_append_c (out, '\n');

  switch (gst_discoverer_info_get_result (info)) {
    case GST_DISCOVERER_OK:
      break;
    case GST_DISCOVERER_URI_INVALID:
      g_string_append (out, "URI is not valid\n");
      break;
    case GST_DISCOVERER_ERROR:
      g_string_append_printf (out, "An error was encountered while "
          "discovering the file\n %s\n", error ? error->message : "");
      break;
    case GST_DISCOVERER_TIMEOUT:
      g_string_append (out, "Analyzing URI timed out\n");
      break;
    case GST_DISCOVERER_BUSY:
      g_string_append (out, "Discoverer was busy\n");
      break;
    case GST_DISCOVERER_MISSING_PLUGINS:
      g_string_append (out, "Missing plugins\n");
      details =
          gst_discoverer_info_get_missing_elements_installer_details (info);
      for (i = 0; details && details[i]; i++)
        g_string_append_printf (out, " (%s)\n", details[i]);
      break;
  }

  nodes = gst_cache_tool_topology_new (info, result == GST_CACHE_RESULT_HIT);
  if (nodes->len > 0) {
    duration = g_strdup_printf ("%" GST_TIME_FORMAT,
        GST_TIME_ARGS (gst_discoverer_info_get_duration (info)));
    g_string_append (out, "\nProperties:\n");
    line (out, 1, "Duration: %s\n", duration);
    line (out, 1, "Seekable: %s\n",
        gst_discoverer_info_get_seekable (info) ? "yes" : "no");
    line (out, 1, "Live: %s\n",
        gst_discoverer_info_get_live (info) ? "yes" : "no");
    tags = gst_discoverer_info_get_tags (info);
    if (tags) {
      TagPrint p = { out, 3 };

      line (out, 1, "Tags: \n");
      gst_tag_list_foreach (tags, format_tag, &p);
    }
    format_topology (out, nodes);
    g_free (duration);
  }
  g_array_unref (nodes);
  g_string_append_c (out, '\n');
}

/* ---- the command ---- */

gchar *
gst_cache_tool_input_uri (const gchar * input, GError ** error)
{
  gchar *path, *uri;

  /* a file whose name looks like a URI ("a:b.mp4") is still a file */
  if (gst_uri_is_valid (input) && !g_file_test (input, G_FILE_TEST_EXISTS))
    return g_strdup (input);
  path = g_canonicalize_filename (input, NULL);
  uri = g_filename_to_uri (path, NULL, error);
  g_free (path);
  return uri;
}

/* why an analysis failed, for stderr: GstDiscoverer's message, and what
 * is missing when plugins are */
static gchar *
failure_text (GstDiscovererInfo * info, const GError * error)
{
  GstDiscovererResult result = info ? gst_discoverer_info_get_result (info) :
      GST_DISCOVERER_ERROR;
  const gchar *message = error ? error->message : NULL;
  const gchar **details;
  gchar *list, *text;

  switch (result) {
    case GST_DISCOVERER_URI_INVALID:
      return g_strdup (message ? message : "URI is not valid");
    case GST_DISCOVERER_TIMEOUT:
      return g_strdup (message ? message : "Analyzing URI timed out");
    case GST_DISCOVERER_BUSY:
      return g_strdup (message ? message : "Discoverer was busy");
    case GST_DISCOVERER_MISSING_PLUGINS:
      details =
          gst_discoverer_info_get_missing_elements_installer_details (info);
      if (details == NULL || details[0] == NULL)
        return g_strdup (message ? message : "Missing plugins");
      list = g_strjoinv (", ", (gchar **) details);
      text = g_strdup_printf ("%s (%s)", message ? message :
          "Missing plugins", list);
      g_free (list);
      return text;
    default:
      return g_strdup (message ? message : "unknown error");
  }
}

gint
gst_cache_tool_discover (gchar ** inputs, const gchar * dir,
    GstClockTime timeout, gboolean json, gboolean shortcut)
{
  GstCacheToolShortcut *sc = shortcut ? gst_cache_tool_shortcut_new (dir) :
      NULL;
  GstCacheDiscoverer *dc;
  GError *err = NULL;
  GString *out;
  gint status = 0;
  guint i;

  /* every input a local hit: without loading the registry */
  if (sc && (status = gst_cache_tool_shortcut_run (sc, inputs, dir, timeout,
              json)) >= 0) {
    gst_cache_tool_shortcut_free (sc);
    return status;
  }
  status = 0;

  gst_init (NULL, NULL);
  gst_pb_utils_init ();
  /* the registry as gst_init() read it, for the next run: now, before an
   * analysis that may take long while the registry changes */
  if (sc)
    gst_cache_tool_shortcut_learn (sc);
  dc = gst_cache_discoverer_new (timeout, &err);
  if (dc == NULL) {
    fprintf (stderr, "gst-cache: %s\n", err->message);
    g_error_free (err);
    gst_cache_tool_shortcut_free (sc);
    return 2;
  }
  out = g_string_new (NULL);
  if (dir)
    g_object_set (dc, "cache-dir", dir, NULL);

  for (i = 0; inputs[i]; i++) {
    GstDiscovererInfo *info = NULL;
    GstCacheResult result = GST_CACHE_RESULT_BYPASS;
    const gchar *source = NULL;
    gchar *uri = gst_cache_tool_input_uri (inputs[i], &err);

    g_string_truncate (out, 0);
    if (uri && !json) {
      printf ("Analyzing %s\n", uri);
      fflush (stdout);
    }
    if (uri)
      info = gst_cache_discoverer_discover_uri (dc, uri, &err);
    if (info) {
      result = gst_cache_discoverer_info_get_result (info);
      source = gst_cache_discoverer_info_get_source (info);
    }
    if (json) {
      gst_cache_tool_format_json (out, inputs[i], uri, info, err, result,
          source);
      g_string_append_c (out, '\n');
    } else if (uri) {
      gst_cache_tool_format_info (out, info, err, result, source);
    }
    fwrite (out->str, 1, out->len, stdout);
    fflush (stdout);

    if (info == NULL ||
        gst_discoverer_info_get_result (info) != GST_DISCOVERER_OK) {
      gchar *why = failure_text (info, err);

      fprintf (stderr, "gst-cache: %s: %s\n", uri ? uri : inputs[i], why);
      g_free (why);
      status = 1;
    }
    g_clear_error (&err);
    if (info)
      gst_discoverer_info_unref (info);
    g_free (uri);
  }
  g_string_free (out, TRUE);
  g_object_unref (dc);
  gst_cache_tool_shortcut_free (sc);
  return status;
}
