/* gst-reuse: cachebin key tests: everything the result depends on
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

/* What goes into cachebin's key beyond the input and the parsed chain:
 * pad names of delayed links, write-only properties, the contents of files
 * that properties name, the libraries the chain's plugins load, plugin
 * versions, downstream's caps, and the input digest's algorithm (with the
 * stat manifest keeping a digest per algorithm). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/base/gstbasetransform.h>
#include <glib/gstdio.h>

#include "cachebintest.h"
#include "reusetest.h"
#include "gstcachestore.h"

#include <string.h>

/* the key that the launch line @line (a cachebin named "cache") computes
 * when it pauses; "" when the run is a bypass */
static gchar *
key_of_line (const gchar * line)
{
  GstElement *pipeline = gst_parse_launch (line, NULL);
  GstElement *cache;
  gchar *key = NULL;

  fail_unless (pipeline != NULL, "%s", line);
  cache = gst_bin_get_by_name (GST_BIN (pipeline), "cache");
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  gst_element_get_state (pipeline, NULL, NULL, 10 * GST_SECOND);
  g_object_get (cache, "key", &key, NULL);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (cache);
  gst_object_unref (pipeline);
  return key ? key : g_strdup ("");
}

/* the key of @chain over @input with cachebin settings @extra and what
 * follows cachebin, @downstream (NULL: fakesink) */
static gchar *
key_for (const gchar * input, const gchar * chain, const gchar * extra,
    const gchar * downstream)
{
  gchar *line = g_strdup_printf ("filesrc location=%s ! cachebin name=cache "
      "cache-dir=%s %s description=\"%s\" ! %s", input, cachebin_test_cachedir,
      extra ? extra : "", chain, downstream ? downstream : "fakesink");
  gchar *key = key_of_line (line);

  fail_unless (strlen (key) == 64, "no key: %s", line);
  g_free (line);
  return key;
}

/* the "cachebin" message of a whole run of @chain over @input */
static GstStructure *
result_for (const gchar * input, const gchar * chain, const gchar * extra)
{
  gchar *line = g_strdup_printf ("filesrc location=%s ! cachebin name=cache "
      "cache-dir=%s %s description=\"%s\" ! fakesink", input,
      cachebin_test_cachedir,
      extra ? extra : "", chain);
  GstStructure *result;
  CacheBinTestRun r;

  cachebin_test_run_line (line, &r);
  fail_unless (r.eos, "%s: %s", line, r.error ? r.error->message : "?");
  fail_unless (r.result != NULL, "no cachebin message");
  result = g_steal_pointer (&r.result);
  cachebin_test_run_clear (&r);
  g_free (line);
  return result;
}

/* the reason of a run of @chain over @input that must be a bypass (the
 * chain may fail on the bytes it gets: the bypass is decided before) */
static gchar *
bypass_reason (const gchar * input, const gchar * chain)
{
  gchar *line = g_strdup_printf ("filesrc location=%s ! cachebin name=cache "
      "cache-dir=%s description=\"%s\" ! fakesink", input,
      cachebin_test_cachedir, chain);
  gchar *reason;
  CacheBinTestRun r;

  cachebin_test_run_line (line, &r);
  fail_unless (r.result != NULL, "no cachebin message");
  fail_unless_equals_string (gst_structure_get_string (r.result, "result"),
      "bypass");
  reason = g_strdup (gst_structure_get_string (r.result, "reason"));
  cachebin_test_run_clear (&r);
  g_free (line);
  return reason;
}

/* the file's bytes, NULs made spaces, so that strstr () sees them all */
static gchar *
read_text (const gchar * path)
{
  gchar *text = NULL;
  gsize len, i;

  fail_unless (g_file_get_contents (path, &text, &len, NULL), "%s", path);
  for (i = 0; i < len; i++)
    if (text[i] == '\0')
      text[i] = ' ';
  return text;
}

/* the contents of every file below @sub of the cache, concatenated */
static gchar *
cache_files_text (const gchar * sub)
{
  GPtrArray *files = cachebin_test_list_files (sub);
  GString *all = g_string_new (NULL);
  guint i;

  for (i = 0; i < files->len; i++) {
    gchar *t = read_text (g_ptr_array_index (files, i));

    g_string_append (all, t);
    g_free (t);
  }
  g_ptr_array_unref (files);
  return g_string_free (all, FALSE);
}

