/* gst-reuse: the layeredmem tracer
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
 * SECTION:tracer-layeredmem
 * @title: layeredmem
 * @short_description: layered memory for a whole process, with reports
 *
 * Makes the layered allocator (#GstLayeredAllocator, registered as
 * "LayeredMemory") the default allocator of the process during gst_init(),
 * before any pipeline exists, so that every buffer pool and element that
 * does not ask for a particular allocator uses it: no code needed.
 *
 * |[
 * GST_TRACERS="layeredmem" gst-launch-1.0 videotestsrc num-buffers=100 ! fakesink
 * GST_TRACERS="layeredmem(max-size=256MiB,interval=1)" GST_DEBUG=layeredmem:4 gst-launch-1.0 videotestsrc num-buffers=100 ! fakesink
 * ]|
 *
 * Parameters, as `name=value` pairs separated by commas:
 *
 * * `max-size` (or `max-cached`): the cap on cached memory, in bytes or
 *   with a unit (`256MiB`, `1G`); default 512 MiB
 * * `align` (or `min-align`): the smallest alignment, a power of two from
 *   16 to 4096; default 64
 * * `prealloc`: `SIZE:COUNT` pairs to allocate and fault in at once,
 *   separated by `+` (or by commas inside quotes)
 * * `max-class-size`, `idle-level` (sizes), `idle-timeout` (seconds),
 *   `huge-pages`, `backtraces` (booleans, false by default): as the
 *   allocator's properties
 * * `huge-pages-min-size`: huge pages for size classes of this size and
 *   more (a size; default 0, off): as the allocator's property
 * * `malloc-tuning`: also tune glibc's malloc (gst_layered_malloc_tune()),
 *   so that what codec libraries allocate with malloc is kept and reused
 *   (boolean, default true): mmap threshold 32 MiB, trim threshold
 *   256 MiB, for the whole process; `malloc-tuning=false` leaves malloc
 *   alone
 * * `interval`: log the statistics every so many seconds (default 0: off)
 *
 * A parameter that is unknown or has a bad value is reported in one
 * warning and left at its default.
 *
 * The statistics go to the `GST_TRACER` category (level TRACE, so
 * `GST_DEBUG=GST_TRACER:7`) as `layeredmem-stats` records, and as readable
 * lines to the `layeredmem` category (INFO); with an interval they are also
 * posted on the bus of every top-level pipeline that is running (PAUSED or
 * PLAYING: a pipeline never started has a bus nobody reads), as element
 * messages named `layered-allocator-stats`, from the tracer's own thread
 * (a bus sync handler may do anything there, build pipelines included). At gst_deinit() (gst-launch-1.0 calls it) the
 * tracer logs the final statistics and a `layeredmem-leaks` record with
 * the memory still in use, per size class; if there is any, it also warns
 * on stderr.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstlayeredmemtracer.h"

#include <gst/layered/layered.h>

#include <math.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_layered_mem_tracer_debug);
#define GST_CAT_DEFAULT gst_layered_mem_tracer_debug

struct _GstLayeredMemTracer
{
  GstTracer parent;

  GstLayeredAllocator *allocator;
  gdouble interval;             /* seconds; 0: no periodic statistics */

  GMutex lock;
  GCond cond;
  gboolean stopping;            /* lock */
  GThread *thread;
  GPtrArray *pipelines;         /* lock: GWeakRef * of the pipelines */
};

#define gst_layered_mem_tracer_parent_class parent_class
G_DEFINE_TYPE (GstLayeredMemTracer, gst_layered_mem_tracer, GST_TYPE_TRACER);

/* what the tracer does when not told: decided by scripts/bench mem and
 * alloc (docs/layered.md) */
#define DEFAULT_MALLOC_TUNING           TRUE
#define DEFAULT_HUGE_PAGES_MIN_SIZE     0

static GstTracerRecord *tr_stats;
static GstTracerRecord *tr_leaks;

/* --- parameters ----------------------------------------------------------- */

/* A size: a number, or a number with a unit (k, M, G, with or without
 * "iB"/"B"; all binary). */
