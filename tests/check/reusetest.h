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
#include <signal.h>
#include <string.h>

/* Byte @i of test data: a hash of its position, so that misplaced, lost or
 * repeated data shows. */
static inline guint8
reuse_test_pattern (guint64 i)
{
  return (guint8) ((i * 2654435761u) >> 13);
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

#endif /* __REUSE_TEST_H__ */