#define assert_keys_differ(a, b, what) \
  fail_if (g_strcmp0 ((a), (b)) == 0, "%s kept the key", (what))

/* two H.264 video streams in one Matroska file: a demuxer's video_0 and
 * video_1 are different inputs of the chain */
#define TWO_STREAMS "videotestsrc num-buffers=5 pattern=smpte ! " \
  "video/x-raw,width=64,height=48 ! x264enc speed-preset=ultrafast ! " \
  "mux. videotestsrc num-buffers=5 pattern=ball ! " \
  "video/x-raw,width=64,height=48 ! x264enc speed-preset=ultrafast ! " \
  "mux. matroskamux name=mux ! filesink location=OUT"

GST_START_TEST (test_delayed_link_pad_names)
{
  gchar *in = cachebin_test_make_with ("two.mkv", TWO_STREAMS);
  gchar *k0, *k1, *k;
  GstStructure *res;

  k0 = key_for (in, "matroskademux name=d d.video_0 ! h264parse", NULL, NULL);
  k1 = key_for (in, "matroskademux name=d d.video_1 ! h264parse", NULL, NULL);
  assert_keys_differ (k0, k1, "another demuxer pad");

  /* element names and spacing still play no part */
  k = key_for (in, "matroskademux  name=demux   demux.video_1 ! h264parse",
      NULL, NULL);
  fail_unless_equals_string (k, k1);
  g_free (k);

  /* a caps filter on the delayed link */
  k = key_for (in, "matroskademux name=d d.video_1 ! "
      "video/x-h264,stream-format=avc ! h264parse", NULL, NULL);
  assert_keys_differ (k, k1, "caps on a delayed link");
  g_free (k);

  /* a whole run: video_1 after video_0 is not a hit of video_0's entry */
  res = result_for (in, "matroskademux name=d d.video_0 ! h264parse", NULL);
  fail_unless_equals_string (gst_structure_get_string (res, "result"), "miss");
  gst_structure_free (res);
  res = result_for (in, "matroskademux name=d d.video_1 ! h264parse", NULL);
  fail_unless_equals_string (gst_structure_get_string (res, "result"), "miss");
  gst_structure_free (res);
  res = result_for (in, "matroskademux name=x x.video_1 ! h264parse", NULL);
  fail_unless_equals_string (gst_structure_get_string (res, "result"), "hit");
  gst_structure_free (res);

  g_free (k0);
  g_free (k1);
  g_free (in);
}

GST_END_TEST;

GST_START_TEST (test_write_only_properties)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 50000);
  gchar *a, *b, *k;
  GstStructure *res;

  /* taginject's tags cannot be read back */
  a = key_for (in, "identity ! taginject tags=\\\"title=AAA\\\"", NULL, NULL);
  b = key_for (in, "identity ! taginject tags=\\\"title=BBB\\\"", NULL, NULL);
  assert_keys_differ (a, b, "another write-only tags value");
  k = key_for (in, "identity  !  taginject name=t tags=\\\"title=AAA\\\"",
      NULL, NULL);
  fail_unless_equals_string (k, a);
  g_free (k);

  /* rawvideoparse's colorimetry, textrender's font-desc: write-only too */
  g_free (a);
  g_free (b);
  a = key_for (in, "rawvideoparse colorimetry=bt601", NULL, NULL);
  b = key_for (in, "rawvideoparse colorimetry=bt709", NULL, NULL);
  assert_keys_differ (a, b, "another write-only colorimetry");
  g_free (a);
  g_free (b);

  /* a whole run: BBB is not served AAA's result */
  res = result_for (in, "identity ! taginject tags=\\\"title=AAA\\\"", NULL);
  fail_unless_equals_string (gst_structure_get_string (res, "result"), "miss");
  gst_structure_free (res);
  res = result_for (in, "identity ! taginject tags=\\\"title=BBB\\\"", NULL);
  fail_unless_equals_string (gst_structure_get_string (res, "result"), "miss");
  gst_structure_free (res);
  res = result_for (in, "identity ! taginject tags=\\\"title=AAA\\\"", NULL);
  fail_unless_equals_string (gst_structure_get_string (res, "result"), "hit");
  gst_structure_free (res);

  g_free (in);
}

GST_END_TEST;

