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

#ifndef __GST_CACHE_STORE_H__
#define __GST_CACHE_STORE_H__

/* The cache store is plain C on GLib, with no element code, so that
 * cachebin and the gst-cache tool share it.
 *
 * Layout of a cache directory (created 0700):
 *   entries/XX/<key>.gstcache   one entry per key, XX = first byte of the key
 *   tmp/                        entries being written (same file system)
 *   stat/XX/<hash of path>      stat manifest: file identity -> digest
 *   chains/<hash>               canonical chains of descriptions (cachebin)
 *                               (memos: bounded, oldest first)
 *   pending/                    recency and counters left by processes
 *                               that found the index locked
 *   index.sqlite                the index: entries (size of the file, last
 *                               use, ...) and counters; rebuilt from the
 *                               entries when damaged or lost
 *   config                      [cache] max-size, max-entries
 *
 * An entry file is: payload, metadata (GKeyFile text), footer. The footer
 * (GST_CACHE_FOOTER_SIZE bytes, little-endian) holds the magic, the format
 * version, the payload kind, both lengths, the key and an XXH3-128 checksum
 * of everything before the checksum. An entry is written to tmp/, fsynced,
 * renamed into place and its directory fsynced; it is read only after its
 * size, magic, version, key and checksum all agree. */

#include <glib.h>

#include "cache-prelude.h"

G_BEGIN_DECLS

#define GST_CACHE_KEY_SIZE 32
#define GST_CACHE_KEY_HEX_SIZE (2 * GST_CACHE_KEY_SIZE + 1)
#define GST_CACHE_DIGEST_SIZE 16
#define GST_CACHE_FOOTER_SIZE 80
#define GST_CACHE_ENTRY_VERSION 1
/* the size limit when neither cachebin nor the directory's config sets one */
#define GST_CACHE_DEFAULT_MAX_SIZE (G_GUINT64_CONSTANT (5) << 30)

#define GST_CACHE_STORE_ERROR (gst_cache_store_error_quark ())
GST_CACHE_API
GQuark gst_cache_store_error_quark (void);

typedef enum
{
  GST_CACHE_STORE_ERROR_IO,
  GST_CACHE_STORE_ERROR_DAMAGED,
  GST_CACHE_STORE_ERROR_TOO_LARGE,
} GstCacheStoreError;

typedef enum
{
  GST_CACHE_ENTRY_KIND_BYTES = 1,      /* a byte stream, stored as its image */
  GST_CACHE_ENTRY_KIND_STREAM = 2,     /* records: caps, events, buffers */
} GstCacheEntryKind;

typedef struct _GstCacheStore GstCacheStore;
typedef struct _GstCacheEntry GstCacheEntry;
typedef struct _GstCacheWriter GstCacheWriter;

/* the identity and digest of an input file */
typedef struct
{
  guint8 digest[GST_CACHE_DIGEST_SIZE];        /* XXH3-128, canonical order */
  guint64 length;
  guint64 dev, ino;
  gint64 mtime_ns, ctime_ns;
} GstCacheFileId;

GST_CACHE_API
gchar *gst_cache_store_default_dir (void);

GST_CACHE_API
GstCacheStore *gst_cache_store_open (const gchar * dir, GError ** error);
GST_CACHE_API
void gst_cache_store_free (GstCacheStore * store);
GST_CACHE_API
const gchar *gst_cache_store_get_dir (GstCacheStore * store);
GST_CACHE_API
const gchar *gst_cache_store_read_only (GstCacheStore * store);
/* what opening the store had to repair (a damaged or older index, rebuilt
 * from the entries), or NULL */
GST_CACHE_API
const gchar *gst_cache_store_get_notice (GstCacheStore * store);
GST_CACHE_API
guint64 gst_cache_store_get_config_max_size (GstCacheStore * store);
GST_CACHE_API
guint64 gst_cache_store_get_config_max_entries (GstCacheStore * store);
GST_CACHE_API
gboolean gst_cache_store_set_config (GstCacheStore * store,
    const gchar * name, guint64 value, GError ** error);
GST_CACHE_API
gchar *gst_cache_store_get_config_string (GstCacheStore * store,
    const gchar * name);
GST_CACHE_API
gboolean gst_cache_store_set_config_string (GstCacheStore * store,
    const gchar * name, const gchar * value, GError ** error);

