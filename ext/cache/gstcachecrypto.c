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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachecrypto.h"

#include <gmodule.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>

/* the library of the OpenSSL we were built with (libssl3 on Debian 12) */
#define LIBCRYPTO "libcrypto.so." G_STRINGIFY (OPENSSL_SHLIB_VERSION)

typedef struct
{
  __typeof__ (EVP_MD_CTX_new) * md_ctx_new;
  __typeof__ (EVP_MD_CTX_free) * md_ctx_free;
  __typeof__ (EVP_sha256) * sha256;
  __typeof__ (EVP_DigestInit_ex) * digest_init;
  __typeof__ (EVP_DigestUpdate) * digest_update;
  __typeof__ (EVP_DigestFinal_ex) * digest_final;
  __typeof__ (EVP_MAC_fetch) * mac_fetch;
  __typeof__ (EVP_MAC_free) * mac_free;
  __typeof__ (EVP_MAC_CTX_new) * mac_ctx_new;
  __typeof__ (EVP_MAC_CTX_free) * mac_ctx_free;
  __typeof__ (EVP_MAC_init) * mac_init;
  __typeof__ (EVP_MAC_update) * mac_update;
  __typeof__ (EVP_MAC_final) * mac_final;
} OpenSsl;

static const struct
{
  const gchar *name;
  gsize offset;
} symbols[] = {
  {"EVP_MD_CTX_new", G_STRUCT_OFFSET (OpenSsl, md_ctx_new)},
  {"EVP_MD_CTX_free", G_STRUCT_OFFSET (OpenSsl, md_ctx_free)},
  {"EVP_sha256", G_STRUCT_OFFSET (OpenSsl, sha256)},
  {"EVP_DigestInit_ex", G_STRUCT_OFFSET (OpenSsl, digest_init)},
  {"EVP_DigestUpdate", G_STRUCT_OFFSET (OpenSsl, digest_update)},
  {"EVP_DigestFinal_ex", G_STRUCT_OFFSET (OpenSsl, digest_final)},
  {"EVP_MAC_fetch", G_STRUCT_OFFSET (OpenSsl, mac_fetch)},
  {"EVP_MAC_free", G_STRUCT_OFFSET (OpenSsl, mac_free)},
  {"EVP_MAC_CTX_new", G_STRUCT_OFFSET (OpenSsl, mac_ctx_new)},
  {"EVP_MAC_CTX_free", G_STRUCT_OFFSET (OpenSsl, mac_ctx_free)},
  {"EVP_MAC_init", G_STRUCT_OFFSET (OpenSsl, mac_init)},
  {"EVP_MAC_update", G_STRUCT_OFFSET (OpenSsl, mac_update)},
  {"EVP_MAC_final", G_STRUCT_OFFSET (OpenSsl, mac_final)},
};

static OpenSsl ossl;
static gint forced_glib;

static gpointer
load_once (gpointer data)
{
  GModule *module = g_module_open (LIBCRYPTO, G_MODULE_BIND_LAZY |
      G_MODULE_BIND_LOCAL);
  guint i;

  if (module == NULL)
    return GINT_TO_POINTER (FALSE);
  for (i = 0; i < G_N_ELEMENTS (symbols); i++) {
    gpointer *slot = G_STRUCT_MEMBER_P (&ossl, symbols[i].offset);

    if (!g_module_symbol (module, symbols[i].name, slot) || *slot == NULL) {
      memset (&ossl, 0, sizeof (ossl));
      g_module_close (module);
      return GINT_TO_POINTER (FALSE);
    }
  }
  /* its functions are used until the process exits */
  g_module_make_resident (module);
  return GINT_TO_POINTER (TRUE);
}

static gboolean
have_openssl (void)
{
  static GOnce once = G_ONCE_INIT;

  if (g_atomic_int_get (&forced_glib))
    return FALSE;
  return GPOINTER_TO_INT (g_once (&once, load_once, NULL));
}

