/* gst-reuse: the cache store: input digests with a choice of algorithm
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

#ifndef __GST_CACHE_INPUT_H__
#define __GST_CACHE_INPUT_H__

/* Input digests. XXH3-128 (the default) is fast and has no accidental
 * collisions in practice, but it is not collision-resistant: whoever
 * chooses an input's bytes can make two inputs with the same digest. It is
 * the digest for a cache whose inputs the service trusts. SHA-256 (OpenSSL)
 * is for a cache shared by tenants who bring their own inputs, where a
 * crafted collision would hand one tenant another's result. The stat
 * manifest keeps a file's digest per algorithm.
 *
 * gst_cache_hash_file() and gst_cache_hasher_new() of gstcachestore.h are
 * the XXH3-128 forms of these. */

#include "gstcachestore.h"

#include "cache-prelude.h"

G_BEGIN_DECLS

typedef enum
{
  GST_CACHE_DIGEST_XXH3_128,
  GST_CACHE_DIGEST_SHA256,
} GstCacheDigestAlgorithm;

#define GST_CACHE_DIGEST_MAX_SIZE 32

/* "xxh3-128", "sha256" */
GST_CACHE_API
const gchar *gst_cache_digest_algorithm_name (GstCacheDigestAlgorithm alg);
GST_CACHE_API
gsize gst_cache_digest_algorithm_size (GstCacheDigestAlgorithm alg);
GST_CACHE_API
gboolean gst_cache_digest_algorithm_from_name (const gchar * name,
    GstCacheDigestAlgorithm * alg);

GST_CACHE_API
GstCacheHasher *gst_cache_hasher_new_full (GstCacheDigestAlgorithm alg);
/* writes gst_cache_digest_algorithm_size() bytes to @digest */
GST_CACHE_API
void gst_cache_hasher_finish_full (GstCacheHasher * hasher,
    guint8 digest[GST_CACHE_DIGEST_MAX_SIZE]);

/* as gst_cache_hash_file() (@id gets the file's identity and length, and,
 * for XXH3-128, its digest), with the digest of @alg in @digest */
GST_CACHE_API
gboolean gst_cache_hash_file_full (GstCacheStore * store, const gchar * path,
    GstCacheDigestAlgorithm alg, gboolean trust_stat, GstCacheFileId * id,
    guint8 digest[GST_CACHE_DIGEST_MAX_SIZE], gboolean * from_manifest,
    GError ** error);

G_END_DECLS

#endif /* __GST_CACHE_INPUT_H__ */
