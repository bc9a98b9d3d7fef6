/* gst-reuse: GstLayeredAllocator, aligned, size-classed, cached memory
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

/**
 * SECTION:gstlayeredallocator
 * @title: GstLayeredAllocator
 * @short_description: aligned, size-classed memory that stays warm
 *
 * A #GstAllocator that keeps freed memory in size classes and hands it out
 * again, instead of giving it back to the system at every free as the
 * default allocator does (one glibc malloc per memory, which for frames of
 * 32 MiB and more means a fresh mmap and thousands of page faults each
 * time):
 *
 * * small classes from 64 B to 512 B, medium and large classes to 1 MiB,
 *   four per doubling, cut from 2 MiB chunks;
 * * one exact, page-rounded class per frame size (frames repeat exact
 *   sizes), up to #GstLayeredAllocator:max-class-size; larger memory comes
 *   straight from the system, and is counted;
 * * every memory aligned to at least #GstLayeredAllocator:min-align (64
 *   bytes by default, for AVX-512), and to what #GstAllocationParams ask
 *   (any mask, larger than a page too);
 *   prefix, padding and the ZERO_PREFIXED and ZERO_PADDED flags are
 *   honoured; the #GstMemory header lives apart from the data, so pixels
 *   never share a cache line with bookkeeping;
 * * on request (#GstLayeredAllocator:huge-pages), chunks of 2 MiB and
 *   more are mapped at 2 MiB boundaries and advised MADV_HUGEPAGE;
 * * cached memory is bounded (#GstLayeredAllocator:max-cached), and the
 *   memory of sizes not used for #GstLayeredAllocator:idle-timeout goes back
 *   to the system down to #GstLayeredAllocator:idle-level, so that a
 *   resolution change does not pin the old frames for ever;
 * * one lock per class, and per-thread caches: each thread keeps a few
 *   freed blocks (with their #GstMemory headers) and takes them again
 *   without a lock; together they hold at most a quarter of the cap.
 *
 * Copies (gst_memory_copy(), and so copy-on-write through
 * gst_buffer_make_writable() and write maps of shared memory) come from the
 * layered allocator too. Statistics are in #GstLayeredAllocator:stats, and
 * gst_layered_allocator_leak_report() lists what is still in use.
 *
 * To make it the process's default allocator, call
 * gst_layered_memory_init() after gst_init().
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlayeredallocator.h"
#include "gstlayeredallocator-private.h"
#include "gstlayeredmalloc.h"
#include "gstlayeredarena.h"
#include "gstlayeredlock.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_layered_allocator_debug);
GST_DEBUG_CATEGORY_STATIC (CAT_PERFORMANCE);
#define GST_CAT_DEFAULT gst_layered_allocator_debug

#define DEFAULT_MIN_ALIGN       64
#define DEFAULT_MAX_CLASS_SIZE  (256 * 1024 * 1024)
#define DEFAULT_MAX_CACHED      (G_GUINT64_CONSTANT (512) * 1024 * 1024)
#define DEFAULT_IDLE_LEVEL      (G_GUINT64_CONSTANT (64) * 1024 * 1024)
#define DEFAULT_IDLE_TIMEOUT    (5 * GST_SECOND)
#define DEFAULT_HUGE_PAGES      FALSE
#define DEFAULT_HUGE_PAGES_MIN_SIZE 0
#define DEFAULT_BACKTRACES      FALSE

enum
{
  PROP_0,
  PROP_MIN_ALIGN,
  PROP_MAX_CLASS_SIZE,
  PROP_MAX_CACHED,
  PROP_IDLE_LEVEL,
  PROP_IDLE_TIMEOUT,
  PROP_HUGE_PAGES,
  PROP_HUGE_PAGES_MIN_SIZE,
  PROP_BACKTRACES,
  PROP_PREALLOC,
  PROP_STATS,
  PROP_LAST
};

static GParamSpec *obj_props[PROP_LAST];

typedef struct
{
  GstMemory mem;

  guint8 *data;                 /* the start of the maxsize area */
  GstLayeredBlock block;        /* root memories only */
} GstLayeredMemory;

