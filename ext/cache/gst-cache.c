/* gst-reuse: gst-cache, show and manage a cache directory, analyse media
 * from it
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

#include "gstcachestore.h"
#include "gstcacheindex.h"
#include "gst-cache-discover.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gchar summary[] =
    "Show and manage the cache directory of cachebin, the GStreamer element\n"
    "that replays the stored output of a chain when the same input goes\n"
    "through the same chain again, and analyse media files through it\n"
    "(--discover: what gst-discoverer-1.0 -v prints, or JSON, from the\n"
    "cache when the same content was analysed before).\n"
    "\n"
    "The directory is the one cachebin uses by default,\n"
    "$XDG_CACHE_HOME/gstreamer-1.0/cachebin, or --dir. Give as many\n"
    "options as you like: they run in the order they are listed below, so\n"
    "that --show-stats shows the cache after the others.";

static const gchar description[] =
    "SIZES AND AGES\n"
    "  A SIZE is a number of bytes with an optional suffix: k, M, G, T\n"
    "  (powers of 1000) or Ki, Mi, Gi, Ti (powers of 1024); 0 removes the\n"
    "  setting (cachebin's default, 5 GiB, applies). An AGE is a number with\n"
    "  an optional suffix s, m, h or d (default: seconds).\n"
    "\n"
    "HOW THE CACHE STAYS WITHIN ITS LIMITS\n"
    "  The process that stores an entry evicts least recently used entries\n"
    "  in the same transaction until the cache fits the size limit (the\n"
    "  cachebin max-size property, or --max-size) and the entry limit\n"
    "  (--max-files); the size of an entry is its whole file. A hit makes\n"
    "  an entry the most recently used without waiting for a writer. An\n"
    "  entry being replayed is never pulled from under its reader.\n"
    "\n"
    "FILES\n"
    "  entries/XX/KEY.gstcache  an entry: payload, metadata, footer with\n"
    "                           an XXH3-128 checksum\n"
    "  index.sqlite             the index (entries and counters; WAL mode),\n"
    "                           rebuilt from the entries when damaged or\n"
    "                           lost; index.sqlite-wal and -shm, its log,\n"
    "                           go with it\n"
    "  config                   the limits set with --max-size, --max-files\n"
    "                           and the backends of --remote-storage\n"
    "  tmp/                     entries being written\n"
    "  pending/                 recency and counters of hits that found the\n"
    "                           index locked, for the next writer\n"
    "  chains/, stat/XX/        memos (canonical chains, input stat\n"
    "                           manifests), at most 1000 and 64 per shard\n"
    "\n"
    "REMOTE STORAGE\n"
    "  A local miss asks the remote backends in order (http://, https://,\n"
    "  redis://, redis+unix:); a remote entry is verified like a local\n"
    "  one (and its signature, with key-file=) before it is kept and\n"
    "  replayed; stored results are uploaded. A backend that fails is\n"
    "  skipped for the rest of the process. The HTTP and Redis backends\n"
    "  are modules (libgstcache-http.so, libgstcache-redis.so) loaded the\n"
    "  first time they are needed, from $GST_CACHE_MODULE_DIR (a\n"
    "  colon-separated list), then beside the gstcache library and in its\n"
    "  gstreamer-cache-1.0 directory. See docs/remote-cache.md.\n"
    "\n"
    "MEDIA ANALYSIS\n"
    "  --discover analyses each FILE or URI with GstDiscoverer through the\n"
    "  cache: a result is keyed by the input's content (not its path or\n"
    "  modification time), GStreamer's version and the versions of the\n"
    "  plugins that can take part, so a copy of a file is a hit and a\n"
    "  plugin upgrade is a miss. Plain output is gst-discoverer-1.0 -v's,\n"
    "  with a \"Cache:\" line (hit, miss or bypass); --json prints one JSON\n"
    "  object per input and line. See docs/analysis.md.\n"
    "\n"
    "EXIT STATUS\n"
    "  0 on success; 1 when --verify found damaged entries (they are\n"
    "  removed), --check-remote found a backend failing or --discover\n"
    "  could not analyse an input (GstDiscoverer's message on stderr); 2\n"
    "  on a usage error or when the cache cannot be used.\n"
    "\n"
    "EXAMPLES\n"
    "  gst-cache -s                       what the cache did, how big it is\n"
    "  gst-cache --dir /srv/cache -M 20G  limit a shared cache to 20 GB\n"
    "  gst-cache --evict-older-than 7d    drop what nobody used for a week\n"
    "  gst-cache --verify                 check every entry\n"
    "  gst-cache --remote-storage \"http://cache:8080/gst|layout=subdirs\"\n"
    "                                     share results with a fleet\n"
    "  gst-cache --discover movie.mp4     analyse a file, from the cache\n"
    "  gst-cache --json --discover *.mkv  the same as JSON, a line each\n"
    "\n" "See docs/gst-cache.md in gst-reuse.";

static gchar *opt_dir;
static gboolean opt_show_stats, opt_json, opt_zero_stats, opt_clear;
static gchar *opt_max_size, *opt_max_files, *opt_evict_older_than;
static gboolean opt_list, opt_verify, opt_cleanup, opt_version;
static gchar *opt_inspect, *opt_remote_storage;
static gboolean opt_check_remote, opt_discover;
static gdouble opt_timeout = 10.0;
static gchar **opt_inputs;

static GOptionEntry entries[] = {
  {"dir", 'd', 0, G_OPTION_ARG_FILENAME, &opt_dir,
      "The cache directory", "DIR"},
  {"max-size", 'M', 0, G_OPTION_ARG_STRING, &opt_max_size,
      "Set the size limit, kept in the directory's configuration; cachebin "
        "uses it when its own max-size property is unset", "SIZE"},
  {"max-files", 'F', 0, G_OPTION_ARG_STRING, &opt_max_files,
      "Set the limit on the number of entries (0: none)", "N"},
  {"zero-stats", 'z', 0, G_OPTION_ARG_NONE, &opt_zero_stats,
      "Set the counters to zero", NULL},
  {"clear", 'C', 0, G_OPTION_ARG_NONE, &opt_clear,
      "Remove every entry and the memos (the configuration and counters "
        "stay)", NULL},
  {"evict-older-than", 0, 0, G_OPTION_ARG_STRING, &opt_evict_older_than,
      "Remove the entries last used more than AGE ago", "AGE"},
  {"cleanup", 'c', 0, G_OPTION_ARG_NONE, &opt_cleanup,
      "Remove temporary files of writers that are gone, make the index "
        "agree with the entries, evict to the limits, and bring the memos "
        "within their bounds", NULL},
  {"verify", 0, 0, G_OPTION_ARG_NONE, &opt_verify,
      "Read every entry whole and check it; remove the damaged ones and "
        "exit with 1 if there were any", NULL},
  {"list", 'l', 0, G_OPTION_ARG_NONE, &opt_list,
      "List the entries, least recently used first: key, size, last use, "
        "namespace, chain (or \"[analysis] discover URI\" for a media "
        "analysis)", NULL},
  {"inspect", 'i', 0, G_OPTION_ARG_STRING, &opt_inspect,
      "Show an entry (a unique key prefix will do): its metadata, the "
        "record its key was made of, and whether it is intact", "KEY"},
  {"remote-storage", 0, 0, G_OPTION_ARG_STRING, &opt_remote_storage,
      "Set the remote backends (space-separated URLs with |attr=value "
        "suffixes, as ccache's remote_storage; \"\": none), kept in the "
        "directory's configuration; cachebin uses them when its own "
        "remote-storage property is unset", "URLS"},
  {"check-remote", 0, 0, G_OPTION_ARG_NONE, &opt_check_remote,
      "Try each remote backend (write, read back and delete a probe; read "
        "only for read-only ones) and exit with 1 if any failed", NULL},
  {"discover", 0, 0, G_OPTION_ARG_NONE, &opt_discover,
      "Analyse each FILE or URI with GstDiscoverer through the cache and "
        "print what gst-discoverer-1.0 -v prints, with how the cache "
        "served it", NULL},
  {"timeout", 't', 0, G_OPTION_ARG_DOUBLE, &opt_timeout,
        "With --discover: the time an analysis may take (default 10)",
      "SECONDS"},
  {"show-stats", 's', 0, G_OPTION_ARG_NONE, &opt_show_stats,
      "Show the counters, the size and the limits", NULL},
  {"json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
      "With --show-stats, --list and --discover: print JSON", NULL},
  {"version", 'V', 0, G_OPTION_ARG_NONE, &opt_version,
      "Print the version", NULL},
  {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_inputs,
      NULL, NULL},
  {NULL}
};

static gboolean
parse_size (const gchar * s, guint64 * out)
{
  static const struct
  {
    const gchar *suffix;
    guint64 mul;
  } units[] = {
    {"Ki", 1ULL << 10}, {"Mi", 1ULL << 20}, {"Gi", 1ULL << 30},
    {"Ti", 1ULL << 40}, {"k", 1000ULL}, {"K", 1000ULL}, {"M", 1000000ULL},
    {"G", 1000000000ULL}, {"T", 1000000000000ULL}, {"", 1},
  };
  gchar *end;
  gdouble v = g_ascii_strtod (s, &end);
  guint i;

  if (end == s || v < 0)
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (units); i++) {
    if (!strcmp (end, units[i].suffix) || (units[i].suffix[0] &&
            g_str_has_prefix (end, units[i].suffix) &&
            !strcmp (end + strlen (units[i].suffix), "B"))) {
      *out = (guint64) (v * units[i].mul);
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
parse_age (const gchar * s, gint64 * ns)
{
  gchar *end;
  gdouble v = g_ascii_strtod (s, &end);
  gdouble mul;

  if (end == s || v < 0)
    return FALSE;
  if (!*end || !strcmp (end, "s"))
    mul = 1;
  else if (!strcmp (end, "m"))
    mul = 60;
  else if (!strcmp (end, "h"))
    mul = 3600;
  else if (!strcmp (end, "d"))
    mul = 86400;
  else
    return FALSE;
  *ns = (gint64) (v * mul * 1e9);
  return TRUE;
}

static gchar *
human_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static gchar *
human_age (gint64 ns)
{
  gint64 s = ns / 1000000000;

  if (s < 120)
    return g_strdup_printf ("%" G_GINT64_FORMAT " s", s);
  if (s < 7200)
    return g_strdup_printf ("%" G_GINT64_FORMAT " min", s / 60);
  if (s < 172800)
    return g_strdup_printf ("%" G_GINT64_FORMAT " h", s / 3600);
  return g_strdup_printf ("%" G_GINT64_FORMAT " d", s / 86400);
}

static guint64
counter (GArray * c, const gchar * name)
{
  guint i;

  for (i = 0; i < c->len; i++)
    if (!strcmp (g_array_index (c, GstCacheCounter, i).name, name))
      return g_array_index (c, GstCacheCounter, i).value;
  return 0;
}

/* the media analysis (gst-cache --discover, GstCacheDiscoverer), apart
 * from cachebin's lookups: the hit rate is hits over hits and misses, as
 * cachebin's; bypasses are analyses the cache could not key */
