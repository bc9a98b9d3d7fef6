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

#include "gstcachestore-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <signal.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* xxHash returns its 128-bit hashes as structures, by value */
#pragma GCC diagnostic ignored "-Waggregate-return"
#define XXH_INLINE_ALL
#include <xxhash.h>

#define ENTRY_SUFFIX GST_CACHE_ENTRY_SUFFIX
#define ENTRY_MAGIC GST_CACHE_ENTRY_MAGIC

/* temporary names in tmp/: "<key>.<pid>.<rest>", so that cleanup knows
 * whether their writer is still alive */
static gint evict_seq;

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

G_DEFINE_QUARK (gst - cache - store - error - quark, gst_cache_store_error);

gchar *
gst_cache_store_default_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "gstreamer-1.0",
      "cachebin", NULL);
}

/* the name of the network file system @dir is on, or NULL */
static const gchar *
network_fs (const gchar * dir)
{
  static const struct
  {
    guint64 magic;
    const gchar *name;
  } types[] = {
    {0x6969, "nfs"}, {0xff534d42, "cifs"}, {0xfe534d42, "smb2"},
    {0x517b, "smb"}, {0x65735546, "fuse"}, {0x00c36400, "ceph"},
    {0x01021997, "9p"}, {0x6b414653, "afs"}, {0x47504653, "gpfs"},
    {0x0bd00bd0, "lustre"}, {0x013111a8, "ibrix"},
  };
  const gchar *forced = g_getenv ("GST_CACHE_ASSUME_NETWORK_FS");
  struct statfs sf;
  guint i;

  if (forced && *forced)
    return forced;
  if (statfs (dir, &sf) != 0)
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (types); i++)
    if ((guint64) (guint32) sf.f_type == types[i].magic)
      return types[i].name;
  return NULL;
}

/* opens the index; a damaged one is put aside and rebuilt from the
 * entries */
static gboolean
open_index (GstCacheStore * store, GError ** error)
{
  gchar *path = g_build_filename (store->dir, "index.sqlite", NULL);
  gboolean corrupt = FALSE;
  GError *err = NULL;

  store->index = gst_cache_index_open (path, &corrupt, &err);
  if (store->index == NULL && corrupt) {
    gchar *aside = g_strconcat (path, ".damaged", NULL);
    gchar *wal = g_strconcat (path, "-wal", NULL);
    gchar *shm = g_strconcat (path, "-shm", NULL);

    /* no g_warning from a library inside elements: the element or the tool
     * tells the user */
    store->notice = g_strdup_printf ("%s; put aside as %s and rebuilt from "
        "the entries", err->message, aside);
    g_clear_error (&err);
    g_rename (path, aside);
    g_unlink (wal);
    g_unlink (shm);
    g_free (aside);
    g_free (wal);
    g_free (shm);
    store->index = gst_cache_index_open (path, &corrupt, &err);
    if (store->index && gst_cache_store_reconcile (store, NULL, NULL, &err))
      gst_cache_store_count (store, "index-rebuilds", 1, NULL);
    g_clear_error (&err);
  }
  g_free (path);
  if (store->index == NULL) {
    g_propagate_error (error, err);
    return FALSE;
  }
  return TRUE;
}

GstCacheStore *
gst_cache_store_open (const gchar * dir, GError ** error)
{
  GstCacheStore *store;
  const gchar *subdirs[3];
  const gchar *fs;
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
      gst_cache_set_errno_error (error, errno,
          "Could not create the cache directory", subdirs[i]);
      gst_cache_store_free (store);
      return NULL;
    }
  }

  fs = network_fs (dir);
  if (fs != NULL) {
    /* SQLite's locks, and WAL's shared memory, do not work across the
     * machines of a network file system: entries, which are checked
     * before they are used, are read there; nothing is written */
    store->read_only_why = g_strdup_printf ("\"%s\" is on a network file "
        "system (%s): the cache is only read there", dir, fs);
    return store;
  }
  if (!open_index (store, error)) {
    gst_cache_store_free (store);
    return NULL;
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
  g_free (store->read_only_why);
  g_free (store->notice);
  gst_cache_index_close (store->index);
  g_free (store);
}

