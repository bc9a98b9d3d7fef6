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
#include "gstcacheinput.h"
#include "gstcachekey.h"
#include "gstcachelibs.h"

#include <string.h>

#include <gst/base/gstbasesrc.h>

#define GST_CAT_DEFAULT gst_cache_bin_debug

#define PULL_HASH_CHUNK (1024 * 1024)

GType
gst_cache_bin_input_digest_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_CACHE_BIN_INPUT_DIGEST_XXH3_128, "XXH3-128: fast, for inputs the "
          "service trusts (not collision-resistant)", "xxh3-128"},
    {GST_CACHE_BIN_INPUT_DIGEST_SHA256, "SHA-256: collision-resistant, for "
          "caches shared by tenants who bring their own inputs", "sha256"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstCacheBinInputDigest", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static gint
compare_strptr (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* What the key needs beyond the fields of GstCacheBin, for one run: kept
 * on the element, replaced when the next run starts */
typedef struct
{
  GstCacheDigestAlgorithm alg;
  guint8 input_digest[GST_CACHE_DIGEST_MAX_SIZE];
  gboolean described, describe_failed;
  gchar *description;           /* the description's own text, normalised */
  gchar **files;                /* "LABEL<TAB>VALUE": properties naming files */
  GString *file_digests;        /* "LABEL VALUE ALGORITHM:DIGEST" lines */
  gchar *libraries;             /* "soname build-id" lines */
  gchar **library_files;        /* for the memo: "path<TAB>identity" */
  gboolean libraries_on_disk;   /* what is loaded is what is on disk */
  /* an input on an HTTP server: its URL without credentials, and what
   * the chain is fed in push mode, hashed to compare at EOS */
  gchar *http_url;
  GstPad *probe_pad;
  gulong probe_id;
  GstCacheHasher *fed_hasher;
  guint64 fed;
} KeyRun;

static GQuark key_run_quark;

static void
key_run_free (KeyRun * run)
{
  g_free (run->description);
  g_strfreev (run->files);
  if (run->file_digests)
    g_string_free (run->file_digests, TRUE);
  g_free (run->libraries);
  g_strfreev (run->library_files);
  if (run->probe_pad) {
    gst_pad_remove_probe (run->probe_pad, run->probe_id);
    gst_object_unref (run->probe_pad);
  }
  if (run->fed_hasher)
    gst_cache_hasher_free (run->fed_hasher);
  g_free (run->http_url);
  g_free (run);
}

static KeyRun *
key_run_get (GstCacheBin * self)
{
  return g_object_get_qdata (G_OBJECT (self), key_run_quark);
}

static KeyRun *
key_run_new (GstCacheBin * self)
{
  KeyRun *run = g_new0 (KeyRun, 1);

  if (key_run_quark == 0)
    key_run_quark = g_quark_from_static_string ("gst-cache-bin-key-run");
  run->file_digests = g_string_new (NULL);
  g_object_set_qdata_full (G_OBJECT (self), key_run_quark, run,
      (GDestroyNotify) key_run_free);
  return run;
}

/* input identity */

/* the URI of our direct upstream peer, when it is a source element with
 * a URI (filesrc, mmapsrc, souphttpsrc); an element in between could
 * change the bytes */
static gchar *
upstream_uri (GstCacheBin * self)
{
  GstPad *peer = gst_pad_get_peer (self->sinkpad);
  GstElement *up = peer ? gst_pad_get_parent_element (peer) : NULL;
  gchar *uri = NULL;

  if (up && GST_IS_URI_HANDLER (up) &&
      gst_uri_handler_get_uri_type (GST_URI_HANDLER (up)) == GST_URI_SRC)
    uri = gst_uri_handler_get_uri (GST_URI_HANDLER (up));
  if (up)
    gst_object_unref (up);
  if (peer)
    gst_object_unref (peer);
  return uri;
}

static gboolean
uri_is_http (const gchar * uri)
{
  return uri && (gst_uri_has_protocol (uri, "http") ||
      gst_uri_has_protocol (uri, "https"));
}

/* @uri without its userinfo and its query (which may hold a signature),
 * for logs */
static gchar *
redact_uri (const gchar * uri)
{
  GstUri *u = gst_uri_from_string (uri);
  gchar *s, *out, *query;

  if (u == NULL)
    return g_strdup ("(an http URI that does not parse)");
  u = gst_uri_make_writable (u);
  query = gst_uri_get_query_string (u);
  gst_uri_set_userinfo (u, NULL);
  gst_uri_set_query_table (u, NULL);
  gst_uri_set_fragment (u, NULL);
  s = gst_uri_to_string (u);
  gst_uri_unref (u);
  out = g_strconcat (s, query ? "?…" : "", NULL);
  g_free (query);
  g_free (s);
  return out;
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
hash_by_pulling (GstCacheBin * self, GstCacheFileId * id, KeyRun * run)
{
  GstCacheHasher *hasher;
  GstFlowReturn ret = GST_FLOW_OK;
  guint64 offset = 0;

  if (!gst_pad_activate_mode (self->sinkpad, GST_PAD_MODE_PULL, TRUE))
    return FALSE;
  hasher = gst_cache_hasher_new_full (run->alg);
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
  gst_cache_hasher_finish_full (hasher, run->input_digest);
  if (run->alg == GST_CACHE_DIGEST_XXH3_128)
    memcpy (id->digest, run->input_digest, GST_CACHE_DIGEST_SIZE);
  gst_cache_hasher_free (hasher);
  id->length = offset;
  gst_pad_activate_mode (self->sinkpad, GST_PAD_MODE_PULL, FALSE);
  return ret == GST_FLOW_EOS;
}

/* An input on an HTTP server reaches the chain through upstream's own
 * download, not the store's: in a miss, what the chain is fed is hashed
 * too, and a result made from other bytes than those the key names (the
 * object changed between the two downloads, or the server answers
 * upstream's request with other bytes) is not stored. Whether the chain
 * got the whole input is checked as for any push-mode input
 * (gstcachebinpads.c); this only compares the bytes, at EOS. souphttpsrc
 * always pushes: it cannot be pulled from before it has started, and the
 * chain's pads are activated before it starts. */
static void
fed_hash_buffer (KeyRun * run, GstBuffer * buf)
{
  GstMapInfo map;

  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    return;
  gst_cache_hasher_update (run->fed_hasher, map.data, map.size);
  run->fed += map.size;
  gst_buffer_unmap (buf, &map);
}

static gboolean
fed_hash_list_item (GstBuffer ** buf, guint idx, gpointer user_data)
{
  fed_hash_buffer (user_data, *buf);
  return TRUE;
}

static GstPadProbeReturn
http_input_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstCacheBin *self = GST_CACHE_BIN (GST_OBJECT_PARENT (pad));
  KeyRun *run = user_data;
  guint8 fed[GST_CACHE_DIGEST_MAX_SIZE];

  if (self->run != GST_CACHE_BIN_RUN_MISS || run->fed_hasher == NULL)
    return GST_PAD_PROBE_OK;
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    fed_hash_buffer (run, GST_PAD_PROBE_INFO_BUFFER (info));
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    gst_buffer_list_foreach (GST_PAD_PROBE_INFO_BUFFER_LIST (info),
        fed_hash_list_item, run);
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS) {
    gst_cache_hasher_finish_full (run->fed_hasher, fed);
    g_clear_pointer (&run->fed_hasher, gst_cache_hasher_free);
    /* a length that differs is incomplete-input, told by the sink pad */
    if (run->fed == self->input_id.length && memcmp (fed, run->input_digest,
            gst_cache_digest_algorithm_size (run->alg)) != 0) {
      GST_INFO_OBJECT (self, "the chain got other bytes from upstream than "
          "the store downloaded from %s (%" G_GUINT64_FORMAT " bytes)",
          run->http_url, run->fed);
      gst_cache_bin_unstorable (self, "input-modified");
    }
  }
  return GST_PAD_PROBE_OK;
}

/* the digest of the object at @uri: from the HTTP manifest after a
 * conditional HEAD, or downloaded by the store; FALSE: a bypass (reason
 * set) */
static gboolean
hash_http_input (GstCacheBin * self, KeyRun * run, const gchar * uri,
    gboolean trust_stat)
{
  GError *err = NULL;
  guint64 length = 0;

  run->http_url = redact_uri (uri);
  /* trust-stat=false: no manifest, the object is downloaded every run */
  if (!gst_cache_hash_http (trust_stat ? self->store : NULL, uri, run->alg,
          run->input_digest, &length, &self->input_from_manifest, &err)) {
    gboolean unreachable = err->code == GST_CACHE_HTTP_ERROR_UNREACHABLE ||
        err->code == GST_CACHE_HTTP_ERROR_TIMEOUT;

    /* without libcurl, an input on a server is a push-only input */
    if (err->code == GST_CACHE_HTTP_ERROR_UNSUPPORTED) {
      GST_INFO_OBJECT (self, "%s: running without the cache", err->message);
      g_clear_error (&err);
      gst_cache_bin_bypass (self, "push-only-upstream");
      return FALSE;
    }
    /* the message names the URL without credentials */
    GST_WARNING_OBJECT (self, "cannot identify the input: %s", err->message);
    g_clear_error (&err);
    gst_cache_bin_bypass (self, unreachable ? "input-unreachable" :
        "input-unreadable");
    return FALSE;
  }
  memset (&self->input_id, 0, sizeof (self->input_id));
  self->input_id.length = length;
  if (run->alg == GST_CACHE_DIGEST_XXH3_128)
    memcpy (self->input_id.digest, run->input_digest, GST_CACHE_DIGEST_SIZE);
  run->fed_hasher = gst_cache_hasher_new_full (run->alg);
  run->probe_pad = gst_object_ref (self->sinkpad);
  run->probe_id = gst_pad_add_probe (self->sinkpad,
      GST_PAD_PROBE_TYPE_PUSH | GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      http_input_probe, run, NULL);
  return TRUE;
}

/* The canonical text of a description, remembered in the cache directory
 * so that a hit needs neither to parse the description nor to load the
 * chain's plugins: valid while GStreamer's version, the versions of the
 * chain's plugins (from the registry) and the files of the libraries they
 * load (one stat each) are those it was made with. It carries a checksum
 * of its text: a torn memo is never used. */
/* where a memo of @description lives in @cache_dir: chains/ and a SHA-256
 * of GStreamer's version and the description, with @suffix ("" for the
 * chain memo, ".caps" for the caps memo) */
gchar *
gst_cache_bin_memo_path (const gchar * cache_dir, const gchar * description,
    const gchar * suffix)
{
  gchar *gst = gst_version_string ();
  gchar *id = g_strconcat (gst, "\n", description, NULL);
  gchar *name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, id, -1);
  gchar *file = g_strconcat (name, suffix, NULL);
  gchar *path = g_build_filename (cache_dir, "chains", file, NULL);

  g_free (file);
  g_free (name);
  g_free (id);
  g_free (gst);
  return path;
}

