/* gst-reuse: mmapsrc's input paths
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

/* How mmapsrc gets its bytes: the mapped windows and their root memories,
 * the access advice, the size checks that catch a shrinking file and the
 * error that reports it, and the read() path for files that are not
 * mapped. gstmmapsrc.c adapts these to GstBaseSrc. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmapsrcio.h"
#include "gstmmapallocator.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_EXTERN (gst_mmap_src_debug);
GST_DEBUG_CATEGORY_EXTERN (gst_mmap_src_performance);
#define GST_CAT_DEFAULT gst_mmap_src_debug

/* push-mode windows start on this boundary, so that the kernel can map
 * huge page-cache folios whole */
#define WINDOW_ALIGN            (2 * 1024 * 1024)
#define WINDOW_MIN_ALIGN        4096
/* buffers shared from one root memory before a new root is made */
#define BUFFERS_PER_ROOT        8

/* mode=auto maps PROBE_SIZE bytes of the first window in, PROBE_STEP at a
 * time, and counts the page faults that took. The kernel maps a large
 * folio with one fault (a 2 MiB one with a single page-middle-directory
 * entry): mapping wins. Small pages and folios it maps only
 * fault_around_bytes (64 KiB) per fault. In pull mode those are read. In
 * push mode mapping them costs about as much as copying them, more or less
 * depending on the machine and the kernel: then mmapsrc also reads the
 * same bytes with pread() and keeps the cheaper path, comparing the
 * fastest step of each so that a step interrupted by another thread does
 * not decide. Fewer than PROBE_MIN bytes cannot tell. */
#define PROBE_SIZE              (4 * 1024 * 1024)
#define PROBE_STEP              (1024 * 1024)
#define PROBE_MIN               (2 * 1024 * 1024)
#define SMALL_PAGES_PER_FAULT   (256 * 1024)
/* the read() path's memory starts on a page */
#define READ_ALIGN              4095
/* smaller blocks come from malloc's heap, which recycles them as well as a
 * pool would and without the pool's two system calls per buffer (GStreamer
 * 1.22's GstBufferPool signals through a socket pair) */
#define READ_POOL_MIN           (64 * 1024)

/* Posts the truncation error once per run, from whatever thread noticed.
 * A reader's thread may do so after the element stopped and got another
 * location: @location names the file that shrank (NULL: the current one),
 * and everything else is read under the object lock. */
static void
gst_mmap_src_post_truncated (GstMmapSrc * src, const gchar * location,
    const gchar * detail)
{
  guint64 known, now;
  gchar *name;

  if (!g_atomic_int_compare_and_exchange (&src->error_posted, 0, 1))
    return;

  GST_OBJECT_LOCK (src);
  known = src->known_size;
  now = src->shrunk_to;
  name = g_strdup (location ? location : src->filename);
  GST_OBJECT_UNLOCK (src);

  GST_ELEMENT_ERROR_WITH_DETAILS (src, RESOURCE, READ,
      ("File \"%s\" was truncated while it was being read.", name),
      ("%s (size was %" G_GUINT64_FORMAT " bytes, now %" G_GUINT64_FORMAT
          ")", detail, known, now),
      ("location", G_TYPE_STRING, name,
          "expected-size", G_TYPE_UINT64, known,
          "size", G_TYPE_UINT64, now, NULL));
  g_free (name);
}

/* what a window's fault function needs: the element, if it is still
 * there, and the file the window maps */
typedef struct
{
  GWeakRef src;
  gchar *location;
  gint run;
} FaultData;