static const gchar *const analysis_counters[] = {
  "hit", "hit-remote", "miss", "stored", "unstorable", "bypass",
};

static guint64
analysis_counter (GArray * c, const gchar * name)
{
  gchar *full = g_strconcat ("analysis-", name, NULL);
  guint64 v = counter (c, full);

  g_free (full);
  return v;
}

/* the counters PREFIXREASON, a line each, indented */
static void
show_reasons (GArray * c, const gchar * prefix, gint indent)
{
  guint i;

  for (i = 0; i < c->len; i++) {
    GstCacheCounter *k = &g_array_index (c, GstCacheCounter, i);

    if (g_str_has_prefix (k->name, prefix))
      printf ("%*s%-*s %" G_GUINT64_FORMAT "\n", indent, "", 22 - indent + 2,
          k->name + strlen (prefix), k->value);
  }
}

static void
show_analysis_stats (GArray * c)
{
  guint64 hits = analysis_counter (c, "hit");
  guint64 lookups = hits + analysis_counter (c, "miss");
  guint i;

  if (opt_json) {
    printf (",\n  \"analysis\": {");
    for (i = 0; i < G_N_ELEMENTS (analysis_counters); i++)
      printf ("%s\n    \"%s\": %" G_GUINT64_FORMAT, i ? "," : "",
          analysis_counters[i], analysis_counter (c, analysis_counters[i]));
    if (lookups) {
      gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

      printf (",\n    \"hit_rate\": %s\n  }", g_ascii_dtostr (buf,
              sizeof (buf), (gdouble) hits / lookups));
    } else {
      printf (",\n    \"hit_rate\": null\n  }");
    }
    return;
  }
  printf ("Media analysis:\n");
  printf ("  Hits:           %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT
      " (%.2f %%)\n", hits, lookups, lookups ? 100.0 * hits / lookups : 0);
  printf ("    from remote:  %" G_GUINT64_FORMAT "\n",
      analysis_counter (c, "hit-remote"));
  printf ("  Misses:         %" G_GUINT64_FORMAT "\n",
      analysis_counter (c, "miss"));
  printf ("    stored:       %" G_GUINT64_FORMAT "\n",
      analysis_counter (c, "stored"));
  printf ("    not stored:   %" G_GUINT64_FORMAT "\n",
      analysis_counter (c, "unstorable"));
  show_reasons (c, "analysis-unstorable-", 6);
  printf ("  Bypasses:       %" G_GUINT64_FORMAT "\n",
      analysis_counter (c, "bypass"));
  show_reasons (c, "analysis-bypass-", 4);
}