#define gst_layered_allocator_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstLayeredAllocator, gst_layered_allocator,
    GST_TYPE_ALLOCATOR,
    GST_DEBUG_CATEGORY_INIT (gst_layered_allocator_debug, "layeredallocator",
        0, "layered memory allocator");
    GST_DEBUG_CATEGORY_GET (CAT_PERFORMANCE, "GST_PERFORMANCE"));

/* --- memory -------------------------------------------------------------- */

/* @mem: a header to reuse, or NULL */
static GstLayeredMemory *
layered_memory_new (GstLayeredMemory * mem, GstAllocator * allocator,
    GstMemoryFlags flags, GstMemory * parent, guint8 * data, gsize maxsize,
    gsize align, gsize offset, gsize size)
{
  if (mem == NULL)
    mem = g_slice_new (GstLayeredMemory);

  gst_memory_init (GST_MEMORY_CAST (mem), flags, allocator, parent, maxsize,
      align, offset, size);
  mem->data = data;
  return mem;
}

static void
free_header (gpointer mem)
{
  g_slice_free (GstLayeredMemory, mem);
}

static GstMemory *
gst_layered_allocator_alloc (GstAllocator * allocator, gsize size,
    GstAllocationParams * params)
{
  GstLayeredAllocator *self = (GstLayeredAllocator *) allocator;
  gsize maxsize = size + params->prefix + params->padding;
  gsize align = params->align | (self->min_align - 1);
  GstLayeredMemory *mem;
  GstLayeredBlock block;

  /* overflow */
  if (maxsize < size || maxsize < params->prefix)
    return NULL;

  if (!gst_layered_arena_alloc (self->arena, maxsize, params->align, &block)) {
    GST_WARNING_OBJECT (self, "the system refused %" G_GSIZE_FORMAT
        " bytes", maxsize);
    return NULL;
  }

  /* a block from the thread's cache brings its old header along */
  mem = layered_memory_new (block.tag, allocator, params->flags, NULL,
      block.data, maxsize, align, params->prefix, size);
  mem->block = block;

  if (params->prefix && (params->flags & GST_MEMORY_FLAG_ZERO_PREFIXED))
    memset (mem->data, 0, params->prefix);
  if (params->padding && (params->flags & GST_MEMORY_FLAG_ZERO_PADDED))
    memset (mem->data + params->prefix + size, 0, params->padding);

  if (G_UNLIKELY (g_atomic_int_get (&self->backtraces))) {
    gchar *trace = gst_debug_get_stack_trace (GST_STACK_TRACE_SHOW_FULL);

    gst_layered_lock (&self->traces_lock);
    g_hash_table_insert (self->traces, mem, trace ? trace :
        g_strdup ("(no backtrace available)"));
    gst_layered_unlock (&self->traces_lock);
  }

  return GST_MEMORY_CAST (mem);
}

static void
gst_layered_allocator_free (GstAllocator * allocator, GstMemory * memory)
{
  GstLayeredAllocator *self = (GstLayeredAllocator *) allocator;
  GstLayeredMemory *mem = (GstLayeredMemory *) memory;

  if (memory->parent == NULL) {
    if (G_UNLIKELY (self->traces)) {
      gst_layered_lock (&self->traces_lock);
      g_hash_table_remove (self->traces, mem);
      gst_layered_unlock (&self->traces_lock);
    }
    /* the header may stay with the block in the thread's cache */
    mem->block.tag = mem;
    if (gst_layered_arena_release (self->arena, &mem->block))
      return;
  }
  g_slice_free (GstLayeredMemory, mem);
}

static gpointer
layered_memory_map (GstMemory * memory, gsize maxsize, GstMapFlags flags)
{
  return ((GstLayeredMemory *) memory)->data;
}

static void
layered_memory_unmap (GstMemory * memory)
{
}

/* as sysmem: a copy comes from the same allocator, with the same alignment
 * and no prefix or padding */