static gboolean
parse_size (const GValue * value, guint64 * out)
{
  const gchar *s;
  gchar *end;
  gdouble v;
  guint64 mult = 1;

  if (G_VALUE_HOLDS_INT (value) && g_value_get_int (value) >= 0) {
    *out = g_value_get_int (value);
    return TRUE;
  }
  if (G_VALUE_HOLDS_UINT (value)) {
    *out = g_value_get_uint (value);
    return TRUE;
  }
  if (G_VALUE_HOLDS_INT64 (value) && g_value_get_int64 (value) >= 0) {
    *out = g_value_get_int64 (value);
    return TRUE;
  }
  if (G_VALUE_HOLDS_UINT64 (value)) {
    *out = g_value_get_uint64 (value);
    return TRUE;
  }
  if (!G_VALUE_HOLDS_STRING (value) || !(s = g_value_get_string (value)))
    return FALSE;

  v = g_ascii_strtod (s, &end);
  if (end == s || v < 0 || !isfinite (v))
    return FALSE;
  switch (g_ascii_tolower (*end)) {
    case '\0':
      break;
    case 'k':
      mult = 1024;
      end++;
      break;
    case 'm':
      mult = 1024 * 1024;
      end++;
      break;
    case 'g':
      mult = 1024 * 1024 * 1024;
      end++;
      break;
    default:
      return FALSE;
  }
  if (mult > 1 && *end == 'i')
    end++;
  if (*end == 'B' || *end == 'b')
    end++;
  if (*end != '\0' || v * mult > (gdouble) G_MAXUINT64)
    return FALSE;
  *out = (guint64) (v * mult);
  return TRUE;
}

static gboolean
parse_double (const GValue * value, gdouble * out)
{
  GValue d = G_VALUE_INIT;
  gboolean ok;

  g_value_init (&d, G_TYPE_DOUBLE);
  if (G_VALUE_HOLDS_STRING (value))
    ok = g_value_get_string (value) &&
        gst_value_deserialize (&d, g_value_get_string (value));
  else
    ok = g_value_transform (value, &d);
  if (ok)
    *out = g_value_get_double (&d);
  g_value_unset (&d);
  return ok && *out >= 0 && isfinite (*out);
}

static gboolean
parse_boolean (const GValue * value, gboolean * out)
{
  if (G_VALUE_HOLDS_BOOLEAN (value)) {
    *out = g_value_get_boolean (value);
    return TRUE;
  }
  if (G_VALUE_HOLDS_INT (value) && (g_value_get_int (value) == 0 ||
          g_value_get_int (value) == 1)) {
    *out = g_value_get_int (value);
    return TRUE;
  }
  return FALSE;
}

/* SIZE:COUNT pairs, separated by '+' or ','; normalised to commas. */
static gchar *
parse_prealloc (const GValue * value)
{
  gchar **pairs, **p;
  GString *out;
  const gchar *s;

  if (!G_VALUE_HOLDS_STRING (value) || !(s = g_value_get_string (value)))
    return NULL;

  out = g_string_new (NULL);
  pairs = g_strsplit_set (s, "+,", -1);
  for (p = pairs; *p; p++) {
    gchar **sc = g_strsplit (g_strstrip (*p), ":", 2);
    GValue v = G_VALUE_INIT;
    guint64 size = 0, count;
    gchar *end;
    gboolean ok = sc[0] && sc[1];

    if (ok) {
      g_value_init (&v, G_TYPE_STRING);
      g_value_set_string (&v, sc[0]);
      ok = parse_size (&v, &size) && size > 0;
      g_value_unset (&v);
      count = g_ascii_strtoull (sc[1], &end, 10);
      ok = ok && end != sc[1] && *end == '\0' && count > 0 && count < 100000;
    }
    if (ok)
      g_string_append_printf (out, "%s%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT,
          out->len ? "," : "", size, count);
    g_strfreev (sc);
    if (!ok) {
      g_strfreev (pairs);
      g_string_free (out, TRUE);
      return NULL;
    }
  }
  g_strfreev (pairs);
  return g_string_free (out, FALSE);
}

typedef struct
{
  GstLayeredMemTracer *self;
  GstStructure *config;         /* for the allocator */
  GString *problems;
} Params;

