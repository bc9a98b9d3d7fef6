/* gst-reuse: GstLayeredAllocator statistics and leak reports
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

/* The statistics and leak-report structures built from the arena, their
 * readable form, and posting them on a bus. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlayeredallocator.h"
#include "gstlayeredallocator-private.h"
#include "gstlayeredarena.h"
#include "gstlayeredlock.h"

/**
 * gst_layered_allocator_get_stats:
 *
 * Returns: (transfer full): a snapshot, a #GstStructure named
 * `layered-allocator-stats` with the #guint64 fields `allocations`,
 * `frees`, `pool-hits` (allocations served from cached memory),
 * `system-allocations` (chunks mapped, and oversized and passed-through
 * memory), `system-frees`, `oversized`, `pass-through` (memory from the
 * system allocator because the cap is too small to cache its size),
 * `trims` (chunks given back as idle or over the cap), `bytes-in-use` (in blocks handed out, by class size),
 * `peak-bytes-in-use`, `bytes-cached` and `bytes-mapped`; the #gdouble
 * `hit-rate` (pool-hits / allocations, 0 before any allocation); and
 * `classes`, a list of `class` structures, one per size class ever used,
 * with `block-size`, `exact` (a frame class), `allocations`, `pool-hits`,
 * `blocks-in-use`, `blocks-cached` and `chunks`.
 */
GstStructure *
gst_layered_allocator_get_stats (GstLayeredAllocator * allocator)
{
  GstLayeredArenaStats s;
  GstStructure *st;
  GArray *classes;
  GValue list = G_VALUE_INIT;
  guint i;

  g_return_val_if_fail (GST_IS_LAYERED_ALLOCATOR (allocator), NULL);

  gst_layered_arena_get_stats (allocator->arena, &s);
  st = gst_structure_new ("layered-allocator-stats",
      "allocations", G_TYPE_UINT64, s.allocations,
      "frees", G_TYPE_UINT64, s.frees,
      "pool-hits", G_TYPE_UINT64, s.pool_hits,
      "system-allocations", G_TYPE_UINT64, s.system_allocations,
      "system-frees", G_TYPE_UINT64, s.system_frees,
      "oversized", G_TYPE_UINT64, s.oversized,
      "pass-through", G_TYPE_UINT64, s.pass_through,
      "trims", G_TYPE_UINT64, s.trims,
      "bytes-in-use", G_TYPE_UINT64, s.bytes_in_use,
      "peak-bytes-in-use", G_TYPE_UINT64, s.peak_bytes_in_use,
      "bytes-cached", G_TYPE_UINT64, s.bytes_cached,
      "bytes-mapped", G_TYPE_UINT64, s.bytes_mapped,
      "hit-rate", G_TYPE_DOUBLE, s.allocations ?
      (gdouble) s.pool_hits / s.allocations : 0.0, NULL);

  g_value_init (&list, GST_TYPE_LIST);
  classes = gst_layered_arena_get_class_stats (allocator->arena);
  for (i = 0; i < classes->len; i++) {
    GstLayeredArenaClassStats *c =
        &g_array_index (classes, GstLayeredArenaClassStats, i);
    GValue v = G_VALUE_INIT;

    g_value_init (&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&v, gst_structure_new ("class",
            "block-size", G_TYPE_UINT64, (guint64) c->block_size,
            "exact", G_TYPE_BOOLEAN, c->exact,
            "allocations", G_TYPE_UINT64, c->allocations,
            "pool-hits", G_TYPE_UINT64, c->pool_hits,
            "blocks-in-use", G_TYPE_UINT64, c->blocks_in_use,
            "blocks-cached", G_TYPE_UINT64, c->blocks_cached,
            "chunks", G_TYPE_UINT64, c->chunks, NULL));
    gst_value_list_append_and_take_value (&list, &v);
  }
  g_array_unref (classes);
  gst_structure_take_value (st, "classes", &list);

  return st;
}

/**
 * gst_layered_allocator_get_leaks:
 *
 * What is still in use, for a leak report (memory holds a reference on
 * its allocator, so ask before the end rather than waiting for it to be
 * finalized).
 *
 * Returns: (transfer full): a #GstStructure named `layered-allocator-leaks`
 * with #guint64 `blocks` and `bytes`, `classes` (a list of `class`
 * structures with `block-size`, `blocks` and `bytes`, for the classes with
 * blocks in use), and, when #GstLayeredAllocator:backtraces was on while
 * they were allocated, `backtraces`, a list of strings, one per memory.
 */
