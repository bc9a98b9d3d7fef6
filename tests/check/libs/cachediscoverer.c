/* gst-reuse: unit tests of GstCacheDiscoverer (media analysis from the
 * cache)
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

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "cache.h"
#include "reusetest.h"

/* an MP4 with H.264 video and AAC audio, one second */
#define MP4_LAUNCH "videotestsrc num-buffers=30 ! " \
  "video/x-raw,width=320,height=240,framerate=30/1 ! " \
  "x264enc speed-preset=ultrafast ! queue ! mp4mux name=m ! " \
  "filesink location=\"@PATH@\" audiotestsrc num-buffers=20 ! avenc_aac ! " \
  "queue ! m."
/* two WAV files of the same size: 20000 bytes of samples, mono at 44.1 kHz
 * and stereo at 22.05 kHz */
#define WAV_MONO_LAUNCH "audiotestsrc num-buffers=10 samplesperbuffer=1000 ! " \
  "audio/x-raw,format=S16LE,channels=1,rate=44100 ! wavenc ! " \
  "filesink location=\"@PATH@\""
#define WAV_STEREO_LAUNCH "audiotestsrc num-buffers=10 " \
  "samplesperbuffer=500 wave=square ! " \
  "audio/x-raw,format=S16LE,channels=2,rate=22050 ! wavenc ! " \
  "filesink location=\"@PATH@\""

static gchar *tmp_dir;
static gchar *cache_dir;

static void
setup (void)
{
  tmp_dir = g_dir_make_tmp ("cachediscoverer-XXXXXX", NULL);
  fail_unless (tmp_dir != NULL);
  cache_dir = g_build_filename (tmp_dir, "cache", NULL);
}

static void
teardown (void)
{
  reuse_test_remove_tree (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
  g_clear_pointer (&cache_dir, g_free);
}

/* runs a launch line (with the path for @PATH@) to its end */
static gchar *
make_media (const gchar * name, const gchar * launch)
{
  gchar *path = g_build_filename (tmp_dir, name, NULL);
  gchar **parts = g_strsplit (launch, "@PATH@", -1);
  gchar *line = g_strjoinv (path, parts);
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (line, &err);
  GstMessage *msg;
  GstBus *bus;

  fail_unless (pipeline != NULL, "%s: %s", line, err ? err->message : "?");
  fail_unless (err == NULL, "%s: %s", line, err ? err->message : "");
  bus = gst_element_get_bus (pipeline);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PLAYING),
      GST_STATE_CHANGE_ASYNC);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_strfreev (parts);
  g_free (line);
  return path;
}

static gchar *
uri_of (const gchar * path)
{
  gchar *uri = g_filename_to_uri (path, NULL, NULL);

  fail_unless (uri != NULL);
  return uri;
}

static GstCacheDiscoverer *
new_discoverer (void)
{
  GError *err = NULL;
  GstCacheDiscoverer *dc = gst_cache_discoverer_new (10 * GST_SECOND, &err);

  fail_unless (dc != NULL, "%s", err ? err->message : "?");
  g_object_set (dc, "cache-dir", cache_dir, "remote-storage", "", NULL);
  return dc;
}

static GstDiscovererInfo *
discover (GstCacheDiscoverer * dc, const gchar * uri, GstCacheResult result)
{
  GError *err = NULL;
  GstDiscovererInfo *info = gst_cache_discoverer_discover_uri (dc, uri, &err);

  fail_unless (info != NULL);
  fail_unless (err == NULL, "%s: %s", uri, err ? err->message : "");
  fail_unless_equals_int (gst_discoverer_info_get_result (info),
      GST_DISCOVERER_OK);
  fail_unless_equals_int (gst_cache_discoverer_info_get_result (info), result);
  fail_unless_equals_string (gst_discoverer_info_get_uri (info), uri);
  return info;
}

static GstDiscovererInfo *
discover_plain (const gchar * uri, gboolean use_cache, GError ** err)
{
  GstDiscoverer *dc = gst_discoverer_new (10 * GST_SECOND, NULL);
  GstDiscovererInfo *info;

  fail_unless (dc != NULL);
  g_object_set (dc, "use-cache", use_cache, NULL);
  info = gst_discoverer_discover_uri (dc, uri, err);
  gst_object_unref (dc);
  fail_unless (info != NULL);
  return info;
}

/* the counters of the cache directory: pairs of name and value, NULL */
static void
assert_counters (const gchar * name, guint64 value, ...)
{
  GstCacheStore *store = gst_cache_store_open (cache_dir, NULL);
  va_list ap;

  fail_unless (store != NULL);
  va_start (ap, value);
  while (name) {
    guint64 now = gst_cache_store_counter (store, name);

    fail_unless (now == value, "counter %s: %" G_GUINT64_FORMAT
        ", expected %" G_GUINT64_FORMAT, name, now, value);
    name = va_arg (ap, const gchar *);
    if (name)
      value = va_arg (ap, guint64);
  }
  va_end (ap);
  gst_cache_store_free (store);
}

static guint64
stored_entries (void)
{
  GstCacheStore *store = gst_cache_store_open (cache_dir, NULL);
  guint64 bytes, entries = 0;

  fail_unless (store != NULL);
  fail_unless (gst_cache_store_totals (store, &bytes, &entries, NULL));
  gst_cache_store_free (store);
  return entries;
}

/* gst_discoverer_info_to_variant() without the URI and the global tags */
static GVariant *
without_uri (GstDiscovererInfo * info)
{
  GVariant *v = g_variant_ref_sink (gst_discoverer_info_to_variant (info,
          GST_DISCOVERER_SERIALIZE_ALL));
  GVariant *outer = g_variant_get_variant (v);
  GVariant *info_boxed = g_variant_get_child_value (outer, 0);
  GVariant *top = g_variant_get_variant (info_boxed);
  GVariant *streams = g_variant_get_child_value (outer, 1);
  GVariant *res;
  gboolean seekable, live;
  gchar *tags = NULL;
  guint64 duration;

  g_variant_get (top, "(mstbmsb)", NULL, &duration, &seekable, &tags, &live);
  res = g_variant_ref_sink (g_variant_new ("(tbb@v)", duration, seekable,
          live, streams));
  g_free (tags);
  g_variant_unref (streams);
  g_variant_unref (top);
  g_variant_unref (info_boxed);
  g_variant_unref (outer);
  g_variant_unref (v);
  return res;
}