/* the remote tier (ccache's remote_storage): space-separated URLs, each
 * with |attr=value suffixes; NULL: the directory's config (remote-storage,
 * set by gst-cache --remote-storage); "": none. A local miss asks each
 * backend in order; a verified remote entry is installed in the local
 * cache and served. After a store, the entry is uploaded to each writable
 * backend. URLs that do not parse are left out and told in @error (the
 * others are used). A backend that fails is skipped for the rest of the
 * process. */
GST_CACHE_API
gboolean gst_cache_store_set_remote_storage (GstCacheStore * store,
    const gchar * config, GError ** error);
/* the backends' URLs, without credentials, or NULL */
GST_CACHE_API
gchar **gst_cache_store_get_remote_urls (GstCacheStore * store);
/* what went wrong with the backends since the last call (one message per
 * line), or NULL: for the element or the tool to tell the user */
GST_CACHE_API
gchar *gst_cache_store_take_remote_warnings (GstCacheStore * store);
/* tries each backend (write, read back, remove; read only for read-only
 * ones): one line per backend in @report; FALSE if any failed */
GST_CACHE_API
gboolean gst_cache_store_check_remote (GstCacheStore * store,
    GString * report);

/* input digests */
GST_CACHE_API
gboolean gst_cache_hash_file (GstCacheStore * store, const gchar * path,
    gboolean trust_stat, GstCacheFileId * id, gboolean * from_manifest,
    GError ** error);
GST_CACHE_API
gboolean gst_cache_file_unchanged (const gchar * path,
    const GstCacheFileId * id);
GST_CACHE_API
gchar *gst_cache_digest_to_hex (const guint8 * digest, gsize size);

typedef struct _GstCacheHasher GstCacheHasher;
GST_CACHE_API
GstCacheHasher *gst_cache_hasher_new (void);
GST_CACHE_API
void gst_cache_hasher_update (GstCacheHasher * hasher, gconstpointer data,
    gsize size);
GST_CACHE_API
void gst_cache_hasher_finish (GstCacheHasher * hasher,
    guint8 digest[GST_CACHE_DIGEST_SIZE]);
GST_CACHE_API
void gst_cache_hasher_free (GstCacheHasher * hasher);

/* entries */
GST_CACHE_API
GstCacheEntry *gst_cache_store_lookup (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], GError ** error);
GST_CACHE_API
GstCacheEntry *gst_cache_store_lookup_full (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], gboolean touch, GError ** error);
GST_CACHE_API
GstCacheEntry *gst_cache_entry_ref (GstCacheEntry * entry);
GST_CACHE_API
void gst_cache_entry_unref (GstCacheEntry * entry);
GST_CACHE_API
GstCacheEntryKind gst_cache_entry_get_kind (GstCacheEntry * entry);
/* the payload in memory, and its size; NULL (with the size) for an entry
 * that is streamed: read that one with gst_cache_entry_read() */
GST_CACHE_API
const guint8 *gst_cache_entry_get_payload (GstCacheEntry * entry,
    gsize * size);
GST_CACHE_API
guint64 gst_cache_entry_get_payload_size (GstCacheEntry * entry);
/* TRUE for a large entry that is not held in memory: it was checked by
 * reading its file once, and its payload is read from the file again,
 * checked piece by piece against what the first reading saw */
GST_CACHE_API
gboolean gst_cache_entry_is_streamed (GstCacheEntry * entry);
/* copies @size bytes of the payload from @offset into @dest. A streamed
 * entry is read in order (each @offset where the previous read ended, or
 * 0 to start again) by one reader at a time, and no byte is copied out
 * before the piece of the file it is in was read and checked again; FALSE
 * with GST_CACHE_STORE_ERROR_DAMAGED if the file changed since it was
 * checked (or was cut short), after which every read fails */
GST_CACHE_API
gboolean gst_cache_entry_read (GstCacheEntry * entry, guint64 offset,
    gpointer dest, gsize size, GError ** error);
/* data of the entry's user (cachebin keeps its replay's buffer pool
 * there), destroyed with the entry or when replaced */
GST_CACHE_API
void gst_cache_entry_set_user_data (GstCacheEntry * entry, gpointer data,
    GDestroyNotify destroy);