/* the remote tier: totals, then each backend (remote-NAME@URL) */
static void
show_remote_stats (GstCacheStore * store, GArray * c)
{
  gchar **urls = gst_cache_store_get_remote_urls (store);
  GPtrArray *seen = g_ptr_array_new ();
  guint i, j;

  for (i = 0; i < c->len; i++) {
    const gchar *at = strchr (g_array_index (c, GstCacheCounter, i).name, '@');
    gboolean known = FALSE;

    if (!g_str_has_prefix (g_array_index (c, GstCacheCounter, i).name,
            "remote-") || at == NULL)
      continue;
    for (j = 0; j < seen->len; j++)
      if (!strcmp (g_ptr_array_index (seen, j), at + 1))
        known = TRUE;
    if (!known)
      g_ptr_array_add (seen, (gpointer) (at + 1));
  }
  printf ("Remote storage:   %s\n", urls[0] ? "" :
      "none in this directory's configuration");
  for (i = 0; urls[i]; i++)
    printf ("  %s\n", urls[i]);
  if (seen->len > 0) {
    printf ("Remote hits:      %" G_GUINT64_FORMAT "\n",
        counter (c, "remote-hits"));
    printf ("Remote misses:    %" G_GUINT64_FORMAT "\n",
        counter (c, "remote-misses"));
    printf ("Remote errors:    %" G_GUINT64_FORMAT "\n",
        counter (c, "remote-errors"));
    printf ("Remote uploads:   %" G_GUINT64_FORMAT "\n",
        counter (c, "remote-uploads"));
  }
  for (j = 0; j < seen->len; j++) {
    const gchar *url = g_ptr_array_index (seen, j);

    printf ("  %s\n", url);
    for (i = 0; i < c->len; i++) {
      GstCacheCounter *k = &g_array_index (c, GstCacheCounter, i);
      const gchar *at = strchr (k->name, '@');

      if (g_str_has_prefix (k->name, "remote-") && at && !strcmp (at + 1, url))
        printf ("    %-20.*s %" G_GUINT64_FORMAT "%s\n",
            (gint) (at - k->name - strlen ("remote-")),
            k->name + strlen ("remote-"), k->value,
            g_str_has_prefix (k->name, "remote-time@") ? " ns" : "");
    }
  }
  g_ptr_array_unref (seen);
  g_strfreev (urls);
}

