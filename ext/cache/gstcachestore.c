/* gst-reuse: the cache store: entries, input digests, statistics, eviction
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

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* xxHash returns its 128-bit hashes as structures, by value */
#pragma GCC diagnostic ignored "-Waggregate-return"
#define XXH_INLINE_ALL
#include <xxhash.h>

#define ENTRY_SUFFIX ".gstcache"
#define ENTRY_MAGIC "GSTCACHE"
#define STAT_MAGIC "gst-reuse-stat 1"
/* a stat manifest is trusted only for files whose times are older than
 * this: timestamps have a granularity of a few milliseconds, so a file
 * written again within the same tick keeps its times */
#define STAT_TRUST_AGE_NS (2 * G_GINT64_CONSTANT (1000000000))
#define HASH_CHUNK (1024 * 1024)

struct _GstCacheStore
{
  gchar *dir;
  gchar *entries_dir;
  gchar *tmp_dir;
  gchar *stat_dir;
};

struct _GstCacheEntry
{
  gint refcount;
  gchar *path;
  guint8 *map;
  gsize map_size;
  GstCacheEntryKind kind;
  gsize payload_size;
  GKeyFile *meta;
};

struct _GstCacheWriter
{
  GstCacheStore *store;
  guint8 key[GST_CACHE_KEY_SIZE];
  gint fd;
  gchar *tmp_path;
  guint64 size;
  guint64 max_size;
};

struct _GstCacheHasher
{
  XXH3_state_t state;
};

G_DEFINE_QUARK (gst - cache - store - error - quark, gst_cache_store_error);

static void
set_errno_error (GError ** error, gint err, const gchar * what,
    const gchar * path)
{
  g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
      "%s \"%s\": %s", what, path, g_strerror (err));
}

