/* gst-reuse: mmapsrc with files that shrink while they are read
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

/* A consumer reads every byte of every buffer (through gst_buffer_map())
 * while the input file is truncated under it, many times over, at random
 * points. The pipeline must end with a RESOURCE/READ error from mmapsrc
 * naming the file, and the process must never get a signal (check runs
 * each test in a child and fails it on any signal). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_SIZE (4 * 1024 * 1024)
#define BLOCK (64 * 1024)
#define N_BLOCKS (FILE_SIZE / BLOCK)

static gchar *tmpdir;
static gchar *path;
static guint8 *original;

static void
setup (void)
{
  gsize i;

  tmpdir = g_dir_make_tmp ("mmapsrc-trunc-XXXXXX", NULL);
  fail_unless (tmpdir != NULL);
  path = g_build_filename (tmpdir, "input.bin", NULL);
  original = g_malloc (FILE_SIZE);
  for (i = 0; i < FILE_SIZE; i++)
    original[i] = (guint8) ((i * 2654435761u) >> 11) | 1;       /* never 0 */
}

static void
teardown (void)
{
  g_unlink (path);
  g_rmdir (tmpdir);
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_pointer (&original, g_free);
}

static void
write_input (void)
{
  fail_unless (g_file_set_contents (path, (gchar *) original, FILE_SIZE, NULL));
}

typedef struct
{
  GMutex lock;
  GCond cond;

  /* what the consumer saw */
  guint n_buffers;
  guint64 n_bytes;
  guint64 n_wrong;              /* bytes that differ from the original */

  /* truncate when buffer number trunc_at arrives */
  guint trunc_at;
  goffset trunc_to;
  gboolean in_thread;           /* let another thread truncate */
  gulong trunc_delay;           /* µs after the first buffer */
  gboolean truncated;

  /* read with every signal blocked, as worker threads of some
   * applications do */
  gboolean block_signals;
  gboolean copy;                /* read through gst_buffer_copy_deep() */
} Consumer;

static void
do_truncate (Consumer * c)
{
  fail_unless (truncate (path, c->trunc_to) == 0);
}

static gpointer
truncate_thread (gpointer data)
{
  Consumer *c = data;

  g_mutex_lock (&c->lock);
  while (c->n_buffers < c->trunc_at)
    g_cond_wait (&c->cond, &c->lock);
  do_truncate (c);
  c->truncated = TRUE;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);

  return NULL;
}

/* fakesink's handoff: read every byte, the way any consumer would */
static void
consume (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer data)
{
  Consumer *c = data;
  GstMapInfo info;
  guint64 offset = GST_BUFFER_OFFSET (buf);
  sigset_t saved;
  gsize i;

  g_mutex_lock (&c->lock);
  c->n_buffers++;
  if (c->n_buffers == 1)
    g_cond_broadcast (&c->cond);
  if (c->n_buffers == c->trunc_at) {
    if (c->in_thread) {
      g_cond_broadcast (&c->cond);
      while (!c->truncated)
        g_cond_wait (&c->cond, &c->lock);
    } else {
      do_truncate (c);
    }
  }
  g_mutex_unlock (&c->lock);

  if (c->block_signals) {
    sigset_t all;

    sigfillset (&all);
    fail_unless (pthread_sigmask (SIG_BLOCK, &all, &saved) == 0);
  }
  if (c->copy)
    buf = gst_buffer_copy_deep (buf);
  else
    gst_buffer_ref (buf);
  fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
  for (i = 0; i < info.size; i++) {
    if (info.data[i] != original[offset + i])
      c->n_wrong++;
  }
  c->n_bytes += info.size;
  gst_buffer_unmap (buf, &info);
  gst_buffer_unref (buf);
  if (c->block_signals)
    fail_unless (pthread_sigmask (SIG_SETMASK, &saved, NULL) == 0);
}

typedef enum
{
  OUTCOME_ERROR,
  OUTCOME_EOS
} Outcome;

