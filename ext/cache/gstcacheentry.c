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
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* xxHash returns its 128-bit hashes as structures, by value */
#pragma GCC diagnostic ignored "-Waggregate-return"
/* the library's hashing, which picks the CPU's widest vectors (AVX2,
 * AVX-512) at run time: entries are large, and the inline code is SSE2
 * only (it hashed a 1.2 GB entry in 3.3x the time on AVX-512) */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>
#if defined(__x86_64__) || defined(__i386__)
#define XXH_DISPATCH_DISABLE_REPLACE
#include <xxh_x86dispatch.h>
#define hash_update XXH3_128bits_update_dispatch
#else
#define hash_update XXH3_128bits_update
#endif

#define ENTRY_MAGIC GST_CACHE_ENTRY_MAGIC

typedef guint8 Mark[GST_CACHE_DIGEST_SIZE];

/* An entry is checked whole (footer, key, checksum, records) before any
 * of it is handed out, and what is handed out is what was checked.
 *
 * Small entries are read into memory of their own: a file truncated or
 * rewritten in place by another process can neither change that copy nor
 * fault it (SIGBUS).
 *
 * Entries of STREAM_MIN bytes and more are not held in memory: they are
 * checked by reading the file once in CHUNK-sized pieces, and the
 * descriptor is kept open. Entries are immutable once committed (renamed
 * into place), so the descriptor sees the checked bytes even when the
 * entry is replaced or evicted meanwhile. Only a user writing into the
 * cache directory can change them: so that such a change cannot go
 * unnoticed, the check keeps a table of the running checksum at the end
 * of each CHUNK of the payload, and gst_cache_entry_read() reads the
 * payload again in the same CHUNKs, hashes it as it goes and compares
 * each CHUNK's running checksum with the table before it hands out any
 * byte of it. */
struct _GstCacheEntry
{
  gint refcount;
  gchar *path;
  GMutex lock;                  /* data of a streamed entry */
  guint8 *data;                 /* see data_alloc(); NULL when streamed
                                 * (until gst_cache_entry_get_data()) */
  gsize data_size;
  GstCacheEntryKind kind;
  gsize payload_size;
  GKeyFile *meta;
  gchar *remote;                /* the backend it came from, or NULL */
  guint64 remote_ns;

  /* streamed */
  gint fd;                      /* -1: held in memory */
  gsize file_size;
  guint8 sum[GST_CACHE_DIGEST_SIZE];    /* the footer's checksum */
  Mark *marks;                  /* running checksum at the end of each
                                 * CHUNK of the payload */
  gsize n_marks;
  /* the reader (gst_cache_entry_read()): one at a time, in order */
  XXH3_state_t *state;
  guint64 pos;                  /* the next byte to hand out */
  guint64 checked;              /* payload bytes read and checked again */
  guint8 *ahead;                /* checked bytes [pos, checked) */
  gsize ahead_len;
  gboolean failed;

  gpointer user_data;
  GDestroyNotify user_destroy;
};

/* entries from this size on are streamed, smaller ones read whole: a
 * lookup and a read of the payload took as long both ways at 1 MiB, and
 * 0.64 ms streamed against 1.03 ms whole at 2 MiB (docs/gst-cache.md) */
#define STREAM_MIN (2 * 1024 * 1024)
/* the unit of the streamed check, of its table and of re-reading: large
 * enough that a read costs little, small enough to stay in the CPU's
 * caches while it is hashed (reading and hashing 1.2 GB from the page
 * cache: 0.07-0.10 s in 1 MiB reads, 0.12-0.20 s in 256 KiB ones) */
#define CHUNK (1024 * 1024)
/* what read() copies into is aligned to pages: a destination that is not
 * took twice the time (1.2 GB from the page cache, AMD EPYC) */