static void
gst_mmap_src_window_faulted (GstMmapWindow * window, gpointer user_data)
{
  FaultData *data = user_data;
  GstMmapSrc *src = g_weak_ref_get (&data->src);

  if (src == NULL) {
    GST_WARNING ("\"%s\", read by an mmapsrc that is gone, was truncated; "
        "a page past its new end was read as zeros", data->location);
    return;
  }

  if (data->run != g_atomic_int_get (&src->run)) {
    /* the element has started reading again since: not this run's error */
    GST_WARNING_OBJECT (src, "\"%s\", read in an earlier run, shrank under "
        "a buffer; a page past its new end was read as zeros", data->location);
    gst_object_unref (src);
    return;
  }

  GST_WARNING_OBJECT (src, "\"%s\" shrank under a buffer", data->location);
  gst_mmap_src_post_truncated (src, data->location, "the file shrank while "
      "a buffer pointing into it was being read; bytes past its new end read "
      "as zeros");
  gst_object_unref (src);
}

static void
fault_data_free (gpointer user_data)
{
  FaultData *data = user_data;

  g_weak_ref_clear (&data->src);
  g_free (data->location);
  g_free (data);
}

/* Returns the file's size; FALSE when it shrank or cannot be stat'ed. */
gboolean
gst_mmap_src_stat_size (GstMmapSrc * src, guint64 * size, gboolean * shrunk)
{
  struct stat st;
  guint64 now;

  *shrunk = FALSE;
  if (fstat (src->fd, &st) < 0) {
    GST_WARNING_OBJECT (src, "fstat failed: %s", g_strerror (errno));
    return FALSE;
  }
  now = (guint64) st.st_size;

  GST_OBJECT_LOCK (src);
  if (now < src->known_size) {
    src->shrunk_to = now;
    *shrunk = TRUE;
  } else {
    src->known_size = now;
  }
  GST_OBJECT_UNLOCK (src);

  *size = now;
  return !*shrunk;
}

gboolean
gst_mmap_src_is_network_fs (gint fd)
{
  struct statfs sfs;

  if (fstatfs (fd, &sfs) < 0)
    return FALSE;

  switch ((guint32) sfs.f_type) {
    case 0x6969:               /* NFS */
    case 0x517B:               /* SMB */
    case 0xFF534D42:           /* CIFS */
    case 0xFE534D42:           /* SMB2 */
    case 0x65735546:           /* FUSE */
    case 0x01021997:           /* 9p */
    case 0x00C36400:           /* Ceph */
    case 0x5346414F:           /* AFS */
    case 0x6B414653:           /* kAFS */
      return TRUE;
    default:
      return FALSE;
  }
}

/* Maps [start, start + length) as the current window; with the object
 * lock. */
gboolean
gst_mmap_src_map_locked (GstMmapSrc * src, guint64 start, guint64 length,
    GError ** error)
{
  GstMmapWindow *window;
  FaultData *data;

  if (length > G_MAXSIZE) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
        "The file is too large to be mapped in this process");
    return FALSE;
  }

  window = gst_mmap_window_new (src->fd, start, (gsize) length,
      src->handle_sigbus, error);
  if (window == NULL)
    return FALSE;

  data = g_new (FaultData, 1);
  g_weak_ref_init (&data->src, src);
  data->location = g_strdup (src->filename);
  data->run = g_atomic_int_get (&src->run);
  gst_mmap_window_set_fault_func (window, gst_mmap_src_window_faulted, data,
      fault_data_free);

  if (src->root)
    gst_memory_unref (src->root);
  src->window = window;
  /* the root memory takes over our reference on the window */
  src->root = gst_mmap_allocator_wrap_window (window);
  src->root_uses = 0;
  src->window_advised = FALSE;
  src->advised_end = 0;

  GST_DEBUG_OBJECT (src, "mapped %" G_GUINT64_FORMAT " bytes from offset %"
      G_GUINT64_FORMAT " at %p%s", length, start,
      gst_mmap_window_get_data (window, start),
      gst_mmap_window_is_guarded (window) ? ", guarded" : "");

  return TRUE;
}

void
gst_mmap_src_unmap_locked (GstMmapSrc * src)
{
  if (src->root)
    gst_memory_unref (src->root);
  src->root = NULL;
  src->window = NULL;
}

/* A new run (start()): its error is posted once, and windows of earlier
 * runs no longer post theirs. */
