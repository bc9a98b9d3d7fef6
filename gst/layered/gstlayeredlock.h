/* gst-reuse: the locks of the layered allocator
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

/* Private: not installed. */

#ifndef __GST_LAYERED_LOCK_H__
#define __GST_LAYERED_LOCK_H__

#include <glib.h>

G_BEGIN_DECLS

/* GMutex is built on futexes on Linux, which ThreadSanitizer cannot see, so
 * in a ThreadSanitizer build every lock and unlock also declares its
 * happens-before edge; only real races are then reported. Elsewhere these
 * are GMutex itself. */
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>

static inline void
gst_layered_lock (GMutex * m)
{
  g_mutex_lock (m);
  __tsan_acquire (m);
}

static inline void
gst_layered_unlock (GMutex * m)
{
  __tsan_release (m);
  g_mutex_unlock (m);
}
#else
#define gst_layered_lock(m) g_mutex_lock (m)
#define gst_layered_unlock(m) g_mutex_unlock (m)
#endif

G_END_DECLS

#endif /* __GST_LAYERED_LOCK_H__ */