GST_CACHE_API
gpointer gst_cache_entry_get_user_data (GstCacheEntry * entry);
GST_CACHE_API
GKeyFile *gst_cache_entry_get_meta (GstCacheEntry * entry);
GST_CACHE_API
const gchar *gst_cache_entry_get_path (GstCacheEntry * entry);
/* the backend (URL without credentials) that the entry was fetched from
 * in this lookup and the time that took, or NULL: a local hit */
GST_CACHE_API
const gchar *gst_cache_entry_get_remote (GstCacheEntry * entry,
    guint64 * time_ns);

GST_CACHE_API
GstCacheWriter *gst_cache_writer_new (GstCacheStore * store,
    const guint8 key[GST_CACHE_KEY_SIZE], guint64 max_size, GError ** error);
GST_CACHE_API
gboolean gst_cache_writer_write_at (GstCacheWriter * writer, guint64 offset,
    gconstpointer data, gsize size, GError ** error);
GST_CACHE_API
gboolean gst_cache_writer_append (GstCacheWriter * writer,
    gconstpointer data, gsize size, GError ** error);
GST_CACHE_API
guint64 gst_cache_writer_get_size (GstCacheWriter * writer);
GST_CACHE_API
gboolean gst_cache_writer_commit (GstCacheWriter * writer,
    GstCacheEntryKind kind, GKeyFile * meta, guint64 max_size,
    guint64 max_entries, guint * evicted, GError ** error);
GST_CACHE_API
void gst_cache_writer_free (GstCacheWriter * writer);

/* a stream entry's payload: records of a 32-bit type and a 32-bit length,
 * little-endian, then the body, padded to 8 bytes */
#define GST_CACHE_RECORD_HEADER 8
#define GST_CACHE_SEGMENT_RECORD 80
#define GST_CACHE_BUFFER_RECORD 48
#define GST_CACHE_ROUND_UP_8(n) (((n) + 7) & ~(guint64) 7)
enum
{
  GST_CACHE_RECORD_CAPS = 1,    /* caps string */
  GST_CACHE_RECORD_SEGMENT = 2, /* the segment's fields */
  GST_CACHE_RECORD_TAG = 3,     /* scope (u32), tag list string */
  GST_CACHE_RECORD_EVENT = 4,   /* event type (u32), structure string */
  GST_CACHE_RECORD_BUFFER = 5,  /* timestamps, offsets, flags, data */
};
GST_CACHE_API
gboolean gst_cache_records_valid (const guint8 * p, gsize size);

/* statistics, eviction and maintenance (need the index) */
GST_CACHE_API
void gst_cache_store_count (GstCacheStore * store, const gchar * counter,
    guint64 delta, ...) G_GNUC_NULL_TERMINATED;
GST_CACHE_API
GArray *gst_cache_store_counters (GstCacheStore * store, GError ** error);
GST_CACHE_API
guint64 gst_cache_store_counter (GstCacheStore * store, const gchar * name);
GST_CACHE_API
gboolean gst_cache_store_zero_stats (GstCacheStore * store, GError ** error);
GST_CACHE_API
gboolean gst_cache_store_totals (GstCacheStore * store, guint64 * bytes,
    guint64 * entries, GError ** error);
GST_CACHE_API
GArray *gst_cache_store_list (GstCacheStore * store, GError ** error);
GST_CACHE_API
gboolean gst_cache_store_evict (GstCacheStore * store, guint64 max_size,
    guint64 max_entries, gint64 used_before_ns, guint * evicted,
    GError ** error);
GST_CACHE_API
gboolean gst_cache_store_clear (GstCacheStore * store, guint * removed,
    GError ** error);
GST_CACHE_API
gboolean gst_cache_store_verify (GstCacheStore * store, guint * checked,
    guint * damaged, GError ** error);
GST_CACHE_API
gboolean gst_cache_store_cleanup (GstCacheStore * store, guint64 max_size,
    guint64 max_entries, guint * tmp_removed, guint * adopted,
    guint * dropped, guint * evicted, GError ** error);
GST_CACHE_API
gchar *gst_cache_store_find_key (GstCacheStore * store, const gchar * prefix,
    GError ** error);
GST_CACHE_API
gboolean gst_cache_key_from_hex (const gchar * hex,
    guint8 key[GST_CACHE_KEY_SIZE]);

G_END_DECLS

#endif /* __GST_CACHE_STORE_H__ */
