/* gst-reuse: pipesrc, stream out of an external program
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
 * SECTION:element-pipesrc
 * @title: pipesrc
 * @see_also: #GstPipeSink, #GstFdSrc
 *
 * Runs a program and reads its standard output, so that data produced by
 * an external tool (a downloader, a decoder, a generator) flows into the
 * pipeline while it is produced, with no temporary file. The program's
 * standard input is /dev/null. When it closes its output, pipesrc waits for
 * it to exit: with code 0 the stream ends with EOS; a non-zero exit code or
 * a signal is an ERROR naming the program, with the end of its standard
 * error. The program starts with default signal handling in its own process
 * group; if the pipeline stops first, it gets its output closed, then
 * SIGTERM, then SIGKILL, sent to its whole process group (see
 * #GstPipeSrc:kill-timeout), and is always reaped. The stream ends when the
 * pipe does: a process the program started that still holds its output
 * keeps the stream open after the program exited, until it closes it or
 * the pipeline stops, which stops the whole group.
 *
 * Instead of a command, pipesrc can read a FIFO (#GstPipeSrc:location) or
 * an inherited descriptor (#GstPipeSrc:fd). The stream is not seekable.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 pipesrc command="ffmpeg -loglevel error -f lavfi -i testsrc=duration=2:size=320x240:rate=25 -f matroska -" ! matroskademux ! fakesink
 * ]| Reads a Matroska stream that ffmpeg writes to its standard output.
 * |[
 * gst-launch-1.0 pipesrc command="gzip -dc movie.mp4.gz" ! filesink location=movie-copy.mp4
 * ]| Decompresses a file on the fly into the pipeline.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpipesrc.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (gst_pipe_src_debug);
#define GST_CAT_DEFAULT gst_pipe_src_debug

static GstStaticPadTemplate srctemplate = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

/* what a pipe holds by default */
#define DEFAULT_BLOCKSIZE       65536

enum
{
  PROP_BLOCKSIZE = GST_PIPE_PROP_LAST,
};

static void gst_pipe_src_finalize (GObject * object);
static void gst_pipe_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_pipe_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);

static gboolean gst_pipe_src_start (GstBaseSrc * bsrc);
static gboolean gst_pipe_src_stop (GstBaseSrc * bsrc);
static gboolean gst_pipe_src_unlock (GstBaseSrc * bsrc);
static gboolean gst_pipe_src_unlock_stop (GstBaseSrc * bsrc);
static gboolean gst_pipe_src_is_seekable (GstBaseSrc * bsrc);
static GstFlowReturn gst_pipe_src_fill (GstPushSrc * psrc, GstBuffer * buf);

#define _do_init \
  GST_DEBUG_CATEGORY_INIT (gst_pipe_src_debug, "pipesrc", 0, \
      "pipesrc element");
#define gst_pipe_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstPipeSrc, gst_pipe_src, GST_TYPE_PUSH_SRC, _do_init);
GST_ELEMENT_REGISTER_DEFINE (pipesrc, "pipesrc", GST_RANK_NONE,
    GST_TYPE_PIPE_SRC);

static void
gst_pipe_src_class_init (GstPipeSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *gstelement_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *gstbasesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *gstpushsrc_class = GST_PUSH_SRC_CLASS (klass);

  gobject_class->set_property = gst_pipe_src_set_property;
  gobject_class->get_property = gst_pipe_src_get_property;
  gobject_class->finalize = gst_pipe_src_finalize;

  gst_pipe_endpoint_install_properties (gobject_class, FALSE);

  /**
   * GstPipeSrc:blocksize:
   *
   * The most bytes read into one buffer; a buffer holds what the program
   * has written so far, up to this. The default is what a pipe holds.
   */
  g_object_class_install_property (gobject_class, PROP_BLOCKSIZE,
      g_param_spec_uint ("blocksize", "Block size",
          "Most bytes read into one buffer", 1, G_MAXUINT, DEFAULT_BLOCKSIZE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  gst_element_class_set_static_metadata (gstelement_class,
      "Pipe source", "Source",
      "Stream out of the standard output of a program, a FIFO or a "
      "descriptor, with the program's exit status", "The gst-reuse authors");
  gst_element_class_add_static_pad_template (gstelement_class, &srctemplate);

  gstbasesrc_class->start = GST_DEBUG_FUNCPTR (gst_pipe_src_start);
  gstbasesrc_class->stop = GST_DEBUG_FUNCPTR (gst_pipe_src_stop);
  gstbasesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_pipe_src_unlock);
  gstbasesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_pipe_src_unlock_stop);
  gstbasesrc_class->is_seekable = GST_DEBUG_FUNCPTR (gst_pipe_src_is_seekable);
  gstpushsrc_class->fill = GST_DEBUG_FUNCPTR (gst_pipe_src_fill);
}

