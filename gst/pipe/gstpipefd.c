/* gst-reuse: the far end of pipesink and pipesrc
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

/* The descriptor side of pipesink and pipesrc: opening a FIFO or an
 * inherited descriptor for non-blocking I/O, sizing the pipe within the
 * user's pipe quota, and giving the descriptor back at close. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpipefd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the kernel's own pipe size */
#define KERNEL_PIPE_SIZE        (64 * 1024)
/* how long pipesink waits for a reader to open a FIFO */
#define FIFO_READER_TIMEOUT     (5 * G_TIME_SPAN_SECOND)

/* Bytes that the pipes of every pipesink and pipesrc of this process hold
 * beyond the kernel's default size, against the user's pipe quota. */
G_LOCK_DEFINE_STATIC (pipe_bytes);
static gint64 pipe_bytes_held = 0;

gboolean
gst_pipe_fd_open_fifo (GstPipeEndpoint * ep, const gchar * location)
{
  gint64 end = g_get_monotonic_time () + FIFO_READER_TIMEOUT;
  struct stat st;
  gint err;

  ep->what = g_strdup_printf ("FIFO \"%s\"", location);
  for (;;) {
    ep->io_fd = open (location, (ep->writing ? O_WRONLY : O_RDONLY) |
        O_NONBLOCK | O_CLOEXEC);
    if (ep->io_fd >= 0)
      break;
    err = errno;
    /* a FIFO opened for writing without a reader: wait for one */
    if (err == ENXIO && ep->writing && g_get_monotonic_time () < end) {
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
      continue;
    }
    goto open_failed;
  }
  ep->own_fd = TRUE;

  if (fstat (ep->io_fd, &st) == 0 && S_ISDIR (st.st_mode))
    goto was_directory;

  return TRUE;

  /* ERRORS */
open_failed:
  {
    if (err == ENOENT)
      GST_ELEMENT_ERROR (ep->element, RESOURCE, NOT_FOUND,
          ("FIFO \"%s\" does not exist.", location), GST_ERROR_SYSTEM);
    else if (err == ENXIO)
      GST_ELEMENT_ERROR (ep->element, RESOURCE, OPEN_WRITE,
          ("Nobody opened FIFO \"%s\" for reading.", location),
          ("no reader after %d s", (gint) (FIFO_READER_TIMEOUT /
                  G_TIME_SPAN_SECOND)));
    else if (ep->writing)
      GST_ELEMENT_ERROR (ep->element, RESOURCE, OPEN_WRITE,
          ("Could not open \"%s\" for writing.", location), ("%s",
              g_strerror (err)));
    else
      GST_ELEMENT_ERROR (ep->element, RESOURCE, OPEN_READ,
          ("Could not open \"%s\" for reading.", location), ("%s",
              g_strerror (err)));
    g_clear_pointer (&ep->what, g_free);
    return FALSE;
  }
was_directory:
  {
    if (ep->writing)
      GST_ELEMENT_ERROR (ep->element, RESOURCE, OPEN_WRITE,
          ("\"%s\" is a directory.", location), (NULL));
    else
      GST_ELEMENT_ERROR (ep->element, RESOURCE, OPEN_READ,
          ("\"%s\" is a directory.", location), (NULL));
    close (ep->io_fd);
    ep->io_fd = -1;
    g_clear_pointer (&ep->what, g_free);
    return FALSE;
  }
}

/* An inherited descriptor. Its open file description may be shared with
 * other processes (a terminal, a shell's pipe): O_NONBLOCK on it would
 * change how they see it too. A pipe, FIFO or character device is reopened
 * through /proc/self/fd, which gives us a description of our own; a socket
 * takes MSG_DONTWAIT on each call; a regular file never blocks for long.
 * Only when the reopening fails is the descriptor itself made non-blocking,
 * and its flags restored at close. */