/* a memo written atomically; a hint, so a failure only costs the next run
 * a parse */
void
gst_cache_bin_memo_write (GstCacheBin * self, const gchar * path, GKeyFile * kf)
{
  gchar *dir = g_path_get_dirname (path);
  gsize len;
  gchar *data = g_key_file_to_data (kf, &len, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (path, data, len, NULL))
    GST_DEBUG_OBJECT (self, "could not write memo %s", path);
  g_free (data);
  g_free (dir);
}

static gchar *
memo_path (GstCacheBin * self, const gchar * description)
{
  return gst_cache_bin_memo_path (gst_cache_store_get_dir (self->store),
      description, "");
}

static gchar *
memo_checksum (const gchar * text, const gchar * versions,
    const gchar * description, const gchar * const *files,
    const gchar * libraries, const gchar * const *library_files)
{
  GChecksum *c = g_checksum_new (G_CHECKSUM_SHA256);
  const gchar *parts[] = { text, versions, description, libraries };
  const gchar *const *lists[] = { files, library_files };
  gchar *sum;
  guint i, j;

  /* each part with its terminating NUL: no two splits hash alike */
  for (i = 0; i < G_N_ELEMENTS (parts); i++)
    g_checksum_update (c, (const guchar *) parts[i], strlen (parts[i]) + 1);
  for (i = 0; i < G_N_ELEMENTS (lists); i++) {
    for (j = 0; lists[i] && lists[i][j]; j++)
      g_checksum_update (c, (const guchar *) lists[i][j],
          strlen (lists[i][j]) + 1);
    g_checksum_update (c, (const guchar *) "\n", 2);
  }
  sum = g_strdup (g_checksum_get_string (c));
  g_checksum_free (c);
  return sum;
}

