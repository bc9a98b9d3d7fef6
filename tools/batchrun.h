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

#ifndef __BATCH_RUN_H__
#define __BATCH_RUN_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum
{
  BATCH_OUTCOME_NOT_RUN = 0,
  BATCH_OUTCOME_DONE,
  BATCH_OUTCOME_FAILED,
  BATCH_OUTCOME_TIMEOUT,
  BATCH_OUTCOME_INTERRUPTED,
} BatchOutcome;

/* What one pipeline run gave. */
typedef struct
{
  BatchOutcome outcome;
  gchar *error;                 /* GStreamer's error message */
  gchar *debug;                 /* its debug text, and where it came from */
  gchar *cache_result;          /* the last cachebin message's result */
  guint64 cache_bytes;          /* and its bytes */
  guint cache_messages;
  guint64 bytes_out;            /* bytes in the outputs, when done */
  gdouble seconds;              /* wall time */
  GPtrArray *outputs;           /* output files, when done */
} BatchRun;

/* Shared between a worker thread that runs a pipeline and the watchdog in
 * the main thread, under @lock. A state change can block for ever (filesrc
 * opening a FIFO that no one writes to, a read from it that never
 * returns): the watchdog then abandons the run, which the worker finds
 * when (if ever) the call returns. */
typedef struct
{
  GMutex lock;
  gboolean stop;                /* stop now: the batch is interrupted */
  gint64 stop_time;             /* when the stop was asked for */
  gint64 deadline;              /* monotonic time of the run's timeout, 0 none */
  gint64 stop_bound;            /* how long a stop may take, microseconds */
  gboolean blocking;            /* in a state change */
  gint64 blocking_deadline;     /* when the watchdog gives up on it, 0 never */
  gboolean abandoned;           /* the watchdog gave up on this run */
  GPtrArray *temps;             /* files to remove if the run is abandoned */
} BatchRunCtl;

void      batch_run_clear         (BatchRun * run);

void      batch_run_pipeline      (const gchar * description,
                                   BatchRunCtl * ctl, BatchRun * run);

void      batch_ctl_abandon_files (BatchRunCtl * ctl);

const gchar * batch_outcome_name  (BatchOutcome outcome);

G_END_DECLS

#endif /* __BATCH_RUN_H__ */
