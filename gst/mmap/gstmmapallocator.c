/* gst-reuse: GstMemory backed by memory-mapped file windows
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

/*
 * One root GstMemory covers a whole #GstMmapWindow and owns a reference on
 * it; the buffers that mmapsrc pushes hold shares of that root. Shares of
 * one root are recognised as contiguous (is_span), so a buffer that
 * collects neighbouring blocks maps without a copy. The memory is
 * read-only: a write map makes a copy in system memory and the file is
 * never modified. Map and copy open an access to the window (which lets a
 * thread that blocks SIGBUS take the guard's zero pages instead of being
 * killed); unmap and copy then check whether the file shrank under the
 * range (without a system call where the guard can tell), so that a
 * consumer that read zeros from a truncated file gets the fault reported
 * as soon as it is done with the data.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstmmapallocator.h"

GST_DEBUG_CATEGORY_STATIC (gst_mmap_allocator_debug);
GST_DEBUG_CATEGORY_STATIC (CAT_PERFORMANCE);
#define GST_CAT_DEFAULT gst_mmap_allocator_debug

typedef struct
{
  GstMemory mem;

  GstMmapWindow *window;        /* owned by the root memory only */
  guint8 *data;                 /* first byte of the window */
} GstMmapMemory;

struct _GstMmapAllocator
{
  GstAllocator parent;
};

#define _do_init \
    GST_DEBUG_CATEGORY_INIT (gst_mmap_allocator_debug, "mmapallocator", 0, \
        "memory-mapped file memory"); \
    GST_DEBUG_CATEGORY_GET (CAT_PERFORMANCE, "GST_PERFORMANCE");
G_DEFINE_TYPE_WITH_CODE (GstMmapAllocator, gst_mmap_allocator,
    GST_TYPE_ALLOCATOR, _do_init);

static GstMemory *
gst_mmap_allocator_alloc (GstAllocator * allocator, gsize size,
    GstAllocationParams * params)
{
  /* Only file windows can be wrapped: there is nothing to allocate from. */
  return NULL;
}

static void
gst_mmap_allocator_free (GstAllocator * allocator, GstMemory * memory)
{
  GstMmapMemory *mem = (GstMmapMemory *) memory;

  if (memory->parent == NULL)
    gst_mmap_window_unref (mem->window);
  g_slice_free (GstMmapMemory, mem);
}

static gpointer
gst_mmap_memory_map (GstMemory * memory, gsize maxsize, GstMapFlags flags)
{
  GstMmapMemory *mem = (GstMmapMemory *) memory;

  /* the READONLY flag already makes write maps fail before we get here */
  if (flags & GST_MAP_WRITE)
    return NULL;

  /* a thread that blocks SIGBUS gets it unblocked while it holds the map,
   * so that the guard can catch a fault in it */
  gst_mmap_window_access_begin (mem->window);

  return mem->data;
}

static void
gst_mmap_memory_unmap (GstMemory * memory)
{
  GstMmapMemory *mem = (GstMmapMemory *) memory;

  gst_mmap_window_check_range (mem->window,
      gst_mmap_window_get_offset (mem->window) + memory->offset, memory->size);
  gst_mmap_window_access_end (mem->window);
}

static GstMmapMemory *
gst_mmap_memory_new (GstAllocator * allocator, GstMemory * parent,
    GstMmapWindow * window, guint8 * data, gsize maxsize, gsize offset,
    gsize size)
{
  GstMmapMemory *mem = g_slice_new (GstMmapMemory);

  gst_memory_init (GST_MEMORY_CAST (mem), GST_MEMORY_FLAG_READONLY,
      allocator, parent, maxsize, 0, offset, size);
  mem->window = window;
  mem->data = data;

  return mem;
}

static GstMemory *
gst_mmap_memory_share (GstMemory * memory, gssize offset, gssize size)
{
  GstMmapMemory *mem = (GstMmapMemory *) memory;
  GstMemory *parent;

  if ((parent = memory->parent) == NULL)
    parent = memory;

  if (size == -1)
    size = memory->size - offset;

  return GST_MEMORY_CAST (gst_mmap_memory_new (memory->allocator, parent,
          mem->window, mem->data, memory->maxsize, memory->offset + offset,
          size));
}