/* @a and @b as GstDiscoverer made them. @same_analysis: @b is @a restored,
 * the global tags too must be equal; otherwise they come from two analyses,
 * and GstDiscoverer's global tags hold the first value that came of each
 * tag (the bitrate of the video or of the audio stream, whichever came
 * first): they are not compared */
static void
assert_same_result (GstDiscovererInfo * a, GstDiscovererInfo * b,
    gboolean same_analysis)
{
  GVariant *va = without_uri (a), *vb = without_uri (b);
  const GstTagList *ta = gst_discoverer_info_get_tags (a);
  const GstTagList *tb = gst_discoverer_info_get_tags (b);

  fail_unless ((ta == NULL) == (tb == NULL));
  if (same_analysis && ta && !gst_tag_list_is_equal (ta, tb)) {
    gchar *sa = gst_tag_list_to_string (ta), *sb = gst_tag_list_to_string (tb);

    fail ("tags differ:\n%s\n%s", sa, sb);
    g_free (sa);
    g_free (sb);
  }

  if (!g_variant_equal (va, vb)) {
    gchar *ta = g_variant_print (va, FALSE), *tb = g_variant_print (vb, FALSE);

    fail ("results differ:\n%s\n%s", ta, tb);
    g_free (ta);
    g_free (tb);
  }
  g_variant_unref (va);
  g_variant_unref (vb);
}

static guint
audio_channels (GstDiscovererInfo * info)
{
  GList *audio = gst_discoverer_info_get_audio_streams (info);
  guint channels;

  fail_unless_equals_int (g_list_length (audio), 1);
  channels = gst_discoverer_audio_info_get_channels (audio->data);
  gst_discoverer_stream_info_list_free (audio);
  return channels;
}

static gchar *
copy_file (const gchar * from, const gchar * name)
{
  gchar *to = g_build_filename (tmp_dir, name, NULL);
  gchar *data;
  gsize size;

  fail_unless (g_file_get_contents (from, &data, &size, NULL));
  fail_unless (g_file_set_contents (to, data, size, NULL));
  g_free (data);
  return to;
}

/* the plugins that a hit must not load */
static const gchar *const analysis_plugins[] = {
  "isomp4", "libav", "videoparsersbad", "audioparsers", "typefindfunctions",
  "playback", "x264", NULL
};

static gboolean
any_loaded (const gchar * const *names, const gchar ** which)
{
  guint i;

  for (i = 0; names[i]; i++) {
    GstPlugin *p = gst_registry_find_plugin (gst_registry_get (), names[i]);
    gboolean loaded = p && gst_plugin_is_loaded (p);

    if (p)
      gst_object_unref (p);
    if (loaded) {
      *which = names[i];
      return TRUE;
    }
  }
  return FALSE;
}

/* A hit loads no demuxer, parser, decoder or typefinder. The media and the
 * miss are made in a child process, so that this process has loaded none
 * of them (this test runs first, for CK_FORK=no). */
GST_START_TEST (test_hit_loads_no_decoder)
{
  GstCacheDiscoverer *dc;
  GstDiscovererInfo *info;
  const gchar *which = NULL;
  gchar *path = g_build_filename (tmp_dir, "a.mp4", NULL);
  gchar *uri = uri_of (path);
  gint status;
  pid_t pid;

  fail_if (any_loaded (analysis_plugins, &which), "%s already loaded", which);
  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    gchar *made = make_media ("a.mp4", MP4_LAUNCH);

    dc = new_discoverer ();
    info = discover (dc, uri, GST_CACHE_RESULT_MISS);
    /* the check below sees what an analysis loads */
    _exit (any_loaded (analysis_plugins, &which) &&
        !strcmp (made, path) ? 0 : 1);
  }
  fail_unless_equals_int (waitpid (pid, &status, 0), pid);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0);

  dc = new_discoverer ();
  info = discover (dc, uri, GST_CACHE_RESULT_HIT);
  fail_unless_equals_string (gst_cache_discoverer_info_get_source (info),
      "local");
  fail_if (any_loaded (analysis_plugins, &which), "a hit loaded %s", which);
  fail_unless_equals_uint64 (gst_discoverer_info_get_duration (info),
      GST_SECOND);

  g_object_unref (info);
  g_object_unref (dc);
  g_free (uri);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_miss_then_hit)
{
  gchar *path = make_media ("a.mp4", MP4_LAUNCH);
  gchar *uri = uri_of (path);
  GstCacheDiscoverer *dc = new_discoverer ();
  GstDiscovererInfo *plain, *miss, *hit;
  GList *video, *streams;

  plain = discover_plain (uri, FALSE, NULL);
  miss = discover (dc, uri, GST_CACHE_RESULT_MISS);
  fail_unless (gst_cache_discoverer_info_get_source (miss) == NULL);
  fail_unless (gst_cache_discoverer_info_get_key (miss) != NULL);
  assert_counters ("analysis-miss", 1, "analysis-stored", 1,
      "analysis-hit", 0, "analysis-unstorable", 0, "analysis-bypass", 0, NULL);
  fail_unless_equals_int (stored_entries (), 1);

  hit = discover (dc, uri, GST_CACHE_RESULT_HIT);
  fail_unless_equals_string (gst_cache_discoverer_info_get_source (hit),
      "local");
  fail_unless_equals_string (gst_cache_discoverer_info_get_key (hit),
      gst_cache_discoverer_info_get_key (miss));
  assert_counters ("analysis-miss", 1, "analysis-stored", 1,
      "analysis-hit", 1, "analysis-hit-remote", 0, NULL);

  /* the same as GstDiscoverer's own result, field by field */
  assert_same_result (plain, miss, FALSE);
  assert_same_result (miss, hit, TRUE);
  fail_unless_equals_uint64 (gst_discoverer_info_get_duration (hit),
      GST_SECOND);
  fail_unless (gst_discoverer_info_get_seekable (hit));
  video = gst_discoverer_info_get_video_streams (hit);
  fail_unless_equals_int (g_list_length (video), 1);
  fail_unless_equals_int (gst_discoverer_video_info_get_width (video->data),
      320);
  gst_discoverer_stream_info_list_free (video);
  streams = gst_discoverer_info_get_stream_list (hit);
  fail_unless_equals_int (g_list_length (streams), 2);
  gst_discoverer_stream_info_list_free (streams);

  g_object_unref (plain);
  g_object_unref (miss);
  g_object_unref (hit);
  g_object_unref (dc);
  g_free (uri);
  g_free (path);
}

