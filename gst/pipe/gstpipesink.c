/* gst-reuse: pipesink, stream into an external program
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
 * SECTION:element-pipesink
 * @title: pipesink
 * @see_also: #GstPipeSrc, #GstFdSink
 *
 * Runs a program and writes the stream into its standard input, so that an
 * external encoder, uploader or packager works on the data while it is
 * produced, and nothing is written to a temporary file. The program's exit
 * status is part of the result: at the end of the stream pipesink closes
 * the program's input and waits for it to exit before it lets EOS through,
 * so EOS means the consumer has finished, and a program that fails, is
 * killed or stops reading early is an ERROR naming it, with the end of its
 * standard error.
 *
 * pipesink never lets SIGPIPE kill the process and never changes how the
 * process handles any signal: it blocks SIGPIPE in its own thread while it
 * writes. The program starts with default signal handling, in its own
 * process group, with no descriptor of ours but the pipe. A program that
 * does not exit when the pipeline stops gets SIGTERM, then SIGKILL, sent to
 * its whole process group (see #GstPipeSink:kill-timeout), also when the
 * program has exited but left a process behind; it is always reaped.
 *
 * A pause while pipesink writes or waits for the program at the end of the
 * stream completes at once; playing again resumes the write or the wait. A
 * flush ends them without an error.
 *
 * A pipe cannot seek: pipesink says so to the SEEKING query, and a muxer
 * that tries to go back to rewrite a header gets a RESOURCE/SEEK error
 * rather than a corrupt file. Use muxers that write a stream:
 * `matroskamux streamable=true`, `mpegtsmux`, `mp4mux fragment-duration=1000`
 * (fragmented MP4), `y4menc` for raw video.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=100 ! x264enc ! matroskamux streamable=true ! pipesink command="sh -c 'cat > out.mkv'"
 * ]| Encodes 100 frames and hands the Matroska stream to a shell command.
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=50 ! video/x-raw,width=320,height=240 ! y4menc ! pipesink command="ffmpeg -loglevel error -y -f yuv4mpegpipe -i - -c:v libx264 out.mp4"
 * ]| Lets ffmpeg encode raw video read from a pipe.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpipesink.h"

#include <errno.h>

GST_DEBUG_CATEGORY_STATIC (gst_pipe_sink_debug);
#define GST_CAT_DEFAULT gst_pipe_sink_debug

static GstStaticPadTemplate sinktemplate = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

#define DEFAULT_ON_BROKEN_PIPE  GST_PIPE_SINK_BROKEN_PIPE_ERROR

enum
{
  PROP_ON_BROKEN_PIPE = GST_PIPE_PROP_LAST,
};

#define MAX_IOV 32

GType
gst_pipe_sink_broken_pipe_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    {GST_PIPE_SINK_BROKEN_PIPE_ERROR,
        "Post an error: the consumer did not take all the data", "error"},
    {GST_PIPE_SINK_BROKEN_PIPE_EOS,
        "End the stream quietly (for head-like consumers)", "eos"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&id)) {
    GType tmp = g_enum_register_static ("GstPipeSinkBrokenPipe", values);
    g_once_init_leave (&id, tmp);
  }
  return (GType) id;
}

static void gst_pipe_sink_finalize (GObject * object);
static void gst_pipe_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_pipe_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);

static gboolean gst_pipe_sink_start (GstBaseSink * bsink);
static gboolean gst_pipe_sink_stop (GstBaseSink * bsink);
static gboolean gst_pipe_sink_unlock (GstBaseSink * bsink);
static gboolean gst_pipe_sink_unlock_stop (GstBaseSink * bsink);
static gboolean gst_pipe_sink_query (GstBaseSink * bsink, GstQuery * query);
static gboolean gst_pipe_sink_event (GstBaseSink * bsink, GstEvent * event);
static GstFlowReturn gst_pipe_sink_render (GstBaseSink * bsink,
    GstBuffer * buffer);

#define _do_init \
  GST_DEBUG_CATEGORY_INIT (gst_pipe_sink_debug, "pipesink", 0, \
      "pipesink element");
#define gst_pipe_sink_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstPipeSink, gst_pipe_sink, GST_TYPE_BASE_SINK,
    _do_init);
GST_ELEMENT_REGISTER_DEFINE (pipesink, "pipesink", GST_RANK_NONE,
    GST_TYPE_PIPE_SINK);

static void
gst_pipe_sink_class_init (GstPipeSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *gstelement_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *gstbasesink_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->set_property = gst_pipe_sink_set_property;
  gobject_class->get_property = gst_pipe_sink_get_property;
  gobject_class->finalize = gst_pipe_sink_finalize;

  gst_pipe_endpoint_install_properties (gobject_class, TRUE);

  /**
   * GstPipeSink:on-broken-pipe:
   *
   * What to do when the consumer closes its input before the end of the
   * stream: `error` (the default) posts a RESOURCE/WRITE error naming the
   * command, with its exit status; `eos` ends the stream quietly, for
   * consumers such as `head` that stop reading once they have what they
   * need (a consumer that then exits with a non-zero status is still an
   * error).
   */
  g_object_class_install_property (gobject_class, PROP_ON_BROKEN_PIPE,
      g_param_spec_enum ("on-broken-pipe", "On broken pipe",
          "What to do when the consumer stops reading before the end",
          GST_TYPE_PIPE_SINK_BROKEN_PIPE, DEFAULT_ON_BROKEN_PIPE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_element_class_set_static_metadata (gstelement_class,
      "Pipe sink", "Sink",
      "Stream into the standard input of a program, a FIFO or a descriptor, "
      "with the program's exit status", "The gst-reuse authors");
  gst_element_class_add_static_pad_template (gstelement_class, &sinktemplate);

  gstbasesink_class->start = GST_DEBUG_FUNCPTR (gst_pipe_sink_start);
  gstbasesink_class->stop = GST_DEBUG_FUNCPTR (gst_pipe_sink_stop);
  gstbasesink_class->unlock = GST_DEBUG_FUNCPTR (gst_pipe_sink_unlock);
  gstbasesink_class->unlock_stop =
      GST_DEBUG_FUNCPTR (gst_pipe_sink_unlock_stop);
  gstbasesink_class->query = GST_DEBUG_FUNCPTR (gst_pipe_sink_query);
  gstbasesink_class->event = GST_DEBUG_FUNCPTR (gst_pipe_sink_event);
  gstbasesink_class->render = GST_DEBUG_FUNCPTR (gst_pipe_sink_render);

  gst_type_mark_as_plugin_api (GST_TYPE_PIPE_SINK_BROKEN_PIPE, 0);
}

static void
gst_pipe_sink_init (GstPipeSink * sink)
{
  gst_pipe_endpoint_init (&sink->ep, GST_ELEMENT (sink), gst_pipe_sink_debug,
      TRUE);
  sink->on_broken_pipe = DEFAULT_ON_BROKEN_PIPE;
  gst_base_sink_set_sync (GST_BASE_SINK (sink), FALSE);
}

static void
gst_pipe_sink_finalize (GObject * object)
{
  GstPipeSink *sink = GST_PIPE_SINK (object);

  gst_pipe_endpoint_clear (&sink->ep);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_pipe_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstPipeSink *sink = GST_PIPE_SINK (object);

  if (gst_pipe_endpoint_set_property (&sink->ep, prop_id, value))
    return;

  switch (prop_id) {
    case PROP_ON_BROKEN_PIPE:
      GST_OBJECT_LOCK (sink);
      sink->on_broken_pipe = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (sink);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_pipe_sink_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstPipeSink *sink = GST_PIPE_SINK (object);

  if (gst_pipe_endpoint_get_property (&sink->ep, prop_id, value))
    return;

  switch (prop_id) {
    case PROP_ON_BROKEN_PIPE:
      GST_OBJECT_LOCK (sink);
      g_value_set_enum (value, sink->on_broken_pipe);
      GST_OBJECT_UNLOCK (sink);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static gboolean
gst_pipe_sink_start (GstBaseSink * bsink)
{
  GstPipeSink *sink = GST_PIPE_SINK (bsink);

  sink->written = 0;
  sink->consumer_gone = FALSE;

  return gst_pipe_endpoint_open (&sink->ep);
}

static gboolean
gst_pipe_sink_stop (GstBaseSink * bsink)
{
  GstPipeSink *sink = GST_PIPE_SINK (bsink);

  gst_pipe_endpoint_close (&sink->ep);
  return TRUE;
}

static gboolean
gst_pipe_sink_unlock (GstBaseSink * bsink)
{
  GstPipeSink *sink = GST_PIPE_SINK (bsink);

  GST_LOG_OBJECT (sink, "flushing");
  gst_pipe_endpoint_set_flushing (&sink->ep, TRUE);
  return TRUE;
}

static gboolean
gst_pipe_sink_unlock_stop (GstBaseSink * bsink)
{
  GstPipeSink *sink = GST_PIPE_SINK (bsink);

  GST_LOG_OBJECT (sink, "no longer flushing");
  gst_pipe_endpoint_set_flushing (&sink->ep, FALSE);
  return TRUE;
}

static gboolean
gst_pipe_sink_query (GstBaseSink * bsink, GstQuery * query)
{
  GstPipeSink *sink = GST_PIPE_SINK (bsink);
  GstFormat format;

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_SEEKING:
      /* a pipe cannot go back */
      gst_query_parse_seeking (query, &format, NULL, NULL, NULL);
      gst_query_set_seeking (query, format, FALSE, 0, -1);
      return TRUE;
    case GST_QUERY_POSITION:
      gst_query_parse_position (query, &format, NULL);
      if (format == GST_FORMAT_BYTES || format == GST_FORMAT_DEFAULT) {
        gst_query_set_position (query, GST_FORMAT_BYTES, sink->written);
        return TRUE;
      }
      break;
    case GST_QUERY_FORMATS:
      gst_query_set_formats (query, 2, GST_FORMAT_DEFAULT, GST_FORMAT_BYTES);
      return TRUE;
    default:
      break;
  }
  return GST_BASE_SINK_CLASS (parent_class)->query (bsink, query);
}

static gboolean
gst_pipe_sink_event (GstBaseSink * bsink, GstEvent * event)
{
  GstPipeSink *sink = GST_PIPE_SINK (bsink);
  GstFlowReturn ret;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:
    {
      const GstSegment *segment;

      gst_event_parse_segment (event, &segment);
      /* a muxer going back to rewrite a header: impossible on a pipe */
      if (segment->format == GST_FORMAT_BYTES
          && segment->start != sink->written) {
        GST_ELEMENT_ERROR (sink, RESOURCE, SEEK,
            ("Cannot seek in a pipe: the data before byte %" G_GUINT64_FORMAT
                " already went to the %s.", sink->written, sink->ep.what),
            ("a BYTES segment asked for position %" G_GUINT64_FORMAT ". Use a "
                "muxer that writes a stream: matroskamux streamable=true, "
                "mpegtsmux, mp4mux fragment-duration=...", segment->start));
        gst_event_unref (event);
        return FALSE;
      }
      break;
    }
    case GST_EVENT_EOS:
      /* EOS means the consumer is done: close its input and wait. We hold
       * the PREROLL_LOCK: when unlock() interrupts the wait, a change to
       * PAUSED or a flush wants it, so we wait in preroll as render methods
       * do, and go on waiting when PLAYING again */
      for (;;) {
        ret = gst_pipe_endpoint_finish (&sink->ep);
        if (ret != GST_FLOW_FLUSHING)
          break;
        GST_DEBUG_OBJECT (sink, "wait for the child interrupted");
        ret = gst_base_sink_wait_preroll (bsink);
        if (ret != GST_FLOW_OK && ret != GST_FLOW_CUSTOM_ERROR)
          break;
      }
      if (ret != GST_FLOW_OK) {
        GST_DEBUG_OBJECT (sink, "not passing EOS on: %s",
            gst_flow_get_name (ret));
        gst_event_unref (event);
        return FALSE;
      }
      break;
    default:
      break;
  }

  return GST_BASE_SINK_CLASS (parent_class)->event (bsink, event);
}

/* The consumer closed its end before the end of the stream. */
static GstFlowReturn
gst_pipe_sink_consumer_gone (GstPipeSink * sink)
{
  GstPipeSinkBrokenPipe policy;
  gchar *context;

  GST_OBJECT_LOCK (sink);
  policy = sink->on_broken_pipe;
  GST_OBJECT_UNLOCK (sink);

  GST_INFO_OBJECT (sink, "the %s stopped reading after %" G_GUINT64_FORMAT
      " bytes", sink->ep.what, sink->written);

  if (policy == GST_PIPE_SINK_BROKEN_PIPE_EOS) {
    /* the EOS that comes back to us waits for the child and reports a
     * failure */
    sink->consumer_gone = TRUE;
    return GST_FLOW_EOS;
  }

  if (sink->ep.child) {
    GstPipeChildWait res;
    GstFlowReturn ret;

    /* it usually exits right after; give it the grace period to tell us
     * how it ended. A pause or a flush interrupts the wait: wait in
     * preroll, and go on when PLAYING again (from the start) */
    while ((res = gst_pipe_child_wait (sink->ep.child,
                gst_pipe_endpoint_get_grace_us (&sink->ep))) ==
        GST_PIPE_CHILD_WAIT_INTERRUPTED) {
      ret = gst_base_sink_wait_preroll (GST_BASE_SINK (sink));
      if (ret != GST_FLOW_OK) {
        /* the next buffer finds the pipe broken again */
        GST_DEBUG_OBJECT (sink, "flushing while waiting for the %s",
            sink->ep.what);
        return ret;
      }
    }
  }
  sink->consumer_gone = TRUE;
  if (sink->ep.child && gst_pipe_child_has_exited (sink->ep.child)) {
    gint status = gst_pipe_child_get_wait_status (sink->ep.child);

    context = g_strdup_printf ("it closed its input after %" G_GUINT64_FORMAT
        " bytes had been written%s", sink->written,
        gst_pipe_wait_status_to_exit_code (status) == 0 ?
        "; if the consumer may stop early, set on-broken-pipe=eos" : "");
    gst_pipe_endpoint_post_child_error (&sink->ep, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_WRITE, TRUE, context);
  } else {
    context = g_strdup_printf ("it closed its input after %" G_GUINT64_FORMAT
        " bytes had been written; if the consumer may stop early, set "
        "on-broken-pipe=eos", sink->written);
    GST_ELEMENT_ERROR (sink, RESOURCE, WRITE,
        ("The %s closed its input before the end of the stream.",
            sink->ep.what), ("%s", context));
  }
  g_free (context);

  return GST_FLOW_ERROR;
}

static GstFlowReturn
gst_pipe_sink_render (GstBaseSink * bsink, GstBuffer * buffer)
{
  GstPipeSink *sink = GST_PIPE_SINK (bsink);
  GstMapInfo maps[MAX_IOV];
  struct iovec iov[MAX_IOV];
  GstFlowReturn ret = GST_FLOW_OK;
  guint n_mem, first = 0;

  if (sink->consumer_gone)
    return GST_FLOW_EOS;
  if (sink->ep.io_fd < 0)
    goto input_closed;

  n_mem = gst_buffer_n_memory (buffer);

  /* at most MAX_IOV memories per writev() */
  while (first < n_mem && ret == GST_FLOW_OK) {
    guint n = MIN (n_mem - first, MAX_IOV), i, n_iov = 0;
    struct iovec *v = iov;

    for (i = 0; i < n; i++) {
      GstMemory *mem = gst_buffer_peek_memory (buffer, first + i);

      if (!gst_memory_map (mem, &maps[i], GST_MAP_READ)) {
        while (i-- > 0)
          gst_memory_unmap (maps[i].memory, &maps[i]);
        goto map_failed;
      }
      iov[n_iov].iov_base = maps[i].data;
      iov[n_iov++].iov_len = maps[i].size;
    }

    while (n_iov > 0) {
      gboolean broken;
      gssize w;

      /* skip what is done */
      if (v->iov_len == 0) {
        v++;
        n_iov--;
        continue;
      }
      if (sink->ep.io_socket)
        w = gst_pipe_send_iov (sink->ep.io_fd, v, n_iov, &broken);
      else
        w = gst_pipe_write_iov (sink->ep.io_fd, v, n_iov, &broken);
      if (w >= 0) {
        sink->written += w;
        while (w > 0) {
          gsize step = MIN ((gsize) w, v->iov_len);

          v->iov_base = (guint8 *) v->iov_base + step;
          v->iov_len -= step;
          w -= step;
          if (v->iov_len == 0 && n_iov > 1) {
            v++;
            n_iov--;
          }
        }
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        gint r = gst_pipe_endpoint_wait_io (&sink->ep);

        if (r == 0) {
          /* unlock(): a change to PAUSED or a flush. Wait in preroll, and
           * go on writing when PLAYING again */
          GST_DEBUG_OBJECT (sink, "write interrupted");
          ret = gst_base_sink_wait_preroll (bsink);
          if (ret != GST_FLOW_OK)
            break;
          continue;
        }
        if (r < 0)
          goto write_failed;
        continue;
      }
      if (broken) {
        ret = gst_pipe_sink_consumer_gone (sink);
        break;
      }
      goto write_failed;
    }

    for (i = 0; i < n; i++)
      gst_memory_unmap (maps[i].memory, &maps[i]);
    first += n;
  }

  return ret;

  /* ERRORS */
input_closed:
  {
    GST_ELEMENT_ERROR (sink, RESOURCE, WRITE,
        ("The %s has had its input closed at the end of the stream and "
            "cannot take more data.", sink->ep.what),
        ("data after EOS (a flush does not reopen a pipe)"));
    return GST_FLOW_ERROR;
  }
map_failed:
  {
    GST_ELEMENT_ERROR (sink, RESOURCE, READ, ("Could not read the buffer."),
        ("gst_memory_map failed"));
    return GST_FLOW_ERROR;
  }
write_failed:
  {
    gint err = errno;
    guint i;

    for (i = 0; i < MIN (n_mem - first, MAX_IOV); i++)
      gst_memory_unmap (maps[i].memory, &maps[i]);
    if (err == ENOSPC)
      GST_ELEMENT_ERROR (sink, RESOURCE, NO_SPACE_LEFT, (NULL),
          ("writing to the %s: %s", sink->ep.what, g_strerror (err)));
    else
      GST_ELEMENT_ERROR (sink, RESOURCE, WRITE,
          ("Could not write to the %s.", sink->ep.what),
          ("%s", g_strerror (err)));
    return GST_FLOW_ERROR;
  }
}