static gchar **
memo_get_list (GKeyFile * kf, const gchar * key)
{
  gchar **list;

  if (!g_key_file_has_key (kf, "chain", key, NULL))
    return NULL;
  list = g_key_file_get_string_list (kf, "chain", key, NULL, NULL);
  return list ? list : g_new0 (gchar *, 1);
}

static gboolean
memo_load (GstCacheBin * self, KeyRun * run, const gchar * description)
{
  gchar *path = memo_path (self, description);
  GKeyFile *kf = g_key_file_new ();
  gchar *desc = NULL, *text = NULL, *versions = NULL, *sum = NULL;
  gchar *normalised = NULL, *libraries = NULL;
  gchar *check = NULL, *now = NULL;
  gchar **factories = NULL, **files = NULL, **library_files = NULL;
  gboolean ok = FALSE;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    goto done;
  desc = g_key_file_get_string (kf, "chain", "description", NULL);
  text = g_key_file_get_string (kf, "chain", "text", NULL);
  versions = g_key_file_get_string (kf, "chain", "versions", NULL);
  normalised = g_key_file_get_string (kf, "chain", "normalised", NULL);
  libraries = g_key_file_get_string (kf, "chain", "libraries", NULL);
  sum = g_key_file_get_string (kf, "chain", "checksum", NULL);
  factories = g_key_file_get_string_list (kf, "chain", "factories", NULL, NULL);
  files = memo_get_list (kf, "files");
  library_files = memo_get_list (kf, "library-files");
  if (!desc || !text || !versions || !normalised || !libraries || !sum ||
      !factories || !files || !library_files || strcmp (desc, description) != 0)
    goto done;
  check = memo_checksum (text, versions, normalised,
      (const gchar * const *) files, libraries,
      (const gchar * const *) library_files);
  now = gst_cache_describe_versions ((const gchar * const *) factories);
  if (strcmp (check, sum) != 0 || strcmp (now, versions) != 0 ||
      !gst_cache_libraries_unchanged ((const gchar * const *) library_files)) {
    GST_DEBUG_OBJECT (self, "chain memo %s is stale", path);
    goto done;
  }
  self->chain_text = g_steal_pointer (&text);
  self->versions = g_steal_pointer (&versions);
  self->factories = g_steal_pointer (&factories);
  run->description = g_steal_pointer (&normalised);
  run->files = g_steal_pointer (&files);
  run->libraries = g_steal_pointer (&libraries);
  run->library_files = g_steal_pointer (&library_files);
  ok = TRUE;
  GST_DEBUG_OBJECT (self, "chain text from memo %s", path);

done:
  g_free (now);
  g_free (check);
  g_free (sum);
  g_free (libraries);
  g_free (normalised);
  g_free (versions);
  g_free (text);
  g_free (desc);
  g_strfreev (factories);
  g_strfreev (files);
  g_strfreev (library_files);
  g_key_file_unref (kf);
  g_free (path);
  return ok;
}