static void
put_le32 (guint8 * p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static void
put_le64 (guint8 * p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

static guint32
get_le32 (const guint8 * p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static guint64
get_le64 (const guint8 * p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

gchar *
gst_cache_digest_to_hex (const guint8 * digest, gsize size)
{
  static const gchar hex[] = "0123456789abcdef";
  gchar *s = g_malloc (2 * size + 1);
  gsize i;

  for (i = 0; i < size; i++) {
    s[2 * i] = hex[digest[i] >> 4];
    s[2 * i + 1] = hex[digest[i] & 0xf];
  }
  s[2 * size] = '\0';
  return s;
}

static gboolean
hex_to_digest (const gchar * hex, guint8 * digest, gsize size)
{
  gsize i;

  if (strlen (hex) != 2 * size)
    return FALSE;
  for (i = 0; i < size; i++) {
    gint hi = g_ascii_xdigit_value (hex[2 * i]);
    gint lo = g_ascii_xdigit_value (hex[2 * i + 1]);

    if (hi < 0 || lo < 0)
      return FALSE;
    digest[i] = (hi << 4) | lo;
  }
  return TRUE;
}

/* write all of @size at @offset, retrying on EINTR and short writes */
static gboolean
pwrite_all (gint fd, const guint8 * data, gsize size, guint64 offset,
    const gchar * path, GError ** error)
{
  while (size > 0) {
    gssize n = pwrite (fd, data, size, offset);

    if (n < 0) {
      if (errno == EINTR)
        continue;
      set_errno_error (error, errno, "Could not write", path);
      return FALSE;
    }
    data += n;
    size -= n;
    offset += n;
  }
  return TRUE;
}

static gboolean
fsync_dir (const gchar * dir)
{
  gint fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

/* replace @path with @contents: temp file in the same directory, rename */
static gboolean
replace_file (const gchar * path, const gchar * contents, gsize size)
{
  gchar *tmp = g_strdup_printf ("%s.XXXXXX", path);
  gint fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  gboolean ok = FALSE;

  if (fd >= 0) {
    ok = pwrite_all (fd, (const guint8 *) contents, size, 0, tmp, NULL);
    close (fd);
    if (ok)
      ok = g_rename (tmp, path) == 0;
    if (!ok)
      g_unlink (tmp);
  }
  g_free (tmp);
  return ok;
}

gchar *
gst_cache_store_default_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "gstreamer-1.0",
      "cachebin", NULL);
}

GstCacheStore *
gst_cache_store_open (const gchar * dir, GError ** error)
{
  GstCacheStore *store;
  const gchar *subdirs[3];
  guint i;

  g_return_val_if_fail (dir != NULL && *dir != '\0', NULL);

  store = g_new0 (GstCacheStore, 1);
  store->dir = g_strdup (dir);
  store->entries_dir = g_build_filename (dir, "entries", NULL);
  store->tmp_dir = g_build_filename (dir, "tmp", NULL);
  store->stat_dir = g_build_filename (dir, "stat", NULL);

  subdirs[0] = store->entries_dir;
  subdirs[1] = store->tmp_dir;
  subdirs[2] = store->stat_dir;
  for (i = 0; i < G_N_ELEMENTS (subdirs); i++) {
    if (g_mkdir_with_parents (subdirs[i], 0700) != 0) {
      set_errno_error (error, errno, "Could not create the cache directory",
          subdirs[i]);
      gst_cache_store_free (store);
      return NULL;
    }
  }
  return store;
}

void
gst_cache_store_free (GstCacheStore * store)
{
  if (store == NULL)
    return;
  g_free (store->dir);
  g_free (store->entries_dir);
  g_free (store->tmp_dir);
  g_free (store->stat_dir);
  g_free (store);
}

const gchar *
gst_cache_store_get_dir (GstCacheStore * store)
{
  return store->dir;
}

guint64
gst_cache_store_get_config_max_size (GstCacheStore * store)
{
  gchar *path = g_build_filename (store->dir, "config", NULL);
  GKeyFile *kf = g_key_file_new ();
  guint64 max_size = 0;

  if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    max_size = g_key_file_get_uint64 (kf, "cache", "max-size", NULL);
  g_key_file_unref (kf);
  g_free (path);
  return max_size;
}

/* hashing */

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
  if (!hex_to_digest (f[5], m.digest, GST_CACHE_DIGEST_SIZE))
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
    replace_file (mpath, line, strlen (line));
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
    set_errno_error (error, errno, "Could not open", path);
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
      set_errno_error (error, errno, "Could not read", path);
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

/* entries */

static gchar *
entry_path (GstCacheStore * store, const guint8 key[GST_CACHE_KEY_SIZE],
    gchar ** dir_out)
{
  gchar *hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  gchar shard[3] = { hex[0], hex[1], '\0' };
  gchar *name = g_strconcat (hex, ENTRY_SUFFIX, NULL);
  gchar *dir = g_build_filename (store->entries_dir, shard, NULL);
  gchar *path = g_build_filename (dir, name, NULL);

  if (dir_out)
    *dir_out = dir;
  else
    g_free (dir);
  g_free (name);
  g_free (hex);
  return path;
}

static void
checksum_entry (const guint8 * data, gsize size, guint8 * out)
{
  XXH128_canonical_t canon;

  XXH128_canonicalFromHash (&canon, XXH3_128bits (data, size));
  memcpy (out, canon.digest, GST_CACHE_DIGEST_SIZE);
}

/* remove a damaged entry, unless another process replaced it meanwhile */
static void
remove_damaged (const gchar * path, const struct stat *seen)
{
  struct stat st;

  if (g_stat (path, &st) == 0 && st.st_ino == seen->st_ino &&
      st.st_dev == seen->st_dev)
    g_unlink (path);
}

GstCacheEntry *
gst_cache_store_lookup (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], GError ** error)
{
  GstCacheEntry *entry;
  gchar *path = entry_path (store, key, NULL);
  const gchar *why = NULL;
  struct stat st;
  guint8 *map = NULL;
  const guint8 *footer;
  guint8 sum[GST_CACHE_DIGEST_SIZE];
  guint64 payload_size, meta_size;
  GKeyFile *meta = NULL;
  gint fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT)
      set_errno_error (error, errno, "Could not open cache entry", path);
    g_free (path);
    return NULL;
  }
  if (fstat (fd, &st) != 0) {
    set_errno_error (error, errno, "Could not stat cache entry", path);
    close (fd);
    g_free (path);
    return NULL;
  }
  if (st.st_size < GST_CACHE_FOOTER_SIZE) {
    why = "shorter than its footer";
    goto damaged;
  }
  map = mmap (NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    map = NULL;
    set_errno_error (error, errno, "Could not map cache entry", path);
    close (fd);
    g_free (path);
    return NULL;
  }
  madvise (map, st.st_size, MADV_SEQUENTIAL);
  madvise (map, st.st_size, MADV_WILLNEED);

  footer = map + st.st_size - GST_CACHE_FOOTER_SIZE;
  payload_size = get_le64 (footer + 16);
  meta_size = get_le64 (footer + 24);
  if (memcmp (footer, ENTRY_MAGIC, 8) != 0) {
    why = "bad magic";
    goto damaged;
  }
  if (get_le32 (footer + 8) != GST_CACHE_ENTRY_VERSION) {
    why = "unknown format version";
    goto damaged;
  }
  if (get_le32 (footer + 12) != GST_CACHE_ENTRY_KIND_BYTES &&
      get_le32 (footer + 12) != GST_CACHE_ENTRY_KIND_STREAM) {
    why = "unknown payload kind";
    goto damaged;
  }
  if (payload_size > (guint64) st.st_size || meta_size > (guint64) st.st_size
      || payload_size + meta_size + GST_CACHE_FOOTER_SIZE !=
      (guint64) st.st_size) {
    why = "lengths do not match the file size";
    goto damaged;
  }
  if (memcmp (footer + 32, key, GST_CACHE_KEY_SIZE) != 0) {
    why = "stored under another key";
    goto damaged;
  }
  checksum_entry (map, st.st_size - GST_CACHE_DIGEST_SIZE, sum);
  if (memcmp (sum, footer + 64, GST_CACHE_DIGEST_SIZE) != 0) {
    why = "checksum mismatch";
    goto damaged;
  }
  meta = g_key_file_new ();
  if (!g_key_file_load_from_data (meta, (const gchar *) map + payload_size,
          meta_size, G_KEY_FILE_NONE, NULL)) {
    why = "unreadable metadata";
    goto damaged;
  }

  /* the modification time is the entry's last use, for eviction */
  futimens (fd, NULL);
  close (fd);

  entry = g_new0 (GstCacheEntry, 1);
  entry->refcount = 1;
  entry->path = path;
  entry->map = map;
  entry->map_size = st.st_size;
  entry->kind = get_le32 (footer + 12);
  entry->payload_size = payload_size;
  entry->meta = meta;
  return entry;

damaged:
  g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_DAMAGED,
      "Damaged cache entry \"%s\" (%s): removed", path, why);
  remove_damaged (path, &st);
  if (meta)
    g_key_file_unref (meta);
  if (map)
    munmap (map, st.st_size);
  close (fd);
  g_free (path);
  return NULL;
}