GST_START_TEST (test_application_chain_write_only)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 50000);
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("filesrc", NULL);
  GstElement *cache = gst_element_factory_make ("cachebin", NULL);
  GstElement *a = gst_element_factory_make ("identity", NULL);
  GstElement *t = gst_element_factory_make ("taginject", NULL);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gboolean bypassed = FALSE;

  /* the application's taginject: its tags are unknown to cachebin */
  g_object_set (src, "location", in, NULL);
  g_object_set (cache, "cache-dir", cachebin_test_cachedir, NULL);
  g_object_set (t, "tags", "title=AAA", NULL);
  gst_bin_add_many (GST_BIN (cache), a, t, NULL);
  fail_unless (gst_element_link (a, t));
  gst_bin_add_many (GST_BIN (pipeline), src, cache, sink, NULL);
  fail_unless (gst_element_link_many (src, cache, sink, NULL));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
              GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT))) {
    GstMessageType type = GST_MESSAGE_TYPE (msg);

    if (type == GST_MESSAGE_ELEMENT && gst_message_has_name (msg, "cachebin")) {
      const GstStructure *s = gst_message_get_structure (msg);

      fail_unless_equals_string (gst_structure_get_string (s, "result"),
          "bypass");
      fail_unless_equals_string (gst_structure_get_string (s, "reason"),
          "write-only-property");
      bypassed = TRUE;
    }
    gst_message_unref (msg);
    fail_if (type == GST_MESSAGE_ERROR);
    if (type == GST_MESSAGE_EOS)
      break;
  }
  fail_unless (bypassed);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (in);
}

GST_END_TEST;

#define PNG "videotestsrc num-buffers=1 pattern=%s ! " \
  "video/x-raw,width=32,height=32 ! pngenc ! filesink location=OUT"
#define SVG_A "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" " \
  "height=\"8\"><rect width=\"4\" height=\"4\" fill=\"red\"/></svg>"
#define SVG_B "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" " \
  "height=\"8\"><rect width=\"4\" height=\"4\" fill=\"blue\"/></svg>"

GST_START_TEST (test_property_files)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 50000);
  gchar *png_line = g_strdup_printf (PNG, "smpte");
  gchar *png2_line = g_strdup_printf (PNG, "ball");
  gchar *png = cachebin_test_make_with ("logo.png", png_line);
  gchar *png2 = cachebin_test_make_with ("logo2.png", png2_line);
  gchar *svg = cachebin_test_path ("overlay.svg");
  gchar *chain, *a, *b, *data, *reason;
  gsize len;

  /* a readable location: the file's contents, not only its name */
  chain = g_strdup_printf ("videoconvert ! gdkpixbufoverlay location=%s", png);
  a = key_for (in, chain, NULL, NULL);
  fail_unless (g_file_get_contents (png2, &data, &len, NULL));
  fail_unless (g_file_set_contents (png, data, len, NULL));
  g_free (data);
  b = key_for (in, chain, NULL, NULL);
  assert_keys_differ (a, b, "another image under the same name");
  g_free (a);
  g_free (b);
  g_free (chain);

  /* a write-only location (rsvgoverlay's) */
  fail_unless (g_file_set_contents (svg, SVG_A, -1, NULL));
  chain = g_strdup_printf ("videoconvert ! rsvgoverlay location=%s", svg);
  a = key_for (in, chain, NULL, NULL);
  fail_unless (g_file_set_contents (svg, SVG_B, -1, NULL));
  b = key_for (in, chain, NULL, NULL);
  assert_keys_differ (a, b, "another SVG under the same name");
  g_free (a);
  g_free (b);
  g_free (chain);

  /* a file that cannot be read, a URI that is not a local file: bypass */
  chain = g_strdup_printf ("identity ! rsvgoverlay location=%s/missing.svg",
      cachebin_test_tmpdir);
  reason = bypass_reason (in, chain);
  fail_unless_equals_string (reason, "property-file-unreadable");
  g_free (reason);
  g_free (chain);
  reason = bypass_reason (in, "identity ! "
      "rsvgoverlay location=http://example.invalid/a.svg");
  fail_unless_equals_string (reason, "property-not-local-file");
  g_free (reason);

  g_free (svg);
  g_free (png);
  g_free (png2);
  g_free (png_line);
  g_free (png2_line);
  g_free (in);
}