static void
gst_pipe_src_init (GstPipeSrc * src)
{
  gst_pipe_endpoint_init (&src->ep, GST_ELEMENT (src), gst_pipe_src_debug,
      FALSE);
  gst_base_src_set_blocksize (GST_BASE_SRC (src), DEFAULT_BLOCKSIZE);
}

static void
gst_pipe_src_finalize (GObject * object)
{
  GstPipeSrc *src = GST_PIPE_SRC (object);

  gst_pipe_endpoint_clear (&src->ep);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_pipe_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstPipeSrc *src = GST_PIPE_SRC (object);

  if (gst_pipe_endpoint_set_property (&src->ep, prop_id, value))
    return;

  switch (prop_id) {
    case PROP_BLOCKSIZE:
      gst_base_src_set_blocksize (GST_BASE_SRC (src), g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_pipe_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstPipeSrc *src = GST_PIPE_SRC (object);

  if (gst_pipe_endpoint_get_property (&src->ep, prop_id, value))
    return;

  switch (prop_id) {
    case PROP_BLOCKSIZE:
      g_value_set_uint (value, gst_base_src_get_blocksize (GST_BASE_SRC (src)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static gboolean
gst_pipe_src_start (GstBaseSrc * bsrc)
{
  GstPipeSrc *src = GST_PIPE_SRC (bsrc);

  src->read_bytes = 0;
  return gst_pipe_endpoint_open (&src->ep);
}

static gboolean
gst_pipe_src_stop (GstBaseSrc * bsrc)
{
  GstPipeSrc *src = GST_PIPE_SRC (bsrc);

  gst_pipe_endpoint_close (&src->ep);
  return TRUE;
}

static gboolean
gst_pipe_src_unlock (GstBaseSrc * bsrc)
{
  GstPipeSrc *src = GST_PIPE_SRC (bsrc);

  gst_pipe_endpoint_set_flushing (&src->ep, TRUE);
  return TRUE;
}

static gboolean
gst_pipe_src_unlock_stop (GstBaseSrc * bsrc)
{
  GstPipeSrc *src = GST_PIPE_SRC (bsrc);

  gst_pipe_endpoint_set_flushing (&src->ep, FALSE);
  return TRUE;
}

static gboolean
gst_pipe_src_is_seekable (GstBaseSrc * bsrc)
{
  return FALSE;
}

static GstFlowReturn
gst_pipe_src_fill (GstPushSrc * psrc, GstBuffer * buf)
{
  GstPipeSrc *src = GST_PIPE_SRC (psrc);
  GstMapInfo info;
  gssize n;
  gint r;

  if (!gst_buffer_map (buf, &info, GST_MAP_WRITE))
    goto map_failed;

  for (;;) {
    /* wait first: a FIFO without a writer yet reads as end of file */
    r = gst_pipe_endpoint_wait_io (&src->ep);
    if (r == 0) {
      gst_buffer_unmap (buf, &info);
      return GST_FLOW_FLUSHING;
    }
    if (r < 0)
      goto read_failed;

    if (src->ep.io_socket)
      n = recv (src->ep.io_fd, info.data, info.size, MSG_DONTWAIT);
    else
      n = read (src->ep.io_fd, info.data, info.size);
    if (n >= 0)
      break;
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
      goto read_failed;
  }
  gst_buffer_unmap (buf, &info);

  if (n == 0) {
    GST_DEBUG_OBJECT (src, "end of the %s's output after %" G_GUINT64_FORMAT
        " bytes", src->ep.what, src->read_bytes);
    gst_buffer_resize (buf, 0, 0);
    switch (gst_pipe_endpoint_finish (&src->ep)) {
      case GST_FLOW_OK:
        return GST_FLOW_EOS;
      case GST_FLOW_FLUSHING:
        return GST_FLOW_FLUSHING;
      default:
        return GST_FLOW_ERROR;
    }
  }

  gst_buffer_resize (buf, 0, n);
  GST_BUFFER_OFFSET (buf) = src->read_bytes;
  GST_BUFFER_OFFSET_END (buf) = src->read_bytes + n;
  src->read_bytes += n;

  return GST_FLOW_OK;

  /* ERRORS */
map_failed:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, WRITE, (NULL), ("Can't write to buffer"));
    return GST_FLOW_ERROR;
  }
read_failed:
  {
    gint err = errno;

    gst_buffer_unmap (buf, &info);
    GST_ELEMENT_ERROR (src, RESOURCE, READ,
        ("Could not read from the %s.", src->ep.what),
        ("%s", g_strerror (err)));
    return GST_FLOW_ERROR;
  }
}
