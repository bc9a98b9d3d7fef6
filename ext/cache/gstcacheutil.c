/* gst-reuse: small helpers of the cache store
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

#include "gstcacheutil.h"
#include "gstcachestore.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

void
gst_cache_set_errno_error (GError ** error, gint err, const gchar * what,
    const gchar * path)
{
  g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_IO,
      "%s \"%s\": %s", what, path, g_strerror (err));
}

void
gst_cache_put_le32 (guint8 * p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

void
gst_cache_put_le64 (guint8 * p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

guint32
gst_cache_get_le32 (const guint8 * p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

guint64
gst_cache_get_le64 (const guint8 * p)
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

gboolean
gst_cache_hex_to_digest (const gchar * hex, guint8 * digest, gsize size)
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
gboolean
gst_cache_pwrite_all (gint fd, const guint8 * data, gsize size, guint64 offset,
    const gchar * path, GError ** error)
{
  while (size > 0) {
    gssize n = pwrite (fd, data, size, offset);

    if (n < 0) {
      if (errno == EINTR)
        continue;
      gst_cache_set_errno_error (error, errno, "Could not write", path);
      return FALSE;
    }
    data += n;
    size -= n;
    offset += n;
  }
  return TRUE;
}

/* read all of @size at @offset; FALSE on an error or a short file */
gboolean
gst_cache_pread_all (gint fd, guint8 * data, gsize size, guint64 offset)
{
  while (size > 0) {
    gssize n = pread (fd, data, size, offset);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    data += n;
    size -= n;
    offset += n;
  }
  return TRUE;
}

gboolean
gst_cache_fsync_dir (const gchar * dir)
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
gboolean
gst_cache_replace_file (const gchar * path, const gchar * contents, gsize size)
{
  gchar *tmp = g_strdup_printf ("%s.XXXXXX", path);
  gint fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  gboolean ok = FALSE;

  if (fd >= 0) {
    ok = gst_cache_pwrite_all (fd, (const guint8 *) contents, size, 0, tmp,
        NULL);
    close (fd);
    if (ok)
      ok = g_rename (tmp, path) == 0;
    if (!ok)
      g_unlink (tmp);
  }
  g_free (tmp);
  return ok;
}