GST_END_TEST;

/* A test plugin "keytest" whose version the test chooses, with one
 * element, "keytestident", a pass-through. Each registration gets a type
 * of its own: a removed plugin's factory is freed, and an element class
 * keeps the first factory of its type. */
typedef struct
{
  GstBaseTransform parent;
} KeyTestIdent;

typedef struct
{
  GstBaseTransformClass parent_class;
} KeyTestIdentClass;

static GstStaticPadTemplate key_test_sink = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate key_test_src = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static void
key_test_ident_class_init (gpointer klass, gpointer data)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gst_element_class_add_static_pad_template (element_class, &key_test_sink);
  gst_element_class_add_static_pad_template (element_class, &key_test_src);
  gst_element_class_set_static_metadata (element_class, "Key test",
      "Filter", "Passes buffers through", "The gst-reuse authors");
}

static void
key_test_ident_init (GTypeInstance * instance, gpointer klass)
{
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (instance), TRUE);
}

static GType key_test_type;

static GType
key_test_ident_new_type (void)
{
  static guint n;
  GTypeInfo info = {
    sizeof (KeyTestIdentClass), NULL, NULL, key_test_ident_class_init, NULL,
    NULL, sizeof (KeyTestIdent), 0, key_test_ident_init, NULL
  };
  gchar *name = g_strdup_printf ("KeyTestIdent%u", n++);
  GType type = g_type_register_static (GST_TYPE_BASE_TRANSFORM, name, &info,
      0);

  g_free (name);
  return type;
}

static gboolean
test_plugin_init (GstPlugin * plugin)
{
  return gst_element_register (plugin, "keytestident", GST_RANK_NONE,
      key_test_type);
}

static void
register_test_plugin (const gchar * version)
{
  GstRegistry *registry = gst_registry_get ();
  GstPlugin *old = gst_registry_find_plugin (registry, "keytest");

  if (old) {
    gst_registry_remove_plugin (registry, old);
    gst_object_unref (old);
  }
  key_test_type = key_test_ident_new_type ();
  fail_unless (gst_plugin_register_static (GST_VERSION_MAJOR,
          GST_VERSION_MINOR, "keytest", "key test plugin", test_plugin_init,
          version, "LGPL", "gst-reuse", "gst-reuse", "gst-reuse"));
}

GST_START_TEST (test_plugin_version)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 50000);
  gchar *a, *b, *again, *memo;

  /* the same chain, one plugin's version changed: another key, though
   * the chain memo of the first run is there */
  register_test_plugin ("1.0.0");
  a = key_for (in, "keytestident ! identity", NULL, NULL);
  again = key_for (in, "keytestident ! identity", NULL, NULL);
  fail_unless_equals_string (again, a);
  memo = cache_files_text ("chains");
  fail_unless (strstr (memo, "plugin keytest 1.0.0") != NULL, "%s", memo);
  g_free (memo);

  register_test_plugin ("1.0.1");
  b = key_for (in, "keytestident ! identity", NULL, NULL);
  assert_keys_differ (a, b, "another plugin version");

  /* without versions, the key survives the upgrade */
  g_free (a);
  g_free (b);
  a = key_for (in, "keytestident ! identity", "key-mode=no-versions", NULL);
  register_test_plugin ("1.0.0");
  b = key_for (in, "keytestident ! identity", "key-mode=no-versions", NULL);
  fail_unless_equals_string (a, b);

  g_free (a);
  g_free (b);
  g_free (again);
  g_free (in);
}

GST_END_TEST;

/* the build ID of the library @soname, from the memo's text, or NULL */
static gchar *
memo_library (const gchar * memo, const gchar * soname)
{
  const gchar *p = strstr (memo, soname);
  const gchar *end;

  if (p == NULL)
    return NULL;
  p += strlen (soname);
  if (*p != ' ')
    return NULL;
  end = p + 1;
  while (g_ascii_isxdigit (*end))
    end++;
  return g_strndup (p + 1, end - p - 1);
}