static void
problem (Params * p, const gchar * name, const GValue * value,
    const gchar * why)
{
  gchar *v = value ? gst_value_serialize (value) : NULL;

  if (p->problems->len)
    g_string_append (p->problems, "; ");
  if (v)
    g_string_append_printf (p->problems, "%s=%s: %s", name, v, why);
  else
    g_string_append_printf (p->problems, "%s: %s", name, why);
  g_free (v);
}

static gboolean
take_param (GQuark field, const GValue * value, gpointer user_data)
{
  Params *p = user_data;
  const gchar *name = g_quark_to_string (field);
  guint64 size;
  gdouble d;
  gboolean b;

  if (!strcmp (name, "max-size") || !strcmp (name, "max-cached") ||
      !strcmp (name, "idle-level") || !strcmp (name, "max-class-size") ||
      !strcmp (name, "huge-pages-min-size")) {
    const gchar *prop = strcmp (name, "max-size") ? name : "max-cached";

    if (!parse_size (value, &size))
      problem (p, name, value, "not a size");
    else if (!strcmp (prop, "max-class-size") && size < 1024 * 1024)
      problem (p, name, value, "below 1 MiB");
    else
      gst_structure_set (p->config, prop, G_TYPE_UINT64, size, NULL);
  } else if (!strcmp (name, "align") || !strcmp (name, "min-align")) {
    if (!parse_size (value, &size) || size < 16 || size > 4096 ||
        (size & (size - 1)) != 0)
      problem (p, name, value, "not a power of two from 16 to 4096");
    else
      gst_structure_set (p->config, "min-align", G_TYPE_UINT, (guint) size,
          NULL);
  } else if (!strcmp (name, "idle-timeout")) {
    if (!parse_double (value, &d) || d > 1e9)
      problem (p, name, value, "not a number of seconds");
    else
      gst_structure_set (p->config, name, G_TYPE_UINT64,
          (guint64) (d * GST_SECOND), NULL);
  } else if (!strcmp (name, "huge-pages") || !strcmp (name, "backtraces")
      || !strcmp (name, "malloc-tuning")) {
    if (!parse_boolean (value, &b))
      problem (p, name, value, "not true or false");
    else
      gst_structure_set (p->config, name, G_TYPE_BOOLEAN, b, NULL);
  } else if (!strcmp (name, "prealloc")) {
    gchar *spec = parse_prealloc (value);

    if (spec == NULL)
      problem (p, name, value, "not SIZE:COUNT pairs");
    else
      gst_structure_set (p->config, name, G_TYPE_STRING, spec, NULL);
    g_free (spec);
  } else if (!strcmp (name, "interval")) {
    if (!parse_double (value, &d) || d > 86400)
      problem (p, name, value, "not a number of seconds");
    else
      p->self->interval = d;
  } else {
    problem (p, name, NULL, "unknown");
  }
  return TRUE;
}

/* Reads the "params" property; returns the allocator's config. Bad
 * parameters make one warning and keep their defaults. */
static GstStructure *
read_params (GstLayeredMemTracer * self)
{
  Params p = { self, gst_structure_new_empty ("layered"), g_string_new (NULL)
  };
  gchar *params = NULL;

  g_object_get (self, "params", &params, NULL);
  if (params && *g_strstrip (params)) {
    gchar *text = g_strdup_printf ("layeredmem,%s", params);
    GstStructure *st = gst_structure_from_string (text, NULL);

    if (st == NULL) {
      g_string_append_printf (p.problems, "cannot read \"%s\" as name=value "
          "pairs separated by commas", params);
    } else {
      gst_structure_foreach (st, take_param, &p);
      gst_structure_free (st);
    }
    g_free (text);
  }

  if (p.problems->len) {
    GST_WARNING_OBJECT (self, "bad parameters: %s", p.problems->str);
    g_warning ("layeredmem: %s; using the defaults for these. Parameters: "
        "max-size, align, prealloc, max-class-size, idle-level, "
        "idle-timeout, huge-pages, huge-pages-min-size, malloc-tuning, "
        "backtraces, interval.", p.problems->str);
  }
  g_string_free (p.problems, TRUE);
  g_free (params);

  /* the tracer's defaults, where they differ from the library's */
  if (!gst_structure_has_field (p.config, "malloc-tuning"))
    gst_structure_set (p.config, "malloc-tuning", G_TYPE_BOOLEAN,
        DEFAULT_MALLOC_TUNING, NULL);
  if (!gst_structure_has_field (p.config, "huge-pages-min-size"))
    gst_structure_set (p.config, "huge-pages-min-size", G_TYPE_UINT64,
        (guint64) DEFAULT_HUGE_PAGES_MIN_SIZE, NULL);

  return p.config;
}