void
gst_mmap_src_new_run (GstMmapSrc * src)
{
  g_atomic_int_inc (&src->run);
  g_atomic_int_set (&src->error_posted, 0);
}

GstFlowReturn
gst_mmap_src_truncated (GstMmapSrc * src, const gchar * detail)
{
  gst_mmap_src_post_truncated (src, NULL, detail);
  return GST_FLOW_ERROR;
}

/* read() from a stream: FIFO, device, /proc file. One read per buffer, like
 * fdsrc, so that data flows as soon as the writer produced it. */
GstFlowReturn
gst_mmap_src_read_stream (GstMmapSrc * src, guint length, GstBuffer * buf)
{
  GstMapInfo info;
  gssize n;

  if (!gst_buffer_map (buf, &info, GST_MAP_WRITE))
    goto buffer_write_fail;

  /* Wait before reading: a FIFO opened without a writer reads as EOF until
   * a writer comes, but only polls readable once it wrote or went away. */
  for (;;) {
    if (gst_poll_wait (src->fdset, GST_CLOCK_TIME_NONE) < 0) {
      if (errno == EBUSY)
        goto flushing;
      if (errno == EINTR || errno == EAGAIN)
        continue;
      goto poll_failed;
    }
    n = read (src->fd, info.data, MIN (length, info.size));
    if (n >= 0)
      break;
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
      goto read_failed;
  }
  gst_buffer_unmap (buf, &info);

  if (n == 0) {
    GST_DEBUG_OBJECT (src, "read 0 bytes: EOS");
    gst_buffer_resize (buf, 0, 0);
    return GST_FLOW_EOS;
  }

  gst_buffer_resize (buf, 0, n);
  GST_BUFFER_OFFSET (buf) = src->read_position;
  GST_BUFFER_OFFSET_END (buf) = src->read_position + n;
  src->read_position += n;

  return GST_FLOW_OK;

  /* ERRORS */
buffer_write_fail:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, WRITE, (NULL), ("Can't write to buffer"));
    return GST_FLOW_ERROR;
  }
flushing:
  {
    GST_DEBUG_OBJECT (src, "poll flushing");
    gst_buffer_unmap (buf, &info);
    return GST_FLOW_FLUSHING;
  }
poll_failed:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, READ, (NULL),
        ("poll on file descriptor: %s", g_strerror (errno)));
    gst_buffer_unmap (buf, &info);
    return GST_FLOW_ERROR;
  }
read_failed:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, READ,
        ("Could not read from file \"%s\".", src->filename), GST_ERROR_SYSTEM);
    gst_buffer_unmap (buf, &info);
    return GST_FLOW_ERROR;
  }
}

/* pread() [offset, offset + length) from a regular file into @buf. */
GstFlowReturn
gst_mmap_src_read_file (GstMmapSrc * src, guint64 offset, guint length,
    GstBuffer * buf)
{
  GstMapInfo info;
  gsize done = 0;
  guint64 size;
  gboolean shrunk;
  gssize n;

  if (!gst_mmap_src_stat_size (src, &size, &shrunk)) {
    if (shrunk)
      return gst_mmap_src_truncated (src, "fstat reported a smaller size");
    goto stat_failed;
  }

  if (!gst_buffer_map (buf, &info, GST_MAP_WRITE))
    goto buffer_write_fail;

  length = MIN (length, info.size);
  while (done < length) {
    n = pread (src->fd, info.data + done, length - done, offset + done);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      goto read_failed;
    }
    if (n == 0)
      break;
    done += n;
  }
  gst_buffer_unmap (buf, &info);

  /* a short read where the file was known to be longer: it shrank between
   * the size check and the read */
  if (done < length) {
    GST_OBJECT_LOCK (src);
    size = src->known_size;
    GST_OBJECT_UNLOCK (src);
    if (offset + done < size && !gst_mmap_src_stat_size (src, &size, &shrunk)
        && shrunk)
      return gst_mmap_src_truncated (src, "read() returned fewer bytes than "
          "the file held");
  }

  if (done == 0 && length > 0) {
    GST_DEBUG_OBJECT (src, "EOS at offset %" G_GUINT64_FORMAT, offset);
    gst_buffer_resize (buf, 0, 0);
    return GST_FLOW_EOS;
  }

  gst_buffer_resize (buf, 0, done);
  GST_BUFFER_OFFSET (buf) = offset;
  GST_BUFFER_OFFSET_END (buf) = offset + done;

  return GST_FLOW_OK;

  /* ERRORS */