const gchar *
gst_cache_store_read_only (GstCacheStore * store)
{
  return store->read_only_why;
}

const gchar *
gst_cache_store_get_notice (GstCacheStore * store)
{
  return store->notice;
}

const gchar *
gst_cache_store_get_dir (GstCacheStore * store)
{
  return store->dir;
}

static guint64
config_get (GstCacheStore * store, const gchar * name)
{
  gchar *path = g_build_filename (store->dir, "config", NULL);
  GKeyFile *kf = g_key_file_new ();
  guint64 v = 0;

  if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    v = g_key_file_get_uint64 (kf, "cache", name, NULL);
  g_key_file_unref (kf);
  g_free (path);
  return v;
}

guint64
gst_cache_store_get_config_max_size (GstCacheStore * store)
{
  return config_get (store, "max-size");
}

guint64
gst_cache_store_get_config_max_entries (GstCacheStore * store)
{
  return config_get (store, "max-entries");
}

gboolean
gst_cache_store_set_config (GstCacheStore * store, const gchar * name,
    guint64 value, GError ** error)
{
  gchar *path = g_build_filename (store->dir, "config", NULL);
  GKeyFile *kf = g_key_file_new ();
  gchar *data;
  gsize len;
  gboolean ok;

  g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, NULL);
  g_key_file_set_uint64 (kf, "cache", name, value);
  data = g_key_file_to_data (kf, &len, NULL);
  ok = gst_cache_replace_file (path, data, len);
  if (!ok)
    gst_cache_set_errno_error (error, errno, "Could not write", path);
  g_free (data);
  g_key_file_unref (kf);
  g_free (path);
  return ok;
}

/* entries */

gchar *
gst_cache_store_entry_path (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], gchar ** dir_out)
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

/* count a damaged entry, and remove it, unless another process replaced it
 * meanwhile */
static void
remove_damaged (GstCacheStore * store, const guint8 key[GST_CACHE_KEY_SIZE],
    const gchar * path, const struct stat *seen)
{
  struct stat st;
  gchar *hex;

  if (store->read_only_why)
    return;
  if (store->index && !gst_cache_index_begin (store->index, NULL))
    return;
  if (store->index)
    gst_cache_index_add (store->index, "damaged", 1, NULL);
  if (g_stat (path, &st) == 0 && st.st_ino == seen->st_ino &&
      st.st_dev == seen->st_dev && g_unlink (path) == 0 && store->index) {
    hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
    gst_cache_index_remove (store->index, hex, NULL);
    g_free (hex);
  }
  if (store->index)
    gst_cache_index_commit (store->index, NULL);
}

/* a hit is a use: the entry goes to the end of the LRU order. An entry
 * that the index does not know is not indexed here: it may be one that an
 * eviction moved away after this reader opened it. Files left unindexed by
 * a writer that died between its rename and its commit are indexed by
 * gst-cache --cleanup and --verify. */
static void
touch_entry (GstCacheStore * store, const guint8 key[GST_CACHE_KEY_SIZE],
    gint fd)
{
  gchar *hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  gboolean found;

  futimens (fd, NULL);
  if (store->index)
    gst_cache_index_touch (store->index, hex, g_get_real_time () * 1000,
        &found, NULL);
  g_free (hex);
}

GstCacheEntry *
gst_cache_store_lookup (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], GError ** error)
{
  return gst_cache_store_lookup_full (store, key, TRUE, error);
}

