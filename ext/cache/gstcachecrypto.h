/* gst-reuse: SHA-256 and HMAC-SHA256, OpenSSL's loaded on first use
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

#ifndef __GST_CACHE_CRYPTO_H__
#define __GST_CACHE_CRYPTO_H__

#include <glib.h>

G_BEGIN_DECLS

/* SHA-256 (input digests) and HMAC-SHA256 (signatures of remote entries).
 * libcrypto is not linked: a process that uses neither never loads it (it
 * cost about 1 ms at the start of every process). It is opened at the
 * first use; if it cannot be, GLib's GChecksum and GHmac give the same
 * digests, about five times slower. */

typedef struct _GstCacheSha256 GstCacheSha256;

G_GNUC_INTERNAL
GstCacheSha256 *gst_cache_sha256_new (void);
G_GNUC_INTERNAL
void gst_cache_sha256_update (GstCacheSha256 * sha, gconstpointer data,
    gsize size);
G_GNUC_INTERNAL
void gst_cache_sha256_finish (GstCacheSha256 * sha, guint8 digest[32]);
G_GNUC_INTERNAL
void gst_cache_sha256_free (GstCacheSha256 * sha);

/* HMAC-SHA256 with @key over the @n_parts buffers @parts (of @sizes) in
 * turn */
G_GNUC_INTERNAL
gboolean gst_cache_hmac_sha256 (gconstpointer key, gsize key_len,
    const guint8 * const *parts, const gsize * sizes, guint n_parts,
    guint8 out[32]);

/* compares @n bytes in a time that does not depend on where they differ
 * (signatures) */
G_GNUC_INTERNAL
gboolean gst_cache_crypto_equal (const guint8 * a, const guint8 * b, gsize n);

/* "openssl" or "glib": which implementation serves this process (loads it
 * if it was not yet) */
G_GNUC_INTERNAL
const gchar *gst_cache_crypto_backend (void);

/* tests: GLib's implementation from now on, as without libcrypto */
G_GNUC_INTERNAL
void gst_cache_crypto_force_glib (void);

G_END_DECLS

#endif /* __GST_CACHE_CRYPTO_H__ */