/* --- reports -------------------------------------------------------------- */

static void
log_stats (GstLayeredMemTracer * self, const gchar * when)
{
  GstStructure *s = gst_layered_allocator_get_stats (self->allocator);
  guint64 allocs = 0, frees = 0, hits = 0, sys = 0, sys_frees = 0, trims = 0,
      oversized = 0, in_use = 0, peak = 0, cached = 0, mapped = 0;
  gdouble hit_rate = 0;

  gst_structure_get (s, "allocations", G_TYPE_UINT64, &allocs,
      "frees", G_TYPE_UINT64, &frees, "pool-hits", G_TYPE_UINT64, &hits,
      "hit-rate", G_TYPE_DOUBLE, &hit_rate,
      "system-allocations", G_TYPE_UINT64, &sys,
      "system-frees", G_TYPE_UINT64, &sys_frees,
      "trims", G_TYPE_UINT64, &trims, "oversized", G_TYPE_UINT64, &oversized,
      "bytes-in-use", G_TYPE_UINT64, &in_use,
      "peak-bytes-in-use", G_TYPE_UINT64, &peak,
      "bytes-cached", G_TYPE_UINT64, &cached,
      "bytes-mapped", G_TYPE_UINT64, &mapped, NULL);

  gst_tracer_record_log (tr_stats, gst_util_get_timestamp (), allocs, frees,
      hits, hit_rate, sys, sys_frees, trims, oversized, in_use, peak, cached,
      mapped);
  GST_INFO_OBJECT (self, "%s: %" G_GUINT64_FORMAT " allocations, %.1f%% "
      "from the cache, %" G_GUINT64_FORMAT " from the system (%"
      G_GUINT64_FORMAT " over max-class-size); %.1f MiB in use (peak %.1f "
      "MiB), %.1f MiB cached, %.1f MiB mapped, %" G_GUINT64_FORMAT
      " chunks given back", when, allocs, hit_rate * 100, sys, oversized,
      in_use / 1048576.0, peak / 1048576.0, cached / 1048576.0,
      mapped / 1048576.0, sys_frees);
  gst_structure_free (s);
}

/* Whether someone is likely to read @pipeline's bus: a top-level pipeline
 * that runs (PAUSED or PLAYING, or on its way there). A pipeline that was
 * never started has a bus that nobody reads and that never flushes: what
 * is posted there piles up. */
static gboolean
pipeline_is_running (GstElement * pipeline)
{
  gboolean running;

  GST_OBJECT_LOCK (pipeline);
  running = GST_OBJECT_PARENT (pipeline) == NULL &&
      (GST_STATE (pipeline) >= GST_STATE_PAUSED ||
      GST_STATE_PENDING (pipeline) >= GST_STATE_PAUSED);
  GST_OBJECT_UNLOCK (pipeline);
  return running;
}

static void
post_stats (GstLayeredMemTracer * self)
{
  GPtrArray *alive = g_ptr_array_new_with_free_func (gst_object_unref);
  guint i;

  /* only what is needed under the lock: posting runs the buses' sync
   * handlers, which may create elements, and so call our hook */
  g_mutex_lock (&self->lock);
  for (i = 0; i < self->pipelines->len;) {
    GstElement *pipeline = g_weak_ref_get (self->pipelines->pdata[i]);

    if (pipeline == NULL) {
      g_ptr_array_remove_index_fast (self->pipelines, i);
      continue;
    }
    g_ptr_array_add (alive, pipeline);
    i++;
  }
  g_mutex_unlock (&self->lock);

  for (i = 0; i < alive->len; i++) {
    GstElement *pipeline = g_ptr_array_index (alive, i);

    if (pipeline_is_running (pipeline))
      gst_layered_allocator_post_stats (self->allocator, pipeline);
  }
  /* the last references may go here, outside the lock too */
  g_ptr_array_unref (alive);
}

