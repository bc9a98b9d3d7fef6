/* gst-reuse: helpers shared by the cache store tests
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

#ifndef __CACHESTORE_TEST_H__
#define __CACHESTORE_TEST_H__

#include <gst/check/gstcheck.h>
#include <string.h>

#include "gstcachestore-private.h"

/* a new temporary directory for a store (reuse_test_remove_tree() it) */
static inline gchar *
cachestore_test_make_dir (void)
{
  gchar *dir = g_dir_make_tmp ("cachestore-XXXXXX", NULL);

  fail_unless (dir != NULL);
  return dir;
}

/* key number @i: distinct in its first and last bytes */
static inline void
cachestore_test_make_key (guint8 key[GST_CACHE_KEY_SIZE], guint i)
{
  memset (key, 0, GST_CACHE_KEY_SIZE);
  key[0] = 0x10 + i;
  key[31] = i;
}

#endif /* __CACHESTORE_TEST_H__ */
