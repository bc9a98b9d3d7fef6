/* gst-reuse: gst-reuse-batch: one pipeline run
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

/* Runs one pipeline description to its end in the calling thread, on the
 * public API: gst_parse_launch_full(), the pipeline's bus, state changes.
 *
 * Outputs: the "location" of every sink element of the description (not
 * the children of other elements' own bins). A filesink writes to a
 * temporary file beside its location (".NAME.batch-PID-N.part") that is
 * renamed to the location when the pipeline reached EOS, and removed
 * otherwise, so the location never holds a half-written file, not even
 * while the pipeline runs or after a crash. Other sinks with a location
 * (multifilesink, whose location is a pattern of numbered files) write in
 * place; when their pipeline fails, the files they wrote are removed.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "batchrun.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

/* how often the bus is looked at for a stop or a timeout */
#define POLL_INTERVAL (100 * GST_MSECOND)

typedef struct
{
  GstElement *element;
  gchar *location;              /* as the description gave it */
  gchar *temp;                  /* filesink: where it writes meanwhile */
  gboolean pattern;             /* numbered files, as multifilesink */
  gboolean has_index;           /* the element counts them in "index" */
  gint first_index;
  gboolean existed;             /* a file was at the location before */
  struct stat before;
} Output;

static gint temp_counter;

static void
output_free (Output * out)
{
  gst_object_unref (out->element);
  g_free (out->location);
  g_free (out->temp);
  g_free (out);
}

/**
 * batch_outcome_name:
 * @outcome: an outcome
 *
 * Returns: its name in reports.
 */
const gchar *
batch_outcome_name (BatchOutcome outcome)
{
  switch (outcome) {
    case BATCH_OUTCOME_DONE:
      return "done";
    case BATCH_OUTCOME_FAILED:
      return "failed";
    case BATCH_OUTCOME_TIMEOUT:
      return "timeout";
    case BATCH_OUTCOME_INTERRUPTED:
      return "interrupted";
    case BATCH_OUTCOME_NOT_RUN:
    default:
      return "not-run";
  }
}

/**
 * batch_run_clear:
 * @run: a run's results
 */
void
batch_run_clear (BatchRun * run)
{
  g_clear_pointer (&run->error, g_free);
  g_clear_pointer (&run->debug, g_free);
  g_clear_pointer (&run->cache_result, g_free);
  g_clear_pointer (&run->outputs, g_ptr_array_unref);
  memset (run, 0, sizeof (*run));
}

/**
 * batch_ctl_abandon_files:
 * @ctl: the run's control, locked
 *
 * Removes the temporary files of a run that the watchdog gives up on.
 */
void
batch_ctl_abandon_files (BatchRunCtl * ctl)
{
  guint i;

  for (i = 0; ctl->temps && i < ctl->temps->len; i++)
    g_unlink (g_ptr_array_index (ctl->temps, i));
}

/* @pattern with its printf conversion (%d, %05d, %u, %i) filled in with
 * @index; a copy of it if it has none */
static gchar *
format_index (const gchar * pattern, gint index)
{
  GString *out = g_string_new (NULL);
  const gchar *p = pattern;
  gboolean done = FALSE;

  while (*p != '\0') {
    if (*p == '%' && p[1] == '%') {
      g_string_append_c (out, '%');
      p += 2;
      continue;
    }
    if (*p == '%' && !done) {
      const gchar *q = p + 1;
      gboolean zero = FALSE;
      gint width = 0;

      if (*q == '0') {
        zero = TRUE;
        q++;
      }
      while (g_ascii_isdigit (*q))
        width = width * 10 + (*q++ - '0');
      while (*q == 'l' || *q == 'h')
        q++;
      if (*q == 'd' || *q == 'i' || *q == 'u') {
        if (zero)
          g_string_append_printf (out, "%0*d", width, index);
        else
          g_string_append_printf (out, "%*d", width, index);
        p = q + 1;
        done = TRUE;
        continue;
      }
    }
    g_string_append_c (out, *p++);
  }
  return g_string_free (out, FALSE);
}

static gboolean
is_description_bin (GstObject * parent)
{
  return parent != NULL && (G_OBJECT_TYPE (parent) == GST_TYPE_BIN
      || G_OBJECT_TYPE (parent) == GST_TYPE_PIPELINE);
}

