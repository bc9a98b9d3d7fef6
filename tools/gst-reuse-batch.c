/* gst-reuse: gst-reuse-batch, a pipeline template over many inputs in one process
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

/* gst-reuse-batch runs a gst-launch-1.0 style pipeline template over many
 * inputs in one warm process, with a bounded pool of worker threads. It is
 * written on the API any GStreamer application has: gst_parse_launch, a
 * bus per pipeline, state changes, a GMainLoop for the signals, the
 * progress line and the watchdog. docs/batch.md is its manual.
 *
 * Threads: each worker takes the next input, expands the template, runs
 * the pipeline to its end (batchrun.c) and, if it failed, the --on-error
 * template; the main thread counts, prints and watches. A state change
 * that never returns (filesrc opening a FIFO that no one writes to) is
 * abandoned by the watchdog after the timeout: its outputs are removed,
 * the input is reported, and a new worker takes its place.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "batchreport.h"
#include "batchrun.h"
#include "batchtemplate.h"

#ifdef HAVE_GST_LAYERED
#include <gst/layered/layered.h>
#endif

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#define EXIT_SOME_FAILED 1
#define EXIT_USAGE 2
#define WATCHDOG_INTERVAL_MS 100
#define DEFAULT_STOP_TIMEOUT 5.0

typedef struct
{
  guint index;                  /* from 1 */
  gchar *input;
  BatchRun run;
  BatchRun fallback;
  gboolean has_fallback;
  gboolean finished;
} Job;

typedef struct _App App;

typedef struct
{
  App *app;
  GThread *thread;
  BatchRunCtl ctl;
  Job *job;                     /* under ctl.lock */
  gboolean in_fallback;         /* under ctl.lock */
  gint64 run_start;             /* under ctl.lock */
} Worker;

struct _App
{
  /* options */
  gchar *tmpl;
  gchar *on_error;
  gchar *outdir;
  gchar *json;
  gint jobs;
  gdouble timeout;
  gdouble stop_timeout;
  gboolean no_layered;
  gboolean quiet;

  GPtrArray *all_jobs;

  GMutex lock;
  guint next_job;               /* under lock */
  GQueue fallbacks;             /* under lock: jobs whose fallback is due */
  gboolean stopping;            /* under lock */

  /* main thread only */
  GPtrArray *workers;
  guint live_workers;
  guint running_fallbacks;
  guint finished, done, failed, fallbacks_done;
  gint signum;
  gboolean abandoned_any;
  gboolean progress_tty;
  gint64 start;
  gint64 last_progress;
  GMainLoop *loop;
  GstAllocator *layered;
};

static gpointer worker_main (gpointer data);

/* --- the main thread: counting and printing ------------------------------ */

static const gchar *
signal_name (gint signum)
{
  return signum == SIGINT ? "SIGINT" : signum == SIGTERM ? "SIGTERM" :
      "a signal";
}

static gdouble
elapsed (App * app)
{
  return (g_get_monotonic_time () - app->start) / (gdouble) G_USEC_PER_SEC;
}

static void
print_progress (App * app, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  gdouble secs = elapsed (app), rate;
  guint total = app->all_jobs->len;
  gchar eta[32] = "--";

  if (!app->progress_tty || app->quiet)
    return;
  if (!force && now - app->last_progress < G_USEC_PER_SEC / 4)
    return;
  app->last_progress = now;
  rate = secs > 0 ? app->finished / secs : 0;
  if (rate > 0 && app->finished < total) {
    guint left = (guint) ((total - app->finished) / rate + 0.5);

    g_snprintf (eta, sizeof (eta), "%u:%02u", left / 60, left % 60);
  }
  fprintf (stderr, "\r\033[K%u/%u done, %u failed, %u running | %.2f/s | "
      "ETA %s", app->done, total, app->failed,
      app->live_workers > 0 ? MIN (app->live_workers,
          total - app->finished) : 0, rate, eta);
  fflush (stderr);
}