stat_failed:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, READ,
        ("Could not get info on \"%s\".", src->filename), GST_ERROR_SYSTEM);
    return GST_FLOW_ERROR;
  }
buffer_write_fail:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, WRITE, (NULL), ("Can't write to buffer"));
    return GST_FLOW_ERROR;
  }
read_failed:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, READ,
        ("Could not read from file \"%s\".", src->filename), GST_ERROR_SYSTEM);
    gst_buffer_unmap (buf, &info);
    return GST_FLOW_ERROR;
  }
}

/* Makes sure the current window covers [offset, offset + length) of a file
 * that is now @size bytes long, mapping it again if it grew. Returns the
 * root memory to share from, or NULL if the file must be read instead. */
GstMemory *
gst_mmap_src_get_root (GstMmapSrc * src, guint64 offset, guint length,
    guint64 size)
{
  GstMemory *root = NULL;
  GError *err = NULL;

  GST_OBJECT_LOCK (src);
  if (src->window == NULL
      || !gst_mmap_window_contains (src->window, offset, length)) {
    guint64 start, end;

    if (src->window_size == 0
        || GST_PAD_MODE (GST_BASE_SRC_PAD (src)) == GST_PAD_MODE_PULL) {
      /* random access: the whole file */
      start = 0;
      end = size;
    } else {
      /* streaming: the next window, from a 2 MiB boundary so that the
       * kernel can map huge page-cache folios whole; small windows start
       * on a boundary of at most a quarter of their size, so that most of
       * the window lies past @offset */
      guint64 align = WINDOW_ALIGN;

      while (align > WINDOW_MIN_ALIGN && align * 4 > src->window_size)
        align /= 2;
      start = offset & ~(align - 1);
      end = MIN (size, MAX (start + src->window_size, offset + length));
    }
    GST_DEBUG_OBJECT (src, "mapping [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
        ") of %" G_GUINT64_FORMAT " bytes", start, end, size);
    if (!gst_mmap_src_map_locked (src, start, end - start, &err)) {
      GST_OBJECT_UNLOCK (src);
      if (!src->fallback_warned) {
        GST_ELEMENT_WARNING (src, RESOURCE, READ, (NULL),
            ("Could not map more of \"%s\", reading it instead: %s",
                src->filename, err->message));
        src->fallback_warned = TRUE;
      }
      g_clear_error (&err);
      return NULL;
    }
  }
  /* A memory counts the shares that hold it as their parent in 16 bits
   * (65535 at most). Every buffer we push shares the root, and so does every
   * piece that downstream cuts out of such a buffer: start a new root over
   * the same window every few buffers, so that however many buffers are
   * alive, a root only overflows if downstream cuts its few buffers into
   * tens of thousands of pieces (which would overflow system memory too). */
  if (++src->root_uses > BUFFERS_PER_ROOT) {
    GstMemory *fresh =
        gst_mmap_allocator_wrap_window (gst_mmap_window_ref (src->window));

    gst_memory_unref (src->root);
    src->root = fresh;
    src->root_uses = 1;
  }
  root = gst_memory_ref (src->root);
  GST_OBJECT_UNLOCK (src);

  return root;
}