static gboolean
show_stats (GstCacheStore * store, guint64 max_size, guint64 max_files,
    GError ** error)
{
  GArray *c = gst_cache_store_counters (store, error);
  guint64 bytes, n, hits, misses, lookups;
  gchar *dir;
  guint i;

  if (c == NULL || !gst_cache_store_totals (store, &bytes, &n, error)) {
    if (c)
      g_array_unref (c);
    return FALSE;
  }
  dir = gst_cache_tool_json_string (gst_cache_store_get_dir (store));
  if (opt_json) {
    printf ("{\n  \"dir\": %s,\n  \"size\": %" G_GUINT64_FORMAT ",\n"
        "  \"entries\": %" G_GUINT64_FORMAT ",\n  \"max_size\": %"
        G_GUINT64_FORMAT ",\n  \"max_files\": %" G_GUINT64_FORMAT ",\n"
        "  \"counters\": {", dir, bytes, n, max_size, max_files);
    for (i = 0; i < c->len; i++) {
      GstCacheCounter *k = &g_array_index (c, GstCacheCounter, i);

      gchar *name = gst_cache_tool_json_string (k->name);

      printf ("%s\n    %s: %" G_GUINT64_FORMAT, i ? "," : "", name, k->value);
      g_free (name);
    }
    printf ("\n  }");
    show_analysis_stats (c);
    printf ("\n}\n");
  } else {
    gchar *size = human_size (bytes), *max = human_size (max_size);
    gchar *served = human_size (counter (c, "bytes-served"));
    gchar *stored = human_size (counter (c, "bytes-stored"));
    gchar *evicted = human_size (counter (c, "bytes-evicted"));

    hits = counter (c, "hits");
    misses = counter (c, "misses");
    lookups = hits + misses;
    printf ("Cache directory:  %s\n", gst_cache_store_get_dir (store));
    printf ("Hits:             %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT
        " (%.2f %%)\n", hits, lookups, lookups ? 100.0 * hits / lookups : 0);
    printf ("Misses:           %" G_GUINT64_FORMAT "\n", misses);
    printf ("Bypasses:         %" G_GUINT64_FORMAT "\n",
        counter (c, "bypasses"));
    for (i = 0; i < c->len; i++) {
      GstCacheCounter *k = &g_array_index (c, GstCacheCounter, i);

      if (g_str_has_prefix (k->name, "bypasses-"))
        printf ("  %-22s %" G_GUINT64_FORMAT "\n",
            k->name + strlen ("bypasses-"), k->value);
    }
    printf ("Misses not stored: %" G_GUINT64_FORMAT "\n",
        counter (c, "unstorable"));
    for (i = 0; i < c->len; i++) {
      GstCacheCounter *k = &g_array_index (c, GstCacheCounter, i);

      if (g_str_has_prefix (k->name, "unstorable-"))
        printf ("  %-22s %" G_GUINT64_FORMAT "\n",
            k->name + strlen ("unstorable-"), k->value);
    }
    printf ("Stores:           %" G_GUINT64_FORMAT "\n", counter (c, "stores"));
    printf ("Served:           %s\n", served);
    printf ("Stored:           %s\n", stored);
    printf ("Evictions:        %" G_GUINT64_FORMAT " (%s)\n",
        counter (c, "evictions"), evicted);
    printf ("Damaged entries:  %" G_GUINT64_FORMAT "\n",
        counter (c, "damaged"));
    printf ("Errors:           %" G_GUINT64_FORMAT "\n", counter (c, "errors"));
    printf ("Inputs modified:  %" G_GUINT64_FORMAT "\n",
        counter (c, "input-modified"));
    printf ("Too large:        %" G_GUINT64_FORMAT "\n",
        counter (c, "too-large"));
    show_analysis_stats (c);
    show_remote_stats (store, c);
    printf ("Cache size:       %s of %s (%.1f %%)\n", size, max,
        max_size ? 100.0 * bytes / max_size : 0.0);
    printf ("Entries:          %" G_GUINT64_FORMAT, n);
    if (max_files)
      printf (" of %" G_GUINT64_FORMAT, max_files);
    printf ("\n");
    g_free (size);
    g_free (max);
    g_free (served);
    g_free (stored);
    g_free (evicted);
  }
  g_free (dir);
  g_array_unref (c);
  return TRUE;
}

