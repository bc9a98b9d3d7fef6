/* gst-reuse: GstLayeredAllocator's instance structure
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

/* Shared by gstlayeredallocator.c and gstlayeredstats.c only; not installed. */

#ifndef __GST_LAYERED_ALLOCATOR_PRIVATE_H__
#define __GST_LAYERED_ALLOCATOR_PRIVATE_H__

#include "gstlayeredallocator.h"
#include "gstlayeredarena.h"

G_BEGIN_DECLS

struct _GstLayeredAllocator
{
  GstAllocator parent;

  GstLayeredArena *arena;

  /* construct-only */
  guint min_align;
  guint64 max_class_size;
  gboolean huge_pages;
  guint64 huge_pages_min_size;

  /* OBJECT_LOCK */
  guint64 max_cached;
  guint64 idle_level;
  GstClockTime idle_timeout;
  gchar *prealloc;

  gint backtraces;              /* atomic */
  GMutex traces_lock;
  GHashTable *traces;           /* traces_lock: GstMemory -> backtrace */
};

G_END_DECLS

#endif /* __GST_LAYERED_ALLOCATOR_PRIVATE_H__ */