GstCacheEntry *
gst_cache_entry_ref (GstCacheEntry * entry)
{
  g_atomic_int_inc (&entry->refcount);
  return entry;
}

void
gst_cache_entry_unref (GstCacheEntry * entry)
{
  if (!g_atomic_int_dec_and_test (&entry->refcount))
    return;
  munmap (entry->map, entry->map_size);
  g_key_file_unref (entry->meta);
  g_free (entry->path);
  g_free (entry);
}

GstCacheEntryKind
gst_cache_entry_get_kind (GstCacheEntry * entry)
{
  return entry->kind;
}

const guint8 *
gst_cache_entry_get_payload (GstCacheEntry * entry, gsize * size)
{
  *size = entry->payload_size;
  return entry->map;
}

GKeyFile *
gst_cache_entry_get_meta (GstCacheEntry * entry)
{
  return entry->meta;
}

const gchar *
gst_cache_entry_get_path (GstCacheEntry * entry)
{
  return entry->path;
}

/* writer */

GstCacheWriter *
gst_cache_writer_new (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], guint64 max_size, GError ** error)
{
  GstCacheWriter *w = g_new0 (GstCacheWriter, 1);
  gchar *hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  gchar *name = g_strdup_printf ("%s.%d.XXXXXX", hex, (gint) getpid ());

  w->store = store;
  memcpy (w->key, key, GST_CACHE_KEY_SIZE);
  w->max_size = max_size;
  w->tmp_path = g_build_filename (store->tmp_dir, name, NULL);
  g_free (name);
  g_free (hex);

  w->fd = g_mkstemp_full (w->tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (w->fd < 0) {
    set_errno_error (error, errno, "Could not create", w->tmp_path);
    g_free (w->tmp_path);
    g_free (w);
    return NULL;
  }
  return w;
}

gboolean
gst_cache_writer_write_at (GstCacheWriter * w, guint64 offset,
    gconstpointer data, gsize size, GError ** error)
{
  if (w->max_size > 0 && offset + size > w->max_size) {
    g_set_error (error, GST_CACHE_STORE_ERROR,
        GST_CACHE_STORE_ERROR_TOO_LARGE,
        "The result is larger than the cache (%" G_GUINT64_FORMAT " bytes)",
        w->max_size);
    return FALSE;
  }
  if (!pwrite_all (w->fd, data, size, offset, w->tmp_path, error))
    return FALSE;
  w->size = MAX (w->size, offset + size);
  return TRUE;
}

gboolean
gst_cache_writer_append (GstCacheWriter * w, gconstpointer data, gsize size,
    GError ** error)
{
  return gst_cache_writer_write_at (w, w->size, data, size, error);
}

guint64
gst_cache_writer_get_size (GstCacheWriter * w)
{
  return w->size;
}

gboolean
gst_cache_writer_commit (GstCacheWriter * w, GstCacheEntryKind kind,
    GKeyFile * meta, GError ** error)
{
  guint8 footer[GST_CACHE_FOOTER_SIZE];
  gsize meta_size;
  gchar *meta_text = g_key_file_to_data (meta, &meta_size, NULL);
  guint64 payload_size = w->size;
  gsize body = payload_size + meta_size;
  XXH3_state_t state;
  XXH128_canonical_t canon;
  gchar *dir = NULL, *path = NULL;
  gboolean new_dir;
  guint8 *map = NULL;

  if (!pwrite_all (w->fd, (const guint8 *) meta_text, meta_size,
          payload_size, w->tmp_path, error))
    goto failed;

  memset (footer, 0, sizeof (footer));
  memcpy (footer, ENTRY_MAGIC, 8);
  put_le32 (footer + 8, GST_CACHE_ENTRY_VERSION);
  put_le32 (footer + 12, kind);
  put_le64 (footer + 16, payload_size);
  put_le64 (footer + 24, meta_size);
  memcpy (footer + 32, w->key, GST_CACHE_KEY_SIZE);

  /* checksum what is on disk, not what was meant to be written: byte
   * streams are written out of order, and rewritten */
  XXH3_INITSTATE (&state);
  XXH3_128bits_reset (&state);
  if (body > 0) {
    map = mmap (NULL, body, PROT_READ, MAP_SHARED, w->fd, 0);
    if (map == MAP_FAILED) {
      set_errno_error (error, errno, "Could not map", w->tmp_path);
      goto failed;
    }
    XXH3_128bits_update (&state, map, body);
    munmap (map, body);
  }
  XXH3_128bits_update (&state, footer, 64);
  XXH128_canonicalFromHash (&canon, XXH3_128bits_digest (&state));
  memcpy (footer + 64, canon.digest, GST_CACHE_DIGEST_SIZE);

  if (!pwrite_all (w->fd, footer, sizeof (footer), body, w->tmp_path, error))
    goto failed;
  if (fsync (w->fd) != 0) {
    set_errno_error (error, errno, "Could not flush", w->tmp_path);
    goto failed;
  }

  path = entry_path (w->store, w->key, &dir);
  new_dir = !g_file_test (dir, G_FILE_TEST_IS_DIR);
  if (new_dir && g_mkdir_with_parents (dir, 0700) != 0) {
    set_errno_error (error, errno, "Could not create", dir);
    goto failed;
  }
  if (g_rename (w->tmp_path, path) != 0) {
    set_errno_error (error, errno, "Could not rename into", path);
    goto failed;
  }
  /* the rename is durable once the directory is */
  fsync_dir (dir);
  if (new_dir)
    fsync_dir (w->store->entries_dir);

  g_free (meta_text);
  g_free (dir);
  g_free (path);
  close (w->fd);
  w->fd = -1;
  g_free (w->tmp_path);
  w->tmp_path = NULL;
  return TRUE;

failed:
  g_free (meta_text);
  g_free (dir);
  g_free (path);
  return FALSE;
}

void
gst_cache_writer_free (GstCacheWriter * w)
{
  if (w == NULL)
    return;
  if (w->fd >= 0)
    close (w->fd);
  if (w->tmp_path != NULL)
    g_unlink (w->tmp_path);
  g_free (w->tmp_path);
  g_free (w);
}

/* statistics */

static gint
lock_file (GstCacheStore * store, const gchar * name, gboolean wait)
{
  gchar *path = g_build_filename (store->dir, name, NULL);
  gint fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  g_free (path);
  if (fd < 0)
    return -1;
  while (flock (fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0) {
    if (errno != EINTR) {
      close (fd);
      return -1;
    }
  }
  return fd;
}

GKeyFile *
gst_cache_store_read_stats (GstCacheStore * store)
{
  gchar *path = g_build_filename (store->dir, "stats", NULL);
  GKeyFile *kf = g_key_file_new ();

  g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL);
  g_free (path);
  return kf;
}

/* add to counters: pairs of (const gchar *name, guint64 delta), NULL */
void
gst_cache_store_count (GstCacheStore * store, const gchar * counter,
    guint64 delta, ...)
{
  gchar *path = g_build_filename (store->dir, "stats", NULL);
  gint lock = lock_file (store, "stats.lock", TRUE);
  GKeyFile *kf;
  gchar *data;
  gsize size;
  va_list ap;

  if (lock < 0) {
    g_free (path);
    return;
  }
  kf = gst_cache_store_read_stats (store);
  va_start (ap, delta);
  while (counter != NULL) {
    guint64 v = g_key_file_get_uint64 (kf, "stats", counter, NULL);

    g_key_file_set_uint64 (kf, "stats", counter, v + delta);
    counter = va_arg (ap, const gchar *);
    if (counter != NULL)
      delta = va_arg (ap, guint64);
  }
  va_end (ap);
  data = g_key_file_to_data (kf, &size, NULL);
  replace_file (path, data, size);
  g_free (data);
  g_key_file_unref (kf);
  close (lock);
  g_free (path);
}

/* eviction */

typedef struct
{
  gchar *path;
  guint64 size;
  gint64 mtime_ns;
} EntryInfo;

static gint
compare_mtime (gconstpointer a, gconstpointer b)
{
  const EntryInfo *ea = a, *eb = b;

  if (ea->mtime_ns != eb->mtime_ns)
    return ea->mtime_ns < eb->mtime_ns ? -1 : 1;
  return g_strcmp0 (ea->path, eb->path);
}

/* least recently used first, until the entries fit in @max_size; one
 * process at a time, the others carry on without waiting */
guint
gst_cache_store_evict (GstCacheStore * store, guint64 max_size,
    const guint8 keep[GST_CACHE_KEY_SIZE])
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (EntryInfo));
  gchar *keep_path = keep ? entry_path (store, keep, NULL) : NULL;
  guint64 total = 0, freed = 0;
  guint evicted = 0, i;
  GDir *top;
  gint lock;

  lock = lock_file (store, "evict.lock", FALSE);
  if (lock < 0)
    goto out;
  top = g_dir_open (store->entries_dir, 0, NULL);
  if (top != NULL) {
    const gchar *shard;

    while ((shard = g_dir_read_name (top)) != NULL) {
      gchar *sdir = g_build_filename (store->entries_dir, shard, NULL);
      GDir *d = g_dir_open (sdir, 0, NULL);
      const gchar *name;

      while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
        EntryInfo e;
        struct stat st;

        if (!g_str_has_suffix (name, ENTRY_SUFFIX))
          continue;
        e.path = g_build_filename (sdir, name, NULL);
        if (g_stat (e.path, &st) != 0) {
          g_free (e.path);
          continue;
        }
        e.size = st.st_size;
        e.mtime_ns = st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
            st.st_mtim.tv_nsec;
        total += e.size;
        g_array_append_val (entries, e);
      }
      if (d)
        g_dir_close (d);
      g_free (sdir);
    }
    g_dir_close (top);
  }

  if (total > max_size) {
    g_array_sort (entries, compare_mtime);
    for (i = 0; i < entries->len && total - freed > max_size; i++) {
      EntryInfo *e = &g_array_index (entries, EntryInfo, i);

      if (keep_path && strcmp (e->path, keep_path) == 0)
        continue;
      /* a reader that has the entry open keeps its data */
      if (g_unlink (e->path) == 0) {
        freed += e->size;
        evicted++;
      }
    }
  }
  close (lock);

out:
  for (i = 0; i < entries->len; i++)
    g_free (g_array_index (entries, EntryInfo, i).path);
  g_array_free (entries, TRUE);
  g_free (keep_path);
  if (evicted > 0)
    gst_cache_store_count (store, "evictions", evicted, "bytes-evicted",
        freed, NULL);
  return evicted;
}