/* whether an entry holds a media analysis (GstCacheDiscoverer): its
 * description says "discover URI" and its metadata has an [analysis]
 * group. Only such entries are read, and they are small. */
#define ANALYSIS_ENTRY_MAX_SIZE (G_GUINT64_CONSTANT (16) << 20)

static gboolean
is_analysis (GstCacheStore * store, const GstCacheEntryInfo * e)
{
  guint8 key[GST_CACHE_KEY_SIZE];
  GstCacheEntry *entry;
  gboolean yes;

  if (!g_str_has_prefix (e->description, "discover ") ||
      e->size > ANALYSIS_ENTRY_MAX_SIZE || !gst_cache_key_from_hex (e->key,
          key))
    return FALSE;
  entry = gst_cache_store_lookup_full (store, key, FALSE, NULL);
  if (entry == NULL)
    return FALSE;
  yes = g_key_file_has_group (gst_cache_entry_get_meta (entry), "analysis");
  gst_cache_entry_unref (entry);
  return yes;
}

static gboolean
list (GstCacheStore * store, GError ** error)
{
  GArray *rows = gst_cache_store_list (store, error);
  gint64 now = g_get_real_time () * 1000;
  guint i;

  if (rows == NULL)
    return FALSE;
  if (opt_json)
    printf ("[");
  for (i = 0; i < rows->len; i++) {
    GstCacheEntryInfo *e = &g_array_index (rows, GstCacheEntryInfo, i);
    gboolean analysis = is_analysis (store, e);

    if (opt_json) {
      gchar *ns = gst_cache_tool_json_string (e->name_space);
      gchar *desc = gst_cache_tool_json_string (e->description);

      printf ("%s\n  {\"key\": \"%s\", \"size\": %" G_GUINT64_FORMAT ", "
          "\"last_use_ns\": %" G_GINT64_FORMAT ", \"created\": %"
          G_GINT64_FORMAT ", \"namespace\": %s, \"analysis\": %s, "
          "\"description\": %s}", i ? "," : "", e->key, e->size,
          e->last_use_ns, e->created_s, ns, analysis ? "true" : "false", desc);
      g_free (ns);
      g_free (desc);
    } else {
      gchar *size = human_size (e->size);
      gchar *age = human_age (now - e->last_use_ns);

      printf ("%.16s  %10s  %7s ago  %-12s  %s%s\n", e->key, size, age,
          *e->name_space ? e->name_space : "-",
          analysis ? "[analysis] " : "", e->description);
      g_free (size);
      g_free (age);
    }
  }
  if (opt_json)
    printf ("\n]\n");
  g_array_unref (rows);
  return TRUE;
}