GST_START_TEST (test_libraries)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 50000);
  gchar *k, *memo, *id;

  /* x264enc's plugin and the libx264 it loads, with their build IDs */
  k = key_for (in, "videoconvert ! x264enc", NULL, NULL);
  memo = cache_files_text ("chains");
  id = memo_library (memo, "libgstx264.so");
  fail_unless (id != NULL && strlen (id) >= 32, "%s", memo);
  g_free (id);
  id = memo_library (memo, "libx264.so.164");
  fail_unless (id != NULL && strlen (id) >= 32, "no libx264 in %s", memo);
  g_free (id);
  fail_unless (strstr (memo, "library-files=") != NULL);
  g_free (memo);
  g_free (k);
  g_free (in);
}

GST_END_TEST;

/* the chain memo's checksum, computed as cachebin computes it: each text
 * field with its NUL, then each list's items with their NULs and "\n" */
static gchar *
memo_checksum (GKeyFile * kf)
{
  const gchar *fields[] = { "text", "versions", "normalised", "libraries" };
  const gchar *lists[] = { "files", "library-files" };
  GChecksum *c = g_checksum_new (G_CHECKSUM_SHA256);
  gchar *sum;
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (fields); i++) {
    gchar *v = g_key_file_get_string (kf, "chain", fields[i], NULL);

    fail_unless (v != NULL, "no %s in the memo", fields[i]);
    g_checksum_update (c, (const guchar *) v, strlen (v) + 1);
    g_free (v);
  }
  for (i = 0; i < G_N_ELEMENTS (lists); i++) {
    gchar **l = g_key_file_get_string_list (kf, "chain", lists[i], NULL,
        NULL);

    for (j = 0; l && l[j]; j++)
      g_checksum_update (c, (const guchar *) l[j], strlen (l[j]) + 1);
    g_checksum_update (c, (const guchar *) "\n", 2);
    g_strfreev (l);
  }
  sum = g_strdup (g_checksum_get_string (c));
  g_checksum_free (c);
  return sum;
}

/* the one chain memo in the cache (the file with a [chain] group) */
static gchar *
memo_file (void)
{
  gchar *top = g_build_filename (cachebin_test_cachedir, "chains", NULL);
  GDir *d = g_dir_open (top, 0, NULL);
  const gchar *name;
  gchar *found = NULL;

  while (d && (name = g_dir_read_name (d))) {
    gchar *p = g_build_filename (top, name, NULL);
    GKeyFile *kf = g_key_file_new ();

    if (g_key_file_load_from_file (kf, p, G_KEY_FILE_NONE, NULL) &&
        g_key_file_has_group (kf, "chain")) {
      fail_unless (found == NULL, "more than one chain memo");
      found = g_strdup (p);
    }
    g_key_file_unref (kf);
    g_free (p);
  }
  if (d)
    g_dir_close (d);
  g_free (top);
  fail_unless (found != NULL, "no chain memo");
  return found;
}

GST_START_TEST (test_memo_library_changed)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 50000);
  gchar *key, *again, *path, *sum;
  gchar **libs, **now;
  GKeyFile *kf = g_key_file_new ();
  gsize n;

  key = key_for (in, "identity ! identity", NULL, NULL);
  path = memo_file ();

  /* the memo says that a library file had another mtime when it was made
   * (as after an upgrade), with a checksum that matches: the library is
   * not the one the memo describes, so the memo must not be used */
  fail_unless (g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS,
          NULL));
  libs = g_key_file_get_string_list (kf, "chain", "library-files", &n, NULL);
  fail_unless (libs != NULL && n > 0);
  fail_unless (g_str_has_suffix (libs[0], "000"), "%s", libs[0]);
  libs[0][strlen (libs[0]) - 3] = '\0';
  g_key_file_set_string_list (kf, "chain", "library-files",
      (const gchar * const *) libs, n);
  sum = memo_checksum (kf);
  g_key_file_set_string (kf, "chain", "checksum", sum);
  fail_unless (g_key_file_save_to_file (kf, path, NULL));

  /* the key is made again from what is installed, and so is the memo */
  again = key_for (in, "identity ! identity", NULL, NULL);
  fail_unless_equals_string (again, key);
  fail_unless (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL));
  now = g_key_file_get_string_list (kf, "chain", "library-files", NULL, NULL);
  fail_unless (now != NULL);
  fail_if (g_strv_contains ((const gchar * const *) now, libs[0]),
      "the memo of a changed library was used");
  g_strfreev (now);

  g_strfreev (libs);
  g_free (sum);
  g_key_file_unref (kf);
  g_free (path);
  g_free (again);
  g_free (key);
  g_free (in);
}

