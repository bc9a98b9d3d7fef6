/* gst-reuse: mmapsrc, a zero-copy memory-mapped file source
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
 * SECTION:element-mmapsrc
 * @title: mmapsrc
 * @see_also: #GstFileSrc
 *
 * Reads a local file by mapping it into memory and pushing buffers that
 * point straight into the mapping: no read() system calls and no copy into
 * freshly allocated buffers. Buffers keep the mapping alive, so a buffer
 * that outlives the element or the pipeline stays valid. The memory is
 * read-only; an element that wants to write into a buffer gets a copy, and
 * the file is never modified.
 *
 * mmapsrc behaves like filesrc otherwise: it answers the SEEKING, DURATION
 * and URI queries, supports byte seeks and pull mode (with filesrc's
 * behaviour at the end of the file), and follows files that grow while
 * they are read.
 *
 * Files that cannot be mapped are read with read() instead (#GstMmapSrc:mode
 * says when): FIFOs, character devices, files that report a size of 0 such
 * as those in /proc, and files on network and FUSE file systems. So are
 * files that the page cache holds in small pages, in pull mode, and in push
 * mode where mapping them costs more than copying; #GstMmapSrc:chosen-mode
 * reports the choice.
 *
 * ## Files that shrink while they are read
 *
 * Touching a mapped page past the end of a file that was truncated raises
 * SIGBUS, which kills a process that does not handle it. mmapsrc protects
 * itself in three layers:
 *
 * * Before it pushes a block it checks the file's size with fstat() and
 *   faults the block's pages in with MADV_POPULATE_READ, which fails instead
 *   of raising SIGBUS. Either check that finds the file shorter than before
 *   posts a RESOURCE/READ error naming the file, and streaming stops.
 * * If the file shrinks after that check, while a downstream element is
 *   still reading a buffer, a SIGBUS handler (installed only while mapped
 *   windows exist, see #GstMmapSrc:handle-sigbus) maps zero pages over the
 *   vanished part of the file, so the access reads zeros instead of
 *   crashing.
 * * The buffers' memory checks, when it is unmapped or copied, whether a
 *   SIGBUS was caught in its mapping and whether the file is now shorter
 *   than the mapping (bytes between the new end and the end of its page read
 *   as zeros without any SIGBUS). Either posts the same RESOURCE/READ error
 *   from mmapsrc, from the reader's thread, even if mmapsrc has already sent
 *   EOS.
 *
 * Every other SIGBUS is passed on to the handler that was installed before,
 * or kills the process as it would have without mmapsrc.
 *
 * Guaranteed while the handler is installed: no SIGBUS from a shrunk file
 * kills the process for accesses between a map of the memory and its unmap
 * in the same thread, or in gst_memory_copy(), even if the thread blocks
 * SIGBUS (the map unblocks it until the unmap), nor for any access by a
 * thread that does not block it; zeros read that way trigger the ERROR
 * before the next buffer is handed on. Not: threads that block SIGBUS and
 * touch data they did not map; readers that never unmap; files rewritten in
 * place; system calls reading the buffer fail with EFAULT instead. See
 * docs/mmapsrc.md.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 mmapsrc location=movie.mp4 ! qtdemux ! h264parse ! fakesink
 * ]| Demuxes an MP4 file in pull mode, straight from the page cache when it
 * holds the file in large folios.
 *
 * ## Using mmapsrc for file:// URIs
 *
 * mmapsrc handles file:// URIs but has rank none, so playbin, uridecodebin
 * and gst_element_make_from_uri() keep choosing filesrc. To opt in for a
 * whole process, raise its rank:
 * |[
 * GST_PLUGIN_FEATURE_RANK=mmapsrc:MAX gst-launch-1.0 playbin uri=file://$PWD/movie.mp4 video-sink=fakesink audio-sink=fakesink
 * ]|
 * or call gst_plugin_feature_set_rank() on its factory in an application.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmapsrc.h"
#include "gstmmapsrcio.h"
#include "gstmmapallocator.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

GST_DEBUG_CATEGORY (gst_mmap_src_debug);
GST_DEBUG_CATEGORY (gst_mmap_src_performance);
#define GST_CAT_DEFAULT gst_mmap_src_debug

static GstStaticPadTemplate srctemplate = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

#define DEFAULT_BLOCKSIZE       (1024 * 1024)
#define DEFAULT_MODE            GST_MMAP_SRC_MODE_AUTO
#define DEFAULT_ADVICE          GST_MMAP_SRC_ADVICE_AUTO
#define DEFAULT_READAHEAD       0
#define DEFAULT_PREFAULT        TRUE
#define DEFAULT_HANDLE_SIGBUS   TRUE
#define DEFAULT_WINDOW_SIZE     (32 * 1024 * 1024)

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_BLOCKSIZE,
  PROP_MODE,
  PROP_ADVICE,
  PROP_READAHEAD,
  PROP_PREFAULT,
  PROP_HANDLE_SIGBUS,
  PROP_WINDOW_SIZE,
  PROP_MAPPED,
  PROP_CHOSEN_MODE,
  PROP_LAST
};

static GParamSpec *obj_props[PROP_LAST];

GType
gst_mmap_src_mode_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    {GST_MMAP_SRC_MODE_AUTO,
        "Map or read() each file, whichever is faster for it", "auto"},
    {GST_MMAP_SRC_MODE_MMAP,
        "Always map; fail on files that cannot be mapped", "mmap"},
    {GST_MMAP_SRC_MODE_READ, "Always read(), like filesrc", "read"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&id)) {
    GType tmp = g_enum_register_static ("GstMmapSrcMode", values);
    g_once_init_leave (&id, tmp);
  }
  return (GType) id;
}

GType
gst_mmap_src_advice_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    {GST_MMAP_SRC_ADVICE_AUTO,
        "Sequential in push mode, normal in pull mode", "auto"},
    {GST_MMAP_SRC_ADVICE_NORMAL, "The kernel's default read-ahead", "normal"},
    {GST_MMAP_SRC_ADVICE_SEQUENTIAL,
        "Aggressive read-ahead (MADV_SEQUENTIAL)", "sequential"},
    {GST_MMAP_SRC_ADVICE_RANDOM, "No read-ahead (MADV_RANDOM)", "random"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&id)) {
    GType tmp = g_enum_register_static ("GstMmapSrcAdvice", values);
    g_once_init_leave (&id, tmp);
  }
  return (GType) id;
}

static void gst_mmap_src_uri_handler_init (gpointer g_iface,
    gpointer iface_data);

static void gst_mmap_src_finalize (GObject * object);
static void gst_mmap_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_mmap_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);

static gboolean gst_mmap_src_start (GstBaseSrc * basesrc);
static gboolean gst_mmap_src_stop (GstBaseSrc * basesrc);
static gboolean gst_mmap_src_is_seekable (GstBaseSrc * basesrc);
static gboolean gst_mmap_src_get_size (GstBaseSrc * basesrc, guint64 * size);
static gboolean gst_mmap_src_unlock (GstBaseSrc * basesrc);
static gboolean gst_mmap_src_unlock_stop (GstBaseSrc * basesrc);
static GstFlowReturn gst_mmap_src_create (GstBaseSrc * basesrc,
    guint64 offset, guint length, GstBuffer ** buffer);
static GstFlowReturn gst_mmap_src_fill (GstBaseSrc * basesrc, guint64 offset,
    guint length, GstBuffer * buf);

#define _do_init \
  G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER, gst_mmap_src_uri_handler_init); \
  GST_DEBUG_CATEGORY_INIT (gst_mmap_src_debug, "mmapsrc", 0, "mmapsrc element"); \
  GST_DEBUG_CATEGORY_GET (gst_mmap_src_performance, "GST_PERFORMANCE");
#define gst_mmap_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstMmapSrc, gst_mmap_src, GST_TYPE_BASE_SRC, _do_init);
GST_ELEMENT_REGISTER_DEFINE (mmapsrc, "mmapsrc", GST_RANK_NONE,
    GST_TYPE_MMAP_SRC);

static void
gst_mmap_src_class_init (GstMmapSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *gstelement_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *gstbasesrc_class = GST_BASE_SRC_CLASS (klass);

  gobject_class->set_property = gst_mmap_src_set_property;
  gobject_class->get_property = gst_mmap_src_get_property;
  gobject_class->finalize = gst_mmap_src_finalize;

  /**
   * GstMmapSrc:location:
   *
   * The file to read. Can only be changed in the NULL and READY states.
   */
  obj_props[PROP_LOCATION] = g_param_spec_string ("location", "File Location",
      "Location of the file to read", NULL,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstMmapSrc:blocksize:
   *
   * The size of the buffers pushed in push mode. mmapsrc defaults to 1 MiB
   * (filesrc: 4 KiB): a mapped buffer costs the same whatever its size,
   * since it only points into the mapping; a file that is read instead is
   * read one block at a time into recycled pool buffers of this size.
   */
  obj_props[PROP_BLOCKSIZE] = g_param_spec_uint ("blocksize", "Block size",
      "Size in bytes of the buffers pushed in push mode", 1, G_MAXUINT,
      DEFAULT_BLOCKSIZE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * GstMmapSrc:mode:
   *
   * Whether to map the file or read it with read(). In `auto` mode FIFOs,
   * character devices, files that report a size of 0 (/proc, sysfs) and
   * files on NFS, SMB/CIFS, FUSE, 9p, Ceph and AFS are read, because page
   * faults on those make network round trips and a truncation by another
   * host is not visible to fstat() in time. Other regular files are mapped
   * if the page cache holds them in large folios. Where it holds them in
   * small pages they are read into recycled, page-aligned memory in pull
   * mode, and in push mode if they cost more to map than to copy (see
   * #GstMmapSrc:chosen-mode). `mmap` always maps and fails the state change
   * on files that cannot be mapped; `read` always reads, like filesrc (with
   * mmapsrc's truncation check).
   */
  obj_props[PROP_MODE] = g_param_spec_enum ("mode", "Mode",
      "Whether to memory-map the file or read() it", GST_TYPE_MMAP_SRC_MODE,
      DEFAULT_MODE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstMmapSrc:advice:
   *
   * The access pattern announced to the kernel with madvise() for the
   * mapping, which steers its read-ahead when the file is not in the page
   * cache yet.
   */
  obj_props[PROP_ADVICE] = g_param_spec_enum ("advice", "Access advice",
      "Access pattern announced to the kernel for the mapping",
      GST_TYPE_MMAP_SRC_ADVICE, DEFAULT_ADVICE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstMmapSrc:readahead:
   *
   * How many bytes past each block to ask the kernel to start reading
   * (MADV_WILLNEED), so that the disk works while downstream processes the
   * current block. 0 leaves read-ahead to the kernel and #GstMmapSrc:advice.
   */
  obj_props[PROP_READAHEAD] = g_param_spec_uint64 ("readahead", "Read-ahead",
      "Bytes past each block to start reading in the background "
      "(0 = leave it to the kernel)", 0, G_MAXUINT64, DEFAULT_READAHEAD,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstMmapSrc:prefault:
   *
   * Fault each block's pages in with MADV_POPULATE_READ before pushing it.
   * This does the disk reads and page-table work in mmapsrc's thread, in one
   * system call, and detects a truncated file before a downstream element
   * touches the block. Needs Linux 5.14; ignored on older kernels.
   */
  obj_props[PROP_PREFAULT] = g_param_spec_boolean ("prefault", "Prefault",
      "Fault each block in (MADV_POPULATE_READ) before pushing it",
      DEFAULT_PREFAULT,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstMmapSrc:handle-sigbus:
   *
   * Protect the mappings with a SIGBUS handler, so that a file that shrinks
   * under a buffer reads as zeros (and is reported as an error) instead of
   * killing the process. The handler is installed while mapped windows
   * exist, chains to the previous handler for every other SIGBUS and is
   * removed when the last window goes, unless another handler was installed
   * on top of it meanwhile. Turn it off only if the application must own
   * SIGBUS; a truncated file can then crash the process.
   */
  obj_props[PROP_HANDLE_SIGBUS] = g_param_spec_boolean ("handle-sigbus",
      "Handle SIGBUS",
      "Survive files that shrink while mapped (installs a chained "
      "SIGBUS handler while mappings exist)", DEFAULT_HANDLE_SIGBUS,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstMmapSrc:window-size:
   *
   * In push mode the file is mapped a window of this many bytes at a time;
   * a window is unmapped as soon as the last buffer pointing into it is
   * freed, so the process's resident set (which counts mapped page-cache
   * pages) stays around one or two windows however large the file. 0 maps
   * the whole file at once. Pull mode, when it maps, maps the whole file,
   * since demuxers read it in any order.
   */
  obj_props[PROP_WINDOW_SIZE] = g_param_spec_uint64 ("window-size",
      "Window size",
      "Bytes mapped at a time in push mode (0 = the whole file)",
      0, G_MAXUINT64, DEFAULT_WINDOW_SIZE,
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);

  /**
   * GstMmapSrc:mapped:
   *
   * Whether the file being read is served from a memory mapping (%FALSE
   * before the element is started, and when #GstMmapSrc:mode chose read()).
   */
  obj_props[PROP_MAPPED] = g_param_spec_boolean ("mapped", "Mapped",
      "Whether the file is served from a memory mapping", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstMmapSrc:chosen-mode:
   *
   * How the file is being read, or was read in the last run: `mmap` or
   * `read`. With #GstMmapSrc:mode `auto` it says `auto` until the element
   * has decided, which for a regular file it does at the first buffer: it
   * maps where the page cache holds the file in large folios (judged from
   * the page faults it takes to map the first few MiB). Where it holds it
   * in small pages it reads into recycled memory in pull mode, and in push
   * mode maps or reads, whichever its measurement of both on those MiB
   * found cheaper. The decision is logged at INFO level and notified.
   *
   * Since: 1.22
   */
  obj_props[PROP_CHOSEN_MODE] = g_param_spec_enum ("chosen-mode",
      "Chosen mode", "How the file is read: mmap or read (auto: not decided "
      "yet)", GST_TYPE_MMAP_SRC_MODE, GST_MMAP_SRC_MODE_AUTO,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, PROP_LAST, obj_props);

  gst_element_class_set_static_metadata (gstelement_class,
      "Memory-mapped file source", "Source/File",
      "Read from a file through a memory mapping, without copying",
      "The gst-reuse authors");
  gst_element_class_add_static_pad_template (gstelement_class, &srctemplate);

  gstbasesrc_class->start = GST_DEBUG_FUNCPTR (gst_mmap_src_start);
  gstbasesrc_class->stop = GST_DEBUG_FUNCPTR (gst_mmap_src_stop);
  gstbasesrc_class->is_seekable = GST_DEBUG_FUNCPTR (gst_mmap_src_is_seekable);
  gstbasesrc_class->get_size = GST_DEBUG_FUNCPTR (gst_mmap_src_get_size);
  gstbasesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_mmap_src_unlock);
  gstbasesrc_class->unlock_stop = GST_DEBUG_FUNCPTR (gst_mmap_src_unlock_stop);
  gstbasesrc_class->create = GST_DEBUG_FUNCPTR (gst_mmap_src_create);
  gstbasesrc_class->fill = GST_DEBUG_FUNCPTR (gst_mmap_src_fill);

  gst_type_mark_as_plugin_api (GST_TYPE_MMAP_SRC_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_MMAP_SRC_ADVICE, 0);
}

static void
gst_mmap_src_init (GstMmapSrc * src)
{
  src->fd = -1;
  src->mode = DEFAULT_MODE;
  src->advice = DEFAULT_ADVICE;
  src->readahead = DEFAULT_READAHEAD;
  src->prefault = DEFAULT_PREFAULT;
  src->handle_sigbus = DEFAULT_HANDLE_SIGBUS;
  src->window_size = DEFAULT_WINDOW_SIZE;

  gst_base_src_set_blocksize (GST_BASE_SRC (src), DEFAULT_BLOCKSIZE);
}

static void
gst_mmap_src_finalize (GObject * object)
{
  GstMmapSrc *src = GST_MMAP_SRC (object);

  g_free (src->filename);
  g_free (src->uri);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static gboolean
gst_mmap_src_set_location (GstMmapSrc * src, const gchar * location,
    GError ** err)
{
  GstState state;

  /* the element must be stopped in order to do this */
  GST_OBJECT_LOCK (src);
  state = GST_STATE (src);
  if (state != GST_STATE_READY && state != GST_STATE_NULL)
    goto wrong_state;

  g_free (src->filename);
  g_free (src->uri);

  if (location == NULL) {
    src->filename = NULL;
    src->uri = NULL;
  } else {
    src->filename = g_strdup (location);
    src->uri = gst_filename_to_uri (location, NULL);
    GST_INFO_OBJECT (src, "filename : %s", src->filename);
    GST_INFO_OBJECT (src, "uri      : %s", src->uri);
  }
  GST_OBJECT_UNLOCK (src);

  g_object_notify_by_pspec (G_OBJECT (src), obj_props[PROP_LOCATION]);

  return TRUE;

  /* ERRORS */
wrong_state:
  {
    GST_OBJECT_UNLOCK (src);
    GST_WARNING_OBJECT (src, "Changing the `location' property on mmapsrc "
        "when a file is open is not supported.");
    g_set_error (err, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
        "Changing the `location' property on mmapsrc when a file is "
        "open is not supported.");
    return FALSE;
  }
}

static void
gst_mmap_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstMmapSrc *src = GST_MMAP_SRC (object);

  switch (prop_id) {
    case PROP_LOCATION:
      gst_mmap_src_set_location (src, g_value_get_string (value), NULL);
      break;
    case PROP_BLOCKSIZE:
      gst_base_src_set_blocksize (GST_BASE_SRC (src), g_value_get_uint (value));
      break;
    case PROP_MODE:
      GST_OBJECT_LOCK (src);
      src->mode = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_ADVICE:
      GST_OBJECT_LOCK (src);
      src->advice = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_READAHEAD:
      GST_OBJECT_LOCK (src);
      src->readahead = g_value_get_uint64 (value);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_PREFAULT:
      GST_OBJECT_LOCK (src);
      src->prefault = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_HANDLE_SIGBUS:
      GST_OBJECT_LOCK (src);
      src->handle_sigbus = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_WINDOW_SIZE:
      GST_OBJECT_LOCK (src);
      src->window_size = g_value_get_uint64 (value);
      GST_OBJECT_UNLOCK (src);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_mmap_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstMmapSrc *src = GST_MMAP_SRC (object);

  switch (prop_id) {
    case PROP_LOCATION:
      GST_OBJECT_LOCK (src);
      g_value_set_string (value, src->filename);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_BLOCKSIZE:
      g_value_set_uint (value, gst_base_src_get_blocksize (GST_BASE_SRC (src)));
      break;
    case PROP_MODE:
      GST_OBJECT_LOCK (src);
      g_value_set_enum (value, src->mode);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_ADVICE:
      GST_OBJECT_LOCK (src);
      g_value_set_enum (value, src->advice);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_READAHEAD:
      GST_OBJECT_LOCK (src);
      g_value_set_uint64 (value, src->readahead);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_PREFAULT:
      GST_OBJECT_LOCK (src);
      g_value_set_boolean (value, src->prefault);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_HANDLE_SIGBUS:
      GST_OBJECT_LOCK (src);
      g_value_set_boolean (value, src->handle_sigbus);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_WINDOW_SIZE:
      GST_OBJECT_LOCK (src);
      g_value_set_uint64 (value, src->window_size);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_MAPPED:
      GST_OBJECT_LOCK (src);
      g_value_set_boolean (value, src->use_mmap);
      GST_OBJECT_UNLOCK (src);
      break;
    case PROP_CHOSEN_MODE:
      GST_OBJECT_LOCK (src);
      g_value_set_enum (value, src->chosen_mode);
      GST_OBJECT_UNLOCK (src);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

/* open the file, necessary to go to PAUSED */
static gboolean
gst_mmap_src_start (GstBaseSrc * basesrc)
{
  GstMmapSrc *src = GST_MMAP_SRC (basesrc);
  struct stat st;
  GstMmapSrcMode mode;
  gboolean mappable, network;
  GError *err = NULL;

  if (src->filename == NULL || src->filename[0] == '\0')
    goto no_filename;

  GST_INFO_OBJECT (src, "opening file %s", src->filename);

  /* O_NONBLOCK so that opening a FIFO without a writer does not block the
   * state change; reads from streams wait in a GstPoll that unlock() can
   * interrupt. */
  src->fd = open (src->filename, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (src->fd < 0)
    goto open_failed;

  if (fstat (src->fd, &st) < 0)
    goto no_stat;

  if (S_ISDIR (st.st_mode))
    goto was_directory;

  if (S_ISSOCK (st.st_mode))
    goto was_socket;

  src->is_regular = S_ISREG (st.st_mode);
  network = src->is_regular && gst_mmap_src_is_network_fs (src->fd);
  mappable = src->is_regular && st.st_size > 0;

  gst_mmap_src_new_run (src);
  GST_OBJECT_LOCK (src);
  mode = src->mode;
  src->known_size = src->is_regular ? (guint64) st.st_size : 0;
  src->shrunk_to = src->known_size;
  src->use_mmap = FALSE;
  switch (mode) {
    case GST_MMAP_SRC_MODE_AUTO:
      src->use_mmap = mappable && !network;
      break;
    case GST_MMAP_SRC_MODE_MMAP:
      if (!mappable)
        goto not_mappable_locked;
      src->use_mmap = TRUE;
      break;
    case GST_MMAP_SRC_MODE_READ:
      break;
  }
  if (src->use_mmap && !gst_mmap_src_map_locked (src, 0,
          src->window_size ? MIN (src->window_size, st.st_size) : st.st_size,
          &err)) {
    src->use_mmap = FALSE;
    if (mode == GST_MMAP_SRC_MODE_MMAP)
      goto map_failed_locked;
    GST_WARNING_OBJECT (src, "could not map \"%s\", reading it instead: %s",
        src->filename, err->message);
    g_clear_error (&err);
  }
  src->chosen_mode = !src->use_mmap ? GST_MMAP_SRC_MODE_READ :
      mode == GST_MMAP_SRC_MODE_AUTO ? GST_MMAP_SRC_MODE_AUTO :
      GST_MMAP_SRC_MODE_MMAP;
  src->choose_pending = src->chosen_mode == GST_MMAP_SRC_MODE_AUTO;
  GST_OBJECT_UNLOCK (src);
  g_object_notify_by_pspec (G_OBJECT (src), obj_props[PROP_CHOSEN_MODE]);

  if (src->use_mmap) {
    /* regular files never block, but keep the flags tidy */
    fcntl (src->fd, F_SETFL, fcntl (src->fd, F_GETFL) & ~O_NONBLOCK);
    src->seekable = TRUE;
  } else if (src->is_regular && st.st_size > 0) {
    fcntl (src->fd, F_SETFL, fcntl (src->fd, F_GETFL) & ~O_NONBLOCK);
    src->seekable = lseek (src->fd, 0, SEEK_END) >= 0 &&
        lseek (src->fd, 0, SEEK_SET) == 0;
  } else {
    /* a FIFO, a device, or a file whose size says nothing (/proc): a
     * stream that is read until read() returns 0 */
    src->seekable = FALSE;
    src->fdset = gst_poll_new (TRUE);
    if (src->fdset == NULL)
      goto no_poll;
    gst_poll_fd_init (&src->pollfd);
    src->pollfd.fd = src->fd;
    gst_poll_add_fd (src->fdset, &src->pollfd);
    gst_poll_fd_ctl_read (src->fdset, &src->pollfd, TRUE);
  }

  GST_INFO_OBJECT (src, "%s \"%s\" (%s, %s, size %" G_GUINT64_FORMAT ")",
      src->use_mmap ? "mapped" : "reading", src->filename,
      src->is_regular ? "regular file" : "stream",
      src->seekable ? "seekable" : "not seekable", (guint64) st.st_size);

  src->read_position = 0;
  src->populate_supported = TRUE;
  src->fallback_warned = FALSE;

  gst_base_src_set_dynamic_size (basesrc, src->seekable);

  return TRUE;

  /* ERRORS */
no_filename:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, NOT_FOUND,
        ("No file name specified for reading."), (NULL));
    goto error_exit;
  }
open_failed:
  {
    switch (errno) {
      case ENOENT:
        GST_ELEMENT_ERROR (src, RESOURCE, NOT_FOUND,
            ("File \"%s\" does not exist.", src->filename),
            ("No such file \"%s\"", src->filename));
        break;
      default:
        GST_ELEMENT_ERROR (src, RESOURCE, OPEN_READ,
            ("Could not open file \"%s\" for reading.", src->filename),
            GST_ERROR_SYSTEM);
        break;
    }
    goto error_exit;
  }
no_stat:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, OPEN_READ,
        ("Could not get info on \"%s\".", src->filename), GST_ERROR_SYSTEM);
    goto error_close;
  }
was_directory:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, OPEN_READ,
        ("\"%s\" is a directory.", src->filename), (NULL));
    goto error_close;
  }
was_socket:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, OPEN_READ,
        ("File \"%s\" is a socket.", src->filename), (NULL));
    goto error_close;
  }
not_mappable_locked:
  {
    GST_OBJECT_UNLOCK (src);
    GST_ELEMENT_ERROR (src, RESOURCE, OPEN_READ,
        ("File \"%s\" cannot be memory-mapped.", src->filename),
        ("%s; use mode=auto or mode=read to read it with read()",
            src->is_regular ? "it reports a size of 0" :
            "it is not a regular file"));
    goto error_close;
  }
map_failed_locked:
  {
    GST_OBJECT_UNLOCK (src);
    GST_ELEMENT_ERROR (src, RESOURCE, OPEN_READ,
        ("Could not memory-map file \"%s\".", src->filename),
        ("%s", err->message));
    g_clear_error (&err);
    goto error_close;
  }
no_poll:
  {
    GST_ELEMENT_ERROR (src, RESOURCE, OPEN_READ,
        ("Could not open file \"%s\" for reading.", src->filename),
        ("could not create a GstPoll: %s", g_strerror (errno)));
    goto error_close;
  }
error_close:
  close (src->fd);
  src->fd = -1;
error_exit:
  return FALSE;
}

/* unmap and close the file */
static gboolean
gst_mmap_src_stop (GstBaseSrc * basesrc)
{
  GstMmapSrc *src = GST_MMAP_SRC (basesrc);

  /* Buffers still out there keep their window alive. */
  GST_OBJECT_LOCK (src);
  gst_mmap_src_unmap_locked (src);
  src->use_mmap = FALSE;
  GST_OBJECT_UNLOCK (src);

  gst_mmap_src_free_pool (src);
  if (src->fdset) {
    gst_poll_free (src->fdset);
    src->fdset = NULL;
  }
  if (src->fd >= 0)
    close (src->fd);
  src->fd = -1;
  src->is_regular = FALSE;
  src->seekable = FALSE;

  return TRUE;
}

static gboolean
gst_mmap_src_is_seekable (GstBaseSrc * basesrc)
{
  GstMmapSrc *src = GST_MMAP_SRC (basesrc);

  return src->seekable;
}

static gboolean
gst_mmap_src_get_size (GstBaseSrc * basesrc, guint64 * size)
{
  GstMmapSrc *src = GST_MMAP_SRC (basesrc);
  gboolean shrunk, faulted = FALSE;

  /* Streams have no meaningful size (fstat says 0) */
  if (!src->seekable)
    return FALSE;

  /* A file that shrank has no trustworthy size: say so, and basesrc keeps
   * calling create(), which reports the truncation instead of pushing a
   * quiet, early EOS. */
  if (!gst_mmap_src_stat_size (src, size, &shrunk))
    return FALSE;

  GST_OBJECT_LOCK (src);
  if (src->window)
    faulted = gst_mmap_window_is_faulted (src->window);
  GST_OBJECT_UNLOCK (src);

  return !faulted;
}

static gboolean
gst_mmap_src_unlock (GstBaseSrc * basesrc)
{
  GstMmapSrc *src = GST_MMAP_SRC (basesrc);

  if (src->fdset)
    gst_poll_set_flushing (src->fdset, TRUE);
  return TRUE;
}

static gboolean
gst_mmap_src_unlock_stop (GstBaseSrc * basesrc)
{
  GstMmapSrc *src = GST_MMAP_SRC (basesrc);

  if (src->fdset)
    gst_poll_set_flushing (src->fdset, FALSE);
  return TRUE;
}

/* The read() path: basesrc's default create() allocates and calls us. */
static GstFlowReturn
gst_mmap_src_fill (GstBaseSrc * basesrc, guint64 offset, guint length,
    GstBuffer * buf)
{
  GstMmapSrc *src = GST_MMAP_SRC (basesrc);

  if (src->seekable)
    return gst_mmap_src_read_file (src, offset, length, buf);
  return gst_mmap_src_read_stream (src, length, buf);
}

/* The read() path: from a regular file into recycled memory, otherwise
 * (streams, ranges too small or too large for the pools, a caller's
 * buffer) basesrc's default create(), which allocates and calls fill();
 * it skips fill() for empty ranges: give those their offsets too. */
static GstFlowReturn
gst_mmap_src_create_read (GstBaseSrc * basesrc, guint64 offset, guint length,
    GstBuffer ** buffer)
{
  GstMmapSrc *src = GST_MMAP_SRC (basesrc);
  GstFlowReturn ret;

  if (*buffer == NULL && length > 0 && src->seekable) {
    ret = gst_mmap_src_read_pooled (src, offset, length, buffer);
    if (ret != GST_FLOW_CUSTOM_SUCCESS)
      return ret;
  }

  ret = GST_BASE_SRC_CLASS (parent_class)->create (basesrc, offset, length,
      buffer);
  if (ret == GST_FLOW_OK && length == 0 && gst_buffer_is_writable (*buffer)) {
    GST_BUFFER_OFFSET (*buffer) = offset;
    GST_BUFFER_OFFSET_END (*buffer) = offset;
  }
  return ret;
}

static GstFlowReturn
gst_mmap_src_create (GstBaseSrc * basesrc, guint64 offset, guint length,
    GstBuffer ** buffer)
{
  GstMmapSrc *src = GST_MMAP_SRC (basesrc);
  GstFlowReturn ret = GST_FLOW_CUSTOM_SUCCESS;

  /* CUSTOM_SUCCESS: not (or no longer) mapped, read it */
  if (src->use_mmap)
    ret = gst_mmap_src_create_mapped (src, offset, length, buffer);
  if (ret == GST_FLOW_CUSTOM_SUCCESS)
    ret = gst_mmap_src_create_read (basesrc, offset, length, buffer);
  return ret;
}

/*** GSTURIHANDLER INTERFACE *************************************************/

static GstURIType
gst_mmap_src_uri_get_type (GType type)
{
  return GST_URI_SRC;
}

static const gchar *const *
gst_mmap_src_uri_get_protocols (GType type)
{
  static const gchar *protocols[] = { "file", NULL };

  return protocols;
}

static gchar *
gst_mmap_src_uri_get_uri (GstURIHandler * handler)
{
  GstMmapSrc *src = GST_MMAP_SRC (handler);
  gchar *uri;

  GST_OBJECT_LOCK (src);
  uri = g_strdup (src->uri);
  GST_OBJECT_UNLOCK (src);

  return uri;
}

static gboolean
gst_mmap_src_uri_set_uri (GstURIHandler * handler, const gchar * uri,
    GError ** err)
{
  gchar *location, *hostname = NULL;
  gboolean ret = FALSE;
  GstMmapSrc *src = GST_MMAP_SRC (handler);

  if (strcmp (uri, "file://") == 0) {
    /* Special case for "file://" as this is used by some applications
     * to test with gst_element_make_from_uri if there's an element
     * that supports the URI protocol. */
    gst_mmap_src_set_location (src, NULL, NULL);
    return TRUE;
  }

  location = g_filename_from_uri (uri, &hostname, err);

  if (!location || (err != NULL && *err != NULL)) {
    GST_WARNING_OBJECT (src, "Invalid URI '%s' for mmapsrc: %s", uri,
        (err != NULL && *err != NULL) ? (*err)->message : "unknown error");
    goto beach;
  }

  if (hostname && strcmp (hostname, "localhost") != 0) {
    /* Only 'localhost' is permitted */
    GST_WARNING_OBJECT (src, "Invalid hostname '%s' for mmapsrc", hostname);
    g_set_error (err, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "File URI with invalid hostname '%s'", hostname);
    goto beach;
  }

  ret = gst_mmap_src_set_location (src, location, err);

beach:
  g_free (location);
  g_free (hostname);

  return ret;
}

static void
gst_mmap_src_uri_handler_init (gpointer g_iface, gpointer iface_data)
{
  GstURIHandlerInterface *iface = (GstURIHandlerInterface *) g_iface;

  iface->get_type = gst_mmap_src_uri_get_type;
  iface->get_protocols = gst_mmap_src_uri_get_protocols;
  iface->get_uri = gst_mmap_src_uri_get_uri;
  iface->set_uri = gst_mmap_src_uri_set_uri;
}