GST_END_TEST;

/* a copy under another path is a hit that reports its own URI */
GST_START_TEST (test_copy_is_hit)
{
  gchar *path = make_media ("a.mp4", MP4_LAUNCH);
  gchar *copy = copy_file (path, "copy of a.mp4");
  gchar *uri = uri_of (path), *copy_uri = uri_of (copy);
  GstCacheDiscoverer *dc = new_discoverer ();
  GstDiscovererInfo *miss, *hit, *plain;

  miss = discover (dc, uri, GST_CACHE_RESULT_MISS);
  hit = discover (dc, copy_uri, GST_CACHE_RESULT_HIT);
  fail_unless_equals_string (gst_discoverer_info_get_uri (hit), copy_uri);
  assert_counters ("analysis-miss", 1, "analysis-hit", 1, NULL);
  /* what GstDiscoverer says of the copy, stream ids (made from the URI)
   * included; the global tags of the analysis that was stored */
  plain = discover_plain (copy_uri, FALSE, NULL);
  assert_same_result (plain, hit, FALSE);
  fail_unless (gst_tag_list_is_equal (gst_discoverer_info_get_tags (miss),
          gst_discoverer_info_get_tags (hit)));
  g_object_unref (plain);

  g_object_unref (miss);
  g_object_unref (hit);
  g_object_unref (dc);
  g_free (uri);
  g_free (copy_uri);
  g_free (copy);
  g_free (path);
}

GST_END_TEST;

/* A file rewritten in place with other content of the same size, its
 * modification time set back: a new analysis, where GstDiscoverer's
 * use-cache (path, size, mtime in seconds) returns the stale result. The
 * file is older than the stat manifest's 2 s when it is first analysed, so
 * that the manifest is trusted and the rewrite must be caught by it. */
GST_START_TEST (test_rewrite_same_size_and_mtime)
{
  gchar *path = make_media ("in.wav", WAV_MONO_LAUNCH);
  gchar *other = make_media ("other.wav", WAV_STEREO_LAUNCH);
  gchar *uri = uri_of (path);
  GstCacheDiscoverer *dc = new_discoverer ();
  GstDiscovererInfo *info, *stale;
  struct utimbuf times;
  struct stat st_before, st_after;
  gchar *data;
  gsize size;
  gint fd;

  fail_unless_equals_int (g_stat (path, &st_before), 0);
  fail_unless_equals_int (g_stat (other, &st_after), 0);
  fail_unless_equals_int (st_before.st_size, st_after.st_size);
  times.actime = times.modtime = time (NULL) - 100;
  fail_unless_equals_int (utime (path, &times), 0);
  g_usleep (2100 * G_TIME_SPAN_MILLISECOND);

  info = discover (dc, uri, GST_CACHE_RESULT_MISS);
  fail_unless_equals_int (audio_channels (info), 1);
  g_object_unref (info);
  info = discover (dc, uri, GST_CACHE_RESULT_HIT);
  g_object_unref (info);
  info = discover_plain (uri, TRUE, NULL);
  fail_unless_equals_int (audio_channels (info), 1);
  g_object_unref (info);

  /* in place: same inode, same size, the old mtime */
  fail_unless (g_file_get_contents (other, &data, &size, NULL));
  fd = g_open (path, O_WRONLY, 0);
  fail_unless (fd >= 0);
  fail_unless_equals_int (write (fd, data, size), size);
  close (fd);
  g_free (data);
  fail_unless_equals_int (utime (path, &times), 0);
  fail_unless_equals_int (g_stat (path, &st_after), 0);
  fail_unless_equals_int (st_after.st_size, st_before.st_size);
  fail_unless_equals_int (st_after.st_ino, st_before.st_ino);
  fail_unless_equals_int (st_after.st_mtime, times.modtime);

  stale = discover_plain (uri, TRUE, NULL);
  fail_unless_equals_int (audio_channels (stale), 1);
  info = discover (dc, uri, GST_CACHE_RESULT_MISS);
  fail_unless_equals_int (audio_channels (info), 2);
  assert_counters ("analysis-miss", 2, "analysis-stored", 2,
      "analysis-hit", 1, NULL);

  g_object_unref (stale);
  g_object_unref (info);
  g_object_unref (dc);
  g_free (uri);
  g_free (other);
  g_free (path);
}

GST_END_TEST;

/* a watch of the opens of @path; -1 if inotify is not available */
static gint
watch_opens (const gchar * path)
{
  gint fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);

  if (fd >= 0 && inotify_add_watch (fd, path, IN_OPEN) < 0) {
    close (fd);
    fd = -1;
  }
  return fd;
}

/* the opens seen by the watch since the last call */
static guint
opens_seen (gint fd)
{
  gchar buf[4096] __attribute__((aligned (8)));
  guint n = 0;
  gssize r;

  while ((r = read (fd, buf, sizeof (buf))) > 0) {
    gssize off = 0;

    while (off < r) {
      const struct inotify_event *ev = (const struct inotify_event *)
          (buf + off);

      if (ev->mask & IN_OPEN)
        n++;
      off += sizeof (struct inotify_event) + ev->len;
    }
  }
  return n;
}