const gchar *
gst_cache_crypto_backend (void)
{
  return have_openssl ()? "openssl" : "glib";
}

void
gst_cache_crypto_force_glib (void)
{
  g_atomic_int_set (&forced_glib, 1);
}

struct _GstCacheSha256
{
  EVP_MD_CTX *md;
  GChecksum *checksum;
};

GstCacheSha256 *
gst_cache_sha256_new (void)
{
  GstCacheSha256 *sha = g_new0 (GstCacheSha256, 1);

  if (have_openssl ()) {
    sha->md = ossl.md_ctx_new ();
    if (sha->md && ossl.digest_init (sha->md, ossl.sha256 (), NULL) == 1)
      return sha;
    if (sha->md)
      ossl.md_ctx_free (sha->md);
    sha->md = NULL;
  }
  sha->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  return sha;
}

void
gst_cache_sha256_update (GstCacheSha256 * sha, gconstpointer data, gsize size)
{
  if (sha->md) {
    ossl.digest_update (sha->md, data, size);
    return;
  }
  while (size > 0) {
    gsize n = MIN (size, (gsize) G_MAXSSIZE);

    g_checksum_update (sha->checksum, data, (gssize) n);
    data = (const guint8 *) data + n;
    size -= n;
  }
}

void
gst_cache_sha256_finish (GstCacheSha256 * sha, guint8 digest[32])
{
  if (sha->md) {
    guint len = 0;

    ossl.digest_final (sha->md, digest, &len);
    g_assert (len == 32);
  } else {
    gsize len = 32;

    g_checksum_get_digest (sha->checksum, digest, &len);
    g_assert (len == 32);
  }
}

void
gst_cache_sha256_free (GstCacheSha256 * sha)
{
  if (sha->md)
    ossl.md_ctx_free (sha->md);
  if (sha->checksum)
    g_checksum_free (sha->checksum);
  g_free (sha);
}

static gboolean
hmac_openssl (gconstpointer key, gsize key_len, const guint8 * const *parts,
    const gsize * sizes, guint n_parts, guint8 out[32])
{
  EVP_MAC *mac = ossl.mac_fetch (NULL, "HMAC", NULL);
  EVP_MAC_CTX *ctx = mac ? ossl.mac_ctx_new (mac) : NULL;
  OSSL_PARAM params[] = {
    OSSL_PARAM_utf8_string (OSSL_MAC_PARAM_DIGEST, (gchar *) "SHA256", 6),
    OSSL_PARAM_END
  };
  gsize out_len = 0;
  gboolean ok;
  guint i;

  ok = ctx && ossl.mac_init (ctx, key, key_len, params);
  for (i = 0; ok && i < n_parts; i++)
    ok = ossl.mac_update (ctx, parts[i], sizes[i]);
  ok = ok && ossl.mac_final (ctx, out, &out_len, 32) && out_len == 32;
  if (ctx)
    ossl.mac_ctx_free (ctx);
  if (mac)
    ossl.mac_free (mac);
  return ok;
}

gboolean
gst_cache_hmac_sha256 (gconstpointer key, gsize key_len,
    const guint8 * const *parts, const gsize * sizes, guint n_parts,
    guint8 out[32])
{
  GHmac *hmac;
  gsize len = 32;
  guint i;

  if (have_openssl () &&
      hmac_openssl (key, key_len, parts, sizes, n_parts, out))
    return TRUE;
  hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  for (i = 0; i < n_parts; i++) {
    const guint8 *p = parts[i];
    gsize left = sizes[i];

    while (left > 0) {
      gsize n = MIN (left, (gsize) G_MAXSSIZE);

      g_hmac_update (hmac, p, (gssize) n);
      p += n;
      left -= n;
    }
  }
  g_hmac_get_digest (hmac, out, &len);
  g_hmac_unref (hmac);
  return len == 32;
}

gboolean
gst_cache_crypto_equal (const guint8 * a, const guint8 * b, gsize n)
{
  volatile guint8 diff = 0;
  gsize i;

  for (i = 0; i < n; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}