#define ALIGN 4096

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
      hash_update (&state, data + pos, MIN (n, covered - pos));
  }
  XXH128_canonicalFromHash (&canon, XXH3_128bits_digest (&state));
  memcpy (out, canon.digest, GST_CACHE_DIGEST_SIZE);
  return TRUE;
}

static void
state_digest (XXH3_state_t * state, guint8 * out)
{
  XXH128_canonical_t canon;

  XXH128_canonicalFromHash (&canon, XXH3_128bits_digest (state));
  memcpy (out, canon.digest, GST_CACHE_DIGEST_SIZE);
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

/* the footer's fields, checked against the file's size and the key */
static const gchar *
check_footer (const guint8 * footer, gsize size,
    const guint8 key[GST_CACHE_KEY_SIZE])
{
  guint64 payload_size = gst_cache_get_le64 (footer + 16);
  guint64 meta_size = gst_cache_get_le64 (footer + 24);

  if (memcmp (footer, ENTRY_MAGIC, 8) != 0)
    return "bad magic";
  if (gst_cache_get_le32 (footer + 8) != GST_CACHE_ENTRY_VERSION)
    return "unknown format version";
  if (gst_cache_get_le32 (footer + 12) != GST_CACHE_ENTRY_KIND_BYTES &&
      gst_cache_get_le32 (footer + 12) != GST_CACHE_ENTRY_KIND_STREAM)
    return "unknown payload kind";
  if (payload_size > (guint64) size || meta_size > (guint64) size
      || payload_size + meta_size + GST_CACHE_FOOTER_SIZE != (guint64) size)
    return "lengths do not match the file size";
  if (memcmp (footer + 32, key, GST_CACHE_KEY_SIZE) != 0)
    return "stored under another key";
  return NULL;
}

static GstCacheEntry *
entry_new (const guint8 * footer, GKeyFile * meta)
{
  GstCacheEntry *entry = g_new0 (GstCacheEntry, 1);

  entry->refcount = 1;
  g_mutex_init (&entry->lock);
  entry->fd = -1;
  entry->kind = gst_cache_get_le32 (footer + 12);
  entry->payload_size = gst_cache_get_le64 (footer + 16);
  entry->meta = meta;
  return entry;
}

/* the whole entry in memory of its own */
static GstCacheEntry *
load_whole (const guint8 key[GST_CACHE_KEY_SIZE], gint fd, gsize size,
    const gchar ** why, GError ** error)
{
  GstCacheEntry *entry;
  guint8 *map = NULL;
  gsize map_size = 0;
  const guint8 *footer;
  guint8 sum[GST_CACHE_DIGEST_SIZE];
  guint64 payload_size, meta_size;
  GKeyFile *meta = NULL;

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
  if ((*why = check_footer (footer, size, key)) != NULL)
    goto damaged;
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

  entry = entry_new (footer, meta);
  entry->data = map;
  entry->data_size = map_size;
  return entry;

damaged:
  if (meta)
    g_key_file_unref (meta);
  data_free (map, map_size);
  return NULL;
}

/* a record header of @type and @len: a known type, a length that type can
 * have, and a (padded) body within the @room bytes after the header */
static gboolean
record_header_ok (guint32 type, guint32 len, guint64 room)
{
  if (GST_CACHE_ROUND_UP_8 ((guint64) len) > room)
    return FALSE;
  if (type < GST_CACHE_RECORD_CAPS || type > GST_CACHE_RECORD_BUFFER)
    return FALSE;
  if (type == GST_CACHE_RECORD_SEGMENT && len != GST_CACHE_SEGMENT_RECORD)
    return FALSE;
  if ((type == GST_CACHE_RECORD_BUFFER && len < GST_CACHE_BUFFER_RECORD) ||
      ((type == GST_CACHE_RECORD_TAG || type == GST_CACHE_RECORD_EVENT) &&
          len < 4))
    return FALSE;
  return TRUE;
}

/* the record headers of a stream entry's payload in [@start, @end), as
 * gst_cache_records_valid() checks them; *@next: where the next header
 * starts. Headers are 8 bytes at 8-byte aligned offsets, and @start and
 * @end are multiples of CHUNK or the payload's end, so a header never
 * straddles two calls. */
static gboolean
records_scan (const guint8 * p, guint64 start, guint64 end,
    guint64 payload_size, guint64 * next)
{
  while (*next >= start && *next < end) {
    guint64 pos = *next;
    const guint8 *h = p + (pos - start);
    guint32 type, len;

    if (payload_size - pos < GST_CACHE_RECORD_HEADER ||
        end - pos < GST_CACHE_RECORD_HEADER)
      return FALSE;
    type = gst_cache_get_le32 (h);
    len = gst_cache_get_le32 (h + 4);
    if (!record_header_ok (type, len,
            payload_size - pos - GST_CACHE_RECORD_HEADER))
      return FALSE;
    *next = pos + GST_CACHE_RECORD_HEADER + GST_CACHE_ROUND_UP_8 ((guint64)
        len);
  }
  return TRUE;
}

/* checked by streaming (see GstCacheEntry): the file read once, in CHUNKs,
 * hashed as it goes, with the running checksum kept at the end of each
 * CHUNK of the payload; the descriptor kept */
static GstCacheEntry *
load_streamed (const guint8 key[GST_CACHE_KEY_SIZE], gint fd, gsize size,
    const gchar ** why, GError ** error)
{
  GstCacheEntry *entry = NULL;
  guint8 footer[GST_CACHE_FOOTER_SIZE];
  guint8 sum[GST_CACHE_DIGEST_SIZE];
  Mark *marks = NULL;
  guint64 payload_size, meta_size, next_record = 0;
  gsize covered = size - GST_CACHE_DIGEST_SIZE, pos, n_marks;
  gboolean records = TRUE;
  XXH3_state_t *state = NULL;
  GKeyFile *meta = NULL;
  guint8 *buf = NULL, *meta_data = NULL;
  gint own_fd = -1;

  errno = 0;
  if (!gst_cache_pread_all (fd, footer, sizeof (footer),
          size - GST_CACHE_FOOTER_SIZE))
    goto read_failed;
  if ((*why = check_footer (footer, size, key)) != NULL)
    return NULL;
  payload_size = gst_cache_get_le64 (footer + 16);
  meta_size = gst_cache_get_le64 (footer + 24);

  /* the kernel reads ahead further for a sequential reader */
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  /* page-aligned: the kernel copies into it at twice the speed */
  buf = g_aligned_alloc (1, CHUNK, ALIGN);
  meta_data = g_try_malloc (meta_size + 1);
  n_marks = (payload_size + CHUNK - 1) / CHUNK;
  marks = g_try_malloc (MAX (n_marks, 1) * GST_CACHE_DIGEST_SIZE);
  state = XXH3_createState ();
  if (meta_data == NULL || marks == NULL || state == NULL) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "Could not allocate memory to check a cache entry");
    goto out;
  }
  XXH3_128bits_reset (state);
  for (pos = 0; pos < covered; pos += CHUNK) {
    gsize n = MIN (CHUNK, covered - pos), off = 0;

    if (!gst_cache_pread_all (fd, buf, n, pos))
      goto read_failed;
    if (pos < payload_size) {
      off = MIN (n, payload_size - pos);
      hash_update (state, buf, off);
      state_digest (state, marks[pos / CHUNK]);
      if (records && gst_cache_get_le32 (footer + 12) ==
          GST_CACHE_ENTRY_KIND_STREAM)
        records = records_scan (buf, pos, pos + off, payload_size,
            &next_record);
    }
    if (off < n) {
      guint64 from = MAX (pos + off, payload_size);
      guint64 to = MIN (pos + n, payload_size + meta_size);

      hash_update (state, buf + off, n - off);
      if (from < to)
        memcpy (meta_data + (from - payload_size), buf + (from - pos),
            to - from);
    }
  }
  state_digest (state, sum);
  if (memcmp (sum, footer + 64, GST_CACHE_DIGEST_SIZE) != 0) {
    *why = "checksum mismatch";
    goto out;
  }
  meta_data[meta_size] = '\0';
  meta = g_key_file_new ();
  if (!g_key_file_load_from_data (meta, (const gchar *) meta_data,
          meta_size, G_KEY_FILE_NONE, NULL)) {
    *why = "unreadable metadata";
    goto out;
  }
  if (!records) {
    *why = "bad records";
    goto out;
  }
  own_fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
  if (own_fd < 0) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "Could not keep cache entry open: %s", g_strerror (errno));
    goto out;
  }

  entry = entry_new (footer, meta);
  meta = NULL;
  entry->fd = own_fd;
  entry->file_size = size;
  memcpy (entry->sum, footer + 64, GST_CACHE_DIGEST_SIZE);
  entry->marks = marks;
  entry->n_marks = n_marks;
  marks = NULL;
  entry->state = state;
  state = NULL;
  XXH3_128bits_reset (entry->state);
  goto out;