static void
ctl_add_temp (BatchRunCtl * ctl, const gchar * path)
{
  g_mutex_lock (&ctl->lock);
  if (ctl->temps == NULL)
    ctl->temps = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (ctl->temps, g_strdup (path));
  g_mutex_unlock (&ctl->lock);
}

static void
ctl_forget_temps (BatchRunCtl * ctl)
{
  g_mutex_lock (&ctl->lock);
  if (ctl->temps)
    g_ptr_array_set_size (ctl->temps, 0);
  g_mutex_unlock (&ctl->lock);
}

/* Finds the outputs of @pipeline and points its filesinks at temporary
 * files. */
static GPtrArray *
collect_outputs (GstElement * pipeline, BatchRunCtl * ctl)
{
  GPtrArray *outputs = g_ptr_array_new_with_free_func ((GDestroyNotify)
      output_free);
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;
  gboolean done = FALSE;

  while (!done) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:{
        GstElement *e = g_value_get_object (&item);
        GstObject *parent = gst_object_get_parent (GST_OBJECT (e));
        GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
            (e), "location");
        GstElementFactory *factory = gst_element_get_factory (e);
        gchar *location = NULL;

        if (is_description_bin (parent)
            && GST_OBJECT_FLAG_IS_SET (e, GST_ELEMENT_FLAG_SINK)
            && pspec != NULL && pspec->value_type == G_TYPE_STRING
            && (pspec->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE)
          g_object_get (e, "location", &location, NULL);
        if (location != NULL && *location != '\0') {
          Output *out = g_new0 (Output, 1);
          GParamSpec *ispec;

          out->element = gst_object_ref (e);
          out->location = location;
          location = NULL;
          if (factory && g_str_equal (GST_OBJECT_NAME (factory), "filesink")) {
            gchar *dir = g_path_get_dirname (out->location);
            gchar *base = g_path_get_basename (out->location);
            gchar *name = g_strdup_printf (".%s.batch-%d-%d.part", base,
                (gint) getpid (), g_atomic_int_add (&temp_counter, 1));

            out->temp = g_build_filename (dir, name, NULL);
            g_object_set (e, "location", out->temp, NULL);
            ctl_add_temp (ctl, out->temp);
            g_free (dir);
            g_free (base);
            g_free (name);
          } else {
            out->pattern = strchr (out->location, '%') != NULL;
            ispec = g_object_class_find_property (G_OBJECT_GET_CLASS (e),
                "index");
            if (out->pattern && ispec && ispec->value_type == G_TYPE_INT) {
              out->has_index = TRUE;
              g_object_get (e, "index", &out->first_index, NULL);
            }
            if (!out->pattern)
              out->existed = g_stat (out->location, &out->before) == 0;
          }
          g_ptr_array_add (outputs, out);
        }
        g_free (location);
        if (parent)
          gst_object_unref (parent);
        g_value_reset (&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        g_ptr_array_set_size (outputs, 0);
        gst_iterator_resync (it);
        break;
      case GST_ITERATOR_ERROR:
      case GST_ITERATOR_DONE:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  return outputs;
}

static guint64
file_size (const gchar * path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

/* the files a pattern output wrote: [first, last) */
static void
pattern_range (Output * out, gint * first, gint * last)
{
  *first = out->has_index ? out->first_index : 0;
  *last = *first + 1;
  if (out->has_index)
    g_object_get (out->element, "index", last, NULL);
}

/* Moves the outputs of a finished pipeline into place; FALSE with @error
 * set if one cannot be. */
static gboolean
commit_outputs (GPtrArray * outputs, BatchRun * run, gchar ** error)
{
  guint i;
  gint j, first, last;

  run->outputs = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < outputs->len; i++) {
    Output *out = g_ptr_array_index (outputs, i);

    if (out->temp) {
      if (g_rename (out->temp, out->location) != 0) {
        *error = g_strdup_printf ("could not move the output into place "
            "(%s): %s", out->location, g_strerror (errno));
        return FALSE;
      }
      run->bytes_out += file_size (out->location);
      g_ptr_array_add (run->outputs, g_strdup (out->location));
    } else if (out->pattern) {
      pattern_range (out, &first, &last);
      for (j = first; j < last; j++) {
        gchar *path = format_index (out->location, j);

        if (g_file_test (path, G_FILE_TEST_EXISTS)) {
          run->bytes_out += file_size (path);
          g_ptr_array_add (run->outputs, path);
        } else {
          g_free (path);
        }
      }
    } else {
      run->bytes_out += file_size (out->location);
      g_ptr_array_add (run->outputs, g_strdup (out->location));
    }
  }
  return TRUE;
}

/* Removes what a pipeline that did not finish wrote. */
static void
discard_outputs (GPtrArray * outputs)
{
  guint i;
  gint j, first, last;
  GStatBuf st;

  for (i = 0; i < outputs->len; i++) {
    Output *out = g_ptr_array_index (outputs, i);

    if (out->temp) {
      g_unlink (out->temp);
    } else if (out->pattern) {
      pattern_range (out, &first, &last);
      for (j = first; j < last; j++) {
        gchar *path = format_index (out->location, j);

        g_unlink (path);
        g_free (path);
      }
    } else if (g_stat (out->location, &st) == 0 && (!out->existed
            || st.st_ino != out->before.st_ino
            || st.st_size != out->before.st_size
            || st.st_mtim.tv_sec != out->before.st_mtim.tv_sec
            || st.st_mtim.tv_nsec != out->before.st_mtim.tv_nsec)) {
      /* written by this run: a file that was there and is untouched is
       * not this run's output */
      g_unlink (out->location);
    }
  }
}

static void
take_error (GstMessage * msg, BatchRun * run)
{
  GError *err = NULL;
  gchar *dbg = NULL;

  gst_message_parse_error (msg, &err, &dbg);
  run->error = g_strdup (err->message);
  /* GStreamer's debug text names the element (its path) already */
  run->debug = dbg ? dbg : gst_object_get_path_string (GST_MESSAGE_SRC (msg));
  g_error_free (err);
}

static void
take_cachebin (GstMessage * msg, BatchRun * run)
{
  const GstStructure *s = gst_message_get_structure (msg);
  const gchar *result;

  if (s == NULL || !gst_structure_has_name (s, "cachebin"))
    return;
  result = gst_structure_get_string (s, "result");
  if (result == NULL)
    return;
  g_free (run->cache_result);
  run->cache_result = g_strdup (result);
  run->cache_bytes = 0;
  gst_structure_get_uint64 (s, "bytes", &run->cache_bytes);
  run->cache_messages++;
}

/* a state change that may block: the watchdog may give up on it */
static GstStateChangeReturn
blocking_set_state (GstElement * pipeline, GstState state,
    BatchRunCtl * ctl, gint64 deadline)
{
  GstStateChangeReturn ret;

  g_mutex_lock (&ctl->lock);
  ctl->blocking = TRUE;
  ctl->blocking_deadline = deadline;
  g_mutex_unlock (&ctl->lock);
  ret = gst_element_set_state (pipeline, state);
  g_mutex_lock (&ctl->lock);
  ctl->blocking = FALSE;
  g_mutex_unlock (&ctl->lock);
  return ret;
}

/* Waits for the end of the run: EOS, an error, the timeout or a stop. */
static void
wait_for_end (GstElement * pipeline, GstBus * bus, BatchRunCtl * ctl,
    gint64 start, BatchRun * run)
{
  while (run->outcome == BATCH_OUTCOME_NOT_RUN) {
    GstMessage *msg;
    gboolean stop;
    gint64 deadline;

    msg = gst_bus_timed_pop_filtered (bus, POLL_INTERVAL,
        GST_MESSAGE_ERROR | GST_MESSAGE_EOS | GST_MESSAGE_ELEMENT);
    if (msg != NULL) {
      switch (GST_MESSAGE_TYPE (msg)) {
        case GST_MESSAGE_ERROR:
          take_error (msg, run);
          run->outcome = BATCH_OUTCOME_FAILED;
          break;
        case GST_MESSAGE_EOS:
          if (GST_MESSAGE_SRC (msg) == GST_OBJECT (pipeline))
            run->outcome = BATCH_OUTCOME_DONE;
          break;
        case GST_MESSAGE_ELEMENT:
          take_cachebin (msg, run);
          break;
        default:
          break;
      }
      gst_message_unref (msg);
      continue;
    }
    g_mutex_lock (&ctl->lock);
    stop = ctl->stop;
    deadline = ctl->deadline;
    g_mutex_unlock (&ctl->lock);
    if (stop) {
      run->outcome = BATCH_OUTCOME_INTERRUPTED;
      run->error = g_strdup ("interrupted: the batch was stopped");
    } else if (deadline != 0 && g_get_monotonic_time () >= deadline) {
      run->outcome = BATCH_OUTCOME_TIMEOUT;
      run->error = g_strdup_printf ("timed out after %.1f s",
          (deadline - start) / (gdouble) G_USEC_PER_SEC);
    }
  }
}

/**
 * batch_run_pipeline:
 * @description: the pipeline, in gst-launch-1.0 syntax
 * @ctl: its control, shared with the watchdog
 * @run: (out caller-allocates): what it gave
 *
 * Runs @description to EOS, an error, the timeout in @ctl or a stop. If
 * the watchdog abandons the run meanwhile (ctl->abandoned), @run must be
 * ignored: its outputs were removed.
 */
void
batch_run_pipeline (const gchar * description, BatchRunCtl * ctl,
    BatchRun * run)
{
  GError *err = NULL;
  GstElement *element, *pipeline;
  GstBus *bus;
  GPtrArray *outputs;
  GstStateChangeReturn ret;
  gint64 start = g_get_monotonic_time (), deadline;
  gboolean abandoned;
  gchar *commit_error = NULL;

  memset (run, 0, sizeof (*run));
  element = gst_parse_launch_full (description, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &err);
  if (element == NULL) {
    run->outcome = BATCH_OUTCOME_FAILED;
    run->error = g_strdup (err ? err->message : "could not parse");
    run->debug = g_strdup_printf ("gst_parse_launch: %s", description);
    g_clear_error (&err);
    goto out;
  }
  g_clear_error (&err);
  if (GST_IS_PIPELINE (element)) {
    pipeline = element;
  } else {
    pipeline = gst_pipeline_new (NULL);
    gst_bin_add (GST_BIN (pipeline), element);
  }

  outputs = collect_outputs (pipeline, ctl);
  bus = gst_element_get_bus (pipeline);

  g_mutex_lock (&ctl->lock);
  deadline = ctl->deadline;
  g_mutex_unlock (&ctl->lock);
  ret = blocking_set_state (pipeline, GST_STATE_PLAYING, ctl, deadline);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    run->outcome = BATCH_OUTCOME_FAILED;
    if (msg) {
      take_error (msg, run);
      gst_message_unref (msg);
    } else {
      run->error = g_strdup ("the pipeline could not be started");
    }
  }
  wait_for_end (pipeline, bus, ctl, start, run);

  g_mutex_lock (&ctl->lock);
  deadline = g_get_monotonic_time () + ctl->stop_bound;
  g_mutex_unlock (&ctl->lock);
  blocking_set_state (pipeline, GST_STATE_NULL, ctl, deadline);
  gst_bus_set_flushing (bus, TRUE);

  g_mutex_lock (&ctl->lock);
  abandoned = ctl->abandoned;
  g_mutex_unlock (&ctl->lock);
  if (run->outcome == BATCH_OUTCOME_DONE && !abandoned
      && !commit_outputs (outputs, run, &commit_error)) {
    guint i;

    /* what was moved into place already is this failed run's output too */
    for (i = 0; i < run->outputs->len; i++)
      g_unlink (g_ptr_array_index (run->outputs, i));
    run->outcome = BATCH_OUTCOME_FAILED;
    run->error = commit_error;
    g_clear_pointer (&run->outputs, g_ptr_array_unref);
    run->bytes_out = 0;
  }
  if (run->outcome != BATCH_OUTCOME_DONE || abandoned)
    discard_outputs (outputs);
  ctl_forget_temps (ctl);

  g_ptr_array_unref (outputs);
  gst_object_unref (bus);
  gst_object_unref (pipeline);

out:
  run->seconds = (g_get_monotonic_time () - start) / (gdouble) G_USEC_PER_SEC;
}
