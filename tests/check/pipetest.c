/* gst-reuse: helpers shared by the pipe element and child-process tests
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

#include "pipetest.h"
#include "reusetest.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Sets the properties named in @args, pairs of names and string values
 * ended by NULL. */
void
pipe_test_set_properties_valist (GstElement * element, va_list args)
{
  const gchar *prop;

  while ((prop = va_arg (args, const gchar *)))
      gst_util_set_object_arg (G_OBJECT (element), prop, va_arg (args,
            const gchar *));
}

void
pipe_test_element_free (PipeTestElement * e)
{
  gst_harness_teardown (e->h);
  gst_bus_set_flushing (e->bus, TRUE);
  gst_object_unref (e->bus);
  g_free (e);
}

/* Processes in /proc: the live ones of process group @pgid, or, with
 * @zombie_children, the zombie children of this process. */
static gint
count_processes (gint pgid, gboolean zombie_children)
{
  GDir *dir = g_dir_open ("/proc", 0, NULL);
  const gchar *name;
  gint n = 0, self = getpid ();

  while (dir && (name = g_dir_read_name (dir))) {
    gchar *path, *stat = NULL, *p;
    gchar state;
    gint ppid, pgrp;

    if (!g_ascii_isdigit (*name))
      continue;
    path = g_build_filename ("/proc", name, "stat", NULL);
    if (g_file_get_contents (path, &stat, NULL, NULL) &&
        (p = strrchr (stat, ')')) != NULL &&
        sscanf (p + 1, " %c %d %d", &state, &ppid, &pgrp) == 3) {
      if (zombie_children && ppid == self && state == 'Z')
        n++;
      else if (!zombie_children && pgrp == pgid && state != 'Z' && state != 'X')
        n++;
    }
    g_free (stat);
    g_free (path);
  }
  if (dir)
    g_dir_close (dir);
  return n;
}

/* Live processes of process group @pgid (zombies, which only wait for
 * their parent, do not count). */
gint
pipe_test_group_members (gint pgid)
{
  return count_processes (pgid, FALSE);
}

/* Children of this process that nobody reaped. */
gint
pipe_test_zombie_children (void)
{
  return count_processes (0, TRUE);
}

/* Nothing of the child's process group is left, and the child itself is
 * reaped (no zombie). */
void
pipe_test_assert_group_gone (gint pid)
{
  fail_unless (pid > 0);
  fail_unless_equals_int (pipe_test_group_members (pid), 0);
  fail_unless (kill (pid, 0) < 0 && errno == ESRCH, "pid %d not reaped", pid);
}

/* @msg is an error of @domain and @code, with @part, when set, in its
 * message or its debug string. */
void
pipe_test_assert_error (GstMessage * msg, GQuark domain, gint code,
    const gchar * part)
{
  GError *err = NULL;
  gchar *debug = NULL;

  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &err, &debug);
  fail_unless (err->domain == domain && err->code == code,
      "wrong error: %s (%s)", err->message, debug);
  if (part)
    fail_unless (strstr (err->message, part) != NULL ||
        (debug && strstr (debug, part) != NULL),
        "\"%s\" not in: %s / %s", part, err->message, debug);
  g_error_free (err);
  g_free (debug);
}

/* A file @name in @dir holding @size bytes of the test pattern. */
gchar *
pipe_test_make_pattern_file (const gchar * dir, const gchar * name, gsize size)
{
  gchar *path = g_build_filename (dir, name, NULL);
  guint8 *data = g_malloc (size);
  gsize i;

  for (i = 0; i < size; i++)
    data[i] = reuse_test_pattern (i);
  fail_unless (g_file_set_contents (path, (gchar *) data, size, NULL));
  g_free (data);
  return path;
}

/* @out holds exactly @size bytes of the test pattern. */
void
pipe_test_check_pattern (GByteArray * out, gsize size)
{
  gsize i;

  fail_unless_equals_int (out->len, size);
  /* one assertion, not one per byte: each costs a message to the parent
   * process of the check framework */
  for (i = 0; i < size && out->data[i] == reuse_test_pattern (i); i++);
  fail_unless (i == size, "byte %" G_GSIZE_FORMAT " is wrong", i);
}

/* Appends what @fd gives, up to its end, to @out; FALSE when a read fails
 * (errno says why). No assertion: readers run in threads of their own. */
gboolean
pipe_test_read_to_end (gint fd, GByteArray * out)
{
  guint8 buf[8192];
  gssize n;

  while ((n = read (fd, buf, sizeof (buf))) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    g_byte_array_append (out, buf, n);
  }
  return TRUE;
}
