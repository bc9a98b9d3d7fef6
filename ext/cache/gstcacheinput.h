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

/**
 * GST_CACHE_HTTP_ERROR:
 *
 * The error domain of gst_cache_hash_http(): why an object on an HTTP
 * server could not be identified. A caller runs without the cache then.
 */
#define GST_CACHE_HTTP_ERROR (gst_cache_http_error_quark ())
GST_CACHE_API
GQuark gst_cache_http_error_quark (void);

/**
 * GstCacheHttpError:
 * @GST_CACHE_HTTP_ERROR_UNSUPPORTED: not an http:// or https:// URI, or the
 *     store was built without libcurl
 * @GST_CACHE_HTTP_ERROR_UNREACHABLE: the server could not be reached
 *     (connection refused, host unknown, no connection within the timeout)
 * @GST_CACHE_HTTP_ERROR_TIMEOUT: the server stopped answering
 * @GST_CACHE_HTTP_ERROR_NOT_FOUND: 404 or 410
 * @GST_CACHE_HTTP_ERROR_STATUS: any other status than 200 (or 304 to a
 *     conditional request): 5xx, 401, a redirect (never followed)
 * @GST_CACHE_HTTP_ERROR_SHORT_BODY: the body ended before its
 *     Content-Length, or the connection was cut
 * @GST_CACHE_HTTP_ERROR_PROTOCOL: any other failure of the transfer
 */
typedef enum
{
  GST_CACHE_HTTP_ERROR_UNSUPPORTED,
  GST_CACHE_HTTP_ERROR_UNREACHABLE,
  GST_CACHE_HTTP_ERROR_TIMEOUT,
  GST_CACHE_HTTP_ERROR_NOT_FOUND,
  GST_CACHE_HTTP_ERROR_STATUS,
  GST_CACHE_HTTP_ERROR_SHORT_BODY,
  GST_CACHE_HTTP_ERROR_PROTOCOL,
} GstCacheHttpError;

/**
 * gst_cache_hash_http:
 * @store: (nullable): the store whose HTTP manifest (in `stat/`) is used
 *     and kept; %NULL: always download
 * @uri: an http:// or https:// URI; credentials in its userinfo are sent
 *     as basic authentication and appear nowhere else
 * @alg: the digest to compute
 * @digest: (out): gst_cache_digest_algorithm_size() bytes of digest
 * @length: (out): the object's length in bytes
 * @from_manifest: (out) (optional): whether the digest came from the HTTP
 *     manifest after a conditional HEAD, without a download
 * @error: a #GST_CACHE_HTTP_ERROR
 *
 * The digest of the object at @uri, identified by content. An object seen
 * before, whose manifest entry (the URI without credentials → strong ETag,
 * Last-Modified, Content-Length → digests) has a validator, is revalidated
 * with one HEAD request (If-None-Match with the strong ETag, else
 * If-Modified-Since): a 304, or a 200 whose validators and Content-Length
 * equal the manifest's, gives the manifest's digest. Otherwise the object
 * is downloaded (GET) and hashed as it arrives; its status must be 200 and
 * its body exactly its Content-Length; the manifest then keeps it when the
 * response has a strong ETag or a Last-Modified at least 2 s older than
 * the response's Date (what changes within the same second keeps its
 * Last-Modified, and nginx's ETag is made of it). A weak ETag is no
 * validator. Redirects are not followed.
 *
 * What this trusts is what any HTTP cache trusts: that the server changes
 * the validators when the object changes.
 *
 * Returns: %TRUE with @digest and @length set
 */
GST_CACHE_API
gboolean gst_cache_hash_http (GstCacheStore * store, const gchar * uri,
    GstCacheDigestAlgorithm alg, guint8 digest[GST_CACHE_DIGEST_MAX_SIZE],
    guint64 * length, gboolean * from_manifest, GError ** error);

G_END_DECLS

#endif /* __GST_CACHE_INPUT_H__ */
