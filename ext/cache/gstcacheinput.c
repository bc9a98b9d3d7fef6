/* gst-reuse: the cache store: input digests and the stat manifest
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

#include "gstcachestore-private.h"
#include "gstcacheinput.h"
#include "gstcachecrypto.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* xxHash returns its 128-bit hashes as structures, by value */
#pragma GCC diagnostic ignored "-Waggregate-return"
#define XXH_INLINE_ALL
#include <xxhash.h>

/* version 2 keeps one digest per algorithm ("xxh3-128=HEX sha256=HEX");
 * version 1 had one XXH3-128 digest and is still read */
#define STAT_MAGIC_V1 "gst-reuse-stat 1"
#define STAT_MAGIC "gst-reuse-stat 2"
/* a stat manifest is trusted only for files whose times are older than
 * this: timestamps have a granularity of a few milliseconds, so a file
 * written again within the same tick keeps its times */
#define STAT_TRUST_AGE_NS (2 * G_GINT64_CONSTANT (1000000000))
#define HASH_CHUNK (1024 * 1024)
#define N_ALGORITHMS 2

struct _GstCacheHasher
{
  GstCacheDigestAlgorithm alg;
  XXH3_state_t state;
  GstCacheSha256 *sha;          /* SHA-256 only */
};

const gchar *
gst_cache_digest_algorithm_name (GstCacheDigestAlgorithm alg)
{
  return alg == GST_CACHE_DIGEST_SHA256 ? "sha256" : "xxh3-128";
}

gsize
gst_cache_digest_algorithm_size (GstCacheDigestAlgorithm alg)
{
  return alg == GST_CACHE_DIGEST_SHA256 ? 32 : GST_CACHE_DIGEST_SIZE;
}

gboolean
gst_cache_digest_algorithm_from_name (const gchar * name,
    GstCacheDigestAlgorithm * alg)
{
  if (g_strcmp0 (name, "xxh3-128") == 0)
    *alg = GST_CACHE_DIGEST_XXH3_128;
  else if (g_strcmp0 (name, "sha256") == 0)
    *alg = GST_CACHE_DIGEST_SHA256;
  else
    return FALSE;
  return TRUE;
}

GstCacheHasher *
gst_cache_hasher_new_full (GstCacheDigestAlgorithm alg)
{
  GstCacheHasher *hasher = g_malloc0 (sizeof (GstCacheHasher));

  hasher->alg = alg;
  if (alg == GST_CACHE_DIGEST_SHA256) {
    hasher->sha = gst_cache_sha256_new ();
  } else {
    XXH3_INITSTATE (&hasher->state);
    XXH3_128bits_reset (&hasher->state);
  }
  return hasher;
}

GstCacheHasher *
gst_cache_hasher_new (void)
{
  return gst_cache_hasher_new_full (GST_CACHE_DIGEST_XXH3_128);
}

void
gst_cache_hasher_update (GstCacheHasher * hasher, gconstpointer data,
    gsize size)
{
  if (hasher->sha)
    gst_cache_sha256_update (hasher->sha, data, size);
  else
    XXH3_128bits_update (&hasher->state, data, size);
}

void
gst_cache_hasher_finish_full (GstCacheHasher * hasher,
    guint8 digest[GST_CACHE_DIGEST_MAX_SIZE])
{
  if (hasher->sha) {
    gst_cache_sha256_finish (hasher->sha, digest);
  } else {
    XXH128_canonical_t canon;

    XXH128_canonicalFromHash (&canon, XXH3_128bits_digest (&hasher->state));
    memcpy (digest, canon.digest, GST_CACHE_DIGEST_SIZE);
  }
}

/* only for XXH3-128 hashers, whose digest is GST_CACHE_DIGEST_SIZE bytes */
void
gst_cache_hasher_finish (GstCacheHasher * hasher,
    guint8 digest[GST_CACHE_DIGEST_SIZE])
{
  guint8 full[GST_CACHE_DIGEST_MAX_SIZE];

  g_return_if_fail (hasher->alg == GST_CACHE_DIGEST_XXH3_128);
  gst_cache_hasher_finish_full (hasher, full);
  memcpy (digest, full, GST_CACHE_DIGEST_SIZE);
}