static gboolean
inspect (GstCacheStore * store, const gchar * prefix, GError ** error)
{
  gchar *hex = gst_cache_store_find_key (store, prefix, error);
  guint8 key[GST_CACHE_KEY_SIZE];
  GstCacheEntry *entry;
  GError *err = NULL;
  GKeyFile *meta;
  gchar *record, *caps, *desc, *ns;
  gsize size;

  if (hex == NULL)
    return FALSE;
  gst_cache_key_from_hex (hex, key);
  entry = gst_cache_store_lookup_full (store, key, FALSE, &err);
  printf ("Key:          %s\n", hex);
  g_free (hex);
  if (entry == NULL) {
    printf ("State:        %s\n", err ? err->message : "gone");
    g_propagate_error (error, err);
    return FALSE;
  }
  meta = gst_cache_entry_get_meta (entry);
  gst_cache_entry_get_payload (entry, &size);
  caps = g_key_file_get_string (meta, "entry", "caps", NULL);
  desc = g_key_file_get_string (meta, "entry", "description", NULL);
  ns = g_key_file_get_string (meta, "entry", "namespace", NULL);
  record = g_key_file_get_string (meta, "entry", "record", NULL);
  printf ("File:         %s\n", gst_cache_entry_get_path (entry));
  printf ("State:        intact (footer, key and checksum verified)\n");
  printf ("Kind:         %s\n", gst_cache_entry_get_kind (entry) ==
      GST_CACHE_ENTRY_KIND_BYTES ? "byte stream" : "stream records");
  printf ("Payload:      %" G_GSIZE_FORMAT " bytes\n", size);
  if (caps && strlen (caps) > 160)
    strcpy (caps + 150, " […]");
  printf ("Caps:         %s\n", caps ? caps : "-");
  printf ("Namespace:    %s\n", ns && *ns ? ns : "-");
  printf ("Description:  %s\n", desc ? desc : "-");
  printf ("Created:      %" G_GINT64_FORMAT " (Unix time)\n",
      g_key_file_get_int64 (meta, "entry", "created", NULL));
  printf ("Compute time: %.3f s\n", g_key_file_get_uint64 (meta, "entry",
          "compute-time", NULL) / 1e9);
  printf ("Key record:\n%s", record ? record : "");
  g_free (caps);
  g_free (desc);
  g_free (ns);
  g_free (record);
  gst_cache_entry_unref (entry);
  return TRUE;
}