static void
memo_save (GstCacheBin * self, KeyRun * run, const gchar * description)
{
  gchar *path = memo_path (self, description);
  gchar *sum = memo_checksum (self->chain_text, self->versions,
      run->description, (const gchar * const *) run->files, run->libraries,
      (const gchar * const *) run->library_files);
  GKeyFile *kf = g_key_file_new ();

  g_key_file_set_string (kf, "chain", "description", description);
  g_key_file_set_string (kf, "chain", "text", self->chain_text);
  g_key_file_set_string (kf, "chain", "versions", self->versions);
  g_key_file_set_string (kf, "chain", "normalised", run->description);
  g_key_file_set_string_list (kf, "chain", "files",
      (const gchar * const *) run->files, g_strv_length (run->files));
  g_key_file_set_string (kf, "chain", "libraries", run->libraries);
  g_key_file_set_string_list (kf, "chain", "library-files",
      (const gchar * const *) run->library_files,
      g_strv_length (run->library_files));
  g_key_file_set_string_list (kf, "chain", "factories",
      (const gchar * const *) self->factories, g_strv_length (self->factories));
  g_key_file_set_string (kf, "chain", "checksum", sum);
  gst_cache_bin_memo_write (self, path, kf);
  g_key_file_unref (kf);
  g_free (sum);
  g_free (path);
}

/* the first write-only property of the element in @item,
 * "NAME::PROPERTY", into the gchar * at @user_data while that is NULL */
static void
find_write_only_property (const GValue * item, gpointer user_data)
{
  gchar **found = user_data;
  GstElement *e = g_value_get_object (item);
  GParamSpec **specs;
  guint n, i;

  if (*found != NULL)
    return;
  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (e), &n);
  for (i = 0; i < n && *found == NULL; i++)
    if ((specs[i]->flags & G_PARAM_WRITABLE) &&
        !(specs[i]->flags & G_PARAM_READABLE))
      *found = g_strdup_printf ("%s::%s", GST_OBJECT_NAME (e), specs[i]->name);
  g_free (specs);
}