GST_END_TEST;

GST_START_TEST (test_downstream_caps)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 50000);
  gchar *any, *avc, *avc2, *ts;

  any = key_for (in, "h264parse", NULL, "fakesink");
  avc = key_for (in, "h264parse", NULL,
      "capsfilter caps=video/x-h264,stream-format=avc,alignment=au ! "
      "fakesink");
  avc2 = key_for (in, "h264parse", NULL,
      "capsfilter caps=video/x-h264,alignment=au,stream-format=avc ! "
      "fakesink");
  ts = key_for (in, "h264parse", NULL,
      "capsfilter caps=video/x-h264,stream-format=byte-stream,"
      "alignment=au ! fakesink");
  assert_keys_differ (any, avc, "caps downstream");
  assert_keys_differ (avc, ts, "other caps downstream");
  /* the same caps, fields in another order */
  fail_unless_equals_string (avc, avc2);

  g_free (any);
  g_free (avc);
  g_free (avc2);
  g_free (ts);
  g_free (in);
}

GST_END_TEST;

GST_START_TEST (test_input_digest_sha256)
{
  gchar *in = cachebin_test_make_bytes ("in.bin", 300000);
  gchar *xxh, *sha, *data, *sum, *needle, *entries, *manifest;
  GstStructure *res;
  gboolean recalled = FALSE;
  gsize len;

  xxh = key_for (in, "identity", NULL, NULL);
  sha = key_for (in, "identity", "input-digest=sha256", NULL);
  assert_keys_differ (xxh, sha, "another input digest");

  /* a miss then a hit; the record names the algorithm and has the real
   * SHA-256 of the input */
  res = result_for (in, "identity", "input-digest=sha256");
  fail_unless_equals_string (gst_structure_get_string (res, "result"), "miss");
  gst_structure_free (res);
  res = result_for (in, "identity", "input-digest=sha256");
  fail_unless_equals_string (gst_structure_get_string (res, "result"), "hit");
  gst_structure_free (res);
  fail_unless (g_file_get_contents (in, &data, &len, NULL));
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) data, len);
  needle = g_strdup_printf ("input-digest: sha256:%s", sum);
  entries = cache_files_text ("entries");
  fail_unless (strstr (entries, needle) != NULL, "no %s in the entry", needle);
  g_free (entries);
  g_free (needle);
  g_free (sum);
  g_free (data);

  /* once the file is old enough, the manifest keeps both digests */
  g_usleep (2100 * 1000);
  res = result_for (in, "identity", "input-digest=sha256");
  gst_structure_free (res);
  res = result_for (in, "identity", NULL);
  gst_structure_free (res);
  manifest = cache_files_text ("stat");
  fail_unless (strstr (manifest, " xxh3-128=") != NULL, "%s", manifest);
  fail_unless (strstr (manifest, " sha256=") != NULL, "%s", manifest);
  g_free (manifest);
  res = result_for (in, "identity", "input-digest=sha256");
  fail_unless_equals_string (gst_structure_get_string (res, "result"), "hit");
  fail_unless (gst_structure_get_boolean (res, "input-digest-recalled",
          &recalled));
  fail_unless (recalled);
  gst_structure_free (res);
  res = result_for (in, "identity", NULL);
  fail_unless (gst_structure_get_boolean (res, "input-digest-recalled",
          &recalled));
  fail_unless (recalled);
  gst_structure_free (res);

  g_free (xxh);
  g_free (sha);
  g_free (in);
}

GST_END_TEST;

static Suite *
cachebin_key_suite (void)
{
  Suite *s = suite_create ("cachebin_key");
  TCase *tc = tcase_create ("key");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, cachebin_test_setup, cachebin_test_teardown);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_delayed_link_pad_names);
  tcase_add_test (tc, test_write_only_properties);
  tcase_add_test (tc, test_application_chain_write_only);
  tcase_add_test (tc, test_property_files);
  tcase_add_test (tc, test_plugin_version);
  tcase_add_test (tc, test_libraries);
  tcase_add_test (tc, test_memo_library_changed);
  tcase_add_test (tc, test_downstream_caps);
  tcase_add_test (tc, test_input_digest_sha256);

  return s;
}

GST_CHECK_MAIN (cachebin_key);
