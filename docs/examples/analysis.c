/* gst-reuse: analyse a media file through the cache (GstCacheDiscoverer)
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

/* Analyses FILE (or a URI) twice with the synchronous call, as
 * gst_discoverer_discover_uri() would, and prints what each run found and
 * how the cache served it: the first run of a file never seen before is a
 * miss (GstDiscoverer runs and the result is stored), the second a hit
 * (the stored result, no demuxer or decoder loaded).
 *
 *   cc analysis.c -o analysis $(pkg-config --cflags --libs gstreamer-cache-1.0)
 *   ./analysis movie.mp4 [CACHE_DIR]
 */

#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <gst/cache/cache.h>

static void
print_streams (GstDiscovererInfo * info)
{
  GList *streams, *l;

  streams = gst_discoverer_info_get_video_streams (info);
  for (l = streams; l; l = l->next) {
    GstDiscovererVideoInfo *v = l->data;
    GstCaps *caps = gst_discoverer_stream_info_get_caps (l->data);

    g_print ("  video: %s, %ux%u, %u/%u fps\n",
        gst_structure_get_name (gst_caps_get_structure (caps, 0)),
        gst_discoverer_video_info_get_width (v),
        gst_discoverer_video_info_get_height (v),
        gst_discoverer_video_info_get_framerate_num (v),
        gst_discoverer_video_info_get_framerate_denom (v));
    gst_caps_unref (caps);
  }
  gst_discoverer_stream_info_list_free (streams);

  streams = gst_discoverer_info_get_audio_streams (info);
  for (l = streams; l; l = l->next) {
    GstDiscovererAudioInfo *a = l->data;
    GstCaps *caps = gst_discoverer_stream_info_get_caps (l->data);

    g_print ("  audio: %s, %u Hz, %u channels\n",
        gst_structure_get_name (gst_caps_get_structure (caps, 0)),
        gst_discoverer_audio_info_get_sample_rate (a),
        gst_discoverer_audio_info_get_channels (a));
    gst_caps_unref (caps);
  }
  gst_discoverer_stream_info_list_free (streams);
}

int
main (int argc, char **argv)
{
  GstCacheDiscoverer *dc;
  GError *err = NULL;
  gchar *uri;
  gint run, status = 0;

  gst_init (&argc, &argv);
  if (argc < 2 || argc > 3) {
    g_printerr ("usage: %s FILE|URI [CACHE_DIR]\n", argv[0]);
    return 2;
  }
  if (gst_uri_is_valid (argv[1]))
    uri = g_strdup (argv[1]);
  else
    uri = gst_filename_to_uri (argv[1], &err);
  if (uri == NULL) {
    g_printerr ("%s\n", err->message);
    g_error_free (err);
    return 1;
  }

  /* like gst_discoverer_new (): the time one analysis may take */
  dc = gst_cache_discoverer_new (10 * GST_SECOND, &err);
  if (dc == NULL) {
    g_printerr ("%s\n", err->message);
    g_error_free (err);
    g_free (uri);
    return 1;
  }
  /* NULL (the default): the cache directory that cachebin and gst-cache
   * use by default */
  if (argc == 3)
    g_object_set (dc, "cache-dir", argv[2], NULL);

  for (run = 1; run <= 2 && status == 0; run++) {
    GstDiscovererInfo *info = gst_cache_discoverer_discover_uri (dc, uri,
        &err);
    GstCacheResult result;

    /* the same result and error as gst_discoverer_discover_uri () */
    if (info == NULL ||
        gst_discoverer_info_get_result (info) != GST_DISCOVERER_OK) {
      g_printerr ("%s: %s\n", uri, err ? err->message : "not analysed");
      g_clear_error (&err);
      if (info)
        gst_discoverer_info_unref (info);
      status = 1;
      break;
    }

    result = gst_cache_discoverer_info_get_result (info);
    g_print ("run %d: %s%s%s%s, %" GST_TIME_FORMAT ", %s\n", run,
        result == GST_CACHE_RESULT_HIT ? "hit" :
        result == GST_CACHE_RESULT_MISS ? "miss" : "bypass",
        result == GST_CACHE_RESULT_HIT ? " (" : "",
        result == GST_CACHE_RESULT_HIT ?
        gst_cache_discoverer_info_get_source (info) : "",
        result == GST_CACHE_RESULT_HIT ? ")" : "",
        GST_TIME_ARGS (gst_discoverer_info_get_duration (info)),
        gst_discoverer_info_get_seekable (info) ? "seekable" : "not seekable");
    print_streams (info);
    gst_discoverer_info_unref (info);
  }

  g_object_unref (dc);
  g_free (uri);
  return status;
}
