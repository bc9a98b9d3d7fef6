/* gst-reuse: helpers shared by the pipe element and child-process tests
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

#ifndef __PIPE_TEST_H__
#define __PIPE_TEST_H__

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

G_BEGIN_DECLS

/* A pipe element in a harness, with a bus of its own. */
typedef struct
{
  GstHarness *h;
  GstBus *bus;
} PipeTestElement;

void pipe_test_set_properties_valist (GstElement * element, va_list args);

void pipe_test_element_free (PipeTestElement * e);

gint pipe_test_group_members (gint pgid);

gint pipe_test_zombie_children (void);

void pipe_test_assert_group_gone (gint pid);

void pipe_test_assert_error (GstMessage * msg, GQuark domain, gint code,
    const gchar * part);

gchar *pipe_test_make_pattern_file (const gchar * dir, const gchar * name,
    gsize size);

void pipe_test_check_pattern (GByteArray * out, gsize size);

gboolean pipe_test_read_to_end (gint fd, GByteArray * out);

G_END_DECLS

#endif /* __PIPE_TEST_H__ */
