/* gst-reuse: the cache store's entries: read, checked, held in memory
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
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* xxHash returns its 128-bit hashes as structures, by value */
#pragma GCC diagnostic ignored "-Waggregate-return"
#define XXH_INLINE_ALL
#include <xxhash.h>

#define ENTRY_MAGIC GST_CACHE_ENTRY_MAGIC

/* an entry is read into memory of its own, not mapped: what is checked is
 * what is replayed, and a file truncated or rewritten in place by another
 * process can neither change it nor fault it (SIGBUS) */
struct _GstCacheEntry
{
  gint refcount;
  gchar *path;
  guint8 *data;                 /* see data_alloc() */
  gsize data_size;
  GstCacheEntryKind kind;
  gsize payload_size;
  GKeyFile *meta;
  gchar *remote;                /* the backend it came from, or NULL */
  guint64 remote_ns;
};

/* reads all of @fd (@size bytes) into @data and returns the checksum of
 * all but its last GST_CACHE_DIGEST_SIZE bytes: chunk by chunk, each
 * hashed while it is still in the CPU's caches, so the entry crosses
 * memory once */
#define READ_CHUNK (256 * 1024)

static gboolean
read_and_checksum (gint fd, guint8 * data, gsize size, guint8 * out)
{
  XXH3_state_t state;
  XXH128_canonical_t canon;
  gsize covered = size - GST_CACHE_DIGEST_SIZE;
  gsize pos;

  XXH3_INITSTATE (&state);
  XXH3_128bits_reset (&state);
  for (pos = 0; pos < size; pos += READ_CHUNK) {
    gsize n = MIN (READ_CHUNK, size - pos);

    if (!gst_cache_pread_all (fd, data + pos, n, pos))
      return FALSE;
    if (pos < covered)
      XXH3_128bits_update (&state, data + pos, MIN (n, covered - pos));
  }
  XXH128_canonicalFromHash (&canon, XXH3_128bits_digest (&state));
  memcpy (out, canon.digest, GST_CACHE_DIGEST_SIZE);
  return TRUE;
}

/* an entry's memory: from the heap when small, else an anonymous mapping
 * (given back to the system at once when freed, and made read-only once
 * it holds the checked entry) */
#define DATA_MAP_MIN (256 * 1024)

static guint8 *
data_alloc (gsize size)
{
  guint8 *data;

  if (size < DATA_MAP_MIN)
    return g_try_malloc (size);
  data = mmap (NULL, size, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED)
    return NULL;
  /* fewer page faults for a large entry */
  madvise (data, size, MADV_HUGEPAGE);
  return data;
}

static void
data_seal (guint8 * data, gsize size)
{
  if (size >= DATA_MAP_MIN)
    mprotect (data, size, PROT_READ);
}

static void
data_free (guint8 * data, gsize size)
{
  if (size < DATA_MAP_MIN)
    g_free (data);
  else
    munmap (data, size);
}

/* reads and checks the entry of @key from @fd (@size bytes): the entry,
 * or NULL with *@why (damaged) or @error (could not read it) */
GstCacheEntry *
gst_cache_store_load_entry (const guint8 key[GST_CACHE_KEY_SIZE], gint fd,
    gsize size, const gchar ** why, GError ** error)
{
  GstCacheEntry *entry;
  guint8 *map = NULL;
  gsize map_size = 0;
  const guint8 *footer;
  guint8 sum[GST_CACHE_DIGEST_SIZE];
  guint64 payload_size, meta_size;
  GKeyFile *meta = NULL;

  *why = NULL;
  if (size < GST_CACHE_FOOTER_SIZE) {
    *why = "shorter than its footer";
    return NULL;
  }
  /* read, not mapped (see GstCacheEntry): anonymous memory, given back to
   * the system as soon as the last buffer of the replay goes */
  map_size = size;
  map = data_alloc (map_size);
  if (map == NULL) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "Could not allocate memory for cache entry: %s", g_strerror (errno));
    return NULL;
  }
  errno = 0;
  if (!read_and_checksum (fd, map, map_size, sum)) {
    if (errno != 0) {
      g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
          "Could not read cache entry: %s", g_strerror (errno));
      data_free (map, map_size);
      return NULL;
    }
    *why = "shorter than it was when opened";
    goto damaged;
  }
  data_seal (map, map_size);

  footer = map + size - GST_CACHE_FOOTER_SIZE;
  payload_size = gst_cache_get_le64 (footer + 16);
  meta_size = gst_cache_get_le64 (footer + 24);
  if (memcmp (footer, ENTRY_MAGIC, 8) != 0) {
    *why = "bad magic";
    goto damaged;
  }
  if (gst_cache_get_le32 (footer + 8) != GST_CACHE_ENTRY_VERSION) {
    *why = "unknown format version";
    goto damaged;
  }
  if (gst_cache_get_le32 (footer + 12) != GST_CACHE_ENTRY_KIND_BYTES &&
      gst_cache_get_le32 (footer + 12) != GST_CACHE_ENTRY_KIND_STREAM) {
    *why = "unknown payload kind";
    goto damaged;
  }
  if (payload_size > (guint64) size || meta_size > (guint64) size
      || payload_size + meta_size + GST_CACHE_FOOTER_SIZE != (guint64) size) {
    *why = "lengths do not match the file size";
    goto damaged;
  }
  if (memcmp (footer + 32, key, GST_CACHE_KEY_SIZE) != 0) {
    *why = "stored under another key";
    goto damaged;
  }
  if (memcmp (sum, footer + 64, GST_CACHE_DIGEST_SIZE) != 0) {
    *why = "checksum mismatch";
    goto damaged;
  }
  meta = g_key_file_new ();
  if (!g_key_file_load_from_data (meta, (const gchar *) map + payload_size,
          meta_size, G_KEY_FILE_NONE, NULL)) {
    *why = "unreadable metadata";
    goto damaged;
  }
  if (gst_cache_get_le32 (footer + 12) == GST_CACHE_ENTRY_KIND_STREAM &&
      !gst_cache_records_valid (map, payload_size)) {
    *why = "bad records";
    goto damaged;
  }

  entry = g_new0 (GstCacheEntry, 1);
  entry->refcount = 1;
  entry->data = map;
  entry->data_size = map_size;
  entry->kind = gst_cache_get_le32 (footer + 12);
  entry->payload_size = payload_size;
  entry->meta = meta;
  return entry;

damaged:
  if (meta)
    g_key_file_unref (meta);
  data_free (map, map_size);
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
  data_free (entry->data, entry->data_size);
  g_key_file_unref (entry->meta);
  g_free (entry->path);
  g_free (entry->remote);
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
  return entry->data;
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

const gchar *
gst_cache_entry_get_remote (GstCacheEntry * entry, guint64 * time_ns)
{
  if (time_ns)
    *time_ns = entry->remote_ns;
  return entry->remote;
}

void
gst_cache_entry_set_origin (GstCacheEntry * entry, const gchar * path,
    const gchar * remote, guint64 remote_ns)
{
  g_free (entry->path);
  entry->path = g_strdup (path);
  g_free (entry->remote);
  entry->remote = g_strdup (remote);
  entry->remote_ns = remote_ns;
}

const guint8 *
gst_cache_entry_get_data (GstCacheEntry * entry, gsize * size)
{
  *size = entry->data_size;
  return entry->data;
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