static gpointer
periodic (gpointer data)
{
  GstLayeredMemTracer *self = data;
  gint64 period = (gint64) (self->interval * G_USEC_PER_SEC);
  gint64 next = g_get_monotonic_time () + MAX (period, 1000);

  g_mutex_lock (&self->lock);
  while (!self->stopping) {
    if (g_cond_wait_until (&self->cond, &self->lock, next))
      continue;
    if (self->stopping)
      break;
    g_mutex_unlock (&self->lock);
    log_stats (self, "statistics");
    post_stats (self);
    g_mutex_lock (&self->lock);
    next += MAX (period, 1000);
  }
  g_mutex_unlock (&self->lock);
  return NULL;
}

static void
free_weak_ref (gpointer ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

/* The hook keeps the tracer alive until gst_deinit() (tracers without one
 * are dropped at once), and finds the pipelines to post statistics to. It
 * may run in any thread, bus sync handlers called from post_stats()
 * included: the lock is never held while calling out. */
static void
do_element_new (GstTracer * tracer, GstClockTime ts, GstElement * element)
{
  GstLayeredMemTracer *self = GST_LAYERED_MEM_TRACER (tracer);
  GWeakRef *ref;

  if (self->interval <= 0 || !GST_IS_PIPELINE (element))
    return;
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, element);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->pipelines, ref);
  g_mutex_unlock (&self->lock);
}

/* --- object --------------------------------------------------------------- */

static void
gst_layered_mem_tracer_constructed (GObject * object)
{
  GstLayeredMemTracer *self = GST_LAYERED_MEM_TRACER (object);
  GstStructure *config, *tuning;

  G_OBJECT_CLASS (parent_class)->constructed (object);

  config = read_params (self);
  self->allocator = GST_LAYERED_ALLOCATOR (gst_layered_memory_init (config));
  GST_INFO_OBJECT (self, "layered memory is the default allocator: %"
      GST_PTR_FORMAT, config);
  gst_structure_free (config);
  tuning = gst_layered_malloc_get_tuning ();
  if (tuning)
    GST_INFO_OBJECT (self, "malloc tuning: %" GST_PTR_FORMAT, tuning);
  else
    GST_INFO_OBJECT (self, "malloc tuning: none");
  g_clear_pointer (&tuning, gst_structure_free);

  gst_tracing_register_hook (GST_TRACER (self), "element-new",
      G_CALLBACK (do_element_new));

  if (self->interval > 0)
    self->thread = g_thread_new ("layeredmem", periodic, self);
}