read_failed:
  if (errno != 0)
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "Could not read cache entry: %s", g_strerror (errno));
  else
    *why = "shorter than it was when opened";
out:
  if (meta)
    g_key_file_unref (meta);
  if (state)
    XXH3_freeState (state);
  g_free (marks);
  g_free (meta_data);
  g_aligned_free (buf);
  return entry;
}

/* reads and checks the entry of @key from @fd (@size bytes): the entry,
 * or NULL with *@why (damaged) or @error (could not read it). A streamed
 * entry keeps its own descriptor (a duplicate of @fd). */
GstCacheEntry *
gst_cache_store_load_entry (const guint8 key[GST_CACHE_KEY_SIZE], gint fd,
    gsize size, const gchar ** why, GError ** error)
{
  *why = NULL;
  if (size < GST_CACHE_FOOTER_SIZE) {
    *why = "shorter than its footer";
    return NULL;
  }
  if (size >= STREAM_MIN)
    return load_streamed (key, fd, size, why, error);
  return load_whole (key, fd, size, why, error);
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
  if (entry->user_destroy)
    entry->user_destroy (entry->user_data);
  if (entry->data)
    data_free (entry->data, entry->data_size);
  if (entry->fd >= 0)
    close (entry->fd);
  if (entry->state)
    XXH3_freeState (entry->state);
  g_free (entry->marks);
  g_aligned_free (entry->ahead);
  g_mutex_clear (&entry->lock);
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
  return entry->fd < 0 ? entry->data : NULL;
}

