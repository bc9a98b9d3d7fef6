/* gst-reuse: tuning the process's malloc for memory GStreamer never sees
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
 * SECTION:gstlayeredmalloc
 * @title: Malloc tuning
 * @short_description: keep the memory codec libraries allocate themselves
 *
 * The layered allocator sees only memory allocated through a
 * #GstAllocator. Codec libraries allocate much of theirs with malloc
 * (FFmpeg's av_malloc: decoder contexts, per-frame tables, thread
 * contexts), and glibc's malloc gives large blocks back to the kernel when
 * they are freed (blocks above its mmap threshold, which starts at 128 KiB,
 * and the top of the heap above its trim threshold), so that every new
 * decoder faults them in again. gst_layered_malloc_tune() sets glibc's
 * mallopt() parameters so that such memory is kept and reused instead:
 *
 * * `mmap-threshold` (M_MMAP_THRESHOLD): blocks up to this size come from
 *   the heap, not from a mapping of their own; default 32 MiB, the largest
 *   glibc accepts on 64-bit systems. Setting it also stops glibc from
 *   moving the threshold by itself.
 * * `trim-threshold` (M_TRIM_THRESHOLD): free memory at the top of the heap
 *   is given back to the kernel only above this; default 256 MiB.
 * * `top-pad` (M_TOP_PAD) and `arena-max` (M_ARENA_MAX): left alone unless
 *   given (0 leaves a parameter alone).
 *
 * This is process-wide and stays in force: glibc cannot report or restore
 * its previous values. Its cost is resident memory: freed memory up to the
 * trim threshold stays in the process, reused by the next allocations.
 * With another malloc (tcmalloc, jemalloc through LD_PRELOAD) or another C
 * library, nothing is changed.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlayeredmalloc.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

GST_DEBUG_CATEGORY_STATIC (gst_layered_malloc_debug);
#define GST_CAT_DEFAULT gst_layered_malloc_debug

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_layered_malloc_debug, "layeredmalloc", 0,
        "malloc tuning of the layered memory library");
    g_once_init_leave (&done, 1);
  }
}

#define DEFAULT_MMAP_THRESHOLD  (32 * 1024 * 1024)
#define DEFAULT_TRIM_THRESHOLD  (256 * 1024 * 1024)

G_LOCK_DEFINE_STATIC (tuning);
static GstStructure *applied;

static guint64
setting (const GstStructure * settings, const gchar * name, guint64 def)
{
  guint64 v64;
  guint v;

  if (settings == NULL || !gst_structure_has_field (settings, name))
    return def;
  if (gst_structure_get_uint64 (settings, name, &v64))
    return v64;
  if (gst_structure_get_uint (settings, name, &v))
    return v;
  GST_WARNING ("malloc tuning: %s is not a number, using %" G_GUINT64_FORMAT,
      name, def);
  return def;
}

/**
 * gst_layered_malloc_tune:
 * @settings: (nullable): #guint64 (or #guint) fields `mmap-threshold`,
 *   `trim-threshold`, `top-pad`, `arena-max`; missing ones take their
 *   defaults, 0 leaves a parameter alone; %NULL for all the defaults
 *
 * Sets glibc's malloc parameters so that memory allocated with malloc
 * (by codec libraries, GLib, GStreamer itself) is kept and reused rather
 * than given back to the kernel and faulted in again. See the section
 * documentation for the parameters, their defaults and their cost.
 *
 * Returns: (transfer full) (nullable): what was set, a structure named
 * `layered-malloc-tuning` with a #guint64 field per parameter set, or
 * %NULL if this is not glibc's malloc or it accepted none of them.
 */
GstStructure *
gst_layered_malloc_tune (const GstStructure * settings)
{
#ifdef __GLIBC__
  static const struct
  {
    const gchar *name;
    int param;
    guint64 def;
  } params[] = {
    {"mmap-threshold", M_MMAP_THRESHOLD, DEFAULT_MMAP_THRESHOLD},
    {"trim-threshold", M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD},
    {"top-pad", M_TOP_PAD, 0},
    {"arena-max", M_ARENA_MAX, 0},
  };
  GstStructure *done = gst_structure_new_empty ("layered-malloc-tuning");
  guint i;

  ensure_debug_category ();
  G_LOCK (tuning);
  for (i = 0; i < G_N_ELEMENTS (params); i++) {
    guint64 v = setting (settings, params[i].name, params[i].def);

    if (v == 0)
      continue;
    if (v > G_MAXINT || mallopt (params[i].param, (int) v) != 1) {
      GST_WARNING ("malloc tuning: %s=%" G_GUINT64_FORMAT " not accepted",
          params[i].name, v);
      continue;
    }
    gst_structure_set (done, params[i].name, G_TYPE_UINT64, v, NULL);
  }
  if (gst_structure_n_fields (done) == 0) {
    gst_structure_free (done);
    done = NULL;
  } else {
    if (applied)
      gst_structure_free (applied);
    applied = gst_structure_copy (done);
    GST_INFO ("malloc tuned: %" GST_PTR_FORMAT, done);
  }
  G_UNLOCK (tuning);

  return done;
#else
  ensure_debug_category ();
  GST_INFO ("not glibc's malloc: nothing tuned");
  return NULL;
#endif
}

/**
 * gst_layered_malloc_get_tuning:
 *
 * Returns: (transfer full) (nullable): what the last successful
 * gst_layered_malloc_tune() in this process set, or %NULL if none did.
 */
GstStructure *
gst_layered_malloc_get_tuning (void)
{
  GstStructure *s;

  G_LOCK (tuning);
  s = applied ? gst_structure_copy (applied) : NULL;
  G_UNLOCK (tuning);

  return s;
}
