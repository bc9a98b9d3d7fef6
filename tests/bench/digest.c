/* gst-reuse: benchmark: the input digest, XXH3-128 against SHA-256
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

/* Hashes FILE as cachebin hashes an input file (read() in 1 MiB blocks,
 * no stat manifest) with --algorithm (xxh3-128 or sha256). Prints
 * key=value lines: bytes, seconds (the hashing alone), digest. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcacheinput.h"

#include <stdio.h>

static gchar *algorithm;

static GOptionEntry options[] = {
  {"algorithm", 0, 0, G_OPTION_ARG_STRING, &algorithm, "xxh3-128 or sha256",
      "NAME"},
  {NULL}
};

int
main (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new ("FILE");
  GError *err = NULL;
  GstCacheDigestAlgorithm alg;
  guint8 digest[GST_CACHE_DIGEST_MAX_SIZE];
  GstCacheFileId id;
  gchar *hex;
  gint64 t0, t1;

  g_option_context_add_main_entries (ctx, options, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &err) || argc != 2 ||
      !gst_cache_digest_algorithm_from_name (algorithm, &alg)) {
    fprintf (stderr, "usage: %s --algorithm=xxh3-128|sha256 FILE\n", argv[0]);
    return 2;
  }
  g_option_context_free (ctx);

  t0 = g_get_monotonic_time ();
  if (!gst_cache_hash_file_full (NULL, argv[1], alg, FALSE, &id, digest,
          NULL, &err)) {
    fprintf (stderr, "%s\n", err->message);
    return 1;
  }
  t1 = g_get_monotonic_time ();
  hex = gst_cache_digest_to_hex (digest, gst_cache_digest_algorithm_size (alg));
  printf ("bytes=%" G_GUINT64_FORMAT "\nseconds=%.6f\ndigest=%s\n",
      id.length, (t1 - t0) / 1e6, hex);
  g_free (hex);
  g_free (algorithm);
  return 0;
}