static void
clear_progress (App * app)
{
  if (app->progress_tty && !app->quiet) {
    fprintf (stderr, "\r\033[K");
    fflush (stderr);
  }
}

static void
report_failure (App * app, Job * job, const gchar * what, BatchRun * run)
{
  clear_progress (app);
  fprintf (stderr, "gst-reuse-batch: %s %u (%s): %s: %s\n", what,
      job->index, job->input, batch_outcome_name (run->outcome),
      run->error ? run->error : "");
  if (run->debug && *run->debug) {
    gchar **lines = g_strsplit (run->debug, "\n", -1), **l;

    for (l = lines; *l; l++)
      fprintf (stderr, "  %s\n", *l);
    g_strfreev (lines);
  }
}

static void
job_finished (App * app, Job * job)
{
  job->finished = TRUE;
  app->finished++;
  if (job->run.outcome == BATCH_OUTCOME_DONE) {
    app->done++;
  } else if (job->run.outcome != BATCH_OUTCOME_INTERRUPTED) {
    app->failed++;
    report_failure (app, job, "input", &job->run);
  }
  if (job->has_fallback) {
    if (job->fallback.outcome == BATCH_OUTCOME_DONE)
      app->fallbacks_done++;
    else
      report_failure (app, job, "fallback for input", &job->fallback);
  }
  if (!app->progress_tty && !app->quiet) {
    printf ("[%u/%u] %s %s (%.2f s)%s%s\n", app->finished,
        app->all_jobs->len, batch_outcome_name (job->run.outcome),
        job->input, job->run.seconds, job->has_fallback ? ", fallback " : "",
        job->has_fallback ? batch_outcome_name (job->fallback.outcome) : "");
    fflush (stdout);
  }
  print_progress (app, TRUE);
}

typedef struct
{
  App *app;
  Job *job;
  Worker *worker;
} Event;

static gboolean
on_job_finished (gpointer data)
{
  Event *ev = data;

  job_finished (ev->app, ev->job);
  g_free (ev);
  return G_SOURCE_REMOVE;
}

static void
maybe_quit (App * app)
{
  if (app->live_workers == 0)
    g_main_loop_quit (app->loop);
}

static Worker *
start_worker (App * app)
{
  Worker *w = g_new0 (Worker, 1);

  w->app = app;
  g_mutex_init (&w->ctl.lock);
  w->ctl.stop_bound = (gint64) (app->stop_timeout * G_USEC_PER_SEC);
  g_mutex_lock (&app->lock);
  w->ctl.stop = app->stopping;
  g_mutex_unlock (&app->lock);
  g_ptr_array_add (app->workers, w);
  app->live_workers++;
  w->thread = g_thread_new ("batch-worker", worker_main, w);
  return w;
}

static gboolean
on_worker_exited (gpointer data)
{
  Event *ev = data;
  App *app = ev->app;

  if (ev->worker->ctl.abandoned) {
    /* given up on by a second signal as it ended: not counted any more */
    g_free (ev);
    return G_SOURCE_REMOVE;
  }
  g_thread_join (ev->worker->thread);
  ev->worker->thread = NULL;
  g_ptr_array_remove (app->workers, ev->worker);
  g_mutex_clear (&ev->worker->ctl.lock);
  g_clear_pointer (&ev->worker->ctl.temps, g_ptr_array_unref);
  g_free (ev->worker);
  app->live_workers--;
  g_free (ev);
  maybe_quit (app);
  return G_SOURCE_REMOVE;
}

/* Gives up on a worker stuck in a state change: its run is reported as
 * timed out (or interrupted), its outputs removed, and a new worker takes
 * its place. Called with w->ctl.lock held. */
