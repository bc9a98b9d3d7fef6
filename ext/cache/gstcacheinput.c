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

#define STAT_MAGIC "gst-reuse-stat 1"
/* a stat manifest is trusted only for files whose times are older than
 * this: timestamps have a granularity of a few milliseconds, so a file
 * written again within the same tick keeps its times */
#define STAT_TRUST_AGE_NS (2 * G_GINT64_CONSTANT (1000000000))
#define HASH_CHUNK (1024 * 1024)

struct _GstCacheHasher
{
  XXH3_state_t state;
};



GstCacheHasher *
gst_cache_hasher_new (void)
{
  GstCacheHasher *hasher = g_malloc (sizeof (GstCacheHasher));

  XXH3_INITSTATE (&hasher->state);
  XXH3_128bits_reset (&hasher->state);
  return hasher;
}

void
gst_cache_hasher_update (GstCacheHasher * hasher, gconstpointer data,
    gsize size)
{
  XXH3_128bits_update (&hasher->state, data, size);
}

void
gst_cache_hasher_finish (GstCacheHasher * hasher,
    guint8 digest[GST_CACHE_DIGEST_SIZE])
{
  XXH128_canonical_t canon;

  XXH128_canonicalFromHash (&canon, XXH3_128bits_digest (&hasher->state));
  memcpy (digest, canon.digest, GST_CACHE_DIGEST_SIZE);
}

void
gst_cache_hasher_free (GstCacheHasher * hasher)
{
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

static gboolean
manifest_lookup (const gchar * mpath, GstCacheFileId * id)
{
  gchar *contents = NULL;
  gchar **f = NULL;
  GstCacheFileId m = { {0}, };
  gboolean ok = FALSE;

  if (!g_file_get_contents (mpath, &contents, NULL, NULL))
    return FALSE;
  g_strchomp (contents);
  if (!g_str_has_prefix (contents, STAT_MAGIC " "))
    goto done;
  f = g_strsplit (contents + strlen (STAT_MAGIC " "), " ", -1);
  if (g_strv_length (f) != 6)
    goto done;
  m.dev = g_ascii_strtoull (f[0], NULL, 10);
  m.ino = g_ascii_strtoull (f[1], NULL, 10);
  m.length = g_ascii_strtoull (f[2], NULL, 10);
  m.mtime_ns = g_ascii_strtoll (f[3], NULL, 10);
  m.ctime_ns = g_ascii_strtoll (f[4], NULL, 10);
  if (!gst_cache_hex_to_digest (f[5], m.digest, GST_CACHE_DIGEST_SIZE))
    goto done;
  if (file_id_same (&m, id)) {
    memcpy (id->digest, m.digest, GST_CACHE_DIGEST_SIZE);
    ok = TRUE;
  }
done:
  g_strfreev (f);
  g_free (contents);
  return ok;
}

static void
manifest_store (const gchar * mpath, const GstCacheFileId * id)
{
  gchar *dir = g_path_get_dirname (mpath);
  gchar *hex = gst_cache_digest_to_hex (id->digest, GST_CACHE_DIGEST_SIZE);
  gchar *line = g_strdup_printf (STAT_MAGIC " %" G_GUINT64_FORMAT " %"
      G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT " %"
      G_GINT64_FORMAT " %s\n", id->dev, id->ino, id->length, id->mtime_ns,
      id->ctime_ns, hex);

  /* a manifest is a hint: a lost or torn one only costs a rehash */
  if (g_mkdir_with_parents (dir, 0700) == 0)
    gst_cache_replace_file (mpath, line, strlen (line));
  g_free (line);
  g_free (hex);
  g_free (dir);
}

gboolean
gst_cache_hash_file (GstCacheStore * store, const gchar * path,
    gboolean trust_stat, GstCacheFileId * id, gboolean * from_manifest,
    GError ** error)
{
  GstCacheHasher *hasher;
  struct stat st;
  GstCacheFileId after;
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
  if (trust_stat && trusted && mpath != NULL && manifest_lookup (mpath, id)) {
    close (fd);
    g_free (mpath);
    if (from_manifest)
      *from_manifest = TRUE;
    return TRUE;
  }

  /* read() rather than a mapping: a file truncated by another process
   * while it is hashed gives a short read here, not a SIGBUS */
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  hasher = gst_cache_hasher_new ();
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
  gst_cache_hasher_finish (hasher, id->digest);

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
    manifest_store (mpath, id);

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
gst_cache_file_unchanged (const gchar * path, const GstCacheFileId * id)
{
  struct stat st;
  GstCacheFileId now = *id;

  if (g_stat (path, &st) != 0)
    return FALSE;
  file_id_from_stat (&now, &st);
  return file_id_same (&now, id);
}