static GstMemory *
layered_memory_copy (GstMemory * memory, gssize offset, gssize size)
{
  GstLayeredMemory *mem = (GstLayeredMemory *) memory;
  GstAllocationParams params = { 0, memory->align, 0, 0, };
  GstMemory *copy;
  GstMapInfo info;

  if (size == -1)
    size = memory->size > offset ? memory->size - offset : 0;

  copy = gst_allocator_alloc (memory->allocator, size, &params);
  if (copy == NULL || !gst_memory_map (copy, &info, GST_MAP_WRITE)) {
    if (copy)
      gst_memory_unref (copy);
    return NULL;
  }
  GST_CAT_DEBUG (CAT_PERFORMANCE,
      "memcpy %" G_GSSIZE_FORMAT " memory %p -> %p", size, memory, copy);
  memcpy (info.data, mem->data + memory->offset + offset, size);
  gst_memory_unmap (copy, &info);

  return copy;
}

/* as sysmem: the share is read-only and refers to the real parent */
static GstMemory *
layered_memory_share (GstMemory * memory, gssize offset, gssize size)
{
  GstLayeredMemory *mem = (GstLayeredMemory *) memory;
  GstMemory *parent;

  if ((parent = memory->parent) == NULL)
    parent = memory;

  if (size == -1)
    size = memory->size - offset;

  return GST_MEMORY_CAST (layered_memory_new (NULL, memory->allocator,
          GST_MINI_OBJECT_FLAGS (parent) | GST_MINI_OBJECT_FLAG_LOCK_READONLY,
          parent, mem->data, memory->maxsize, memory->align,
          memory->offset + offset, size));
}

static gboolean
layered_memory_is_span (GstMemory * mem1, GstMemory * mem2, gsize * offset)
{
  GstLayeredMemory *m1 = (GstLayeredMemory *) mem1;
  GstLayeredMemory *m2 = (GstLayeredMemory *) mem2;

  if (offset)
    *offset = mem1->offset - mem1->parent->offset;

  return m1->data + mem1->offset + mem1->size == m2->data + mem2->offset;
}

/* --- object ---------------------------------------------------------------- */

static void gst_layered_allocator_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_layered_allocator_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static void gst_layered_allocator_constructed (GObject * object);
static void gst_layered_allocator_finalize (GObject * object);