static Outcome
run (const gchar * description, Consumer * c)
{
  GstElement *pipeline, *src, *sink;
  GstMessage *msg;
  GstBus *bus;
  Outcome outcome;

  pipeline = gst_parse_launch (description, NULL);
  fail_unless (pipeline != NULL);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, "blocksize", BLOCK, NULL);
  g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (consume), c);

  bus = gst_element_get_bus (pipeline);
  fail_if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL, "pipeline neither finished nor failed");

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *debug = NULL;

    gst_message_parse_error (msg, &err, &debug);
    fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (src),
        "error from %s: %s", GST_MESSAGE_SRC_NAME (msg), err->message);
    fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_READ), "unexpected error: %s", err->message);
    fail_unless (strstr (err->message, path) != NULL,
        "error does not name the file: %s", err->message);
    fail_unless (strstr (err->message, "truncated") != NULL, "%s",
        err->message);
    g_error_free (err);
    g_free (debug);
    outcome = OUTCOME_ERROR;
  } else {
    outcome = OUTCOME_EOS;
  }
  gst_message_unref (msg);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);

  return outcome;
}

static void
consumer_init (Consumer * c)
{
  memset (c, 0, sizeof (*c));
  g_mutex_init (&c->lock);
  g_cond_init (&c->cond);
}

static void
consumer_clear (Consumer * c)
{
  g_mutex_clear (&c->lock);
  g_cond_clear (&c->cond);
}

/* The consumer itself truncates the file while it holds buffer K, to a size
 * before, inside or after that buffer, and then reads all of it. Without a
 * queue mmapsrc waits for the consumer, so the truncation always comes
 * before mmapsrc is done. */
static void
check_truncate_in_consumer (gboolean prefault)
{
  GRand *rand = g_rand_new_with_seed (prefault ? 7 : 8);
  gint iteration;

  for (iteration = 0; iteration < 30; iteration++) {
    Consumer c;
    gchar *desc;
    guint k;

    write_input ();
    consumer_init (&c);
    k = g_rand_int_range (rand, 2, N_BLOCKS - 1);
    c.trunc_at = k;
    switch (iteration % 3) {
      case 0:                  /* before buffer K: reading it faults */
        c.trunc_to = g_rand_int_range (rand, 0, (k - 1) * BLOCK);
        break;
      case 1:                  /* inside buffer K */
        c.trunc_to = (k - 1) * BLOCK + g_rand_int_range (rand, 0, BLOCK);
        break;
      default:                 /* after it: mmapsrc's next check */
        c.trunc_to = k * BLOCK + g_rand_int_range (rand, 0,
            FILE_SIZE - k * BLOCK);
        break;
    }

    desc = g_strconcat ("mmapsrc name=src mode=mmap prefault=",
        prefault ? "true" : "false", " ! fakesink name=sink", NULL);
    fail_unless_equals_int (run (desc, &c), OUTCOME_ERROR);
    g_free (desc);
    consumer_clear (&c);
  }
  g_rand_free (rand);
}

GST_START_TEST (test_truncate_in_consumer)
{
  check_truncate_in_consumer (TRUE);
}

GST_END_TEST;

GST_START_TEST (test_truncate_in_consumer_no_prefault)
{
  check_truncate_in_consumer (FALSE);
}

GST_END_TEST;

/* Another thread truncates while the consumer waits behind a queue, so
 * mmapsrc may be anywhere, including done: the consumer's own reads must
 * then raise the error. */
GST_START_TEST (test_truncate_behind_queue)
{
  GRand *rand = g_rand_new_with_seed (99);
  gint iteration;

  for (iteration = 0; iteration < 30; iteration++) {
    Consumer c;
    GThread *thread;

    write_input ();
    consumer_init (&c);
    c.in_thread = TRUE;
    c.trunc_at = g_rand_int_range (rand, 1, N_BLOCKS);
    c.trunc_to = g_rand_int_range (rand, 0, FILE_SIZE);
    thread = g_thread_new ("truncate", truncate_thread, &c);

    fail_unless_equals_int (run
        ("mmapsrc name=src mode=mmap ! queue max-size-time=0 "
            "max-size-bytes=0 max-size-buffers=0 ! fakesink name=sink", &c),
        OUTCOME_ERROR);

    g_thread_join (thread);
    consumer_clear (&c);
  }
  g_rand_free (rand);
}