void
gst_cache_hasher_free (GstCacheHasher * hasher)
{
  if (hasher->sha)
    gst_cache_sha256_free (hasher->sha);
  g_free (hasher);
}

static void
file_id_from_stat (GstCacheFileId * id, const struct stat *st)
{
  id->length = st->st_size;
  id->dev = st->st_dev;
  id->ino = st->st_ino;
  id->mtime_ns = st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
      st->st_mtim.tv_nsec;
  id->ctime_ns = st->st_ctim.tv_sec * G_GINT64_CONSTANT (1000000000) +
      st->st_ctim.tv_nsec;
}

static gboolean
file_id_same (const GstCacheFileId * a, const GstCacheFileId * b)
{
  return a->length == b->length && a->dev == b->dev && a->ino == b->ino &&
      a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

static gchar *
manifest_path (GstCacheStore * store, const gchar * path)
{
  gchar *name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
  gchar shard[3] = { name[0], name[1], '\0' };
  gchar *p = g_build_filename (store->stat_dir, shard, name, NULL);

  g_free (name);
  return p;
}

/* a file's identity and its digests by algorithm */
typedef struct
{
  GstCacheFileId id;
  gboolean have[N_ALGORITHMS];
  guint8 digest[N_ALGORITHMS][GST_CACHE_DIGEST_MAX_SIZE];
} Manifest;

static gboolean
manifest_read (const gchar * mpath, Manifest * m)
{
  gchar *contents = NULL;
  gchar **f = NULL;
  gboolean v1, ok = FALSE;
  guint i, n;

  memset (m, 0, sizeof (*m));
  if (!g_file_get_contents (mpath, &contents, NULL, NULL))
    return FALSE;
  g_strchomp (contents);
  v1 = g_str_has_prefix (contents, STAT_MAGIC_V1 " ");
  if (!v1 && !g_str_has_prefix (contents, STAT_MAGIC " "))
    goto done;
  f = g_strsplit (contents + strlen (STAT_MAGIC " "), " ", -1);
  n = g_strv_length (f);
  if (n < 6 || (v1 && n != 6))
    goto done;
  m->id.dev = g_ascii_strtoull (f[0], NULL, 10);
  m->id.ino = g_ascii_strtoull (f[1], NULL, 10);
  m->id.length = g_ascii_strtoull (f[2], NULL, 10);
  m->id.mtime_ns = g_ascii_strtoll (f[3], NULL, 10);
  m->id.ctime_ns = g_ascii_strtoll (f[4], NULL, 10);
  if (v1) {
    m->have[GST_CACHE_DIGEST_XXH3_128] =
        gst_cache_hex_to_digest (f[5], m->digest[GST_CACHE_DIGEST_XXH3_128],
        GST_CACHE_DIGEST_SIZE);
  } else {
    for (i = 5; i < n; i++) {
      gchar *eq = strchr (f[i], '=');
      GstCacheDigestAlgorithm alg;

      if (eq == NULL)
        continue;
      *eq = '\0';
      if (!gst_cache_digest_algorithm_from_name (f[i], &alg))
        continue;
      m->have[alg] = gst_cache_hex_to_digest (eq + 1, m->digest[alg],
          gst_cache_digest_algorithm_size (alg));
    }
  }
  ok = TRUE;
done:
  g_strfreev (f);
  g_free (contents);
  return ok;
}

/* the digests of a file with identity @id, merged with those the manifest
 * already has for the same identity */
static void
manifest_store (const gchar * mpath, const GstCacheFileId * id,
    GstCacheDigestAlgorithm alg, const guint8 * digest)
{
  gchar *dir = g_path_get_dirname (mpath);
  GString *line = g_string_new (NULL);
  Manifest m;
  guint i;

  if (!manifest_read (mpath, &m) || !file_id_same (&m.id, id))
    memset (&m, 0, sizeof (m));
  m.have[alg] = TRUE;
  memcpy (m.digest[alg], digest, gst_cache_digest_algorithm_size (alg));
  g_string_append_printf (line, STAT_MAGIC " %" G_GUINT64_FORMAT " %"
      G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %"
      G_GINT64_FORMAT, id->dev, id->ino, id->length, id->mtime_ns,
      id->ctime_ns);
  for (i = 0; i < N_ALGORITHMS; i++) {
    gchar *hex;

    if (!m.have[i])
      continue;
    hex = gst_cache_digest_to_hex (m.digest[i],
        gst_cache_digest_algorithm_size (i));
    g_string_append_printf (line, " %s=%s",
        gst_cache_digest_algorithm_name (i), hex);
    g_free (hex);
  }
  g_string_append_c (line, '\n');

  /* a manifest is a hint: a lost or torn one only costs a rehash */
  if (g_mkdir_with_parents (dir, 0700) == 0)
    gst_cache_replace_file (mpath, line->str, line->len);
  g_string_free (line, TRUE);
  g_free (dir);
}

gboolean
gst_cache_hash_file_full (GstCacheStore * store, const gchar * path,
    GstCacheDigestAlgorithm alg, gboolean trust_stat, GstCacheFileId * id,
    guint8 digest[GST_CACHE_DIGEST_MAX_SIZE], gboolean * from_manifest,
    GError ** error)
{
  GstCacheHasher *hasher;
  struct stat st;
  GstCacheFileId after;
  Manifest m;
  gchar *mpath = NULL;
  gboolean trusted;
  guint8 *buf;
  gint fd;
  gint64 now_ns;

  if (from_manifest)
    *from_manifest = FALSE;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    gst_cache_set_errno_error (error, errno, "Could not open", path);
    return FALSE;
  }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "\"%s\" is not a regular file", path);
    close (fd);
    return FALSE;
  }
  memset (id, 0, sizeof (*id));
  file_id_from_stat (id, &st);

  now_ns = g_get_real_time () * 1000;
  trusted = now_ns - MAX (id->mtime_ns, id->ctime_ns) > STAT_TRUST_AGE_NS;
  if (store != NULL)
    mpath = manifest_path (store, path);
  if (trust_stat && trusted && mpath != NULL && manifest_read (mpath, &m) &&
      file_id_same (&m.id, id) && m.have[alg]) {
    memcpy (digest, m.digest[alg], gst_cache_digest_algorithm_size (alg));
    if (alg == GST_CACHE_DIGEST_XXH3_128)
      memcpy (id->digest, digest, GST_CACHE_DIGEST_SIZE);
    close (fd);
    g_free (mpath);
    if (from_manifest)
      *from_manifest = TRUE;
    return TRUE;
  }

  /* read() rather than a mapping: a file truncated by another process
   * while it is hashed gives a short read here, not a SIGBUS */
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  hasher = gst_cache_hasher_new_full (alg);
  buf = g_malloc (HASH_CHUNK);
  for (;;) {
    gssize n = read (fd, buf, HASH_CHUNK);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      gst_cache_set_errno_error (error, errno, "Could not read", path);
      goto failed;
    }
    if (n == 0)
      break;
    gst_cache_hasher_update (hasher, buf, n);
  }
  gst_cache_hasher_finish_full (hasher, digest);
  if (alg == GST_CACHE_DIGEST_XXH3_128)
    memcpy (id->digest, digest, GST_CACHE_DIGEST_SIZE);

  if (fstat (fd, &st) != 0)
    memset (&st, 0, sizeof (st));
  after = *id;
  file_id_from_stat (&after, &st);
  if (!file_id_same (id, &after)) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "\"%s\" changed while it was read", path);
    goto failed;
  }
  if (trusted && mpath != NULL)
    manifest_store (mpath, id, alg, digest);

  g_free (buf);
  gst_cache_hasher_free (hasher);
  g_free (mpath);
  close (fd);
  return TRUE;

failed:
  g_free (buf);
  gst_cache_hasher_free (hasher);
  g_free (mpath);
  close (fd);
  return FALSE;
}

gboolean
gst_cache_hash_file (GstCacheStore * store, const gchar * path,
    gboolean trust_stat, GstCacheFileId * id, gboolean * from_manifest,
    GError ** error)
{
  guint8 digest[GST_CACHE_DIGEST_MAX_SIZE];

  return gst_cache_hash_file_full (store, path, GST_CACHE_DIGEST_XXH3_128,
      trust_stat, id, digest, from_manifest, error);
}

gboolean
gst_cache_file_unchanged (const gchar * path, const GstCacheFileId * id)
{
  struct stat st;
  GstCacheFileId now = *id;

  if (g_stat (path, &st) != 0)
    return FALSE;
  file_id_from_stat (&now, &st);
  return file_id_same (&now, id);
}