static void
gst_layered_allocator_class_init (GstLayeredAllocatorClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstAllocatorClass *allocator_class = GST_ALLOCATOR_CLASS (klass);

  gobject_class->set_property = gst_layered_allocator_set_property;
  gobject_class->get_property = gst_layered_allocator_get_property;
  gobject_class->constructed = gst_layered_allocator_constructed;
  gobject_class->finalize = gst_layered_allocator_finalize;

  allocator_class->alloc = gst_layered_allocator_alloc;
  allocator_class->free = gst_layered_allocator_free;

  /**
   * GstLayeredAllocator:min-align:
   *
   * The smallest alignment of any memory, in bytes: a power of two from 16
   * to the page size. 64 suits AVX-512 loads and stores, and cache lines.
   */
  obj_props[PROP_MIN_ALIGN] = g_param_spec_uint ("min-align",
      "Minimum alignment", "Smallest alignment of any memory, in bytes "
      "(a power of two, 16 to 4096)", 16, 4096, DEFAULT_MIN_ALIGN,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GstLayeredAllocator:max-class-size:
   *
   * The largest memory that is cached; larger memory is mapped from the
   * system for each allocation and given back at once (and counted as
   * oversized in the statistics).
   */
  obj_props[PROP_MAX_CLASS_SIZE] = g_param_spec_uint64 ("max-class-size",
      "Largest class", "Largest memory that is cached, in bytes",
      1024 * 1024, G_MAXUINT64, DEFAULT_MAX_CLASS_SIZE,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GstLayeredAllocator:max-cached:
   *
   * A hard cap on memory that is mapped but not in use. When freeing puts
   * the cache over it, whole free chunks go back to the system, those of
   * the sizes used least recently first. (Free blocks that share a chunk
   * with blocks in use cannot go back on their own; for frame sizes, a
   * chunk is one block.)
   *
   * Sizes whose chunk (2 MiB up to 1 MiB blocks, the block itself above)
   * does not fit in three quarters of the cap are not cached at all: their
   * memory comes from malloc and goes back to it, as system memory does,
   * and is counted as `pass-through`. 0 caches nothing.
   */
  obj_props[PROP_MAX_CACHED] = g_param_spec_uint64 ("max-cached",
      "Cache cap", "Most bytes kept cached (mapped but not in use)",
      0, G_MAXUINT64, DEFAULT_MAX_CACHED,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstLayeredAllocator:idle-level:
   *
   * Cached bytes that are kept when sizes go out of use: the memory of a
   * size not used for #GstLayeredAllocator:idle-timeout goes back to the
   * system until the cache is down to this. Checked as memory is freed.
   */
  obj_props[PROP_IDLE_LEVEL] = g_param_spec_uint64 ("idle-level",
      "Idle level", "Cached bytes kept once sizes go out of use",
      0, G_MAXUINT64, DEFAULT_IDLE_LEVEL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstLayeredAllocator:idle-timeout:
   *
   * How long a size must go unused before its cached memory counts as idle.
   */
  obj_props[PROP_IDLE_TIMEOUT] = g_param_spec_uint64 ("idle-timeout",
      "Idle timeout", "Nanoseconds after which an unused size is idle",
      0, G_MAXUINT64, DEFAULT_IDLE_TIMEOUT,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstLayeredAllocator:huge-pages:
   *
   * Map chunks of 2 MiB and more at 2 MiB boundaries and advise
   * MADV_HUGEPAGE, so that the kernel can back them with transparent huge
   * pages (512 times fewer page faults and TLB entries), where THP is set to
   * "madvise" or "always". Off by default: it makes memory that is written
   * again and again faster, but faulting huge pages in costs more than the
   * small pages it saves (the kernel zeroes, and with its default
   * "defrag=madvise" may compact memory first), which in measured
   * pipelines cost more than it saved. For long-lived frames.
   */
  obj_props[PROP_HUGE_PAGES] = g_param_spec_boolean ("huge-pages",
      "Huge pages", "Ask for transparent huge pages for chunks of 2 MiB "
      "and more", DEFAULT_HUGE_PAGES,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GstLayeredAllocator:huge-pages-min-size:
   *
   * Huge pages by size class: frame classes of this size and more (and
   * memory above #GstLayeredAllocator:max-class-size of this size and
   * more) are mapped and advised as with #GstLayeredAllocator:huge-pages,
   * smaller ones are not. For example 33554432 (32 MiB) gives huge pages
   * to 8K frames and 4K frames of 16 bits, whose copies fault in tens of
   * thousands of pages each, and not to 1080p frames, whose first touch
   * would cost more with them. 0 (the default) turns this off; sizes under
   * 2 MiB count as 2 MiB. #GstLayeredAllocator:huge-pages=%TRUE gives huge
   * pages to every chunk of 2 MiB and more whatever this says.
   *
   * Since: 1.22
   */
  obj_props[PROP_HUGE_PAGES_MIN_SIZE] =
      g_param_spec_uint64 ("huge-pages-min-size", "Huge pages minimum size",
      "Ask for transparent huge pages for size classes of this many bytes "
      "and more (0: off)", 0, G_MAXUINT64, DEFAULT_HUGE_PAGES_MIN_SIZE,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * GstLayeredAllocator:backtraces:
   *
   * Record a backtrace for every memory allocated while this is on, for
   * the leak report. Costly: for debugging only.
   */
  obj_props[PROP_BACKTRACES] = g_param_spec_boolean ("backtraces",
      "Backtraces", "Record where each memory was allocated, for the leak "
      "report (slow)", DEFAULT_BACKTRACES,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstLayeredAllocator:prealloc:
   *
   * Memory to allocate and fault in ahead of time, as `SIZE:COUNT` pairs
   * separated by commas, e.g. `3110400:8` for eight 1080p I420 frames.
   * Setting it allocates at once; the first frames then pay no page
   * faults. Preallocated memory is kept until it is first used, however
   * long that takes (#GstLayeredAllocator:idle-timeout does not apply to
   * it); it counts against #GstLayeredAllocator:max-cached, and
   * gst_layered_allocator_trim() gives it back.
   */
  obj_props[PROP_PREALLOC] = g_param_spec_string ("prealloc",
      "Preallocation", "SIZE:COUNT pairs to allocate and fault in ahead "
      "of time (comma-separated)", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstLayeredAllocator:stats:
   *
   * A snapshot of the statistics: see gst_layered_allocator_get_stats().
   */
  obj_props[PROP_STATS] = g_param_spec_boxed ("stats", "Statistics",
      "Snapshot of the allocator's statistics", gst_structure_get_type (),
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, PROP_LAST, obj_props);
}

static void
gst_layered_allocator_init (GstLayeredAllocator * self)
{
  GstAllocator *allocator = GST_ALLOCATOR_CAST (self);

  allocator->mem_type = GST_LAYERED_MEMORY_TYPE;
  allocator->mem_map = layered_memory_map;
  allocator->mem_unmap = layered_memory_unmap;
  allocator->mem_copy = layered_memory_copy;
  allocator->mem_share = layered_memory_share;
  allocator->mem_is_span = layered_memory_is_span;

  self->min_align = DEFAULT_MIN_ALIGN;
  self->max_class_size = DEFAULT_MAX_CLASS_SIZE;
  self->huge_pages = DEFAULT_HUGE_PAGES;
  self->huge_pages_min_size = DEFAULT_HUGE_PAGES_MIN_SIZE;
  self->max_cached = DEFAULT_MAX_CACHED;
  self->idle_level = DEFAULT_IDLE_LEVEL;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  g_mutex_init (&self->traces_lock);
}

static void
gst_layered_allocator_constructed (GObject * object)
{
  GstLayeredAllocator *self = GST_LAYERED_ALLOCATOR (object);
  GstLayeredArenaConfig config;
  guint align = self->min_align;

  /* a power of two, at most a page */
  while (align & (align - 1))
    align &= align - 1;
  self->min_align = align;

  gst_layered_arena_config_init (&config);
  config.min_align = self->min_align;
  config.max_class_size = self->max_class_size;
  config.huge_pages = self->huge_pages;
  config.huge_pages_min_size = self->huge_pages_min_size;
  config.tag_free = free_header;
  /* memory that passes through has its header in the same malloc, as
   * system memory does */
  config.tag_size = sizeof (GstLayeredMemory);
  config.max_cached = self->max_cached;
  config.idle_level = self->idle_level;
  config.idle_timeout_us = self->idle_timeout / GST_USECOND;
  self->arena = gst_layered_arena_new (&config);

  G_OBJECT_CLASS (parent_class)->constructed (object);
}

static void
gst_layered_allocator_finalize (GObject * object)
{
  GstLayeredAllocator *self = GST_LAYERED_ALLOCATOR (object);

  /* every memory holds a reference on us: none can be left by now */
  GST_DEBUG_OBJECT (self, "finalizing");
  gst_layered_arena_free (self->arena);
  if (self->traces)
    g_hash_table_unref (self->traces);
  g_mutex_clear (&self->traces_lock);
  g_free (self->prealloc);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
apply_limits (GstLayeredAllocator * self)
{
  if (self->arena)
    gst_layered_arena_set_limits (self->arena, self->max_cached,
        self->idle_level, self->idle_timeout / GST_USECOND);
}

static void
apply_prealloc (GstLayeredAllocator * self, const gchar * spec)
{
  gchar **pairs, **p;

  if (spec == NULL || self->arena == NULL)
    return;

  pairs = g_strsplit (spec, ",", -1);
  for (p = pairs; *p; p++) {
    guint64 size, count;
    gchar *end;

    size = g_ascii_strtoull (g_strstrip (*p), &end, 10);
    if (*end != ':' || size == 0) {
      GST_WARNING_OBJECT (self, "ignoring prealloc entry \"%s\": not "
          "SIZE:COUNT", *p);
      continue;
    }
    count = g_ascii_strtoull (end + 1, &end, 10);
    if (*end != '\0' || count == 0 || count > G_MAXUINT) {
      GST_WARNING_OBJECT (self, "ignoring prealloc entry \"%s\": bad count",
          *p);
      continue;
    }
    GST_INFO_OBJECT (self, "preallocating %" G_GUINT64_FORMAT " x %"
        G_GUINT64_FORMAT " bytes", count, size);
    gst_layered_arena_preallocate (self->arena, size, count, TRUE);
  }
  g_strfreev (pairs);
}

static void
gst_layered_allocator_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstLayeredAllocator *self = GST_LAYERED_ALLOCATOR (object);

  switch (prop_id) {
    case PROP_MIN_ALIGN:
      self->min_align = g_value_get_uint (value);
      break;
    case PROP_MAX_CLASS_SIZE:
      self->max_class_size = g_value_get_uint64 (value);
      break;
    case PROP_HUGE_PAGES:
      self->huge_pages = g_value_get_boolean (value);
      break;
    case PROP_HUGE_PAGES_MIN_SIZE:
      self->huge_pages_min_size = g_value_get_uint64 (value);
      break;
    case PROP_MAX_CACHED:
    case PROP_IDLE_LEVEL:
    case PROP_IDLE_TIMEOUT:{
      guint64 v = g_value_get_uint64 (value);

      GST_OBJECT_LOCK (self);
      if (prop_id == PROP_MAX_CACHED)
        self->max_cached = v;
      else if (prop_id == PROP_IDLE_LEVEL)
        self->idle_level = v;
      else
        self->idle_timeout = v;
      apply_limits (self);
      GST_OBJECT_UNLOCK (self);
      break;
    }
    case PROP_BACKTRACES:
      gst_layered_lock (&self->traces_lock);
      if (g_value_get_boolean (value) && self->traces == NULL)
        self->traces = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      g_atomic_int_set (&self->backtraces, g_value_get_boolean (value));
      gst_layered_unlock (&self->traces_lock);
      break;
    case PROP_PREALLOC:
      GST_OBJECT_LOCK (self);
      g_free (self->prealloc);
      self->prealloc = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      apply_prealloc (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_layered_allocator_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstLayeredAllocator *self = GST_LAYERED_ALLOCATOR (object);

  switch (prop_id) {
    case PROP_MIN_ALIGN:
      g_value_set_uint (value, self->min_align);
      break;
    case PROP_MAX_CLASS_SIZE:
      g_value_set_uint64 (value, self->max_class_size);
      break;
    case PROP_HUGE_PAGES:
      g_value_set_boolean (value, self->huge_pages);
      break;
    case PROP_HUGE_PAGES_MIN_SIZE:
      g_value_set_uint64 (value, self->huge_pages_min_size);
      break;
    case PROP_MAX_CACHED:
      GST_OBJECT_LOCK (self);
      g_value_set_uint64 (value, self->max_cached);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_IDLE_LEVEL:
      GST_OBJECT_LOCK (self);
      g_value_set_uint64 (value, self->idle_level);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_IDLE_TIMEOUT:
      GST_OBJECT_LOCK (self);
      g_value_set_uint64 (value, self->idle_timeout);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_BACKTRACES:
      g_value_set_boolean (value, g_atomic_int_get (&self->backtraces));
      break;
    case PROP_PREALLOC:
      GST_OBJECT_LOCK (self);
      g_value_set_string (value, self->prealloc);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_STATS:
      g_value_take_boxed (value, gst_layered_allocator_get_stats (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

/* --- configuration ------------------------------------------------------- */

/* Converts @value to the type of @pspec: numbers of any type, and strings
 * (as gst-launch and GST_TRACERS give them). */
static gboolean
value_for_pspec (GParamSpec * pspec, const GValue * value, GValue * out)
{
  g_value_init (out, G_PARAM_SPEC_VALUE_TYPE (pspec));
  if (G_VALUE_HOLDS_STRING (value) && G_PARAM_SPEC_VALUE_TYPE (pspec) !=
      G_TYPE_STRING)
    return gst_value_deserialize (out, g_value_get_string (value));
  return g_value_transform (value, out) && !g_param_value_validate (pspec, out);
}

typedef struct
{
  GObjectClass *klass;
  GstLayeredAllocator *self;    /* NULL when constructing */
  GArray *names;
  GArray *values;
  gboolean ok;
} ConfigData;

static gboolean
collect_field (GQuark field, const GValue * value, gpointer user_data)
{
  ConfigData *d = user_data;
  const gchar *name = g_quark_to_string (field);
  GParamSpec *pspec = g_object_class_find_property (d->klass, name);
  GValue v = G_VALUE_INIT;

  if (pspec == NULL || !(pspec->flags & G_PARAM_WRITABLE) ||
      pspec->owner_type != GST_TYPE_LAYERED_ALLOCATOR) {
    GST_WARNING ("layered allocator: unknown setting \"%s\"", name);
    d->ok = FALSE;
    return TRUE;
  }
  if (!value_for_pspec (pspec, value, &v)) {
    gchar *s = gst_value_serialize (value);

    GST_WARNING ("layered allocator: bad value %s for \"%s\"", s, name);
    g_free (s);
    g_value_unset (&v);
    d->ok = FALSE;
    return TRUE;
  }
  if (d->self && (pspec->flags & G_PARAM_CONSTRUCT_ONLY)) {
    GValue cur = G_VALUE_INIT;

    g_value_init (&cur, G_PARAM_SPEC_VALUE_TYPE (pspec));
    g_object_get_property (G_OBJECT (d->self), name, &cur);
    if (g_param_values_cmp (pspec, &cur, &v) != 0) {
      GST_WARNING ("layered allocator: \"%s\" cannot change once the "
          "allocator exists", name);
      d->ok = FALSE;
    }
    g_value_unset (&cur);
    g_value_unset (&v);
    return TRUE;
  }
  g_array_append_val (d->names, name);
  g_array_append_val (d->values, v);
  return TRUE;
}

/**
 * gst_layered_allocator_new:
 * @config: (nullable): settings: a structure whose fields are property
 *   names with values of their type, or strings in gst_value_deserialize()
 *   form (e.g. `layered, min-align=(uint)128, max-cached=1073741824`)
 *
 * Returns: (transfer full): a new layered allocator. Unknown settings and
 * bad values are ignored with a warning.
 */
GstAllocator *
gst_layered_allocator_new (const GstStructure * config)
{
  ConfigData d = { NULL, NULL, NULL, NULL, TRUE };
  GstAllocator *allocator;

  d.klass = g_type_class_ref (GST_TYPE_LAYERED_ALLOCATOR);
  d.names = g_array_new (FALSE, FALSE, sizeof (const gchar *));
  d.values = g_array_new (FALSE, TRUE, sizeof (GValue));
  g_array_set_clear_func (d.values, (GDestroyNotify) g_value_unset);
  if (config)
    gst_structure_foreach (config, collect_field, &d);
  allocator = GST_ALLOCATOR (g_object_new_with_properties
      (GST_TYPE_LAYERED_ALLOCATOR, d.names->len,
          (const gchar **) d.names->data, (const GValue *) d.values->data));
  gst_object_ref_sink (allocator);
  g_array_unref (d.names);
  g_array_unref (d.values);
  g_type_class_unref (d.klass);

  return allocator;
}

/**
 * gst_layered_allocator_configure:
 * @config: settings as for gst_layered_allocator_new(); construct-only
 *   ones (min-align, max-class-size, huge-pages) must keep their value
 *
 * Returns: %FALSE if a setting was unknown, bad, or could not change (it
 * is then ignored, with a warning).
 */
gboolean
gst_layered_allocator_configure (GstLayeredAllocator * allocator,
    const GstStructure * config)
{
  ConfigData d = { NULL, allocator, NULL, NULL, TRUE };
  guint i;

  g_return_val_if_fail (GST_IS_LAYERED_ALLOCATOR (allocator), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  d.klass = G_OBJECT_GET_CLASS (allocator);
  d.names = g_array_new (FALSE, FALSE, sizeof (const gchar *));
  d.values = g_array_new (FALSE, TRUE, sizeof (GValue));
  g_array_set_clear_func (d.values, (GDestroyNotify) g_value_unset);
  gst_structure_foreach (config, collect_field, &d);
  for (i = 0; i < d.names->len; i++)
    g_object_set_property (G_OBJECT (allocator),
        g_array_index (d.names, const gchar *, i),
        &g_array_index (d.values, GValue, i));
  g_array_unref (d.names);
  g_array_unref (d.values);

  return d.ok;
}

/**
 * gst_layered_allocator_trim:
 *
 * Gives every wholly free chunk back to the system now.
 *
 * Returns: the bytes given back.
 */
guint64
gst_layered_allocator_trim (GstLayeredAllocator * allocator)
{
  g_return_val_if_fail (GST_IS_LAYERED_ALLOCATOR (allocator), 0);

  return gst_layered_arena_trim (allocator->arena, 0);
}

/**
 * gst_layered_allocator_preallocate:
 * @size: the size of the memories, as given to gst_allocator_alloc()
 *   (plus prefix and padding)
 * @count: how many
 *
 * Allocates and faults in @count blocks for memories of @size bytes, so
 * that the first ones pay no page faults. They are kept until first used:
 * the idle trim leaves them alone.
 *
 * Returns: how many such blocks are now cached.
 */
guint
gst_layered_allocator_preallocate (GstLayeredAllocator * allocator,
    gsize size, guint count)
{
  g_return_val_if_fail (GST_IS_LAYERED_ALLOCATOR (allocator), 0);

  return gst_layered_arena_preallocate (allocator->arena, size, count, TRUE);
}

/**
 * gst_is_layered_memory:
 *
 * Returns: whether @mem comes from a layered allocator.
 */
gboolean
gst_is_layered_memory (GstMemory * mem)
{
  return mem != NULL && mem->allocator != NULL &&
      GST_IS_LAYERED_ALLOCATOR (mem->allocator);
}

/**
 * gst_layered_memory_init:
 * @config: (nullable): settings for the allocator, as for
 *   gst_layered_allocator_new()
 *
 * The one call that puts a whole application on layered memory: makes the
 * allocator registered as %GST_LAYERED_MEMORY_ALLOCATOR_NAME (creating and
 * registering it if the `layered` plugin has not) the default allocator of
 * the process, which every buffer pool and element that does not ask for a
 * particular allocator then uses. Call it after gst_init(), before
 * building pipelines. A @config that sets min-align, max-class-size,
 * huge-pages or huge-pages-min-size (which an existing allocator cannot
 * change) registers a new allocator in place of the old one.
 *
 * @config may also hold the #gboolean field `malloc-tuning` (default
 * %FALSE): %TRUE also calls gst_layered_malloc_tune() with the defaults, so
 * that the memory codec libraries allocate with malloc, which no
 * #GstAllocator sees, is kept and reused as well; it changes malloc for
 * the whole process (see gst_layered_malloc_tune()).
 *
 * Returns: (transfer full): the allocator.
 */
GstAllocator *
gst_layered_memory_init (const GstStructure * config)
{
  GstAllocator *allocator;
  GstStructure *copy = NULL;
  gboolean tune = FALSE;

  /* not a setting of the allocator */
  if (config && gst_structure_has_field (config, "malloc-tuning")) {
    if (!gst_structure_get_boolean (config, "malloc-tuning", &tune))
      GST_WARNING ("malloc-tuning is not a boolean: not tuning malloc");
    copy = gst_structure_copy (config);
    gst_structure_remove_field (copy, "malloc-tuning");
    config = gst_structure_n_fields (copy) ? copy : NULL;
  }
  if (tune) {
    GstStructure *done = gst_layered_malloc_tune (NULL);

    if (done)
      gst_structure_free (done);
  }

  allocator = gst_allocator_find (GST_LAYERED_MEMORY_ALLOCATOR_NAME);
  if (allocator && !GST_IS_LAYERED_ALLOCATOR (allocator)) {
    GST_WARNING ("\"%s\" is registered but is not a layered allocator",
        GST_LAYERED_MEMORY_ALLOCATOR_NAME);
    gst_object_unref (allocator);
    allocator = NULL;
  }
  /* settings that only a new allocator can take: one replaces the
   * registered one (memory from the old one keeps it alive until freed) */
  if (allocator && config && (gst_structure_has_field (config, "min-align")
          || gst_structure_has_field (config, "max-class-size")
          || gst_structure_has_field (config, "huge-pages")
          || gst_structure_has_field (config, "huge-pages-min-size"))) {
    gst_object_unref (allocator);
    allocator = NULL;
  }
  if (allocator) {
    if (config)
      gst_layered_allocator_configure (GST_LAYERED_ALLOCATOR (allocator),
          config);
  } else {
    allocator = gst_layered_allocator_new (config);
    gst_allocator_register (GST_LAYERED_MEMORY_ALLOCATOR_NAME,
        gst_object_ref (allocator));
  }

  gst_allocator_set_default (gst_object_ref (allocator));
  GST_INFO_OBJECT (allocator, "layered memory is now the default allocator");
  if (copy)
    gst_structure_free (copy);

  return allocator;
}