static gchar *
entry_of (GstDiscovererInfo * info)
{
  const gchar *key = gst_cache_discoverer_info_get_key (info);
  gchar *name = g_strconcat (key, ".gstcache", NULL);
  gchar *shard = g_strndup (key, 2);
  gchar *entry = g_build_filename (cache_dir, "entries", shard, name, NULL);

  g_free (name);
  g_free (shard);
  return entry;
}

/* hits after the first are served from memory (the input's key while a
 * stat shows the same file, the checked result while its entry file is the
 * same) and are the same result, counted and recorded as any hit; an entry
 * damaged in place (its mtime set back) or removed is never served from
 * memory */
GST_START_TEST (test_repeated_hits)
{
  gchar *path = make_media ("a.mp4", MP4_LAUNCH);
  gchar *uri = uri_of (path);
  GstCacheDiscoverer *dc;
  GstDiscovererInfo *miss, *hit, *again;
  struct utimbuf times;
  struct timespec ts[2];
  struct stat st;
  gint i, fd, watch;
  gchar *entry;
  guint8 byte;

  /* a file whose times are old enough for its stat manifest */
  times.actime = times.modtime = time (NULL) - 100;
  fail_unless_equals_int (utime (path, &times), 0);
  g_usleep (2100 * G_TIME_SPAN_MILLISECOND);

  dc = new_discoverer ();
  miss = discover (dc, uri, GST_CACHE_RESULT_MISS);
  entry = entry_of (miss);
  hit = discover (dc, uri, GST_CACHE_RESULT_HIT);
  assert_same_result (miss, hit, TRUE);
  /* served without opening the entry file again */
  watch = watch_opens (entry);
  fail_unless (watch >= 0, "inotify: %s", g_strerror (errno));
  for (i = 0; i < 3; i++) {
    again = discover (dc, uri, GST_CACHE_RESULT_HIT);
    fail_unless_equals_string (gst_cache_discoverer_info_get_source (again),
        "local");
    fail_unless_equals_string (gst_cache_discoverer_info_get_key (again),
        gst_cache_discoverer_info_get_key (miss));
    assert_same_result (hit, again, TRUE);
    g_object_unref (again);
  }
  fail_unless_equals_int (opens_seen (watch), 0);
  assert_counters ("analysis-miss", 1, "analysis-stored", 1,
      "analysis-hit", 4, NULL);

  /* damaged in place with its mtime set back: the change time tells */
  fail_unless_equals_int (g_stat (entry, &st), 0);
  fd = g_open (entry, O_RDWR, 0);
  fail_unless (fd >= 0, "no entry %s", entry);
  fail_unless_equals_int (pread (fd, &byte, 1, 16), 1);
  byte ^= 0x20;
  fail_unless_equals_int (pwrite (fd, &byte, 1, 16), 1);
  close (fd);
  ts[0] = st.st_atim;
  ts[1] = st.st_mtim;
  fail_unless_equals_int (utimensat (AT_FDCWD, entry, ts, 0), 0);
  close (watch);
  again = discover (dc, uri, GST_CACHE_RESULT_MISS);
  assert_same_result (miss, again, FALSE);
  g_object_unref (again);
  assert_counters ("damaged", 1, "analysis-miss", 2, "analysis-stored", 2,
      "analysis-hit", 4, NULL);

  /* served from memory again (the new entry file read once), until the
   * entry is removed */
  again = discover (dc, uri, GST_CACHE_RESULT_HIT);
  g_object_unref (again);
  watch = watch_opens (entry);
  fail_unless (watch >= 0);
  again = discover (dc, uri, GST_CACHE_RESULT_HIT);
  g_object_unref (again);
  fail_unless_equals_int (opens_seen (watch), 0);
  close (watch);
  fail_unless_equals_int (g_unlink (entry), 0);
  again = discover (dc, uri, GST_CACHE_RESULT_MISS);
  g_object_unref (again);
  assert_counters ("damaged", 1, "analysis-miss", 3, "analysis-stored", 3,
      "analysis-hit", 6, NULL);

  g_object_unref (miss);
  g_object_unref (hit);
  g_object_unref (dc);
  g_free (entry);
  g_free (uri);
  g_free (path);
}

GST_END_TEST;

/* what GstDiscoverer says of an input that cannot be analysed, said the
 * same way, and nothing stored */
static void
assert_same_failure (GstCacheDiscoverer * dc, const gchar * uri,
    GstCacheResult result)
{
  GError *err = NULL, *plain_err = NULL;
  GstDiscovererInfo *plain = discover_plain (uri, FALSE, &plain_err);
  GstDiscovererInfo *info = gst_cache_discoverer_discover_uri (dc, uri, &err);

  fail_unless (info != NULL);
  fail_unless (plain_err != NULL, "plain result %d",
      gst_discoverer_info_get_result (plain));
  fail_unless (err != NULL);
  fail_if (gst_discoverer_info_get_result (plain) == GST_DISCOVERER_OK);
  fail_unless_equals_int (gst_discoverer_info_get_result (info),
      gst_discoverer_info_get_result (plain));
  fail_unless_equals_string (g_quark_to_string (err->domain),
      g_quark_to_string (plain_err->domain));
  fail_unless_equals_int (err->code, plain_err->code);
  fail_unless_equals_int (gst_cache_discoverer_info_get_result (info), result);
  fail_unless_equals_string (gst_discoverer_info_get_uri (info), uri);
  g_error_free (err);
  g_error_free (plain_err);
  g_object_unref (info);
  g_object_unref (plain);
}