void
gst_mmap_src_advise (GstMmapSrc * src, GstMmapWindow * window,
    guint64 offset, guint length)
{
  GstMmapSrcAdvice advice;
  guint64 readahead, end, ra_end, win_end;

  GST_OBJECT_LOCK (src);
  advice = src->advice;
  readahead = src->readahead;
  GST_OBJECT_UNLOCK (src);

  if (!src->window_advised) {
    GstMmapAdvice a;
    guint64 w_off = gst_mmap_window_get_offset (window);

    if (advice == GST_MMAP_SRC_ADVICE_AUTO)
      advice = GST_PAD_MODE (GST_BASE_SRC_PAD (src)) == GST_PAD_MODE_PULL ?
          GST_MMAP_SRC_ADVICE_NORMAL : GST_MMAP_SRC_ADVICE_SEQUENTIAL;
    a = advice == GST_MMAP_SRC_ADVICE_SEQUENTIAL ? GST_MMAP_ADVICE_SEQUENTIAL :
        advice == GST_MMAP_SRC_ADVICE_RANDOM ? GST_MMAP_ADVICE_RANDOM :
        GST_MMAP_ADVICE_NORMAL;
    if (a != GST_MMAP_ADVICE_NORMAL)
      gst_mmap_window_advise (window, w_off,
          gst_mmap_window_get_length (window), a);
    GST_DEBUG_OBJECT (src, "access advice %d", a);
    src->window_advised = TRUE;
  }

  if (readahead == 0)
    return;

  end = offset + length;
  win_end = gst_mmap_window_get_offset (window) +
      gst_mmap_window_get_length (window);
  /* start over after a seek */
  if (src->advised_end < end || src->advised_end > end + readahead)
    src->advised_end = end;
  ra_end = MIN (end + readahead, win_end);
  /* advise in steps of half the read-ahead, not at every block */
  if (ra_end > src->advised_end &&
      (ra_end - src->advised_end >= readahead / 2 || ra_end == win_end)) {
    gst_mmap_window_advise (window, src->advised_end,
        ra_end - src->advised_end, GST_MMAP_ADVICE_WILLNEED);
    src->advised_end = ra_end;
  }
}

static guint64
thread_faults (void)
{
  struct rusage ru;

  if (getrusage (RUSAGE_THREAD, &ru) < 0)
    return 0;
  return (guint64) ru.ru_minflt + (guint64) ru.ru_majflt;
}

/* Maps [start, end) of @window in, PROBE_STEP at a time: the page faults
 * that took and the fastest step's time, or -1 on error. */
static gint64
probe_map (GstMmapWindow * window, guint64 start, guint64 end, guint64 * faults)
{
  guint64 before = thread_faults (), off;
  gint64 best = G_MAXINT64;

  for (off = start; off < end; off += PROBE_STEP) {
    gsize len = MIN (PROBE_STEP, end - off);
    gint64 t0 = g_get_monotonic_time ();
    gint err = gst_mmap_window_populate (window, off, len);

    if (err == EINVAL || err == ENOSYS) {
      /* no MADV_POPULATE_READ: touch every page instead */
      volatile const guint8 *p = gst_mmap_window_get_data (window, off);
      gsize i;

      gst_mmap_window_access_begin (window);
      for (i = 0; i < len; i += 4096)
        (void) p[i];
      gst_mmap_window_access_end (window);
    } else if (err != 0) {
      return -1;
    }
    best = MIN (best, g_get_monotonic_time () - t0);
  }
  *faults = thread_faults () - before;

  return best;
}

/* Reads [start, end) with pread(), PROBE_STEP at a time into one buffer:
 * the fastest step's time, or -1 on error. */
static gint64
probe_read (gint fd, guint64 start, guint64 end)
{
  gpointer buf = NULL;
  gint64 best = G_MAXINT64;
  guint64 off;

  if (posix_memalign (&buf, 4096, PROBE_STEP) != 0)
    return -1;
  for (off = start; off < end; off += PROBE_STEP) {
    gsize len = MIN (PROBE_STEP, end - off);
    gint64 t0 = g_get_monotonic_time ();

    if (pread (fd, buf, len, off) != (gssize) len) {
      best = -1;
      break;
    }
    best = MIN (best, g_get_monotonic_time () - t0);
  }
  free (buf);

  return best;
}