GST_END_TEST;

static gpointer
truncate_later_thread (gpointer data)
{
  Consumer *c = data;

  /* once streaming has begun: before, it is just a shorter file */
  g_mutex_lock (&c->lock);
  while (c->n_buffers == 0)
    g_cond_wait (&c->cond, &c->lock);
  g_mutex_unlock (&c->lock);

  g_usleep (c->trunc_delay);
  do_truncate (c);
  return NULL;
}

/* Truncation at a random moment, with no coordination at all: an error, or
 * (when the file was fully read before it shrank) a clean EOS with every
 * byte right. Never wrong data without an error. */
GST_START_TEST (test_truncate_at_random_time)
{
  GRand *rand = g_rand_new_with_seed (2024);
  gint iteration, errors = 0;

  for (iteration = 0; iteration < 40; iteration++) {
    Consumer c;
    GThread *thread;
    Outcome outcome;

    write_input ();
    consumer_init (&c);
    c.trunc_delay = g_rand_int_range (rand, 0, 20000);
    c.trunc_to = g_rand_int_range (rand, 0, FILE_SIZE);
    thread = g_thread_new ("truncate", truncate_later_thread, &c);

    outcome = run (iteration % 2 ?
        "mmapsrc name=src mode=mmap ! queue ! fakesink name=sink" :
        "mmapsrc name=src mode=mmap ! fakesink name=sink", &c);
    g_thread_join (thread);

    if (outcome == OUTCOME_EOS) {
      fail_unless_equals_uint64 (c.n_bytes, FILE_SIZE);
      fail_unless_equals_uint64 (c.n_wrong, 0);
    } else {
      errors++;
    }
    consumer_clear (&c);
  }
  GST_INFO ("%d of 40 runs ended in an error", errors);
  g_rand_free (rand);
}

GST_END_TEST;

/* The same scenario without the guard kills the process: the guard is what
 * makes the tests above pass. */
GST_START_TEST (test_without_guard_sigbus_kills)
{
  gint status;
  pid_t pid;

  write_input ();
  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    Consumer c;

    consumer_init (&c);
    c.trunc_at = 10;
    c.trunc_to = 0;
    run ("mmapsrc name=src mode=mmap handle-sigbus=false prefault=false ! "
        "fakesink name=sink", &c);
    _exit (0);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer reports the SIGBUS itself and exits */
  fail_if (WIFEXITED (status) && WEXITSTATUS (status) == 0);
#else
  fail_unless (WIFSIGNALED (status) && WTERMSIG (status) == SIGBUS,
      "expected death by SIGBUS, status %d", status);
#endif
}

GST_END_TEST;

/* Runs @func in a child process and returns its wait status. */
static gint
run_in_child (void (*func) (gpointer data), gpointer data)
{
  gint status;
  pid_t pid;

  pid = fork ();
  fail_unless (pid >= 0);
  if (pid == 0) {
    func (data);
    _exit (0);
  }
  fail_unless (waitpid (pid, &status, 0) == pid);
  return status;
}

static void
assert_exited_cleanly (gint status)
{
  fail_if (WIFSIGNALED (status), "the process was killed by signal %d",
      WIFSIGNALED (status) ? WTERMSIG (status) : 0);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0,
      "the process failed: status %d", status);
}

static void
blocked_consumer_child (gpointer data)
{
  Consumer c;

  consumer_init (&c);
  c.block_signals = TRUE;
  c.copy = GPOINTER_TO_INT (data) & 1;
  c.trunc_at = 10;
  c.trunc_to = (GPOINTER_TO_INT (data) & 2) ? 9 * BLOCK + 100 : 0;
  if (run ("mmapsrc name=src mode=mmap ! fakesink name=sink",
          &c) != OUTCOME_ERROR)
    _exit (3);
  /* the bytes past the new end read as zeros */
  if (c.n_wrong == 0)
    _exit (4);
  consumer_clear (&c);
}