GST_START_TEST (test_truncated_and_missing)
{
  gchar *path = make_media ("a.mp4", MP4_LAUNCH);
  gchar *cut = g_build_filename (tmp_dir, "cut.mp4", NULL);
  gchar *missing = g_build_filename (tmp_dir, "missing.mp4", NULL);
  gchar *empty = g_build_filename (tmp_dir, "empty.mp4", NULL);
  gchar *cut_uri = uri_of (cut), *missing_uri = uri_of (missing);
  gchar *empty_uri = uri_of (empty);
  GstCacheDiscoverer *dc = new_discoverer ();
  gchar *data;
  gsize size;

  /* Cut to its first bytes: typefinding fails. (An MP4 cut after its
   * header, without its moov, makes qtdemux fail while decodebin brings it
   * to PAUSED, and decodebin 1.22 drops that error at times: GstDiscoverer
   * then times out, with or without the cache.) */
  fail_unless (g_file_get_contents (path, &data, &size, NULL));
  fail_unless (g_file_set_contents (cut, data, 4, NULL));
  fail_unless (g_file_set_contents (empty, data, 0, NULL));
  g_free (data);

  assert_same_failure (dc, cut_uri, GST_CACHE_RESULT_MISS);
  assert_counters ("analysis-miss", 1, "analysis-unstorable", 1,
      "analysis-unstorable-error", 1, "analysis-stored", 0, NULL);
  /* not served from the cache the second time either */
  assert_same_failure (dc, cut_uri, GST_CACHE_RESULT_MISS);
  assert_counters ("analysis-miss", 2, "analysis-unstorable", 2,
      "analysis-hit", 0, NULL);

  assert_same_failure (dc, empty_uri, GST_CACHE_RESULT_MISS);
  assert_counters ("analysis-miss", 3, "analysis-unstorable", 3,
      "analysis-unstorable-error", 3, NULL);

  assert_same_failure (dc, missing_uri, GST_CACHE_RESULT_BYPASS);
  assert_counters ("analysis-bypass", 1, "analysis-bypass-input-unreadable",
      1, "analysis-miss", 3, NULL);
  fail_unless_equals_int (stored_entries (), 0);

  g_object_unref (dc);
  g_free (cut_uri);
  g_free (missing_uri);
  g_free (empty_uri);
  g_free (empty);
  g_free (missing);
  g_free (cut);
  g_free (path);
}

GST_END_TEST;

/* flipped byte in the stored entry: not served, counted, analysed again
 * and stored again */
GST_START_TEST (test_damaged_entry)
{
  gchar *path = make_media ("a.mp4", MP4_LAUNCH);
  gchar *uri = uri_of (path);
  GstCacheDiscoverer *dc = new_discoverer ();
  GstDiscovererInfo *miss, *again, *hit;
  gchar *entry;

  miss = discover (dc, uri, GST_CACHE_RESULT_MISS);
  entry = entry_of (miss);
  fail_unless (reuse_test_flip_byte (entry, 16, 0x20), "no entry %s", entry);

  again = discover (dc, uri, GST_CACHE_RESULT_MISS);
  assert_same_result (miss, again, FALSE);
  assert_counters ("damaged", 1, "analysis-miss", 2, "analysis-stored", 2,
      "analysis-hit", 0, NULL);
  hit = discover (dc, uri, GST_CACHE_RESULT_HIT);
  assert_same_result (again, hit, TRUE);

  g_object_unref (miss);
  g_object_unref (again);
  g_object_unref (hit);
  g_object_unref (dc);
  g_free (entry);
  g_free (uri);
  g_free (path);
}

GST_END_TEST;

/* an entry whose checksum is right but whose payload is not a result (a
 * writer of another version, a backend anyone can write to): not served */
GST_START_TEST (test_unparsable_entry)
{
  gchar *path = make_media ("a.mp4", MP4_LAUNCH);
  gchar *uri = uri_of (path);
  GstCacheDiscoverer *dc = new_discoverer ();
  GstDiscovererInfo *miss, *again;
  guint8 key[GST_CACHE_KEY_SIZE];
  GstCacheStore *store;
  GstCacheWriter *w;
  GKeyFile *meta;
  GVariant *bogus;

  miss = discover (dc, uri, GST_CACHE_RESULT_MISS);
  fail_unless (gst_cache_key_from_hex (gst_cache_discoverer_info_get_key
          (miss), key));

  /* a variant of the right outer type, with a stream of the wrong shape */
  bogus = g_variant_ref_sink (g_variant_new_variant (g_variant_new ("(vv)",
              g_variant_new ("(mstbmsb)", NULL, (guint64) 1, TRUE,
                  "not a tag list", FALSE), g_variant_new ("(yvv)", 'v',
                  g_variant_new_variant (g_variant_new_string ("x")),
                  g_variant_new_variant (g_variant_new_uint32 (3))))));
  store = gst_cache_store_open (cache_dir, NULL);
  fail_unless (store != NULL);
  w = gst_cache_writer_new (store, key, 0, NULL);
  fail_unless (w != NULL);
  fail_unless (gst_cache_writer_append (w, g_variant_get_data (bogus),
          g_variant_get_size (bogus), NULL));
  meta = g_key_file_new ();
  g_key_file_set_string (meta, "analysis", "format", "gst-cache-analysis-1");
  fail_unless (gst_cache_writer_commit (w, GST_CACHE_ENTRY_KIND_BYTES, meta,
          0, 0, NULL, NULL));
  gst_cache_writer_free (w);
  g_key_file_unref (meta);
  gst_cache_store_free (store);
  g_variant_unref (bogus);

  again = discover (dc, uri, GST_CACHE_RESULT_MISS);
  assert_same_result (miss, again, FALSE);
  assert_counters ("analysis-unparsable", 1, "damaged", 1,
      "analysis-miss", 2, "analysis-hit", 0, NULL);
  g_object_unref (again);
  again = discover (dc, uri, GST_CACHE_RESULT_HIT);
  assert_same_result (miss, again, FALSE);

  g_object_unref (miss);
  g_object_unref (again);
  g_object_unref (dc);
  g_free (uri);
  g_free (path);
}

GST_END_TEST;

/* asynchronous mode */

typedef struct
{
  GMainLoop *loop;
  GThread *thread;
  GPtrArray *events;            /* "starting", "finished", URIs */
  GstCacheDiscoverer *stop_after_first;
} AsyncRun;