guint64
gst_cache_entry_get_payload_size (GstCacheEntry * entry)
{
  return entry->payload_size;
}

gboolean
gst_cache_entry_is_streamed (GstCacheEntry * entry)
{
  return entry->fd >= 0;
}

/* @size bytes of a streamed entry's file at @pos, into @dest, hashed */
static gboolean
read_hashed (GstCacheEntry * entry, guint8 * dest, gsize size, guint64 pos,
    GError ** error)
{
  errno = 0;
  if (!gst_cache_pread_all (entry->fd, dest, size, pos)) {
    if (errno != 0)
      g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
          "Could not read cache entry: %s", g_strerror (errno));
    else
      g_set_error (error, GST_CACHE_STORE_ERROR,
          GST_CACHE_STORE_ERROR_DAMAGED,
          "Cache entry is shorter than when it was checked");
    return FALSE;
  }
  hash_update (entry->state, dest, size);
  return TRUE;
}

gboolean
gst_cache_entry_read (GstCacheEntry * entry, guint64 offset, gpointer dest,
    gsize size, GError ** error)
{
  guint8 *out = dest;

  if (offset > entry->payload_size || size > entry->payload_size - offset) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        "Read beyond the end of a cache entry's payload");
    return FALSE;
  }
  if (entry->fd < 0) {
    memcpy (dest, entry->data + offset, size);
    return TRUE;
  }

  /* from the start again */
  if (offset == 0 && entry->pos != 0 && !entry->failed) {
    XXH3_128bits_reset (entry->state);
    entry->pos = entry->checked = 0;
    entry->ahead_len = 0;
  }
  if (entry->failed || offset != entry->pos) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
        entry->failed ? "Cache entry could not be read before" :
        "Cache entry read out of order");
    return FALSE;
  }

  while (size > 0) {
    guint64 end;
    gsize head, tail;
    guint8 mark[GST_CACHE_DIGEST_SIZE];

    /* bytes already checked, read ahead to the end of their CHUNK */
    if (entry->pos < entry->checked) {
      gsize n = MIN (size, entry->checked - entry->pos);

      memcpy (out, entry->ahead + entry->ahead_len - (entry->checked -
              entry->pos), n);
      out += n;
      size -= n;
      entry->pos += n;
      continue;
    }
    /* a CHUNK, read, hashed and compared with the table before any byte
     * of it is handed out; what @dest does not take is kept */
    end = MIN (entry->checked + CHUNK, entry->payload_size);
    head = MIN (size, end - entry->pos);
    tail = end - entry->pos - head;
    if (tail > 0 && entry->ahead == NULL)
      entry->ahead = g_aligned_alloc (1, CHUNK, ALIGN);
    if (!read_hashed (entry, out, head, entry->pos, error) ||
        (tail > 0 && !read_hashed (entry, entry->ahead, tail,
                entry->pos + head, error)))
      goto failed;
    state_digest (entry->state, mark);
    if (memcmp (mark, entry->marks[entry->checked / CHUNK],
            GST_CACHE_DIGEST_SIZE) != 0) {
      g_set_error (error, GST_CACHE_STORE_ERROR,
          GST_CACHE_STORE_ERROR_DAMAGED,
          "Cache entry changed after it was checked (bytes %" G_GUINT64_FORMAT
          " to %" G_GUINT64_FORMAT ")", entry->checked, end);
      goto failed;
    }
    entry->checked = end;
    entry->ahead_len = tail;
    out += head;
    size -= head;
    entry->pos += head;
  }
  return TRUE;

