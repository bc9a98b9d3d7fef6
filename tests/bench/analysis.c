/* gst-reuse: benchmark: media analysis per call, GstDiscoverer against
 * GstCacheDiscoverer
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

/* Usage: gst-reuse-bench-analysis --mode=MODE [--cache-dir=DIR]
 *            [--min-calls=N] [--min-seconds=S] FILE
 *
 * Analyses FILE again and again in this one process, as a service that
 * probes every job's input does:
 *
 *   plain          gst_discoverer_discover_uri(), use-cache=FALSE, one
 *                  GstDiscoverer for every call
 *   use-cache      the same with use-cache=TRUE (its cache under
 *                  $XDG_CACHE_HOME)
 *   cache-hit      gst_cache_discoverer_discover_uri() on cache-dir DIR,
 *                  one GstCacheDiscoverer for every call (which keeps what
 *                  it served while the input and the entry files are
 *                  unchanged); every timed call must be a hit
 *   cache-hit-new  the same with a new GstCacheDiscoverer for each call
 *                  (made, used and freed in the timed part): a hit from
 *                  the store
 *
 * One call first, not timed (it fills the caches when they are empty),
 * then at least N timed calls (default 5) and as many more as take S
 * seconds (default 1.0) in all. Only the calls themselves are timed; after
 * each one, outside the timed part, its result is checked against the
 * first call's: the same duration, the same streams with the same caps.
 * Prints key=value lines: calls, seconds (the timed calls' total),
 * duration, streams (e.g. video:1920x1080@30/1,audio:48000x2) and caps (a
 * SHA-1 of every stream's caps). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachediscoverer.h"

#include <stdio.h>
#include <string.h>

static gchar *mode, *cache_dir;
static gint min_calls = 5;
static gdouble min_seconds = 1.0;

static GOptionEntry options[] = {
  {"mode", 0, 0, G_OPTION_ARG_STRING, &mode,
      "plain, use-cache, cache-hit or cache-hit-new", "MODE"},
  {"cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir,
      "the cache directory of cache-hit", "DIR"},
  {"min-calls", 0, 0, G_OPTION_ARG_INT, &min_calls, "timed calls, at least",
      "N"},
  {"min-seconds", 0, 0, G_OPTION_ARG_DOUBLE, &min_seconds,
      "time the calls take, at least", "S"},
  {NULL}
};

typedef struct
{
  GstClockTime duration;
  gchar *streams;
  gchar *caps;
} Summary;

static void
summarise (GstDiscovererInfo * info, Summary * s)
{
  GList *list = gst_discoverer_info_get_stream_list (info), *l;
  GString *streams = g_string_new (NULL);
  GChecksum *cs = g_checksum_new (G_CHECKSUM_SHA1);

  s->duration = gst_discoverer_info_get_duration (info);
  for (l = list; l; l = l->next) {
    GstDiscovererStreamInfo *si = l->data;
    GstCaps *caps = gst_discoverer_stream_info_get_caps (si);
    gchar *str = caps ? gst_caps_to_string (caps) : g_strdup ("(none)");

    if (streams->len)
      g_string_append_c (streams, ',');
    if (GST_IS_DISCOVERER_VIDEO_INFO (si)) {
      GstDiscovererVideoInfo *v = GST_DISCOVERER_VIDEO_INFO (si);

      g_string_append_printf (streams, "video:%ux%u@%u/%u",
          gst_discoverer_video_info_get_width (v),
          gst_discoverer_video_info_get_height (v),
          gst_discoverer_video_info_get_framerate_num (v),
          gst_discoverer_video_info_get_framerate_denom (v));
    } else if (GST_IS_DISCOVERER_AUDIO_INFO (si)) {
      GstDiscovererAudioInfo *a = GST_DISCOVERER_AUDIO_INFO (si);

      g_string_append_printf (streams, "audio:%ux%u",
          gst_discoverer_audio_info_get_sample_rate (a),
          gst_discoverer_audio_info_get_channels (a));
    } else {
      g_string_append (streams, gst_discoverer_stream_info_get_stream_type_nick
          (si));
    }
    g_checksum_update (cs, (const guchar *) str, strlen (str) + 1);
    g_free (str);
    if (caps)
      gst_caps_unref (caps);
  }
  gst_discoverer_stream_info_list_free (list);
  s->streams = g_string_free (streams, FALSE);
  s->caps = g_strdup (g_checksum_get_string (cs));
  g_checksum_free (cs);
}

static void
summary_clear (Summary * s)
{
  g_free (s->streams);
  g_free (s->caps);
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new ("FILE");
  GError *err = NULL;
  GstDiscoverer *dc = NULL;
  GstCacheDiscoverer *cdc = NULL;
  GstDiscovererInfo *info;
  Summary first = { 0, }, now = { 0, };
  gchar *uri;
  gint64 t0, total = 0;
  guint calls = 0;
  gboolean hits, new_each;

  g_option_context_add_main_entries (ctx, options, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err) || argc != 2 ||
      mode == NULL || (strcmp (mode, "plain") && strcmp (mode, "use-cache")
          && strcmp (mode, "cache-hit") && strcmp (mode, "cache-hit-new"))
      || (g_str_has_prefix (mode, "cache-hit") && cache_dir == NULL)) {
    fprintf (stderr, "usage: %s --mode=plain|use-cache|cache-hit|"
        "cache-hit-new [--cache-dir=DIR] [--min-calls=N] [--min-seconds=S] "
        "FILE\n", argv[0]);
    return 2;
  }
  g_option_context_free (ctx);
  hits = g_str_has_prefix (mode, "cache-hit");
  new_each = !strcmp (mode, "cache-hit-new");

  uri = gst_filename_to_uri (argv[1], &err);
  if (uri == NULL)
    goto failed;
  if (hits) {
    cdc = gst_cache_discoverer_new (10 * GST_SECOND, &err);
    if (cdc == NULL)
      goto failed;
    g_object_set (cdc, "cache-dir", cache_dir, NULL);
  } else {
    dc = gst_discoverer_new (10 * GST_SECOND, &err);
    if (dc == NULL)
      goto failed;
    g_object_set (dc, "use-cache", !strcmp (mode, "use-cache"), NULL);
  }

  /* the first call, not timed */
  info = hits ? gst_cache_discoverer_discover_uri (cdc, uri, &err) :
      gst_discoverer_discover_uri (dc, uri, &err);
  if (info == NULL || err != NULL)
    goto failed;
  summarise (info, &first);
  gst_discoverer_info_unref (info);

  while (calls < (guint) min_calls || total < min_seconds * G_USEC_PER_SEC) {
    t0 = g_get_monotonic_time ();
    if (new_each) {
      g_object_unref (cdc);
      cdc = gst_cache_discoverer_new (10 * GST_SECOND, &err);
      if (cdc == NULL)
        goto failed;
      g_object_set (cdc, "cache-dir", cache_dir, NULL);
    }
    info = hits ? gst_cache_discoverer_discover_uri (cdc, uri, &err) :
        gst_discoverer_discover_uri (dc, uri, &err);
    total += g_get_monotonic_time () - t0;
    calls++;
    if (info == NULL || err != NULL)
      goto failed;
    if (gst_discoverer_info_get_result (info) != GST_DISCOVERER_OK) {
      fprintf (stderr, "call %u: result %d\n", calls,
          gst_discoverer_info_get_result (info));
      return 1;
    }
    if (hits && gst_cache_discoverer_info_get_result (info) !=
        GST_CACHE_RESULT_HIT) {
      fprintf (stderr, "call %u: not a cache hit (%d)\n", calls,
          gst_cache_discoverer_info_get_result (info));
      return 1;
    }
    summarise (info, &now);
    gst_discoverer_info_unref (info);
    if (now.duration != first.duration || strcmp (now.streams, first.streams)
        || strcmp (now.caps, first.caps)) {
      fprintf (stderr, "call %u: %" GST_TIME_FORMAT " %s %s, first call %"
          GST_TIME_FORMAT " %s %s\n", calls, GST_TIME_ARGS (now.duration),
          now.streams, now.caps, GST_TIME_ARGS (first.duration),
          first.streams, first.caps);
      return 1;
    }
    summary_clear (&now);
  }

  printf ("calls=%u\nseconds=%.6f\nduration=%" G_GUINT64_FORMAT
      "\nstreams=%s\ncaps=%s\n", calls, total / 1e6, first.duration,
      first.streams, first.caps);
  summary_clear (&first);
  g_clear_object (&dc);
  g_clear_object (&cdc);
  g_free (uri);
  g_free (mode);
  g_free (cache_dir);
  return 0;

failed:
  fprintf (stderr, "%s: %s\n", argv[1], err ? err->message : "no result");
  return 1;
}