static void
on_starting (GstCacheDiscoverer * dc, AsyncRun * run)
{
  fail_unless (g_thread_self () == run->thread);
  g_ptr_array_add (run->events, g_strdup ("starting"));
}

static void
on_discovered (GstCacheDiscoverer * dc, GstDiscovererInfo * info,
    const GError * error, AsyncRun * run)
{
  fail_unless (g_thread_self () == run->thread);
  fail_unless (info != NULL);
  g_ptr_array_add (run->events, g_strdup (gst_discoverer_info_get_uri (info)));
  if (run->stop_after_first) {
    gst_cache_discoverer_stop (run->stop_after_first);
    g_main_loop_quit (run->loop);
  }
}

static void
on_finished (GstCacheDiscoverer * dc, AsyncRun * run)
{
  fail_unless (g_thread_self () == run->thread);
  g_ptr_array_add (run->events, g_strdup ("finished"));
  g_main_loop_quit (run->loop);
}

static void
connect_run (GstCacheDiscoverer * dc, AsyncRun * run, GMainContext * ctx)
{
  run->loop = g_main_loop_new (ctx, FALSE);
  run->thread = g_thread_self ();
  run->events = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (dc, "starting", G_CALLBACK (on_starting), run);
  g_signal_connect (dc, "discovered", G_CALLBACK (on_discovered), run);
  g_signal_connect (dc, "finished", G_CALLBACK (on_finished), run);
}

static void
clear_run (AsyncRun * run)
{
  g_main_loop_unref (run->loop);
  g_ptr_array_unref (run->events);
}

GST_START_TEST (test_async_in_order)
{
  gchar *mp4 = make_media ("a.mp4", MP4_LAUNCH);
  gchar *wav = make_media ("in.wav", WAV_MONO_LAUNCH);
  gchar *missing = g_build_filename (tmp_dir, "missing.mp4", NULL);
  gchar *uris[4];
  GMainContext *ctx = g_main_context_new ();
  GstCacheDiscoverer *dc = new_discoverer ();
  AsyncRun run = { NULL, };
  guint i;

  uris[0] = uri_of (mp4);
  uris[1] = uri_of (wav);
  uris[2] = uri_of (missing);
  uris[3] = uri_of (mp4);       /* a hit by then */

  g_main_context_push_thread_default (ctx);
  connect_run (dc, &run, ctx);
  gst_cache_discoverer_start (dc);
  for (i = 0; i < G_N_ELEMENTS (uris); i++)
    fail_unless (gst_cache_discoverer_discover_uri_async (dc, uris[i]));
  g_main_loop_run (run.loop);

  fail_unless_equals_int (run.events->len, 6);
  fail_unless_equals_string (g_ptr_array_index (run.events, 0), "starting");
  for (i = 0; i < G_N_ELEMENTS (uris); i++)
    fail_unless_equals_string (g_ptr_array_index (run.events, i + 1), uris[i]);
  fail_unless_equals_string (g_ptr_array_index (run.events, 5), "finished");
  assert_counters ("analysis-miss", 2, "analysis-hit", 1,
      "analysis-bypass", 1, NULL);

  /* more after finished: a new round */
  g_ptr_array_set_size (run.events, 0);
  fail_unless (gst_cache_discoverer_discover_uri_async (dc, uris[1]));
  g_main_loop_run (run.loop);
  fail_unless_equals_int (run.events->len, 3);
  fail_unless_equals_string (g_ptr_array_index (run.events, 1), uris[1]);
  assert_counters ("analysis-hit", 2, NULL);

  gst_cache_discoverer_stop (dc);
  /* nothing after stop */
  while (g_main_context_iteration (ctx, FALSE));
  fail_unless_equals_int (run.events->len, 3);

  g_main_context_pop_thread_default (ctx);
  g_object_unref (dc);
  clear_run (&run);
  g_main_context_unref (ctx);
  for (i = 0; i < G_N_ELEMENTS (uris); i++)
    g_free (uris[i]);
  g_free (missing);
  g_free (wav);
  g_free (mp4);
}

GST_END_TEST;

/* stop() in the first discovered: the queued URIs are dropped, not
 * analysed, and nothing is emitted after it. Read-only, so that each URI
 * takes a real analysis: the worker cannot have gone through all of them
 * when the first signal is handled. */
GST_START_TEST (test_async_stop_drops_queue)
{
  gchar *wav = make_media ("in.wav", WAV_MONO_LAUNCH);
  gchar *uri = uri_of (wav);
  GMainContext *ctx = g_main_context_new ();
  GstCacheDiscoverer *dc = new_discoverer ();
  AsyncRun run = { NULL, };
  GstCacheStore *store;
  guint i, done;

  g_main_context_push_thread_default (ctx);
  g_object_set (dc, "read-only", TRUE, NULL);
  connect_run (dc, &run, ctx);
  run.stop_after_first = dc;
  gst_cache_discoverer_start (dc);
  for (i = 0; i < 50; i++)
    fail_unless (gst_cache_discoverer_discover_uri_async (dc, uri));
  g_main_loop_run (run.loop);
  while (g_main_context_iteration (ctx, FALSE));

  fail_unless_equals_int (run.events->len, 2);
  fail_unless_equals_string (g_ptr_array_index (run.events, 0), "starting");
  fail_unless_equals_string (g_ptr_array_index (run.events, 1), uri);
  store = gst_cache_store_open (cache_dir, NULL);
  done = gst_cache_store_counter (store, "analysis-miss");
  fail_unless_equals_int (gst_cache_store_counter (store, "analysis-hit"), 0);
  gst_cache_store_free (store);
  fail_unless (done >= 1 && done < 50, "%u analyses of 50", done);

  /* stopped during a real analysis, and unreferenced without stop() */
  g_signal_handlers_disconnect_by_data (dc, &run);
  g_object_set (dc, "namespace", "another", NULL);
  gst_cache_discoverer_start (dc);
  fail_unless (gst_cache_discoverer_discover_uri_async (dc, uri));
  gst_cache_discoverer_stop (dc);
  gst_cache_discoverer_start (dc);
  fail_unless (gst_cache_discoverer_discover_uri_async (dc, uri));
  g_main_context_pop_thread_default (ctx);
  g_object_unref (dc);

  clear_run (&run);
  g_main_context_unref (ctx);
  g_free (uri);
  g_free (wav);
}