gboolean
gst_pipe_fd_open_inherited (GstPipeEndpoint * ep, gint fd)
{
  struct stat st;
  gchar path[64];
  gint flags;

  ep->what = g_strdup_printf ("descriptor %d", fd);
  flags = fcntl (fd, F_GETFL);
  if (flags < 0 || fstat (fd, &st) < 0)
    goto not_open;

  ep->io_fd = fd;
  ep->own_fd = FALSE;
  if (S_ISSOCK (st.st_mode)) {
    ep->io_socket = TRUE;
    return TRUE;
  }
  if (!S_ISFIFO (st.st_mode) && !S_ISCHR (st.st_mode))
    return TRUE;
  if (flags & O_NONBLOCK)
    return TRUE;

  g_snprintf (path, sizeof (path), "/proc/self/fd/%d", fd);
  ep->io_fd = open (path, (ep->writing ? O_WRONLY : O_RDONLY) | O_NONBLOCK |
      O_CLOEXEC | O_NOCTTY);
  if (ep->io_fd >= 0) {
    ep->own_fd = TRUE;
    GST_CAT_DEBUG_OBJECT (ep->cat, ep->element, "descriptor %d reopened as "
        "%d, non-blocking", fd, ep->io_fd);
    return TRUE;
  }

  GST_CAT_INFO_OBJECT (ep->cat, ep->element, "could not reopen descriptor "
      "%d (%s): making it non-blocking while we run", fd, g_strerror (errno));
  ep->io_fd = fd;
  ep->saved_fd_flags = flags;
  fcntl (fd, F_SETFL, flags | O_NONBLOCK);
  return TRUE;

  /* ERRORS */
not_open:
  {
    if (ep->writing)
      GST_ELEMENT_ERROR (ep->element, RESOURCE, OPEN_WRITE,
          ("Descriptor %d is not open.", fd), GST_ERROR_SYSTEM);
    else
      GST_ELEMENT_ERROR (ep->element, RESOURCE, OPEN_READ,
          ("Descriptor %d is not open.", fd), GST_ERROR_SYSTEM);
    ep->io_fd = -1;
    g_clear_pointer (&ep->what, g_free);
    return FALSE;
  }
}

/* the user's pipe quota in bytes (pipe-user-pages-soft), 0 for none */
static gint64
pipe_user_quota (void)
{
  gchar *contents = NULL;
  gint64 pages = 0;

  if (g_file_get_contents ("/proc/sys/fs/pipe-user-pages-soft", &contents,
          NULL, NULL))
    pages = g_ascii_strtoll (contents, NULL, 10);
  g_free (contents);
  return pages * sysconf (_SC_PAGESIZE);
}

/* Enlarges the pipe; the default size only within a quarter of the user's
 * pipe quota for this process's elements, and only when the user is not
 * over the quota already (then the kernel gives new pipes a minimal size
 * and refuses to enlarge any). */
void
gst_pipe_fd_set_pipe_size (GstPipeEndpoint * ep, guint pipe_size,
    gboolean explicit)
{
  gint cur = fcntl (ep->io_fd, F_GETPIPE_SZ);
  gint64 quota, held = 0, reserved;
  gint ret;

  if (cur < 0 || (guint) cur >= pipe_size)
    return;

  /* what this pipe adds, reserved before we ask, so that elements that
   * start together stay within the budget too */
  reserved = (gint64) pipe_size - cur;
  if (!explicit) {
    if (cur < KERNEL_PIPE_SIZE) {
      GST_CAT_INFO_OBJECT (ep->cat, ep->element, "the pipe has %d bytes, "
          "less than the kernel's default: the user's pipe quota is likely "
          "spent; not enlarging it", cur);
      return;
    }
    quota = pipe_user_quota ();
    G_LOCK (pipe_bytes);
    if (quota > 0 && pipe_bytes_held + reserved > quota / 4) {
      held = pipe_bytes_held;
      reserved = 0;
    }
    pipe_bytes_held += reserved;
    G_UNLOCK (pipe_bytes);
    if (reserved == 0) {
      GST_CAT_INFO_OBJECT (ep->cat, ep->element, "this process's pipes hold "
          "%" G_GINT64_FORMAT " bytes more than the kernel's default, a "
          "quarter of the user's quota is %" G_GINT64_FORMAT ": keeping %d "
          "bytes", held, quota / 4, cur);
      return;
    }
  } else {
    G_LOCK (pipe_bytes);
    pipe_bytes_held += reserved;
    G_UNLOCK (pipe_bytes);
  }

  ret = fcntl (ep->io_fd, F_SETPIPE_SZ, (int) pipe_size);
  if (ret < 0)
    GST_CAT_INFO_OBJECT (ep->cat, ep->element, "could not set the pipe size "
        "to %u: %s", pipe_size, g_strerror (errno));
  ep->pipe_bytes = ret > cur ? ret - cur : 0;

  G_LOCK (pipe_bytes);
  pipe_bytes_held += (gint64) ep->pipe_bytes - reserved;
  G_UNLOCK (pipe_bytes);
}

/* gives back what gst_pipe_fd_set_pipe_size() added to this process's
 * pipes */
void
gst_pipe_fd_release_pipe_bytes (GstPipeEndpoint * ep)
{
  if (ep->pipe_bytes > 0) {
    G_LOCK (pipe_bytes);
    pipe_bytes_held -= ep->pipe_bytes;
    G_UNLOCK (pipe_bytes);
    ep->pipe_bytes = 0;
  }
}

/* closes a FIFO or our reopening of a descriptor; an inherited descriptor
 * we had to make non-blocking gets its flags back */
void
gst_pipe_fd_close (GstPipeEndpoint * ep)
{
  if (ep->io_fd >= 0) {
    if (ep->own_fd)
      close (ep->io_fd);
    else if (ep->saved_fd_flags >= 0)
      fcntl (ep->io_fd, F_SETFL, ep->saved_fd_flags);
  }
}