static void
abandon_worker (App * app, Worker * w, const gchar * why)
{
  Job *job = w->job;
  BatchRun *run;
  gboolean stopping, fallback_due = FALSE;

  w->ctl.abandoned = TRUE;
  batch_ctl_abandon_files (&w->ctl);
  app->abandoned_any = TRUE;
  g_mutex_lock (&app->lock);
  stopping = app->stopping;
  g_mutex_unlock (&app->lock);

  if (job != NULL) {
    run = w->in_fallback ? &job->fallback : &job->run;
    batch_run_clear (run);
    run->outcome = w->ctl.stop ? BATCH_OUTCOME_INTERRUPTED :
        BATCH_OUTCOME_TIMEOUT;
    run->error = g_strdup (why);
    run->seconds = (g_get_monotonic_time () - w->run_start) /
        (gdouble) G_USEC_PER_SEC;
    if (w->in_fallback)
      job->has_fallback = TRUE;
    else if (app->on_error && !stopping)
      fallback_due = TRUE;
  }
  /* the thread stays blocked, or ends on its own: it is not ours now */
  g_thread_unref (w->thread);
  w->thread = NULL;
  g_ptr_array_remove (app->workers, w);
  app->live_workers--;

  if (fallback_due) {
    g_mutex_lock (&app->lock);
    g_queue_push_tail (&app->fallbacks, job);
    g_mutex_unlock (&app->lock);
  } else if (job != NULL) {
    job_finished (app, job);
  }
  g_mutex_lock (&app->lock);
  if (!app->stopping && (app->next_job < app->all_jobs->len
          || !g_queue_is_empty (&app->fallbacks)))
    fallback_due = TRUE;
  else
    fallback_due = FALSE;
  g_mutex_unlock (&app->lock);
  if (fallback_due)
    start_worker (app);
}

static gboolean
watchdog (gpointer data)
{
  App *app = data;
  gint64 now = g_get_monotonic_time ();
  guint i;

  for (i = 0; i < app->workers->len;) {
    Worker *w = g_ptr_array_index (app->workers, i);
    gchar *why = NULL;

    g_mutex_lock (&w->ctl.lock);
    if (w->ctl.blocking && !w->ctl.abandoned) {
      if (w->ctl.stop && now - w->ctl.stop_time > w->ctl.stop_bound) {
        why = g_strdup_printf ("interrupted: the pipeline did not stop "
            "within %.1f s and was abandoned", app->stop_timeout);
      } else if (w->ctl.blocking_deadline != 0
          && now > w->ctl.blocking_deadline) {
        why = g_strdup_printf ("timed out: a state change did not return "
            "in time (timeout %.1f s, stop bound %.1f s); the pipeline was "
            "abandoned", app->timeout, app->stop_timeout);
      }
    }
    if (why) {
      Worker *gone = w;

      abandon_worker (app, w, why);
      g_mutex_unlock (&gone->ctl.lock);
      g_free (why);
      continue;                 /* w left app->workers */
    }
    g_mutex_unlock (&w->ctl.lock);
    i++;
  }
  print_progress (app, FALSE);
  maybe_quit (app);
  return G_SOURCE_CONTINUE;
}

static void
stop_all (App * app)
{
  guint i;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&app->lock);
  app->stopping = TRUE;
  g_mutex_unlock (&app->lock);
  for (i = 0; i < app->workers->len; i++) {
    Worker *w = g_ptr_array_index (app->workers, i);

    g_mutex_lock (&w->ctl.lock);
    if (!w->ctl.stop) {
      w->ctl.stop = TRUE;
      w->ctl.stop_time = now;
    }
    g_mutex_unlock (&w->ctl.lock);
  }
}