/* mode=auto: whether to keep mapping the file, decided once per run at the
 * first create(), from @window, which covers @offset: see PROBE_SIZE. In
 * pull mode small pages are read: a demuxer's ranges read from recycled
 * memory cost less than the same ranges mapped 4 KiB at a time, whose
 * faults and TLB misses the demuxer and everything downstream pay for
 * (docs/mmapsrc.md has the figures). */
static gboolean
gst_mmap_src_choose (GstMmapSrc * src, GstMmapWindow * window, guint64 offset)
{
  guint64 w_off = gst_mmap_window_get_offset (window);
  guint64 w_end = w_off + gst_mmap_window_get_length (window);
  guint64 start = MAX (w_off, offset & ~((guint64) PROBE_MIN - 1));
  guint64 end = MIN (w_end, start + PROBE_SIZE);
  guint64 faults = 0;
  gint64 map_us = 0, read_us = 0;
  gboolean keep = TRUE;
  gboolean pull = GST_PAD_MODE (GST_BASE_SRC_PAD (src)) == GST_PAD_MODE_PULL;
  const gchar *why;
  /* for tests, and to override the measurement on small pages */
  const gchar *small = g_getenv ("GST_MMAPSRC_SMALL_PAGES");

  if (end - start < PROBE_MIN) {
    why = "too little of the file to tell its page size";
  } else if ((map_us = probe_map (window, start, end, &faults)) < 0) {
    /* create() finds out again and reports it */
    why = "could not fault the file in";
  } else if (faults == 0 || (end - start) / faults >= SMALL_PAGES_PER_FAULT) {
    why = "large page-cache folios, which map in few faults";
  } else if (g_strcmp0 (small, "read") == 0) {
    why = "small page-cache pages, GST_MMAPSRC_SMALL_PAGES=read";
    keep = FALSE;
  } else if (g_strcmp0 (small, "mmap") == 0) {
    why = "small page-cache pages, GST_MMAPSRC_SMALL_PAGES=mmap";
  } else if (pull) {
    why = "small page-cache pages in pull mode, which cost the reader more "
        "mapped than read into recycled memory";
    keep = FALSE;
  } else if ((read_us = probe_read (src->fd, start, end)) < 0) {
    why = "small page-cache pages, but read() failed";
  } else if (map_us > read_us) {
    why = "small page-cache pages, which cost more to map than to copy";
    keep = FALSE;
  } else {
    why = "small page-cache pages, which cost less to map than to copy";
  }

  GST_OBJECT_LOCK (src);
  src->chosen_mode = keep ? GST_MMAP_SRC_MODE_MMAP : GST_MMAP_SRC_MODE_READ;
  if (!keep) {
    gst_mmap_src_unmap_locked (src);
    src->use_mmap = FALSE;
  }
  GST_OBJECT_UNLOCK (src);
  src->choose_pending = FALSE;

  GST_INFO_OBJECT (src, "mode auto: %s \"%s\": %s (%" G_GUINT64_FORMAT
      " faults for %" G_GUINT64_FORMAT " bytes; per MiB: mapping %"
      G_GINT64_FORMAT " us, read() %" G_GINT64_FORMAT " us)",
      keep ? "mapping" : "reading", src->filename, why, faults, end - start,
      map_us, read_us);
  g_object_notify (G_OBJECT (src), "chosen-mode");
  if (!keep)
    g_object_notify (G_OBJECT (src), "mapped");

  return keep;
}

/* The mapped path of create(). Returns GST_FLOW_CUSTOM_SUCCESS when the
 * block must be read with read() instead: the file could not be mapped
 * further, or mode=auto chose to read it. */