/* an element of the application's chain with a property that cannot be
 * read back: its value, which may change the output, is unknown */
static gchar *
find_write_only (GstBin * bin)
{
  GstIterator *it = gst_bin_iterate_recurse (bin);
  gchar *found = NULL;

  /* a change of the bin undoes nothing: only a find ends the search */
  while (gst_iterator_foreach (it, find_write_only_property, &found) ==
      GST_ITERATOR_RESYNC)
    gst_iterator_resync (it);
  gst_iterator_free (it);
  return found;
}

/* the chain's text, versions, written links, write-only properties, files
 * and libraries: from the memo, or by parsing (or, without a description,
 * from the application's elements) */
static gboolean
describe_chain_once (GstCacheBin * self, KeyRun * run,
    const gchar * description)
{
  GPtrArray *files;
  GstBin *container;

  if (run->described)
    return TRUE;
  if (run->describe_failed)
    return FALSE;
  if (description && memo_load (self, run, description)) {
    run->described = TRUE;
    return TRUE;
  }
  if (!gst_cache_bin_build_chain (self, description, TRUE)) {
    run->describe_failed = TRUE;
    return FALSE;
  }
  container = self->chain ? GST_BIN (self->chain) : GST_BIN (self);
  files = g_ptr_array_new_with_free_func (g_free);
  gst_cache_chain_files (container, files);
  run->description = description ?
      gst_cache_describe_description (description, files) : g_strdup ("");
  g_ptr_array_sort (files, (GCompareFunc) compare_strptr);
  g_ptr_array_add (files, NULL);
  run->files = (gchar **) g_ptr_array_free (files, FALSE);
  run->libraries_on_disk = gst_cache_describe_libraries ((const gchar *
          const *) self->factories, &run->libraries, &run->library_files);
  if (description && run->libraries_on_disk)
    memo_save (self, run, description);
  run->described = TRUE;
  return TRUE;
}

/* the chain's text and versions: from the memo, or by parsing */
gboolean
gst_cache_bin_describe_chain (GstCacheBin * self, const gchar * description)
{
  KeyRun *run = key_run_get (self);

  if (run == NULL)
    run = key_run_new (self);
  return describe_chain_once (self, run, description);
}

/* the digest of each file that a property names; FALSE: a bypass */
static gboolean
hash_property_files (GstCacheBin * self, KeyRun * run, gboolean trust_stat)
{
  const gchar *alg = gst_cache_digest_algorithm_name (run->alg);
  guint i;

  for (i = 0; run->files && run->files[i]; i++) {
    const gchar *tab = strchr (run->files[i], '\t');
    const gchar *value = tab ? tab + 1 : "";
    guint8 digest[GST_CACHE_DIGEST_MAX_SIZE];
    GstCacheFileId id;
    GError *err = NULL;
    gchar *path, *hex;

    if (g_str_has_prefix (value, "file:"))
      path = g_filename_from_uri (value, NULL, NULL);
    else if (strstr (value, "://") == NULL)
      path = g_strdup (value);
    else
      path = NULL;
    if (path == NULL) {
      GST_INFO_OBJECT (self, "%s names \"%s\", which is not a local file: "
          "its contents cannot be in the key", run->files[i], value);
      gst_cache_bin_bypass (self, "property-not-local-file");
      return FALSE;
    }
    if (!gst_cache_hash_file_full (self->store, path, run->alg, trust_stat,
            &id, digest, NULL, &err)) {
      GST_INFO_OBJECT (self, "cannot hash %s, which a property of the chain "
          "names: %s", path, err->message);
      g_clear_error (&err);
      g_free (path);
      gst_cache_bin_bypass (self, "property-file-unreadable");
      return FALSE;
    }
    hex = gst_cache_digest_to_hex (digest,
        gst_cache_digest_algorithm_size (run->alg));
    g_string_append_printf (run->file_digests, "%.*s %s %" G_GUINT64_FORMAT
        " %s:%s\n", (gint) (tab ? tab - run->files[i] : 0), run->files[i],
        value, id.length, alg, hex);
    g_free (hex);
    g_free (path);
  }
  return TRUE;
}

/* the input's identity and digest, and the chain's description with what
 * the output depends on beyond the input (files that properties name);
 * FALSE: gst_cache_bin_bypass (reason set) */
