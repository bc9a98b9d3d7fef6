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

#ifndef __GST_MMAP_SRC_H__
#define __GST_MMAP_SRC_H__

#include <gst/gst.h>
#include <gst/base/gstbasesrc.h>

#include "gstmmapwindow.h"

G_BEGIN_DECLS

/**
 * GstMmapSrcMode:
 * @GST_MMAP_SRC_MODE_AUTO: map or read() each file, whichever is faster
 *     for it: map regular, non-empty files on local file systems in pull
 *     mode, and in push mode those held in large page-cache folios;
 *     read() everything else
 * @GST_MMAP_SRC_MODE_MMAP: always map; files that cannot be mapped are an
 *     error
 * @GST_MMAP_SRC_MODE_READ: always read(), like filesrc
 *
 * How mmapsrc reads its file.
 */
typedef enum
{
  GST_MMAP_SRC_MODE_AUTO,
  GST_MMAP_SRC_MODE_MMAP,
  GST_MMAP_SRC_MODE_READ
} GstMmapSrcMode;

/**
 * GstMmapSrcAdvice:
 * @GST_MMAP_SRC_ADVICE_AUTO: sequential in push mode, normal in pull mode
 * @GST_MMAP_SRC_ADVICE_NORMAL: the kernel's default read-ahead
 * @GST_MMAP_SRC_ADVICE_SEQUENTIAL: aggressive read-ahead (MADV_SEQUENTIAL)
 * @GST_MMAP_SRC_ADVICE_RANDOM: no read-ahead (MADV_RANDOM)
 *
 * The access pattern announced to the kernel for the mapping.
 */
typedef enum
{
  GST_MMAP_SRC_ADVICE_AUTO,
  GST_MMAP_SRC_ADVICE_NORMAL,
  GST_MMAP_SRC_ADVICE_SEQUENTIAL,
  GST_MMAP_SRC_ADVICE_RANDOM
} GstMmapSrcAdvice;

#define GST_TYPE_MMAP_SRC_MODE (gst_mmap_src_mode_get_type ())
GType gst_mmap_src_mode_get_type (void);

#define GST_TYPE_MMAP_SRC_ADVICE (gst_mmap_src_advice_get_type ())
GType gst_mmap_src_advice_get_type (void);

#define GST_TYPE_MMAP_SRC (gst_mmap_src_get_type ())

/* pull mode's read() path: pools of 64 KiB, 128 KiB, ... 16 MiB buffers */
#define GST_MMAP_SRC_PULL_POOLS 9
G_DECLARE_FINAL_TYPE (GstMmapSrc, gst_mmap_src, GST, MMAP_SRC, GstBaseSrc)

struct _GstMmapSrc
{
  GstBaseSrc parent;

  /* properties, OBJECT_LOCK */
  gchar *filename;
  gchar *uri;
  GstMmapSrcMode mode;
  GstMmapSrcAdvice advice;
  guint64 readahead;
  gboolean prefault;
  gboolean handle_sigbus;
  guint64 window_size;

  /* set in start(), constant until stop() */
  gint fd;
  gboolean is_regular;
  gboolean seekable;
  gboolean use_mmap;            /* also OBJECT_LOCK, for the property;
                                 * mode=auto may turn it off at the
                                 * first create() */
  GstPoll *fdset;               /* streams (FIFOs, devices) only */
  GstPollFD pollfd;

  /* OBJECT_LOCK */
  GstMmapSrcMode chosen_mode;   /* AUTO until decided */
  guint64 known_size;           /* largest size seen since start() */
  guint64 shrunk_to;            /* size seen when the file shrank */
  GstMmapWindow *window;        /* current window, or NULL */
  GstMemory *root;              /* root memory of the current window */
  guint root_uses;              /* buffers shared from root */

  /* streaming thread */
  gboolean window_advised;
  guint64 advised_end;
  gboolean populate_supported;
  gboolean fallback_warned;
  guint64 read_position;
  gboolean choose_pending;      /* mode=auto, mapped: decide at the first
                                 * create() */
  GstBufferPool *pool;          /* the read() path's memory, push mode */
  guint pool_size;
  /* the read() path's memory, pull mode: one pool per power of two */
  GstBufferPool *pull_pools[GST_MMAP_SRC_PULL_POOLS];

  gint error_posted;            /* atomic */
  gint run;                     /* atomic, counts start()s */
};

GST_ELEMENT_REGISTER_DECLARE (mmapsrc);

G_END_DECLS

#endif /* __GST_MMAP_SRC_H__ */