/* The consumer, in the streaming thread, blocks every signal (SIGBUS
 * included) and truncates the file under the buffer it is about to read,
 * which mmapsrc prefaulted before pushing it: a SIGBUS that the thread
 * blocks would make the kernel kill the process. The process survives and
 * the pipeline ends in the truncation error, whether the buffer is mapped
 * or copied, truncated to 0 or into the middle of a page of the buffer. */
GST_START_TEST (test_truncate_sigbus_blocked)
{
  gint variant;

  for (variant = 0; variant < 4; variant++) {
    write_input ();
    assert_exited_cleanly (run_in_child (blocked_consumer_child,
            GINT_TO_POINTER (variant)));
  }
}

GST_END_TEST;

typedef struct
{
  GPtrArray *buffers;
  gboolean copy;
  guint64 n_wrong;
} HeldBuffers;

static void
hold_buffer (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer data)
{
  g_ptr_array_add (((HeldBuffers *) data)->buffers, gst_buffer_ref (buf));
}

/* an application thread with every signal blocked reads the buffers */
static gpointer
blocked_reader_thread (gpointer data)
{
  HeldBuffers *held = data;
  sigset_t all;
  guint i;

  sigfillset (&all);
  pthread_sigmask (SIG_BLOCK, &all, NULL);

  for (i = 0; i < held->buffers->len; i++) {
    GstBuffer *buf = g_ptr_array_index (held->buffers, i);
    guint64 offset = GST_BUFFER_OFFSET (buf);
    GstMapInfo info;
    gsize j;

    if (held->copy)
      buf = gst_buffer_copy_deep (buf);
    else
      gst_buffer_ref (buf);
    if (!gst_buffer_map (buf, &info, GST_MAP_READ))
      _exit (5);
    for (j = 0; j < info.size; j++) {
      if (info.data[j] != original[offset + j])
        held->n_wrong++;
    }
    gst_buffer_unmap (buf, &info);
    gst_buffer_unref (buf);
  }
  return NULL;
}

static void
blocked_reader_child (gpointer data)
{
  HeldBuffers held = { NULL, GPOINTER_TO_INT (data), 0 };
  GstElement *pipeline, *src, *sink;
  GstMessage *msg;
  GstBus *bus;
  GError *err = NULL;

  held.buffers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  pipeline =
      gst_parse_launch ("mmapsrc name=src mode=mmap ! fakesink name=sink",
      NULL);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, "blocksize", BLOCK, NULL);
  g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (hold_buffer), &held);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  if (msg == NULL || GST_MESSAGE_TYPE (msg) != GST_MESSAGE_EOS)
    _exit (6);
  gst_message_unref (msg);
  if (held.buffers->len != N_BLOCKS)
    _exit (7);

  /* the file shrinks after mmapsrc is done with it */
  if (truncate (path, FILE_SIZE / 2 + 100) != 0)
    _exit (8);
  g_thread_join (g_thread_new ("reader", blocked_reader_thread, &held));
  if (held.n_wrong == 0)
    _exit (9);

  /* the reader's thread posted the error */
  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_ERROR);
  if (msg == NULL)
    _exit (10);
  gst_message_parse_error (msg, &err, NULL);
  if (GST_MESSAGE_SRC (msg) != GST_OBJECT (src)
      || !g_error_matches (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ)
      || strstr (err->message, "truncated") == NULL)
    _exit (11);
  g_error_free (err);
  gst_message_unref (msg);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_ptr_array_unref (held.buffers);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

/* Buffers held after EOS, read by an application thread that blocks every
 * signal after the file shrank: no signal, zeros, and the error. */
GST_START_TEST (test_truncate_reader_blocks_sigbus)
{
  gint copy;

  for (copy = 0; copy < 2; copy++) {
    write_input ();
    assert_exited_cleanly (run_in_child (blocked_reader_child,
            GINT_TO_POINTER (copy)));
  }
}

GST_END_TEST;