static GstMemory *
gst_mmap_memory_copy (GstMemory * memory, gssize offset, gssize size)
{
  GstMmapMemory *mem = (GstMmapMemory *) memory;
  GstMemory *copy;
  GstMapInfo info;

  if (size == -1)
    size = memory->size > offset ? memory->size - offset : 0;

  copy = gst_allocator_alloc (NULL, size, NULL);
  if (!gst_memory_map (copy, &info, GST_MAP_WRITE)) {
    gst_memory_unref (copy);
    return NULL;
  }

  GST_CAT_DEBUG (CAT_PERFORMANCE,
      "memcpy %" G_GSSIZE_FORMAT " memory %p -> %p", size, memory, copy);
  gst_mmap_window_access_begin (mem->window);
  memcpy (info.data, mem->data + memory->offset + offset, size);
  gst_mmap_window_check_range (mem->window,
      gst_mmap_window_get_offset (mem->window) + memory->offset + offset, size);
  gst_mmap_window_access_end (mem->window);
  gst_memory_unmap (copy, &info);

  return copy;
}

static gboolean
gst_mmap_memory_is_span (GstMemory * mem1, GstMemory * mem2, gsize * offset)
{
  GstMmapMemory *m1 = (GstMmapMemory *) mem1;
  GstMmapMemory *m2 = (GstMmapMemory *) mem2;

  /* gst_memory_is_span() already checked that both have the same parent */
  if (offset)
    *offset = mem1->offset - mem1->parent->offset;

  return m1->window == m2->window &&
      m1->data + mem1->offset + mem1->size == m2->data + mem2->offset;
}

static void
gst_mmap_allocator_class_init (GstMmapAllocatorClass * klass)
{
  GstAllocatorClass *allocator_class = GST_ALLOCATOR_CLASS (klass);

  allocator_class->alloc = gst_mmap_allocator_alloc;
  allocator_class->free = gst_mmap_allocator_free;
}

static void
gst_mmap_allocator_init (GstMmapAllocator * self)
{
  GstAllocator *allocator = GST_ALLOCATOR_CAST (self);

  allocator->mem_type = GST_MMAP_MEMORY_TYPE;
  allocator->mem_map = gst_mmap_memory_map;
  allocator->mem_unmap = gst_mmap_memory_unmap;
  allocator->mem_share = gst_mmap_memory_share;
  allocator->mem_copy = gst_mmap_memory_copy;
  allocator->mem_is_span = gst_mmap_memory_is_span;

  GST_OBJECT_FLAG_SET (allocator, GST_ALLOCATOR_FLAG_CUSTOM_ALLOC);
}

static GstAllocator *
gst_mmap_allocator_get (void)
{
  static GstAllocator *allocator = NULL;

  if (g_once_init_enter (&allocator)) {
    GstAllocator *a = g_object_new (GST_TYPE_MMAP_ALLOCATOR, NULL);

    gst_object_ref_sink (a);
    /* lives as long as the process, like the plugin */
    GST_OBJECT_FLAG_SET (a, GST_OBJECT_FLAG_MAY_BE_LEAKED);
    g_once_init_leave (&allocator, a);
  }
  return allocator;
}

/**
 * gst_mmap_allocator_wrap_window:
 * @window: (transfer full): a window
 *
 * Returns: (transfer full): a read-only root memory covering all of
 * @window. Share it to hand out parts of the window.
 */
GstMemory *
gst_mmap_allocator_wrap_window (GstMmapWindow * window)
{
  guint64 offset = gst_mmap_window_get_offset (window);
  gsize length = gst_mmap_window_get_length (window);

  return GST_MEMORY_CAST (gst_mmap_memory_new (gst_mmap_allocator_get (),
          NULL, window, gst_mmap_window_get_data (window, offset), length, 0,
          length));
}

gboolean
gst_is_mmap_memory (GstMemory * mem)
{
  return mem != NULL && mem->allocator != NULL &&
      GST_IS_MMAP_ALLOCATOR (mem->allocator);
}

/**
 * gst_mmap_memory_get_window:
 *
 * Returns: (transfer none): the window behind @mem.
 */
GstMmapWindow *
gst_mmap_memory_get_window (GstMemory * mem)
{
  g_return_val_if_fail (gst_is_mmap_memory (mem), NULL);

  return ((GstMmapMemory *) mem)->window;
}