GstCacheEntry *
gst_cache_store_lookup_full (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], gboolean touch, GError ** error)
{
  GstCacheEntry *entry;
  gchar *path = gst_cache_store_entry_path (store, key, NULL);
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
      gst_cache_set_errno_error (error, errno, "Could not open cache entry",
          path);
    g_free (path);
    return NULL;
  }
  if (fstat (fd, &st) != 0) {
    gst_cache_set_errno_error (error, errno, "Could not stat cache entry",
        path);
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
    gst_cache_set_errno_error (error, errno, "Could not map cache entry", path);
    close (fd);
    g_free (path);
    return NULL;
  }
  madvise (map, st.st_size, MADV_SEQUENTIAL);
  madvise (map, st.st_size, MADV_WILLNEED);

  footer = map + st.st_size - GST_CACHE_FOOTER_SIZE;
  payload_size = gst_cache_get_le64 (footer + 16);
  meta_size = gst_cache_get_le64 (footer + 24);
  if (memcmp (footer, ENTRY_MAGIC, 8) != 0) {
    why = "bad magic";
    goto damaged;
  }
  if (gst_cache_get_le32 (footer + 8) != GST_CACHE_ENTRY_VERSION) {
    why = "unknown format version";
    goto damaged;
  }
  if (gst_cache_get_le32 (footer + 12) != GST_CACHE_ENTRY_KIND_BYTES &&
      gst_cache_get_le32 (footer + 12) != GST_CACHE_ENTRY_KIND_STREAM) {
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
  if (gst_cache_get_le32 (footer + 12) == GST_CACHE_ENTRY_KIND_STREAM &&
      !gst_cache_records_valid (map, payload_size)) {
    why = "bad records";
    goto damaged;
  }

  if (touch)
    touch_entry (store, key, fd);
  close (fd);

  entry = g_new0 (GstCacheEntry, 1);
  entry->refcount = 1;
  entry->path = path;
  entry->map = map;
  entry->map_size = st.st_size;
  entry->kind = gst_cache_get_le32 (footer + 12);
  entry->payload_size = payload_size;
  entry->meta = meta;
  return entry;

damaged:
  g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_DAMAGED,
      "Damaged cache entry \"%s\" (%s): removed", path, why);
  remove_damaged (store, key, path, &st);
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
  GstCacheWriter *w;
  gchar *hex, *name;

  if (store->read_only_why) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "%s", store->read_only_why);
    return NULL;
  }
  w = g_new0 (GstCacheWriter, 1);
  hex = gst_cache_digest_to_hex (key, GST_CACHE_KEY_SIZE);
  name = g_strdup_printf ("%s.%d.XXXXXX", hex, (gint) getpid ());

  w->store = store;
  memcpy (w->key, key, GST_CACHE_KEY_SIZE);
  w->max_size = max_size;
  w->tmp_path = g_build_filename (store->tmp_dir, name, NULL);
  g_free (name);
  g_free (hex);

  w->fd = g_mkstemp_full (w->tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (w->fd < 0) {
    gst_cache_set_errno_error (error, errno, "Could not create", w->tmp_path);
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
  if (!gst_cache_pwrite_all (w->fd, data, size, offset, w->tmp_path, error))
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

static gboolean evict_locked (GstCacheStore * store, guint64 max_size,
    guint64 max_entries, gint64 used_before_ns, const gchar * keep,
    GPtrArray * doomed, guint * evicted, guint64 * freed, GError ** error);
static void unlink_all (GPtrArray * doomed);

gboolean
gst_cache_writer_commit (GstCacheWriter * w, GstCacheEntryKind kind,
    GKeyFile * meta, guint64 max_size, guint64 max_entries, guint * evicted,
    GError ** error)
{
  GstCacheStore *store = w->store;
  GPtrArray *doomed = g_ptr_array_new_with_free_func (g_free);
  GstCacheEntryInfo info = { NULL, };
  guint64 freed = 0;
  guint n_evicted = 0;
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

  if (!gst_cache_pwrite_all (w->fd, (const guint8 *) meta_text, meta_size,
          payload_size, w->tmp_path, error))
    goto failed;

  memset (footer, 0, sizeof (footer));
  memcpy (footer, ENTRY_MAGIC, 8);
  gst_cache_put_le32 (footer + 8, GST_CACHE_ENTRY_VERSION);
  gst_cache_put_le32 (footer + 12, kind);
  gst_cache_put_le64 (footer + 16, payload_size);
  gst_cache_put_le64 (footer + 24, meta_size);
  memcpy (footer + 32, w->key, GST_CACHE_KEY_SIZE);

  /* checksum what is on disk, not what was meant to be written: byte
   * streams are written out of order, and rewritten */
  XXH3_INITSTATE (&state);
  XXH3_128bits_reset (&state);
  if (body > 0) {
    map = mmap (NULL, body, PROT_READ, MAP_SHARED, w->fd, 0);
    if (map == MAP_FAILED) {
      gst_cache_set_errno_error (error, errno, "Could not map", w->tmp_path);
      goto failed;
    }
    XXH3_128bits_update (&state, map, body);
    munmap (map, body);
  }
  XXH3_128bits_update (&state, footer, 64);
  XXH128_canonicalFromHash (&canon, XXH3_128bits_digest (&state));
  memcpy (footer + 64, canon.digest, GST_CACHE_DIGEST_SIZE);

  if (!gst_cache_pwrite_all (w->fd, footer, sizeof (footer), body, w->tmp_path,
          error))
    goto failed;
  if (fsync (w->fd) != 0) {
    gst_cache_set_errno_error (error, errno, "Could not flush", w->tmp_path);
    goto failed;
  }

  path = gst_cache_store_entry_path (store, w->key, &dir);
  new_dir = !g_file_test (dir, G_FILE_TEST_IS_DIR);
  if (new_dir && g_mkdir_with_parents (dir, 0700) != 0) {
    gst_cache_set_errno_error (error, errno, "Could not create", dir);
    goto failed;
  }

  /* under the index's write lock: the row goes in, least recently used
   * entries go out until the cache fits again, and the entry file is
   * renamed into place last, just before the commit; so the index never
   * exceeds the limits at a commit, every process sees files and rows
   * change together, and a writer killed before its commit leaves at most
   * rows without files (an over-count: harmless) or, if it dies between
   * its rename and its commit, an entry that gst-cache --cleanup indexes */
  if (!gst_cache_index_begin (store->index, error))
    goto failed;
  info.key = gst_cache_digest_to_hex (w->key, GST_CACHE_KEY_SIZE);
  info.size = body + GST_CACHE_FOOTER_SIZE;
  info.last_use_ns = g_get_real_time () * 1000;
  info.created_s = g_key_file_get_int64 (meta, "entry", "created", NULL);
  info.name_space = g_key_file_get_string (meta, "entry", "namespace", NULL);
  info.description = g_key_file_get_string (meta, "entry", "description", NULL);
  if (!gst_cache_index_put (store->index, &info, error) ||
      !evict_locked (store, max_size, max_entries, 0, info.key, doomed,
          &n_evicted, &freed, error) ||
      !gst_cache_index_add (store->index, "stores", 1, error) ||
      !gst_cache_index_add (store->index, "bytes-stored", payload_size,
          error) || (n_evicted > 0
          && (!gst_cache_index_add (store->index, "evictions", n_evicted, error)
              || !gst_cache_index_add (store->index, "bytes-evicted", freed,
                  error)))) {
    gst_cache_index_rollback (store->index);
    gst_cache_entry_info_clear (&info);
    goto failed;
  }
  if (g_rename (w->tmp_path, path) != 0) {
    gst_cache_set_errno_error (error, errno, "Could not rename into", path);
    gst_cache_index_rollback (store->index);
    gst_cache_entry_info_clear (&info);
    goto failed;
  }
  if (!gst_cache_index_commit (store->index, error)) {
    /* the entry is in place and valid: gst-cache --cleanup indexes it */
    gst_cache_entry_info_clear (&info);
    goto failed_after_rename;
  }
  /* the rename is durable once the directory is */
  gst_cache_fsync_dir (dir);
  if (new_dir)
    gst_cache_fsync_dir (store->entries_dir);
  unlink_all (doomed);
  gst_cache_entry_info_clear (&info);
  if (evicted)
    *evicted = n_evicted;

  g_ptr_array_unref (doomed);
  g_free (meta_text);
  g_free (dir);
  g_free (path);
  close (w->fd);
  w->fd = -1;
  g_free (w->tmp_path);
  w->tmp_path = NULL;
  return TRUE;

failed_after_rename:
  g_clear_pointer (&w->tmp_path, g_free);
failed:
  g_ptr_array_unref (doomed);
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


/* counters */

/* add to counters: pairs of (const gchar *name, guint64 delta), NULL; in
 * one transaction, so that they add up for every reader */
void
gst_cache_store_count (GstCacheStore * store, const gchar * counter,
    guint64 delta, ...)
{
  va_list ap;

  if (store->index == NULL || !gst_cache_index_begin (store->index, NULL))
    return;
  va_start (ap, delta);
  while (counter != NULL) {
    gst_cache_index_add (store->index, counter, delta, NULL);
    counter = va_arg (ap, const gchar *);
    if (counter != NULL)
      delta = va_arg (ap, guint64);
  }
  va_end (ap);
  gst_cache_index_commit (store->index, NULL);
}

gboolean
gst_cache_store_need_index (GstCacheStore * store, GError ** error)
{
  if (store->index)
    return TRUE;
  g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
      "%s", store->read_only_why);
  return FALSE;
}

GArray *
gst_cache_store_counters (GstCacheStore * store, GError ** error)
{
  if (!gst_cache_store_need_index (store, error))
    return NULL;
  return gst_cache_index_counters (store->index, error);
}

guint64
gst_cache_store_counter (GstCacheStore * store, const gchar * name)
{
  GArray *c = gst_cache_store_counters (store, NULL);
  guint64 v = 0;
  guint i;

  for (i = 0; c && i < c->len; i++)
    if (!strcmp (g_array_index (c, GstCacheCounter, i).name, name))
      v = g_array_index (c, GstCacheCounter, i).value;
  if (c)
    g_array_unref (c);
  return v;
}

gboolean
gst_cache_store_zero_stats (GstCacheStore * store, GError ** error)
{
  return gst_cache_store_need_index (store, error) &&
      gst_cache_index_zero (store->index, error);
}

gboolean
gst_cache_store_totals (GstCacheStore * store, guint64 * bytes,
    guint64 * entries, GError ** error)
{
  return gst_cache_store_need_index (store, error) &&
      gst_cache_index_totals (store->index, bytes, entries, error);
}

GArray *
gst_cache_store_list (GstCacheStore * store, GError ** error)
{
  if (!gst_cache_store_need_index (store, error))
    return NULL;
  return gst_cache_index_list (store->index, 0, error);
}

/* eviction */

static gchar *
key_path (GstCacheStore * store, const gchar * hex)
{
  guint8 key[GST_CACHE_KEY_SIZE];

  if (!gst_cache_hex_to_digest (hex, key, GST_CACHE_KEY_SIZE))
    return NULL;
  return gst_cache_store_entry_path (store, key, NULL);
}

/* moves an entry out of the way: a reader that has it open keeps it, a
 * writer of the same key cannot come in between (both hold the index's
 * write lock); the file is unlinked after the commit */
static void
doom (GstCacheStore * store, const gchar * hex, GPtrArray * doomed)
{
  gchar *path = key_path (store, hex);
  gchar *name = g_strdup_printf ("%s.%d.evicted-%d", hex, (gint) getpid (),
      g_atomic_int_add (&evict_seq, 1));
  gchar *aside = g_build_filename (store->tmp_dir, name, NULL);

  if (path && g_rename (path, aside) == 0)
    g_ptr_array_add (doomed, g_steal_pointer (&aside));
  g_free (aside);
  g_free (name);
  g_free (path);
}

static void
unlink_all (GPtrArray * doomed)
{
  guint i;

  for (i = 0; i < doomed->len; i++)
    g_unlink (g_ptr_array_index (doomed, i));
}

/* in a transaction: least recently used first, until the entries fit in
 * @max_size bytes and @max_entries entries (0: no limit), and all that were
 * last used before @used_before_ns (0: none) */
static gboolean
evict_locked (GstCacheStore * store, guint64 max_size, guint64 max_entries,
    gint64 used_before_ns, const gchar * keep, GPtrArray * doomed,
    guint * evicted, guint64 * freed, GError ** error)
{
  guint64 bytes, entries;

  if (!gst_cache_index_totals (store->index, &bytes, &entries, error))
    return FALSE;
  while ((max_size && bytes > max_size) || (max_entries &&
          entries > max_entries) || used_before_ns) {
    GArray *rows = gst_cache_index_list (store->index, 64, error);
    gboolean progress = FALSE;
    guint i;

    if (rows == NULL)
      return FALSE;
    for (i = 0; i < rows->len; i++) {
      GstCacheEntryInfo *e = &g_array_index (rows, GstCacheEntryInfo, i);
      gboolean over = (max_size && bytes > max_size) ||
          (max_entries && entries > max_entries);

      if (!over && !(used_before_ns && e->last_use_ns < used_before_ns))
        break;
      if (keep && !strcmp (e->key, keep))
        continue;
      if (!gst_cache_index_remove (store->index, e->key, error)) {
        g_array_unref (rows);
        return FALSE;
      }
      doom (store, e->key, doomed);
      bytes -= MIN (bytes, e->size);
      entries--;
      *freed += e->size;
      (*evicted)++;
      progress = TRUE;
    }
    g_array_unref (rows);
    if (!progress)
      break;
  }
  return TRUE;
}

gboolean
gst_cache_store_evict (GstCacheStore * store, guint64 max_size,
    guint64 max_entries, gint64 used_before_ns, guint * evicted,
    GError ** error)
{
  GPtrArray *doomed;
  guint n = 0;
  guint64 freed = 0;

  if (!gst_cache_store_need_index (store, error) ||
      !gst_cache_index_begin (store->index, error))
    return FALSE;
  doomed = g_ptr_array_new_with_free_func (g_free);
  if (!evict_locked (store, max_size, max_entries, used_before_ns, NULL,
          doomed, &n, &freed, error) || (n > 0 &&
          (!gst_cache_index_add (store->index, "evictions", n, error) ||
              !gst_cache_index_add (store->index, "bytes-evicted", freed,
                  error))) || !gst_cache_index_commit (store->index, error)) {
    gst_cache_index_rollback (store->index);
    g_ptr_array_unref (doomed);
    return FALSE;
  }
  unlink_all (doomed);
  g_ptr_array_unref (doomed);
  if (evicted)
    *evicted = n;
  return TRUE;
}

/* stream entries: the records, each 8-byte aligned */
gboolean
gst_cache_records_valid (const guint8 * p, gsize size)
{
  gsize pos = 0;

  while (pos < size) {
    guint32 type, len;

    if (size - pos < GST_CACHE_RECORD_HEADER)
      return FALSE;
    type = gst_cache_get_le32 (p + pos);
    len = gst_cache_get_le32 (p + pos + 4);
    if (GST_CACHE_ROUND_UP_8 ((guint64) len) > size - pos -
        GST_CACHE_RECORD_HEADER)
      return FALSE;
    if (type < GST_CACHE_RECORD_CAPS || type > GST_CACHE_RECORD_BUFFER)
      return FALSE;
    if (type == GST_CACHE_RECORD_SEGMENT && len != GST_CACHE_SEGMENT_RECORD)
      return FALSE;
    if ((type == GST_CACHE_RECORD_BUFFER && len < GST_CACHE_BUFFER_RECORD) ||
        ((type == GST_CACHE_RECORD_TAG || type == GST_CACHE_RECORD_EVENT) &&
            len < 4))
      return FALSE;
    pos += GST_CACHE_RECORD_HEADER + GST_CACHE_ROUND_UP_8 ((guint64) len);
  }
  return TRUE;
}