static void
gst_layered_mem_tracer_finalize (GObject * object)
{
  GstLayeredMemTracer *self = GST_LAYERED_MEM_TRACER (object);
  GstStructure *leaks;
  guint64 blocks = 0, bytes = 0;

  if (self->thread) {
    g_mutex_lock (&self->lock);
    self->stopping = TRUE;
    g_cond_signal (&self->cond);
    g_mutex_unlock (&self->lock);
    g_thread_join (self->thread);
  }

  /* gst_deinit(): the final report */
  log_stats (self, "final statistics");
  leaks = gst_layered_allocator_get_leaks (self->allocator);
  gst_structure_get (leaks, "blocks", G_TYPE_UINT64, &blocks,
      "bytes", G_TYPE_UINT64, &bytes, NULL);
  gst_tracer_record_log (tr_leaks, gst_util_get_timestamp (), blocks, bytes,
      leaks);
  if (bytes > 0) {
    gchar *report = gst_layered_allocator_leak_report (self->allocator);

    GST_WARNING_OBJECT (self, "memory still in use at exit: %s", report);
    g_warning ("layeredmem: %" G_GUINT64_FORMAT " memories (%"
        G_GUINT64_FORMAT " bytes) of layered memory still in use at exit; "
        "details with GST_DEBUG=layeredmem:2", blocks, bytes);
    g_free (report);
  } else {
    GST_INFO_OBJECT (self, "leak report: no memory in use");
  }
  gst_structure_free (leaks);

  gst_object_unref (self->allocator);
  g_ptr_array_unref (self->pipelines);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

#define STAT_FIELD(name, desc) \
  name, GST_TYPE_STRUCTURE, gst_structure_new ("value", \
      "type", G_TYPE_GTYPE, G_TYPE_UINT64, \
      "description", G_TYPE_STRING, desc, \
      "flags", GST_TYPE_TRACER_VALUE_FLAGS, GST_TRACER_VALUE_FLAGS_AGGREGATED, \
      NULL)

static void
gst_layered_mem_tracer_class_init (GstLayeredMemTracerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->constructed = gst_layered_mem_tracer_constructed;
  gobject_class->finalize = gst_layered_mem_tracer_finalize;

  GST_DEBUG_CATEGORY_INIT (gst_layered_mem_tracer_debug, "layeredmem", 0,
      "layered memory tracer");

  /* *INDENT-OFF* */
  tr_stats = gst_tracer_record_new ("layeredmem-stats.class",
      "ts", GST_TYPE_STRUCTURE, gst_structure_new ("value",
          "type", G_TYPE_GTYPE, G_TYPE_UINT64,
          "description", G_TYPE_STRING, "event ts",
          NULL),
      STAT_FIELD ("allocations", "memories allocated"),
      STAT_FIELD ("frees", "memories freed"),
      STAT_FIELD ("pool-hits", "allocations served from cached memory"),
      "hit-rate", GST_TYPE_STRUCTURE, gst_structure_new ("value",
          "type", G_TYPE_GTYPE, G_TYPE_DOUBLE,
          "description", G_TYPE_STRING, "pool-hits / allocations",
          "flags", GST_TYPE_TRACER_VALUE_FLAGS,
              GST_TRACER_VALUE_FLAGS_AGGREGATED,
          "min", G_TYPE_DOUBLE, 0.0,
          "max", G_TYPE_DOUBLE, 1.0,
          NULL),
      STAT_FIELD ("system-allocations", "chunks mapped from the system"),
      STAT_FIELD ("system-frees", "chunks given back to the system"),
      STAT_FIELD ("trims", "chunks given back as idle or over the cap"),
      STAT_FIELD ("oversized", "memories above max-class-size"),
      STAT_FIELD ("bytes-in-use", "bytes handed out"),
      STAT_FIELD ("peak-bytes-in-use", "highest bytes-in-use"),
      STAT_FIELD ("bytes-cached", "bytes mapped but not in use"),
      STAT_FIELD ("bytes-mapped", "bytes mapped from the system"),
      NULL);
  tr_leaks = gst_tracer_record_new ("layeredmem-leaks.class",
      "ts", GST_TYPE_STRUCTURE, gst_structure_new ("value",
          "type", G_TYPE_GTYPE, G_TYPE_UINT64,
          "description", G_TYPE_STRING, "event ts",
          NULL),
      "blocks", GST_TYPE_STRUCTURE, gst_structure_new ("value",
          "type", G_TYPE_GTYPE, G_TYPE_UINT64,
          "description", G_TYPE_STRING, "memories still in use",
          NULL),
      "bytes", GST_TYPE_STRUCTURE, gst_structure_new ("value",
          "type", G_TYPE_GTYPE, G_TYPE_UINT64,
          "description", G_TYPE_STRING, "bytes still in use",
          NULL),
      "detail", GST_TYPE_STRUCTURE, gst_structure_new ("value",
          "type", G_TYPE_GTYPE, GST_TYPE_STRUCTURE,
          "description", G_TYPE_STRING,
              "per size class (and backtraces, when recorded)",
          NULL),
      NULL);
  /* *INDENT-ON* */
  GST_OBJECT_FLAG_SET (tr_stats, GST_OBJECT_FLAG_MAY_BE_LEAKED);
  GST_OBJECT_FLAG_SET (tr_leaks, GST_OBJECT_FLAG_MAY_BE_LEAKED);
}

static void
gst_layered_mem_tracer_init (GstLayeredMemTracer * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->pipelines = g_ptr_array_new_with_free_func (free_weak_ref);
}