static gboolean
on_signal (gpointer data, gint signum)
{
  App *app = data;

  clear_progress (app);
  if (app->signum == 0) {
    app->signum = signum;
    fprintf (stderr, "gst-reuse-batch: %s: stopping (%u running, at most "
        "%.1f s; again to stop at once)\n", signal_name (signum),
        app->live_workers, app->stop_timeout);
    stop_all (app);
  } else {
    /* at once: give up on every running pipeline */
    while (app->workers->len > 0) {
      Worker *w = g_ptr_array_index (app->workers, 0);

      g_mutex_lock (&w->ctl.lock);
      abandon_worker (app, w, "interrupted: stopped at once by a second "
          "signal");
      g_mutex_unlock (&w->ctl.lock);
    }
    maybe_quit (app);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint (gpointer data)
{
  return on_signal (data, SIGINT);
}

static gboolean
on_sigterm (gpointer data)
{
  return on_signal (data, SIGTERM);
}

/* --- the workers ---------------------------------------------------------- */

/* Runs @tmpl for @job in @w; FALSE if the watchdog abandoned it. */
static gboolean
run_template (Worker * w, Job * job, const gchar * tmpl, gboolean fallback)
{
  App *app = w->app;
  BatchVars vars;
  BatchRun run;
  gchar *desc;
  GError *err = NULL;
  gboolean abandoned;

  g_mutex_lock (&w->ctl.lock);
  w->job = job;
  w->in_fallback = fallback;
  w->run_start = g_get_monotonic_time ();
  w->ctl.deadline = app->timeout > 0 ? g_get_monotonic_time () +
      (gint64) (app->timeout * G_USEC_PER_SEC) : 0;
  g_mutex_unlock (&w->ctl.lock);

  batch_vars_init (&vars, job->input, app->outdir, job->index);
  desc = batch_template_expand (tmpl, &vars, &err);
  batch_vars_clear (&vars);
  if (desc == NULL) {
    memset (&run, 0, sizeof (run));
    run.outcome = BATCH_OUTCOME_FAILED;
    run.error = g_strdup (err->message);
    run.debug = g_strdup ("the template could not be expanded for this "
        "input");
    g_clear_error (&err);
  } else {
    batch_run_pipeline (desc, &w->ctl, &run);
    g_free (desc);
  }

  g_mutex_lock (&w->ctl.lock);
  abandoned = w->ctl.abandoned;
  if (!abandoned) {
    if (fallback) {
      job->fallback = run;
      job->has_fallback = TRUE;
    } else {
      job->run = run;
    }
  }
  w->job = NULL;
  g_mutex_unlock (&w->ctl.lock);
  if (abandoned)
    batch_run_clear (&run);
  return !abandoned;
}

static void
post_finished (App * app, Job * job)
{
  Event *ev = g_new0 (Event, 1);

  ev->app = app;
  ev->job = job;
  g_main_context_invoke (NULL, on_job_finished, ev);
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  App *app = w->app;
  Event *ev;

  for (;;) {
    Job *job = NULL;
    gboolean fallback_only = FALSE, stop;

    g_mutex_lock (&app->lock);
    if (!app->stopping) {
      job = g_queue_pop_head (&app->fallbacks);
      if (job != NULL)
        fallback_only = TRUE;
      else if (app->next_job < app->all_jobs->len)
        job = g_ptr_array_index (app->all_jobs, app->next_job++);
    }
    g_mutex_unlock (&app->lock);
    if (job == NULL)
      break;

    if (!fallback_only && !run_template (w, job, app->tmpl, FALSE))
      return NULL;              /* abandoned: not ours to report */

    g_mutex_lock (&w->ctl.lock);
    stop = w->ctl.stop;
    g_mutex_unlock (&w->ctl.lock);
    if (app->on_error && !stop && (job->run.outcome == BATCH_OUTCOME_FAILED
            || job->run.outcome == BATCH_OUTCOME_TIMEOUT)) {
      if (!run_template (w, job, app->on_error, TRUE))
        return NULL;
    }
    post_finished (app, job);
  }

  ev = g_new0 (Event, 1);
  ev->app = app;
  ev->worker = w;
  g_main_context_invoke (NULL, on_worker_exited, ev);
  return NULL;
}

/* --- the report ----------------------------------------------------------- */

static gchar *
json_report (App * app, gdouble wall)
{
  GString *out = g_string_new ("{\n  \"version\": 1,\n  \"template\": ");
  guint i, counts[BATCH_OUTCOME_INTERRUPTED + 1] = { 0, };
  guint hits = 0, misses = 0, bypasses = 0, fb_failed = 0;
  guint64 bytes_out = 0, replayed = 0, stored = 0;

  batch_json_string (out, app->tmpl);
  g_string_append (out, ",\n  \"on-error\": ");
  batch_json_string (out, app->on_error);
  g_string_append (out, ",\n  \"outdir\": ");
  batch_json_string (out, app->outdir);
  g_string_append_printf (out, ",\n  \"jobs\": %d,\n  \"layered-memory\": "
      "%s,\n  \"timeout\": ", app->jobs, app->layered ? "true" : "false");
  g_string_append_printf (out, "%g", app->timeout);
  g_string_append (out, ",\n  \"interrupted\": ");
  batch_json_string (out, app->signum ? signal_name (app->signum) : NULL);
  g_string_append (out, ",\n  \"inputs\": [");

  for (i = 0; i < app->all_jobs->len; i++) {
    Job *job = g_ptr_array_index (app->all_jobs, i);
    BatchRun *runs[2] = { &job->run, job->has_fallback ? &job->fallback : NULL
    };
    guint r;

    counts[job->run.outcome]++;
    for (r = 0; r < 2 && runs[r]; r++) {
      bytes_out += runs[r]->bytes_out;
      if (runs[r]->cache_result == NULL)
        continue;
      if (g_str_equal (runs[r]->cache_result, "hit")) {
        hits++;
        replayed += runs[r]->cache_bytes;
      } else if (g_str_equal (runs[r]->cache_result, "miss")) {
        misses++;
        stored += runs[r]->cache_bytes;
      } else {
        bypasses++;
      }
    }
    if (job->has_fallback && job->fallback.outcome != BATCH_OUTCOME_DONE)
      fb_failed++;
    g_string_append_printf (out, "%s\n    {\"index\": %u, \"input\": ",
        i ? "," : "", job->index);
    batch_json_string (out, job->input);
    g_string_append (out, ", ");
    batch_json_run (out, &job->run);
    g_string_append (out, ", \"fallback\": ");
    if (job->has_fallback) {
      g_string_append_c (out, '{');
      batch_json_run (out, &job->fallback);
      g_string_append_c (out, '}');
    } else {
      g_string_append (out, "null");
    }
    g_string_append_c (out, '}');
  }

  g_string_append_printf (out, "\n  ],\n  \"totals\": {\"inputs\": %u, "
      "\"done\": %u, \"failed\": %u, \"timeout\": %u, \"interrupted\": %u, "
      "\"not-run\": %u, \"fallbacks-done\": %u, \"fallbacks-failed\": %u, "
      "\"wall-time\": ", app->all_jobs->len, counts[BATCH_OUTCOME_DONE],
      counts[BATCH_OUTCOME_FAILED], counts[BATCH_OUTCOME_TIMEOUT],
      counts[BATCH_OUTCOME_INTERRUPTED], counts[BATCH_OUTCOME_NOT_RUN],
      app->fallbacks_done, fb_failed);
  g_string_append_printf (out, "%.6f", wall);
  g_string_append_printf (out, ", \"bytes-out\": %" G_GUINT64_FORMAT
      ",\n    \"cachebin\": {\"hit\": %u, \"miss\": %u, \"bypass\": %u, "
      "\"bytes-replayed\": %" G_GUINT64_FORMAT ", \"bytes-stored\": %"
      G_GUINT64_FORMAT "},\n    \"layered-memory\": ", bytes_out, hits,
      misses, bypasses, replayed, stored);
#ifdef HAVE_GST_LAYERED
  if (app->layered) {
    GstStructure *stats =
        gst_layered_allocator_get_stats (GST_LAYERED_ALLOCATOR (app->layered));

    batch_json_structure (out, stats);
    gst_structure_free (stats);
  } else {
    g_string_append (out, "null");
  }
#else
  g_string_append (out, "null");
#endif
  g_string_append (out, "}\n}\n");
  return g_string_free (out, FALSE);
}

/* --- options and main ----------------------------------------------------- */

static const gchar summary[] =
    "Runs a gst-launch-1.0 style pipeline TEMPLATE once per INPUT, in one\n"
    "process, with up to N pipelines at a time.\n"
    "\n"
    "Placeholders in TEMPLATE: {input} (the input as given), {uri} (its\n"
    "file:// URI), {name} (its base name), {stem} (the base name without\n"
    "its extension), {outdir} (-o), {index} (its position, from 1); {{ and\n"
    "}} are literal braces. Values are escaped for gst-launch syntax, so\n"
    "file names with spaces and quotes need no care.\n"
    "\n"
    "Example:\n"
    "  gst-reuse-batch -o thumbs 'filesrc location={input} ! qtdemux ! "
    "h264parse ! avdec_h264 ! videoconvert ! videoscale ! "
    "video/x-raw,width=320,height=180 ! jpegenc snapshot=true ! filesink "
    "location={outdir}/{stem}.jpg' videos/*.mp4";

static const gchar description[] =
    "A failing input (missing, corrupt, a pipeline error, the timeout) never\n"
    "stops the batch: it is reported with GStreamer's error and debug text,\n"
    "the --on-error template runs for it, and what its pipeline wrote is\n"
    "removed (filesinks write to a temporary file that is renamed at EOS).\n"
    "SIGINT or SIGTERM stops the running pipelines (within --stop-timeout),\n"
    "removes their partial outputs and writes the report; a second one stops\n"
    "at once.\n"
    "\n"
    "EXIT STATUS\n"
    "  0 every input done; 1 some failed or timed out; 2 bad usage;\n"
    "  128+N stopped by signal N (130 for SIGINT, 143 for SIGTERM).\n"
    "\n" "See docs/batch.md for the JSON report's format.";

static gboolean
read_list (const gchar * path, GPtrArray * inputs, GError ** error)
{
  gchar *contents = NULL, **lines, **l;
  gsize len;

  if (g_str_equal (path, "-")) {
    GIOChannel *ch = g_io_channel_unix_new (STDIN_FILENO);

    g_io_channel_set_encoding (ch, NULL, NULL);
    if (g_io_channel_read_to_end (ch, &contents, &len, error) !=
        G_IO_STATUS_NORMAL) {
      g_io_channel_unref (ch);
      return FALSE;
    }
    g_io_channel_unref (ch);
  } else if (!g_file_get_contents (path, &contents, &len, error)) {
    return FALSE;
  }
  lines = g_strsplit (contents, "\n", -1);
  for (l = lines; *l; l++) {
    gsize n = strlen (*l);

    if (n > 0 && (*l)[n - 1] == '\r')
      (*l)[n - 1] = '\0';
    if (**l != '\0')
      g_ptr_array_add (inputs, g_strdup (*l));
  }
  g_strfreev (lines);
  g_free (contents);
  return TRUE;
}

static gint
usage_error (const gchar * msg)
{
  fprintf (stderr, "gst-reuse-batch: %s\n(see gst-reuse-batch --help)\n", msg);
  return EXIT_USAGE;
}

int
main (int argc, char **argv)
{
  App app = { 0, };
  gchar *from = NULL, **rest = NULL;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
    {"jobs", 'j', 0, G_OPTION_ARG_INT, &app.jobs,
        "Run N pipelines at a time (default: the number of cores)", "N"},
    {"outdir", 'o', 0, G_OPTION_ARG_FILENAME, &app.outdir,
          "The output directory, {outdir} (default: .; created if missing)",
        "DIR"},
    {"json", 0, 0, G_OPTION_ARG_FILENAME, &app.json,
        "Write a JSON report to FILE", "FILE"},
    {"on-error", 0, 0, G_OPTION_ARG_STRING, &app.on_error,
          "Run TEMPLATE for each input whose pipeline failed or timed out",
        "TEMPLATE"},
    {"from", 0, 0, G_OPTION_ARG_FILENAME, &from,
        "Read inputs from FILE, one per line (- for standard input), after "
          "those given as arguments", "FILE"},
    {"timeout", 't', 0, G_OPTION_ARG_DOUBLE, &app.timeout,
        "Stop a pipeline that has run for SECONDS and report it as timed "
          "out (default: no timeout)", "SECONDS"},
    {"stop-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &app.stop_timeout,
        "Give up on a pipeline that does not stop within SECONDS "
          "(default: 5)", "SECONDS"},
    {"no-layered-memory", 0, 0, G_OPTION_ARG_NONE, &app.no_layered,
        "Do not make layered memory the process's default allocator", NULL},
    {"dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
        "Print each input's pipeline description and run nothing", NULL},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &app.quiet,
          "No progress and no line per input (failures are still reported)",
        NULL},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL,
        NULL},
    {NULL}
  };
  GOptionContext *ctx;
  GError *err = NULL;
  GPtrArray *inputs = NULL;
  gdouble wall;
  guint i;
  gint status;

  setlocale (LC_ALL, "");
  app.jobs = -1;
  app.stop_timeout = DEFAULT_STOP_TIMEOUT;

  ctx = g_option_context_new ("TEMPLATE [INPUT...]");
  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx, description);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    gchar *msg = g_strdup (err->message);

    g_clear_error (&err);
    status = usage_error (msg);
    g_free (msg);
    goto out;
  }
  if (rest == NULL || rest[0] == NULL) {
    status = usage_error ("no pipeline template");
    goto out;
  }
  app.tmpl = g_strdup (rest[0]);
  if (app.jobs == -1)
    app.jobs = (gint) g_get_num_processors ();
  if (app.jobs < 1) {
    status = usage_error ("-j needs a number of pipelines, 1 or more");
    goto out;
  }
  if (app.timeout < 0 || app.stop_timeout <= 0) {
    status = usage_error ("--timeout and --stop-timeout need a number of "
        "seconds above 0");
    goto out;
  }
  if (app.outdir == NULL)
    app.outdir = g_strdup (".");
  if (!batch_template_check (app.tmpl, &err)
      || (app.on_error && !batch_template_check (app.on_error, &err))) {
    gchar *msg = g_strdup_printf ("bad template: %s", err->message);

    g_clear_error (&err);
    status = usage_error (msg);
    g_free (msg);
    goto out;
  }

  inputs = g_ptr_array_new_with_free_func (g_free);
  for (i = 1; rest[i]; i++)
    g_ptr_array_add (inputs, g_strdup (rest[i]));
  if (from && !read_list (from, inputs, &err)) {
    gchar *msg = g_strdup_printf ("cannot read the list of inputs: %s",
        err->message);

    g_clear_error (&err);
    status = usage_error (msg);
    g_free (msg);
    goto out;
  }
  if (inputs->len == 0) {
    status = usage_error ("no inputs");
    goto out;
  }

  app.all_jobs = g_ptr_array_new ();
  for (i = 0; i < inputs->len; i++) {
    Job *job = g_new0 (Job, 1);

    job->index = i + 1;
    job->input = g_strdup (g_ptr_array_index (inputs, i));
    g_ptr_array_add (app.all_jobs, job);
  }

  if (dry_run) {
    status = 0;
    for (i = 0; i < app.all_jobs->len; i++) {
      Job *job = g_ptr_array_index (app.all_jobs, i);
      BatchVars vars;
      gchar *desc;

      batch_vars_init (&vars, job->input, app.outdir, job->index);
      desc = batch_template_expand (app.tmpl, &vars, &err);
      if (desc) {
        printf ("%s\n", desc);
      } else {
        fprintf (stderr, "gst-reuse-batch: %s: %s\n", job->input, err->message);
        g_clear_error (&err);
        status = EXIT_SOME_FAILED;
      }
      g_free (desc);
      batch_vars_clear (&vars);
    }
    goto out;
  }

  if (g_mkdir_with_parents (app.outdir, 0777) != 0) {
    fprintf (stderr, "gst-reuse-batch: cannot create %s: %s\n", app.outdir,
        g_strerror (errno));
    status = EXIT_USAGE;
    goto out;
  }