gboolean
gst_cache_bin_identify_input (GstCacheBin * self, gboolean trust_stat)
{
  KeyRun *run = key_run_new (self);
  GError *err = NULL;
  gchar *description, *wo, *uri;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = FALSE;

  GST_OBJECT_LOCK (self);
  description = g_strdup (self->description);
  run->alg = (GstCacheDigestAlgorithm) self->input_digest;
  GST_OBJECT_UNLOCK (self);

  uri = upstream_uri (self);
  if (uri && gst_uri_has_protocol (uri, "file"))
    self->input_path = g_filename_from_uri (uri, NULL, NULL);
  self->upstream_pull = upstream_can_pull (self);
  if (upstream_is_live (self)) {
    gst_cache_bin_bypass (self, "live");
    goto out;
  } else if (self->input_path) {
    if (!gst_cache_hash_file_full (self->store, self->input_path, run->alg,
            trust_stat, &self->input_id, run->input_digest,
            &self->input_from_manifest, &err)) {
      GST_WARNING_OBJECT (self, "cannot hash the input: %s", err->message);
      g_clear_error (&err);
      gst_cache_bin_bypass (self, "input-unreadable");
      goto out;
    }
  } else if (uri_is_http (uri)) {
    if (!hash_http_input (self, run, uri, trust_stat))
      goto out;
  } else if (self->upstream_pull) {
    if (!hash_by_pulling (self, &self->input_id, run)) {
      gst_cache_bin_bypass (self, "input-unreadable");
      goto out;
    }
  } else {
    GST_INFO_OBJECT (self, "upstream is neither a local file, nor on an "
        "HTTP server, nor seekable in pull mode: running without the cache");
    gst_cache_bin_bypass (self, "push-only-upstream");
    goto out;
  }
  self->hash_ns = (g_get_monotonic_time () - t0) * 1000;

  /* a description that does not parse is reported by the caller's own
   * gst_cache_bin_describe_chain () */
  ok = TRUE;
  if (!describe_chain_once (self, run, description))
    goto out;
  /* the application's elements: a write-only property's value is unknown */
  if (description == NULL && (wo = find_write_only (GST_BIN (self)))) {
    GST_INFO_OBJECT (self, "%s cannot be read back: its value cannot be "
        "in the key", wo);
    g_free (wo);
    gst_cache_bin_bypass (self, "write-only-property");
    ok = FALSE;
    goto out;
  }
  t0 = g_get_monotonic_time ();
  ok = hash_property_files (self, run, trust_stat);
  self->hash_ns += (g_get_monotonic_time () - t0) * 1000;

out:
  g_free (uri);
  g_free (description);
  return ok;
}

/* downstream's caps, as they constrain what the chain negotiates */
static gchar *
downstream_caps (GstCacheBin * self)
{
  GstCaps *caps = gst_pad_peer_query_caps (self->srcpad, NULL);
  gchar *s = gst_cache_caps_to_string_sorted (caps);

  gst_caps_unref (caps);
  return s;
}

void
gst_cache_bin_make_key (GstCacheBin * self, GstCacheBinKeyMode key_mode,
    const gchar * name_space)
{
  GstCacheKey *key = gst_cache_key_new ();
  KeyRun *run = key_run_get (self);
  gchar *s, *hex;

  g_assert (run != NULL && run->described);
  gst_cache_key_add (key, "format", GST_CACHE_KEY_FORMAT);
  hex = gst_cache_digest_to_hex (run->input_digest,
      gst_cache_digest_algorithm_size (run->alg));
  s = g_strdup_printf ("%s:%s", gst_cache_digest_algorithm_name (run->alg),
      hex);
  gst_cache_key_add (key, "input-digest", s);
  g_free (s);
  g_free (hex);
  s = g_strdup_printf ("%" G_GUINT64_FORMAT, self->input_id.length);
  gst_cache_key_add (key, "input-length", s);
  g_free (s);
  gst_cache_key_add (key, "chain", self->chain_text);
  gst_cache_key_add (key, "description", run->description);
  gst_cache_key_add (key, "files", run->file_digests->str);
  if (key_mode == GST_CACHE_BIN_KEY_FULL) {
    gst_cache_key_add (key, "versions", self->versions);
    gst_cache_key_add (key, "libraries", run->libraries);
  }
  s = downstream_caps (self);
  gst_cache_key_add (key, "downstream-caps", s);
  g_free (s);
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
      run->http_url ? run->http_url : "pulled from upstream",
      self->input_id.length,
      self->input_from_manifest ? "digest recalled" : "hashed",
      GST_TIME_ARGS (self->hash_ns), self->key_hex);
  GST_DEBUG_OBJECT (self, "key record:\n%s", self->key_record);
}
