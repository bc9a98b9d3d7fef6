/* gst-reuse: memory-mapped file windows with SIGBUS protection
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

#ifndef __GST_MMAP_WINDOW_H__
#define __GST_MMAP_WINDOW_H__

#include <glib.h>

G_BEGIN_DECLS

/**
 * GstMmapWindow:
 *
 * A read-only, reference-counted memory mapping of a byte range of a file.
 * The mapping is released when the last reference goes away, so anything
 * that points into it (a #GstMemory, say) stays valid for as long as it holds
 * a reference, whatever happens to the element that made it.
 *
 * A window made with @guard = %TRUE is registered with a process-wide SIGBUS
 * guard: if the file shrinks under the mapping and a page past the new end
 * is touched, the guard replaces the rest of the window with zero pages
 * instead of letting the process die, and marks the window as faulted. The
 * guard's signal handler is installed when the first guarded window is made
 * and removed again when the last one is released (unless another handler
 * was installed on top of it in the meantime), and it chains to whatever
 * action was there before (honouring its flags and mask) for every address
 * that is not inside one of our windows.
 *
 * A thread that blocks SIGBUS cannot run the handler (the kernel kills the
 * process instead), so code that touches a guarded window's data brackets
 * the access with gst_mmap_window_access_begin() and
 * gst_mmap_window_access_end(), and checks afterwards with
 * gst_mmap_window_check_range() whether the file shrank under what it read.
 *
 * This module has no GStreamer element code in it; #GstMmapSrc and the
 * mmap memory allocator build on it.
 */
typedef struct _GstMmapWindow GstMmapWindow;

/**
 * GstMmapWindowFaultFunc:
 * @window: the window that faulted
 * @user_data: the data given to gst_mmap_window_set_fault_func()
 *
 * Called once, from whichever thread first notices through
 * gst_mmap_window_check_fault() that the window faulted.
 */
typedef void (*GstMmapWindowFaultFunc) (GstMmapWindow * window,
    gpointer user_data);

typedef enum
{
  GST_MMAP_ADVICE_NORMAL,
  GST_MMAP_ADVICE_SEQUENTIAL,
  GST_MMAP_ADVICE_RANDOM,
  GST_MMAP_ADVICE_WILLNEED
} GstMmapAdvice;

G_GNUC_INTERNAL
GstMmapWindow * gst_mmap_window_new (gint fd, guint64 offset, gsize length,
                                     gboolean guard, GError ** error);

G_GNUC_INTERNAL
GstMmapWindow * gst_mmap_window_ref (GstMmapWindow * window);

G_GNUC_INTERNAL
void            gst_mmap_window_unref (GstMmapWindow * window);

G_GNUC_INTERNAL
guint64         gst_mmap_window_get_offset (const GstMmapWindow * window);

G_GNUC_INTERNAL
gsize           gst_mmap_window_get_length (const GstMmapWindow * window);

G_GNUC_INTERNAL
gboolean        gst_mmap_window_contains (const GstMmapWindow * window,
                                          guint64 offset, gsize size);

G_GNUC_INTERNAL
guint8 *        gst_mmap_window_get_data (const GstMmapWindow * window,
                                          guint64 offset);

G_GNUC_INTERNAL
gboolean        gst_mmap_window_is_guarded (const GstMmapWindow * window);

G_GNUC_INTERNAL
gint            gst_mmap_window_populate (GstMmapWindow * window,
                                          guint64 offset, gsize size);

G_GNUC_INTERNAL
gint            gst_mmap_window_advise (GstMmapWindow * window,
                                        guint64 offset, gsize size,
                                        GstMmapAdvice advice);

G_GNUC_INTERNAL
gboolean        gst_mmap_window_is_faulted (const GstMmapWindow * window);

G_GNUC_INTERNAL
void            gst_mmap_window_set_fault_func (GstMmapWindow * window,
                                                GstMmapWindowFaultFunc func,
                                                gpointer user_data,
                                                GDestroyNotify notify);

G_GNUC_INTERNAL
gboolean        gst_mmap_window_check_fault (GstMmapWindow * window,
                                             gboolean stat_file);

G_GNUC_INTERNAL
gboolean        gst_mmap_window_check_range (GstMmapWindow * window,
                                             guint64 offset, gsize size);

G_GNUC_INTERNAL
void            gst_mmap_window_access_begin (GstMmapWindow * window);

G_GNUC_INTERNAL
void            gst_mmap_window_access_end (GstMmapWindow * window);

G_GNUC_INTERNAL
guint           gst_mmap_guard_get_fault_count (void);

G_GNUC_INTERNAL
gboolean        gst_mmap_guard_is_installed (void);

G_GNUC_INTERNAL
guint           gst_mmap_guard_get_n_windows (void);

G_END_DECLS

#endif /* __GST_MMAP_WINDOW_H__ */