/* A reader notices the truncation after the element stopped and was given
 * another file: the error names the file that shrank. */
GST_START_TEST (test_truncate_after_location_changed)
{
  HeldBuffers held = { NULL, FALSE, 0 };
  GstElement *pipeline, *src, *sink;
  GstMessage *msg;
  GstBus *bus;
  GError *err = NULL;
  const GstStructure *details = NULL;
  gchar *other = g_build_filename (tmpdir, "other.bin", NULL);
  guint i;

  write_input ();
  held.buffers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  pipeline =
      gst_parse_launch ("mmapsrc name=src mode=mmap ! fakesink name=sink",
      NULL);
  fail_unless (pipeline != NULL);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, "blocksize", BLOCK, NULL);
  g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (hold_buffer), &held);
  bus = gst_element_get_bus (pipeline);
  fail_if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  g_object_set (src, "location", other, NULL);

  fail_unless (truncate (path, FILE_SIZE / 2 + 100) == 0);
  for (i = 0; i < held.buffers->len; i++) {
    GstBuffer *buf = g_ptr_array_index (held.buffers, i);
    GstMapInfo info;
    gsize j;

    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    for (j = 0; j < info.size; j++) {
      if (info.data[j] != original[GST_BUFFER_OFFSET (buf) + j])
        held.n_wrong++;
    }
    gst_buffer_unmap (buf, &info);
  }
  fail_unless (held.n_wrong > 0);

  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error for the truncated file");
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (src));
  gst_message_parse_error (msg, &err, NULL);
  gst_message_parse_error_details (msg, &details);
  fail_unless (g_error_matches (err, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_READ));
  fail_unless (strstr (err->message, path) != NULL,
      "the error does not name the truncated file: %s", err->message);
  fail_unless (details != NULL);
  fail_unless_equals_string (gst_structure_get_string (details, "location"),
      path);
  g_error_free (err);
  gst_message_unref (msg);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_ptr_array_unref (held.buffers);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (other);
}

GST_END_TEST;

/* A reader notices the truncation of the file of an earlier run while the
 * element already reads another one: that run must not fail for it. */
GST_START_TEST (test_truncate_after_restart)
{
  HeldBuffers held = { NULL, FALSE, 0 };
  GstElement *pipeline, *src, *sink;
  GstMessage *msg;
  GstBus *bus;
  gchar *other = g_build_filename (tmpdir, "other.bin", NULL);
  gulong id;
  guint i;

  write_input ();
  fail_unless (g_file_set_contents (other, (gchar *) original, FILE_SIZE,
          NULL));
  held.buffers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  pipeline =
      gst_parse_launch ("mmapsrc name=src mode=mmap ! fakesink name=sink",
      NULL);
  fail_unless (pipeline != NULL);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, "blocksize", BLOCK, NULL);
  g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, NULL);
  id = g_signal_connect (sink, "handoff", G_CALLBACK (hold_buffer), &held);
  bus = gst_element_get_bus (pipeline);
  fail_if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  g_signal_handler_disconnect (sink, id);

  /* the second run, on another file, is under way */
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  g_object_set (src, "location", other, NULL);
  fail_unless (gst_element_set_state (pipeline,
          GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_get_state (pipeline, NULL, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);

  /* the first run's file shrinks under its buffers */
  fail_unless (truncate (path, FILE_SIZE / 2 + 100) == 0);
  for (i = 0; i < held.buffers->len; i++) {
    GstBuffer *buf = g_ptr_array_index (held.buffers, i);
    GstMapInfo info;
    gsize j;

    fail_unless (gst_buffer_map (buf, &info, GST_MAP_READ));
    for (j = 0; j < info.size; j++) {
      if (info.data[j] != original[GST_BUFFER_OFFSET (buf) + j])
        held.n_wrong++;
    }
    gst_buffer_unmap (buf, &info);
  }
  fail_unless (held.n_wrong > 0);
  /* the fault was handled in this thread: any error is on the bus now */
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg == NULL, "the second run failed for the first one's file");

  /* and the second run ends normally */
  fail_if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  g_ptr_array_unref (held.buffers);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_unlink (other);
  g_free (other);
}