/* whether an option other than --discover needs the store */
static gboolean
store_wanted (void)
{
  return !opt_discover || opt_show_stats || opt_zero_stats || opt_clear ||
      opt_max_size || opt_max_files || opt_evict_older_than || opt_list ||
      opt_verify || opt_cleanup || opt_inspect || opt_remote_storage ||
      opt_check_remote;
}

/* --discover, in its turn among the options; @alone: no other option
 * follows, so that the registry shortcut may hand the inputs over to a
 * new process */
static gint
discover (gboolean alone)
{
  return gst_cache_tool_discover (opt_inputs, opt_dir,
      (GstClockTime) (opt_timeout * GST_SECOND), opt_json, alone);
}

static gint
fail (GError * err)
{
  fprintf (stderr, "gst-cache: %s\n", err->message);
  g_error_free (err);
  return 2;
}

/* --max-size, --max-files: 0, or 2 for a bad value or a failure */
static gint
set_limit (GstCacheStore * store, const gchar * name, const gchar * arg)
{
  GError *err = NULL;
  guint64 v;

  if (arg == NULL)
    return 0;
  if (!parse_size (arg, &v)) {
    fprintf (stderr, "gst-cache: not a %s: %s\n",
        strcmp (name, "max-size") ? "number" : "size", arg);
    return 2;
  }
  if (!gst_cache_store_set_config (store, name, v, &err))
    return fail (err);
  return 0;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GstCacheStore *store;
  GError *err = NULL;
  guint64 max_size, max_files;
  gint status = 0;
  gchar *dir;

  setlocale (LC_ALL, "");
  ctx = g_option_context_new ("[FILE|URI...]");
  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx, description);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    fprintf (stderr, "gst-cache: %s (see --help)\n", err->message);
    g_error_free (err);
    g_option_context_free (ctx);
    return 2;
  }
  g_option_context_free (ctx);
  if (opt_version) {
    printf ("gst-cache %s\n", VERSION);
    return 0;
  }
  if (opt_inputs && !opt_discover) {
    fprintf (stderr, "gst-cache: unexpected argument \"%s\": FILE and URI "
        "arguments go with --discover (see --help)\n", opt_inputs[0]);
    return 2;
  }
  if (opt_discover && opt_inputs == NULL) {
    fprintf (stderr, "gst-cache: --discover needs a FILE or URI (see "
        "--help)\n");
    return 2;
  }
  if (!(opt_timeout > 0 && opt_timeout <= 86400 * 365)) {
    fprintf (stderr, "gst-cache: --timeout must be a positive number of "
        "seconds\n");
    return 2;
  }
  /* the analysis alone does not need the store here: a cache that cannot
   * be used makes it a bypass, not a failure */
  if (!store_wanted ())
    return discover (TRUE);

  dir = opt_dir ? g_strdup (opt_dir) : gst_cache_store_default_dir ();
  store = gst_cache_store_open (dir, &err);
  g_free (dir);
  if (store == NULL)
    return fail (err);
  if (gst_cache_store_get_notice (store))
    fprintf (stderr, "gst-cache: %s\n", gst_cache_store_get_notice (store));


  if (opt_remote_storage) {
    /* only what parses is kept */
    if (!gst_cache_store_set_remote_storage (store, opt_remote_storage, &err)) {
      fprintf (stderr, "gst-cache: %s\n", err->message);
      g_clear_error (&err);
      status = 2;
      goto out;
    }
    if (!gst_cache_store_set_config_string (store, "remote-storage",
            opt_remote_storage, &err))
      goto failed;
  }
  if (!gst_cache_store_set_remote_storage (store, NULL, &err)) {
    fprintf (stderr, "gst-cache: %s\n", err->message);
    g_clear_error (&err);
  }

  status = set_limit (store, "max-size", opt_max_size);
  if (status == 0)
    status = set_limit (store, "max-entries", opt_max_files);
  if (status != 0)
    goto out;
  max_size = gst_cache_store_get_config_max_size (store);
  if (max_size == 0)
    max_size = GST_CACHE_DEFAULT_MAX_SIZE;
  max_files = gst_cache_store_get_config_max_entries (store);
  if ((opt_max_size || opt_max_files) &&
      !gst_cache_store_evict (store, max_size, max_files, 0, NULL, &err))
    goto failed;

  if (opt_zero_stats) {
    if (!gst_cache_store_zero_stats (store, &err))
      goto failed;
    printf ("Statistics zeroed\n");
  }
  if (opt_clear) {
    guint n = 0;

    if (!gst_cache_store_clear (store, &n, &err))
      goto failed;
    printf ("Removed %u entries\n", n);
  }
  if (opt_evict_older_than) {
    gint64 age;
    guint n = 0;

    if (!parse_age (opt_evict_older_than, &age)) {
      fprintf (stderr, "gst-cache: not an age: %s\n", opt_evict_older_than);
      status = 2;
      goto out;
    }
    if (!gst_cache_store_evict (store, 0, 0, g_get_real_time () * 1000 - age,
            &n, &err))
      goto failed;
    printf ("Evicted %u entries\n", n);
  }
  if (opt_cleanup) {
    guint tmp = 0, adopted = 0, dropped = 0, evicted = 0;

    if (!gst_cache_store_cleanup (store, max_size, max_files, &tmp, &adopted,
            &dropped, &evicted, &err))
      goto failed;
    printf ("Removed %u stale temporary files; index: %u entries added, %u "
        "rows without a file dropped; evicted %u entries\n", tmp, adopted,
        dropped, evicted);
  }
  if (opt_verify) {
    guint checked = 0, damaged = 0;

    if (!gst_cache_store_verify (store, &checked, &damaged, &err))
      goto failed;
    printf ("Checked %u entries: %u damaged%s\n", checked, damaged,
        damaged ? " (removed)" : "");
    if (damaged)
      status = 1;
  }
  if (opt_discover)
    status = MAX (status, discover (FALSE));
  if (opt_list && !list (store, &err))
    goto failed;
  if (opt_inspect && !inspect (store, opt_inspect, &err))
    goto failed;
  if (opt_check_remote) {
    GString *report = g_string_new (NULL);
    gchar **urls = gst_cache_store_get_remote_urls (store);

    if (urls[0] == NULL) {
      fprintf (stderr, "gst-cache: no remote storage configured\n");
      status = 1;
    } else if (!gst_cache_store_check_remote (store, report)) {
      status = 1;
    }
    printf ("%s", report->str);
    g_string_free (report, TRUE);
    g_strfreev (urls);
  }
  if (opt_show_stats && !show_stats (store, max_size, max_files, &err))
    goto failed;
out:
  gst_cache_store_free (store);
  return status;

failed:
  status = fail (err);
  goto out;
}
