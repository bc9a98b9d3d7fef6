/* gst-reuse: helpers shared by the tests
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

#ifndef __REUSE_TEST_H__
#define __REUSE_TEST_H__

#include <glib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Byte @i of test data: a hash of its position, so that misplaced, lost or
 * repeated data shows. */
static inline guint8
reuse_test_pattern (guint64 i)
{
  return (guint8) ((i * 2654435761u) >> 13);
}

/* @size bytes (g_free() them) from a xorshift generator started at @seed:
 * they differ at every offset, so that a piece read or replayed from the
 * wrong place cannot match. */
static inline guint8 *
reuse_test_noise (gsize size, guint32 seed)
{
  guint8 *data = g_malloc (size);
  guint32 x = seed | 1;
  gsize i;

  for (i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    data[i] = x >> 24;
  }
  return data;
}

/* Removes @path and everything below it. */
static inline void
reuse_test_remove_tree (const gchar * path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    gchar *p = g_build_filename (path, name, NULL);

    if (g_file_test (p, G_FILE_TEST_IS_DIR) &&
        !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
      reuse_test_remove_tree (p);
    else
      g_unlink (p);
    g_free (p);
  }
  if (dir)
    g_dir_close (dir);
  g_rmdir (path);
}

/* XORs the byte at @offset of the file at @path with @mask, in place;
 * FALSE when the file cannot be opened, read or written there. */
static inline gboolean
reuse_test_flip_byte (const gchar * path, guint64 offset, guint8 mask)
{
  gint fd = open (path, O_RDWR);
  guint8 b;
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = pread (fd, &b, 1, offset) == 1;
  if (ok) {
    b ^= mask;
    ok = pwrite (fd, &b, 1, offset) == 1;
  }
  close (fd);
  return ok;
}

/* How many descriptors this process has open. */
static inline gint
reuse_test_count_fds (void)
{
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  gint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  if (dir)
    g_dir_close (dir);
  return n;
}

/* SIGPIPE as the test run asks: ignored process-wide when
 * GST_REUSE_TEST_SIGPIPE=ignore (as in any process that made a GSocket),
 * at its default disposition otherwise. */
static inline void
reuse_test_apply_sigpipe_policy (void)
{
  const gchar *policy = g_getenv ("GST_REUSE_TEST_SIGPIPE");

  signal (SIGPIPE, policy && strcmp (policy, "ignore") == 0 ?
      SIG_IGN : SIG_DFL);
}

/* A queue between threads, on pthread locks rather than GAsyncQueue:
 * GLib's locks are futexes that ThreadSanitizer cannot see, so items handed
 * over a GAsyncQueue look like races in a ThreadSanitizer build. */
typedef struct
{
  pthread_mutex_t lock;
  pthread_cond_t cond;
  GQueue items;
} ReuseTestQueue;

static inline ReuseTestQueue *
reuse_test_queue_new (void)
{
  ReuseTestQueue *q = g_new0 (ReuseTestQueue, 1);

  pthread_mutex_init (&q->lock, NULL);
  pthread_cond_init (&q->cond, NULL);
  g_queue_init (&q->items);
  return q;
}

static inline void
reuse_test_queue_push (ReuseTestQueue * q, gpointer item)
{
  pthread_mutex_lock (&q->lock);
  g_queue_push_tail (&q->items, item);
  pthread_cond_signal (&q->cond);
  pthread_mutex_unlock (&q->lock);
}

static inline gpointer
reuse_test_queue_pop (ReuseTestQueue * q)
{
  gpointer item;

  pthread_mutex_lock (&q->lock);
  while (g_queue_is_empty (&q->items))
    pthread_cond_wait (&q->cond, &q->lock);
  item = g_queue_pop_head (&q->items);
  pthread_mutex_unlock (&q->lock);
  return item;
}

/* the queue must be empty */
static inline void
reuse_test_queue_free (ReuseTestQueue * q)
{
  g_assert (g_queue_is_empty (&q->items));
  pthread_cond_destroy (&q->cond);
  pthread_mutex_destroy (&q->lock);
  g_free (q);
}

#endif /* __REUSE_TEST_H__ */