GST_END_TEST;

/* The input written 4 KiB per write(), which leaves 4 KiB page-cache
 * pages: the layout on which mode=auto reads instead of mapping. */
static void
write_input_small_writes (void)
{
  FILE *f = fopen (path, "wb");
  gsize done;

  fail_unless (f != NULL);
  setvbuf (f, NULL, _IONBF, 0);
  for (done = 0; done < FILE_SIZE; done += 4096)
    fail_unless (fwrite (original + done, 4096, 1, f) == 1);
  fail_unless (fsync (fileno (f)) == 0);
  fail_unless (fclose (f) == 0);
}

/* The read() path keeps the same promise: a file that shrinks while it is
 * read ends in the same RESOURCE/READ error naming it (run() checks the
 * error), whether the consumer truncates it before, inside or after the
 * block it holds, and behind a queue either that error or an EOS with every
 * byte right. What was read before is never wrong: it was copied. */
static void
check_truncate_read_path (const gchar * mode)
{
  GRand *rand = g_rand_new_with_seed (31);
  gint iteration;

  for (iteration = 0; iteration < 24; iteration++) {
    Consumer c;
    gchar *desc;
    guint k;
    gboolean queue = iteration % 4 == 3;
    Outcome outcome;

    write_input_small_writes ();
    consumer_init (&c);
    k = g_rand_int_range (rand, 2, N_BLOCKS - 1);
    c.trunc_at = k;
    switch (iteration % 3) {
      case 0:
        c.trunc_to = g_rand_int_range (rand, 0, (k - 1) * BLOCK);
        break;
      case 1:
        c.trunc_to = (k - 1) * BLOCK + g_rand_int_range (rand, 0, BLOCK);
        break;
      default:
        c.trunc_to = k * BLOCK + g_rand_int_range (rand, 0,
            FILE_SIZE - k * BLOCK);
        break;
    }
    desc = g_strdup_printf ("mmapsrc name=src mode=%s ! %sfakesink name=sink",
        mode, queue ? "queue max-size-buffers=2 ! " : "");
    outcome = run (desc, &c);
    if (!queue) {
      fail_unless_equals_int (outcome, OUTCOME_ERROR);
    } else if (outcome == OUTCOME_EOS) {
      fail_unless_equals_uint64 (c.n_bytes, FILE_SIZE);
    }
    if (strcmp (mode, "read") == 0) {
      fail_unless_equals_uint64 (c.n_wrong, 0);
    }
    g_free (desc);
    consumer_clear (&c);
  }
  g_rand_free (rand);
}

GST_START_TEST (test_truncate_read_path)
{
  check_truncate_read_path ("read");
  /* auto, having switched from the mapping to read() */
  g_setenv ("GST_MMAPSRC_SMALL_PAGES", "read", TRUE);
  check_truncate_read_path ("auto");
  g_unsetenv ("GST_MMAPSRC_SMALL_PAGES");
  /* auto, whatever it picks */
  check_truncate_read_path ("auto");
}

GST_END_TEST;

static Suite *
mmapsrc_truncate_suite (void)
{
  Suite *s = suite_create ("mmapsrc_truncate");
  TCase *tc = tcase_create ("truncate");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_truncate_in_consumer);
  tcase_add_test (tc, test_truncate_in_consumer_no_prefault);
  tcase_add_test (tc, test_truncate_behind_queue);
  tcase_add_test (tc, test_truncate_at_random_time);
  tcase_add_test (tc, test_without_guard_sigbus_kills);
  tcase_add_test (tc, test_truncate_sigbus_blocked);
  tcase_add_test (tc, test_truncate_reader_blocks_sigbus);
  tcase_add_test (tc, test_truncate_after_location_changed);
  tcase_add_test (tc, test_truncate_after_restart);
  tcase_add_test (tc, test_truncate_read_path);

  return s;
}

GST_CHECK_MAIN (mmapsrc_truncate);
