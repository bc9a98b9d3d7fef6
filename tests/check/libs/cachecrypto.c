/* gst-reuse: unit tests of SHA-256 and HMAC-SHA256 (gstcachecrypto.c)
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

#include <string.h>

#include "gstcachestore-private.h"
#include "gstcachecrypto.h"
#include "gstcacheinput.h"
#include "reusetest.h"

/* FIPS 180-2's "abc" and the two-block message, RFC 4231's test cases 2
 * and 6 (a key longer than the block) */
static const gchar *const SHA_ABC =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
static const gchar *const MSG2 =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const gchar *const SHA_MSG2 =
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
static const gchar *const HMAC_2 =
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
static const gchar *const HMAC_6 =
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";

static gchar *
sha_hex (const gchar * text, gsize split)
{
  GstCacheSha256 *sha = gst_cache_sha256_new ();
  guint8 d[32];

  gst_cache_sha256_update (sha, text, split);
  gst_cache_sha256_update (sha, text + split, strlen (text) - split);
  gst_cache_sha256_finish (sha, d);
  gst_cache_sha256_free (sha);
  return gst_cache_digest_to_hex (d, 32);
}

static gchar *
hmac_hex (const guint8 * key, gsize key_len, const gchar * text, gsize split)
{
  const guint8 *parts[] = { (const guint8 *) text,
    (const guint8 *) text + split
  };
  const gsize sizes[] = { split, strlen (text) - split };
  guint8 d[32];

  fail_unless (gst_cache_hmac_sha256 (key, key_len, parts, sizes, 2, d));
  return gst_cache_digest_to_hex (d, 32);
}

static void
check_vectors (void)
{
  guint8 long_key[131];
  gchar *hex;
  gsize split;

  memset (long_key, 0xaa, sizeof (long_key));
  for (split = 0; split <= 3; split++) {
    hex = sha_hex ("abc", split);
    fail_unless_equals_string (hex, SHA_ABC);
    g_free (hex);
  }
  hex = sha_hex (MSG2, 17);
  fail_unless_equals_string (hex, SHA_MSG2);
  g_free (hex);
  for (split = 0; split <= 28; split += 7) {
    hex = hmac_hex ((const guint8 *) "Jefe", 4,
        "what do ya want for nothing?", split);
    fail_unless_equals_string (hex, HMAC_2);
    g_free (hex);
  }
  hex = hmac_hex (long_key, sizeof (long_key),
      "Test Using Larger Than Block-Size Key - Hash Key First", 20);
  fail_unless_equals_string (hex, HMAC_6);
  g_free (hex);
}

static gboolean
libcrypto_loaded (void)
{
  gchar *maps = NULL;
  gboolean found;

  fail_unless (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  found = strstr (maps, "libcrypto.so") != NULL;
  g_free (maps);
  return found;
}

/* the library is not linked: a process that hashes with XXH3 alone and
 * uses the store never loads it; the first SHA-256 does, and gives the
 * standard digests */
GST_START_TEST (test_openssl_on_first_use)
{
  gchar *dir = g_dir_make_tmp ("cachecrypto-XXXXXX", NULL);
  GstCacheStore *store;
  GstCacheHasher *h;
  guint8 d[GST_CACHE_DIGEST_SIZE];

  fail_if (libcrypto_loaded (), "libcrypto is linked");
  store = gst_cache_store_open (dir, NULL);
  fail_unless (store != NULL);
  h = gst_cache_hasher_new ();
  gst_cache_hasher_update (h, "abc", 3);
  gst_cache_hasher_finish (h, d);
  gst_cache_hasher_free (h);
  gst_cache_store_free (store);
  fail_if (libcrypto_loaded (), "libcrypto loaded without SHA-256");

  check_vectors ();
  fail_unless_equals_string (gst_cache_crypto_backend (), "openssl");
  fail_unless (libcrypto_loaded ());
  reuse_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

/* without libcrypto, GLib's implementation gives the same digests */
GST_START_TEST (test_glib_fallback)
{
  gst_cache_crypto_force_glib ();
  fail_unless_equals_string (gst_cache_crypto_backend (), "glib");
  check_vectors ();
}

GST_END_TEST;

GST_START_TEST (test_equal)
{
  guint8 a[32], b[32];

  memset (a, 7, sizeof (a));
  memcpy (b, a, sizeof (b));
  fail_unless (gst_cache_crypto_equal (a, b, 32));
  b[31] ^= 1;
  fail_if (gst_cache_crypto_equal (a, b, 32));
  b[31] ^= 1;
  b[0] ^= 0x80;
  fail_if (gst_cache_crypto_equal (a, b, 32));
  fail_unless (gst_cache_crypto_equal (a, b, 0));
}

GST_END_TEST;

static Suite *
cachecrypto_suite (void)
{
  Suite *s = suite_create ("cachecrypto");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  /* in this order: the fallback is forced for the rest of the process */
  tcase_add_test (tc, test_openssl_on_first_use);
  tcase_add_test (tc, test_equal);
  tcase_add_test (tc, test_glib_fallback);
  return s;
}

GST_CHECK_MAIN (cachecrypto);