failed:
  entry->failed = TRUE;
  return FALSE;
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
gst_cache_entry_set_user_data (GstCacheEntry * entry, gpointer data,
    GDestroyNotify destroy)
{
  if (entry->user_destroy)
    entry->user_destroy (entry->user_data);
  entry->user_data = data;
  entry->user_destroy = destroy;
}

gpointer
gst_cache_entry_get_user_data (GstCacheEntry * entry)
{
  return entry->user_data;
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

/* the whole entry file; a streamed entry's is read into memory now, and
 * checked again against its footer's checksum (NULL if it no longer
 * matches) */
const guint8 *
gst_cache_entry_get_data (GstCacheEntry * entry, gsize * size)
{
  g_mutex_lock (&entry->lock);
  if (entry->data == NULL && entry->fd >= 0) {
    guint8 *data = data_alloc (entry->file_size);
    guint8 sum[GST_CACHE_DIGEST_SIZE];

    if (data && read_and_checksum (entry->fd, data, entry->file_size, sum)
        && memcmp (sum, entry->sum, GST_CACHE_DIGEST_SIZE) == 0) {
      data_seal (data, entry->file_size);
      entry->data = data;
      entry->data_size = entry->file_size;
    } else if (data) {
      data_free (data, entry->file_size);
    }
  }
  g_mutex_unlock (&entry->lock);
  *size = entry->data ? entry->data_size : 0;
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
    if (!record_header_ok (type, len, size - pos - GST_CACHE_RECORD_HEADER))
      return FALSE;
    pos += GST_CACHE_RECORD_HEADER + GST_CACHE_ROUND_UP_8 ((guint64) len);
  }
  return TRUE;
}