#ifdef HAVE_GST_LAYERED
  /* layered memory for every pipeline of the process: the user runs this
   * tool for that (--no-layered-memory to keep GStreamer's default) */
  if (!app.no_layered)
    app.layered = gst_layered_memory_init (NULL);
#endif

  app.progress_tty = isatty (STDERR_FILENO);
  app.workers = g_ptr_array_new ();
  g_mutex_init (&app.lock);
  g_queue_init (&app.fallbacks);
  app.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_sigint, &app);
  g_unix_signal_add (SIGTERM, on_sigterm, &app);
  g_timeout_add (WATCHDOG_INTERVAL_MS, watchdog, &app);

  app.start = g_get_monotonic_time ();
  for (i = 0; i < (guint) app.jobs && i < app.all_jobs->len; i++)
    start_worker (&app);
  g_main_loop_run (app.loop);
  wall = elapsed (&app);
  clear_progress (&app);

  /* inputs that never started */
  for (i = 0; i < app.all_jobs->len; i++) {
    Job *job = g_ptr_array_index (app.all_jobs, i);

    if (job->finished)
      continue;
    if (job->run.outcome == BATCH_OUTCOME_NOT_RUN) {
      job->run.error = g_strdup ("not run: the batch was stopped");
    } else {
      /* it ran, and was waiting for its fallback when the batch stopped */
      job_finished (&app, job);
    }
  }

  if (app.json) {
    gchar *report = json_report (&app, wall);

    if (!batch_write_file (app.json, report, &err)) {
      fprintf (stderr, "gst-reuse-batch: cannot write %s: %s\n", app.json,
          err->message);
      g_clear_error (&err);
    }
    g_free (report);
  }

  if (!app.quiet || app.failed > 0 || app.signum) {
    guint interrupted = 0, not_run = 0;

    for (i = 0; i < app.all_jobs->len; i++) {
      Job *job = g_ptr_array_index (app.all_jobs, i);

      if (job->run.outcome == BATCH_OUTCOME_INTERRUPTED)
        interrupted++;
      else if (job->run.outcome == BATCH_OUTCOME_NOT_RUN)
        not_run++;
    }
    printf ("%u inputs: %u done, %u failed", app.all_jobs->len, app.done,
        app.failed);
    if (app.on_error)
      printf (", %u fallbacks done", app.fallbacks_done);
    if (app.signum)
      printf (", %u interrupted, %u not run (%s)", interrupted, not_run,
          signal_name (app.signum));
    printf ("; %.2f s, %.2f inputs/s\n", wall,
        wall > 0 ? (app.done + app.failed) / wall : 0.0);
  }

  if (app.signum)
    status = 128 + app.signum;
  else if (app.done < app.all_jobs->len)
    status = EXIT_SOME_FAILED;
  else
    status = 0;

out:
  for (i = 0; app.all_jobs && i < app.all_jobs->len; i++) {
    Job *job = g_ptr_array_index (app.all_jobs, i);

    batch_run_clear (&job->run);
    batch_run_clear (&job->fallback);
    g_free (job->input);
    g_free (job);
  }
  g_clear_pointer (&app.all_jobs, g_ptr_array_unref);
  g_clear_pointer (&inputs, g_ptr_array_unref);
  g_clear_pointer (&ctx, g_option_context_free);
  g_clear_pointer (&app.loop, g_main_loop_unref);
  g_clear_pointer (&app.workers, g_ptr_array_unref);
  if (app.layered)
    gst_object_unref (app.layered);
  g_free (app.tmpl);
  g_free (app.on_error);
  g_free (app.outdir);
  g_free (app.json);
  g_free (from);
  g_strfreev (rest);

  /* a pipeline given up on may still hold GStreamer's locks in a blocked
   * thread: leave GStreamer as it is then */
  if (!app.abandoned_any)
    gst_deinit ();
  return status;
}