GstStructure *
gst_layered_allocator_get_leaks (GstLayeredAllocator * allocator)
{
  GValue list = G_VALUE_INIT;
  GstStructure *st;
  GArray *classes;
  guint64 blocks = 0, bytes = 0;
  GstLayeredArenaStats s;
  guint i;

  g_return_val_if_fail (GST_IS_LAYERED_ALLOCATOR (allocator), NULL);

  g_value_init (&list, GST_TYPE_LIST);
  classes = gst_layered_arena_get_class_stats (allocator->arena);
  for (i = 0; i < classes->len; i++) {
    GstLayeredArenaClassStats *c =
        &g_array_index (classes, GstLayeredArenaClassStats, i);
    GValue v = G_VALUE_INIT;

    if (c->blocks_in_use == 0)
      continue;
    blocks += c->blocks_in_use;
    bytes += c->blocks_in_use * c->block_size;
    g_value_init (&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&v, gst_structure_new ("class",
            "block-size", G_TYPE_UINT64, (guint64) c->block_size,
            "blocks", G_TYPE_UINT64, c->blocks_in_use,
            "bytes", G_TYPE_UINT64, c->blocks_in_use * c->block_size, NULL));
    gst_value_list_append_and_take_value (&list, &v);
  }
  g_array_unref (classes);

  /* oversized and passed-through memory is in use too */
  gst_layered_arena_get_stats (allocator->arena, &s);
  if (s.oversized_in_use + s.pass_through_in_use > 0) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&v, gst_structure_new ("class",
            "block-size", G_TYPE_UINT64, G_GUINT64_CONSTANT (0),
            "blocks", G_TYPE_UINT64,
            s.oversized_in_use + s.pass_through_in_use,
            "bytes", G_TYPE_UINT64, s.bytes_in_use - bytes, NULL));
    gst_value_list_append_and_take_value (&list, &v);
    blocks += s.oversized_in_use + s.pass_through_in_use;
    bytes = s.bytes_in_use;
  }

  st = gst_structure_new ("layered-allocator-leaks",
      "blocks", G_TYPE_UINT64, blocks, "bytes", G_TYPE_UINT64, bytes, NULL);
  gst_structure_take_value (st, "classes", &list);

  gst_layered_lock (&allocator->traces_lock);
  if (allocator->traces && g_hash_table_size (allocator->traces) > 0) {
    GValue traces = G_VALUE_INIT;
    GHashTableIter iter;
    gpointer trace;

    g_value_init (&traces, GST_TYPE_LIST);
    g_hash_table_iter_init (&iter, allocator->traces);
    while (g_hash_table_iter_next (&iter, NULL, &trace)) {
      GValue v = G_VALUE_INIT;

      g_value_init (&v, G_TYPE_STRING);
      g_value_set_string (&v, trace);
      gst_value_list_append_and_take_value (&traces, &v);
    }
    gst_structure_take_value (st, "backtraces", &traces);
  }
  gst_layered_unlock (&allocator->traces_lock);

  return st;
}

/**
 * gst_layered_allocator_leak_report:
 *
 * Returns: (transfer full): a readable report of what is still in use,
 * one line per size class (with the backtraces, when recorded), or "no
 * memory in use".
 */
gchar *
gst_layered_allocator_leak_report (GstLayeredAllocator * allocator)
{
  GstStructure *leaks = gst_layered_allocator_get_leaks (allocator);
  const GValue *classes, *traces;
  GString *s = g_string_new (NULL);
  guint64 blocks, bytes;
  guint i;

  gst_structure_get (leaks, "blocks", G_TYPE_UINT64, &blocks,
      "bytes", G_TYPE_UINT64, &bytes, NULL);
  if (bytes == 0) {
    gst_structure_free (leaks);
    g_string_append (s, "no memory in use");
    return g_string_free (s, FALSE);
  }

  g_string_append_printf (s, "%" G_GUINT64_FORMAT " bytes in use:", bytes);
  classes = gst_structure_get_value (leaks, "classes");
  for (i = 0; i < gst_value_list_get_size (classes); i++) {
    const GstStructure *c =
        gst_value_get_structure (gst_value_list_get_value (classes, i));
    guint64 size, n, b;

    gst_structure_get (c, "block-size", G_TYPE_UINT64, &size,
        "blocks", G_TYPE_UINT64, &n, "bytes", G_TYPE_UINT64, &b, NULL);
    if (size)
      g_string_append_printf (s, "\n  %" G_GUINT64_FORMAT " block(s) of "
          "class %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " bytes)", n,
          size, b);
    else
      g_string_append_printf (s, "\n  %" G_GUINT64_FORMAT " block(s) "
          "straight from the system, oversized or not cached (%"
          G_GUINT64_FORMAT " bytes)", n, b);
  }
  traces = gst_structure_get_value (leaks, "backtraces");
  for (i = 0; traces && i < gst_value_list_get_size (traces); i++)
    g_string_append_printf (s, "\n  allocated at:\n%s",
        g_value_get_string (gst_value_list_get_value (traces, i)));

  gst_structure_free (leaks);
  return g_string_free (s, FALSE);
}

/**
 * gst_layered_allocator_post_stats:
 * @element: the element to post from, usually the pipeline
 *
 * Posts the statistics (as gst_layered_allocator_get_stats() returns them)
 * on @element's bus, as an element message whose structure is named
 * `layered-allocator-stats`, for applications that watch the bus.
 *
 * Returns: whether the message was posted (%FALSE if @element has no bus).
 */
gboolean
gst_layered_allocator_post_stats (GstLayeredAllocator * allocator,
    GstElement * element)
{
  g_return_val_if_fail (GST_IS_LAYERED_ALLOCATOR (allocator), FALSE);
  g_return_val_if_fail (GST_IS_ELEMENT (element), FALSE);

  return gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT (element),
          gst_layered_allocator_get_stats (allocator)));
}