GST_END_TEST;

/* remote storage: a private redis-server on a free loopback port */

static guint16
free_port (void)
{
  struct sockaddr_in addr = { 0, };
  socklen_t len = sizeof (addr);
  gint fd = socket (AF_INET, SOCK_STREAM, 0);

  fail_unless (fd >= 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fail_unless_equals_int (bind (fd, (struct sockaddr *) &addr, len), 0);
  fail_unless_equals_int (getsockname (fd, (struct sockaddr *) &addr, &len), 0);
  close (fd);
  return ntohs (addr.sin_port);
}

static gboolean
port_open (guint16 port)
{
  struct sockaddr_in addr = { 0, };
  gint fd = socket (AF_INET, SOCK_STREAM, 0);
  gboolean open;

  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = htons (port);
  open = connect (fd, (struct sockaddr *) &addr, sizeof (addr)) == 0;
  close (fd);
  return open;
}

/* one host stores and uploads, another with an empty cache directory gets
 * the result from the backend: a hit whose source is "remote", then a
 * local hit */
GST_START_TEST (test_remote_hit)
{
  gchar *path = make_media ("in.wav", WAV_MONO_LAUNCH);
  gchar *uri = uri_of (path);
  gchar *redis = g_find_program_in_path ("redis-server");
  gchar *dir_b = g_build_filename (tmp_dir, "cache-b", NULL);
  gchar *port_text, *remote, *first_cache;
  GstCacheDiscoverer *a, *b;
  GstDiscovererInfo *miss, *hit;
  GError *err = NULL;
  guint16 port;
  GPid pid;
  gint status, tries;

  if (redis == NULL) {
    GST_WARNING ("redis-server is not installed (scripts/deps): skipped");
    g_free (dir_b);
    g_free (uri);
    g_free (path);
    return;
  }
  port = free_port ();
  port_text = g_strdup_printf ("%u", port);
  {
    const gchar *argv[] = { redis, "--port", port_text, "--bind",
      "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp_dir,
      NULL
    };

    fail_unless (g_spawn_async (NULL, (gchar **) argv, NULL,
            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
            G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &err), "%s",
        err ? err->message : "");
  }
  /* ready when it accepts connections (the test's timeout bounds this) */
  for (tries = 0; !port_open (port); tries++) {
    fail_if (waitpid (pid, &status, WNOHANG) == pid, "redis-server exited");
    g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  }
  remote = g_strdup_printf ("redis://127.0.0.1:%u", port);

  a = new_discoverer ();
  g_object_set (a, "remote-storage", remote, NULL);
  miss = discover (a, uri, GST_CACHE_RESULT_MISS);

  first_cache = cache_dir;
  cache_dir = dir_b;
  b = new_discoverer ();
  g_object_set (b, "remote-storage", remote, NULL);
  hit = discover (b, uri, GST_CACHE_RESULT_HIT);
  fail_unless_equals_string (gst_cache_discoverer_info_get_source (hit),
      "remote");
  assert_same_result (miss, hit, TRUE);
  assert_counters ("analysis-hit", 1, "analysis-hit-remote", 1,
      "analysis-miss", 0, NULL);
  g_object_unref (hit);
  hit = discover (b, uri, GST_CACHE_RESULT_HIT);
  fail_unless_equals_string (gst_cache_discoverer_info_get_source (hit),
      "local");
  assert_counters ("analysis-hit", 2, "analysis-hit-remote", 1, NULL);
  cache_dir = first_cache;
  assert_counters ("analysis-miss", 1, "analysis-stored", 1,
      "remote-uploads", 1, NULL);

  kill (pid, SIGTERM);
  fail_unless_equals_int (waitpid (pid, &status, 0), pid);
  g_spawn_close_pid (pid);
  g_object_unref (hit);
  g_object_unref (miss);
  g_object_unref (a);
  g_object_unref (b);
  g_free (remote);
  g_free (port_text);
  g_free (redis);
  g_free (dir_b);
  g_free (uri);
  g_free (path);
}

GST_END_TEST;

/* the plugins in the key: a plugin that brings a decoder (rank MARGINAL)
 * changes it, one that brings a sink does not */

typedef GstElement TestDec;
typedef GstElementClass TestDecClass;
typedef GstElement TestSink;
typedef GstElementClass TestSinkClass;
static GType test_dec_get_type (void);
static GType test_sink_get_type (void);
G_DEFINE_TYPE (TestDec, test_dec, GST_TYPE_ELEMENT);
G_DEFINE_TYPE (TestSink, test_sink, GST_TYPE_ELEMENT);

static void
test_dec_class_init (TestDecClass * klass)
{
  gst_element_class_set_static_metadata (klass, "Test decoder",
      "Codec/Decoder/Video", "Decodes nothing", "The gst-reuse authors");
}

static void
test_dec_init (TestDec * dec)
{
}

static void
test_sink_class_init (TestSinkClass * klass)
{
  gst_element_class_set_static_metadata (klass, "Test sink", "Sink/Video",
      "Shows nothing", "The gst-reuse authors");
}

static void
test_sink_init (TestSink * sink)
{
}

static gboolean
register_dec (GstPlugin * plugin)
{
  return gst_element_register (plugin, "analysistestdec", GST_RANK_MARGINAL,
      test_dec_get_type ());
}

static gboolean
register_sink (GstPlugin * plugin)
{
  return gst_element_register (plugin, "analysistestsink", GST_RANK_PRIMARY,
      test_sink_get_type ());
}

GST_START_TEST (test_plugins_in_key)
{
  gchar *path = make_media ("in.wav", WAV_MONO_LAUNCH);
  gchar *uri = uri_of (path);
  GstCacheDiscoverer *dc = new_discoverer ();
  GstDiscovererInfo *info;

  g_object_unref (discover (dc, uri, GST_CACHE_RESULT_MISS));
  g_object_unref (discover (dc, uri, GST_CACHE_RESULT_HIT));

  fail_unless (gst_plugin_register_static (GST_VERSION_MAJOR,
          GST_VERSION_MINOR, "analysistestsink", "A sink", register_sink,
          "1.0", "LGPL", "gst-reuse", "gst-reuse",
          "https://gst-reuse.invalid"));
  info = discover (dc, uri, GST_CACHE_RESULT_HIT);
  g_object_unref (info);

  fail_unless (gst_plugin_register_static (GST_VERSION_MAJOR,
          GST_VERSION_MINOR, "analysistestdec", "A decoder", register_dec,
          "1.0", "LGPL", "gst-reuse", "gst-reuse",
          "https://gst-reuse.invalid"));
  info = discover (dc, uri, GST_CACHE_RESULT_MISS);
  g_object_unref (info);
  assert_counters ("analysis-miss", 2, "analysis-stored", 2,
      "analysis-hit", 2, NULL);

  g_object_unref (dc);
  g_free (uri);
  g_free (path);
}

GST_END_TEST;

/* synchronous calls from several threads at once on one discoverer */

typedef struct
{
  GstCacheDiscoverer *dc;
  const gchar *uri;
} ThreadRun;

static gpointer
discover_five_times (gpointer data)
{
  ThreadRun *run = data;
  guint i;

  for (i = 0; i < 5; i++) {
    GError *err = NULL;
    GstDiscovererInfo *info = gst_cache_discoverer_discover_uri (run->dc,
        run->uri, &err);

    fail_unless (info != NULL && err == NULL);
    fail_unless_equals_int (gst_discoverer_info_get_result (info),
        GST_DISCOVERER_OK);
    fail_unless_equals_int (audio_channels (info), 1);
    fail_if (gst_cache_discoverer_info_get_result (info) ==
        GST_CACHE_RESULT_BYPASS);
    g_object_unref (info);
  }
  return NULL;
}

GST_START_TEST (test_threads)
{
  gchar *path = make_media ("in.wav", WAV_MONO_LAUNCH);
  gchar *uri = uri_of (path);
  GstCacheDiscoverer *dc = new_discoverer ();
  ThreadRun run = { dc, uri };
  GThread *threads[4];
  GstCacheStore *store;
  guint64 miss, stored;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("discover", discover_five_times, &run);
  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  store = gst_cache_store_open (cache_dir, NULL);
  fail_unless (store != NULL);
  miss = gst_cache_store_counter (store, "analysis-miss");
  stored = gst_cache_store_counter (store, "analysis-stored");
  fail_unless_equals_uint64 (miss + gst_cache_store_counter (store,
          "analysis-hit"), 20);
  fail_unless (miss >= 1 && miss <= 4, "%" G_GUINT64_FORMAT " misses", miss);
  fail_unless_equals_uint64 (stored, miss);
  gst_cache_store_free (store);
  fail_unless_equals_int (stored_entries (), 1);

  g_object_unref (dc);
  g_free (uri);
  g_free (path);
}

GST_END_TEST;

/* a result larger than what the store holds in memory (an entry of 2 MiB
 * or more is streamed): a 3 MiB comment tag */
GST_START_TEST (test_large_result)
{
  gchar *comment = g_strnfill (3 << 20, 'x');
  gchar *launch = g_strdup_printf ("audiotestsrc num-buffers=5 ! "
      "taginject tags=\"comment=%s\" ! "
      "audio/x-raw,format=S16LE,channels=1,rate=44100 ! wavenc ! "
      "filesink location=\"@PATH@\"", comment);
  gchar *path = make_media ("big.wav", launch);
  gchar *uri = uri_of (path);
  GstCacheDiscoverer *dc = new_discoverer ();
  GstDiscovererInfo *miss, *hit;
  gchar *entry, *value = NULL;
  GStatBuf st;

  miss = discover (dc, uri, GST_CACHE_RESULT_MISS);
  entry = entry_of (miss);
  fail_unless_equals_int (g_stat (entry, &st), 0);
  fail_unless (st.st_size > (3 << 20), "entry of %" G_GINT64_FORMAT " bytes",
      (gint64) st.st_size);

  hit = discover (dc, uri, GST_CACHE_RESULT_HIT);
  assert_same_result (miss, hit, TRUE);
  fail_unless (gst_tag_list_get_string (gst_discoverer_info_get_tags (hit),
          GST_TAG_COMMENT, &value));
  fail_unless_equals_string (value, comment);
  assert_counters ("analysis-hit", 1, "analysis-unparsable", 0, "damaged", 0,
      NULL);

  g_free (value);
  g_object_unref (miss);
  g_object_unref (hit);
  g_object_unref (dc);
  g_free (entry);
  g_free (uri);
  g_free (path);
  g_free (launch);
  g_free (comment);
}

GST_END_TEST;

static Suite *
cachediscoverer_suite (void)
{
  Suite *s = suite_create ("cachediscoverer");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  /* first: this process must not have loaded any analysis plugin */
  tcase_add_test (tc, test_hit_loads_no_decoder);
  tcase_add_test (tc, test_miss_then_hit);
  tcase_add_test (tc, test_copy_is_hit);
  tcase_add_test (tc, test_rewrite_same_size_and_mtime);
  tcase_add_test (tc, test_repeated_hits);
  tcase_add_test (tc, test_truncated_and_missing);
  tcase_add_test (tc, test_damaged_entry);
  tcase_add_test (tc, test_unparsable_entry);
  tcase_add_test (tc, test_async_in_order);
  tcase_add_test (tc, test_async_stop_drops_queue);
  tcase_add_test (tc, test_remote_hit);
  tcase_add_test (tc, test_plugins_in_key);
  tcase_add_test (tc, test_threads);
  tcase_add_test (tc, test_large_result);
  return s;
}

GST_CHECK_MAIN (cachediscoverer);