GstFlowReturn
gst_mmap_src_create_mapped (GstMmapSrc * src, guint64 offset, guint length,
    GstBuffer ** buffer)
{
  GstMmapWindow *window;
  GstMemory *root;
  GstBuffer *buf;
  guint64 size;
  gboolean shrunk;
  gint err;

  if (!gst_mmap_src_stat_size (src, &size, &shrunk)) {
    if (shrunk)
      return gst_mmap_src_truncated (src, "fstat reported a smaller size");
    goto stat_failed;
  }

  if (offset >= size) {
    GST_DEBUG_OBJECT (src, "EOS at offset %" G_GUINT64_FORMAT, offset);
    return GST_FLOW_EOS;
  }
  if (length > size - offset)
    length = size - offset;

  root = gst_mmap_src_get_root (src, offset, length, size);
  if (root == NULL)
    return GST_FLOW_CUSTOM_SUCCESS;
  window = gst_mmap_memory_get_window (root);

  if (src->choose_pending && !gst_mmap_src_choose (src, window, offset)) {
    gst_memory_unref (root);
    return GST_FLOW_CUSTOM_SUCCESS;
  }

  if (length > 0 && src->prefault && src->populate_supported) {
    err = gst_mmap_window_populate (window, offset, length);
    if (err == EFAULT) {
      gst_memory_unref (root);
      /* record the size for the message */
      gst_mmap_src_stat_size (src, &size, &shrunk);
      return gst_mmap_src_truncated (src,
          "MADV_POPULATE_READ found pages past the end of the file");
    } else if (err == EINVAL || err == ENOSYS) {
      GST_INFO_OBJECT (src, "MADV_POPULATE_READ is not supported by this "
          "kernel: %s", g_strerror (err));
      src->populate_supported = FALSE;
    } else if (err != 0) {
      gst_memory_unref (root);
      goto populate_failed;
    }
  }

  gst_mmap_src_advise (src, window, offset, length);

  if (gst_mmap_window_check_fault (window, FALSE)) {
    gst_memory_unref (root);
    return GST_FLOW_ERROR;
  }

  if (*buffer != NULL) {
    /* pull mode with a buffer from the caller: copying is unavoidable */
    buf = *buffer;
    GST_CAT_DEBUG_OBJECT (gst_mmap_src_performance, src,
        "memcpy %u bytes into the caller's buffer", length);
    gst_mmap_window_access_begin (window);
    length = gst_buffer_fill (buf, 0, gst_mmap_window_get_data (window,
            offset), MIN (length, gst_buffer_get_size (buf)));
    gst_mmap_window_access_end (window);
    gst_buffer_set_size (buf, length);
    if (gst_mmap_window_check_fault (window, FALSE)) {
      gst_memory_unref (root);
      return GST_FLOW_ERROR;
    }
  } else {
    buf = gst_buffer_new ();
    if (length > 0)
      gst_buffer_append_memory (buf, gst_memory_share (root,
              offset - gst_mmap_window_get_offset (window), length));
  }
  gst_memory_unref (root);

  GST_BUFFER_OFFSET (buf) = offset;
  GST_BUFFER_OFFSET_END (buf) = offset + length;
  *buffer = buf;

  GST_LOG_OBJECT (src, "pushing %u bytes at offset %" G_GUINT64_FORMAT,
      length, offset);

  return GST_FLOW_OK;

  /* ERRORS */
stat_failed:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, READ,
        ("Could not get info on \"%s\".", src->filename), GST_ERROR_SYSTEM);
    return GST_FLOW_ERROR;
  }
populate_failed:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, READ,
        ("Could not read from file \"%s\".", src->filename),
        ("MADV_POPULATE_READ at offset %" G_GUINT64_FORMAT ": %s", offset,
            g_strerror (err)));
    return GST_FLOW_ERROR;
  }
}

static void
release_pool (GstBufferPool ** pool)
{
  if (*pool == NULL)
    return;
  /* buffers still out there keep the pool until they come back */
  gst_buffer_pool_set_active (*pool, FALSE);
  gst_clear_object (pool);
}

void
gst_mmap_src_free_pool (GstMmapSrc * src)
{
  guint i;

  release_pool (&src->pool);
  src->pool_size = 0;
  for (i = 0; i < GST_MMAP_SRC_PULL_POOLS; i++)
    release_pool (&src->pull_pools[i]);
}

/* A pool of @size-byte, page-aligned buffers in the default allocator's
 * memory (the layered allocator's when the layeredmem tracer made it the
 * default), with no upper bound, so that acquiring never waits. */
static GstBufferPool *
new_read_pool (GstMmapSrc * src, guint size)
{
  GstBufferPool *pool = gst_buffer_pool_new ();
  GstAllocationParams params;
  GstStructure *config;
  gchar *name = g_strdup_printf ("mmapsrc-read-pool-%u", size);

  gst_object_set_name (GST_OBJECT (pool), name);
  g_free (name);
  config = gst_buffer_pool_get_config (pool);
  gst_buffer_pool_config_set_params (config, NULL, size, 0, 0);
  gst_allocation_params_init (&params);
  params.align = READ_ALIGN;
  gst_buffer_pool_config_set_allocator (config, NULL, &params);
  if (!gst_buffer_pool_set_config (pool, config)
      || !gst_buffer_pool_set_active (pool, TRUE)) {
    GST_WARNING_OBJECT (src, "could not set up a buffer pool");
    gst_object_unref (pool);
    return NULL;
  }
  GST_DEBUG_OBJECT (src, "reading into a pool of %u-byte buffers", size);

  return pool;
}

/* Push mode: blocks of blocksize bytes. */
static GstBufferPool *
push_pool (GstMmapSrc * src, guint size)
{
  if (size < READ_POOL_MIN)
    return NULL;
  if (src->pool == NULL || src->pool_size != size) {
    release_pool (&src->pool);
    src->pool = new_read_pool (src, size);
    src->pool_size = src->pool ? size : 0;
  }
  return src->pool;
}

/* Pull mode: a demuxer asks for ranges of many sizes; each is read into a
 * buffer of the next power of two from READ_POOL_MIN up, resized to the
 * range. Ranges above the largest class come from basesrc's allocation. */
static GstBufferPool *
pull_pool (GstMmapSrc * src, guint length)
{
  guint i, size;

  if (length < READ_POOL_MIN)
    return NULL;
  for (i = 0, size = READ_POOL_MIN; size < length; i++, size <<= 1) {
    if (i + 1 == GST_MMAP_SRC_PULL_POOLS)
      return NULL;
  }
  if (src->pull_pools[i] == NULL)
    src->pull_pools[i] = new_read_pool (src, size);
  return src->pull_pools[i];
}

/* The read() path of a regular file: pread() into a buffer from our pools,
 * so that its memory is recycled whatever the process's allocator does.
 * Returns GST_FLOW_CUSTOM_SUCCESS if there is no pool to read into. */
GstFlowReturn
gst_mmap_src_read_pooled (GstMmapSrc * src, guint64 offset, guint length,
    GstBuffer ** buffer)
{
  GstBuffer *buf = NULL;
  GstBufferPool *pool;
  GstFlowReturn ret;

  if (GST_PAD_MODE (GST_BASE_SRC_PAD (src)) == GST_PAD_MODE_PULL) {
    pool = pull_pool (src, length);
  } else {
    guint size = gst_base_src_get_blocksize (GST_BASE_SRC (src));

    pool = push_pool (src, size);
    length = MIN (length, size);
  }
  if (pool == NULL)
    return GST_FLOW_CUSTOM_SUCCESS;

  ret = gst_buffer_pool_acquire_buffer (pool, &buf, NULL);
  if (ret != GST_FLOW_OK)
    return ret;

  ret = gst_mmap_src_read_file (src, offset, length, buf);
  if (ret != GST_FLOW_OK) {
    gst_buffer_unref (buf);
    return ret;
  }
  *buffer = buf;

  return GST_FLOW_OK;
}
