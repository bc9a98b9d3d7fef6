/* gst-reuse: helpers shared by the cachebin element tests
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

#ifndef __CACHEBIN_TEST_H__
#define __CACHEBIN_TEST_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* The test's temporary directory and the cache directory in it (not made
 * until cachebin makes it), set by cachebin_test_setup(). */
extern gchar *cachebin_test_tmpdir;
extern gchar *cachebin_test_cachedir;

/* what a run reports */
typedef struct
{
  GstStructure *result;         /* the last "cachebin" element message */
  guint n_results;
  gboolean eos;
  GError *error;
  guint n_warnings;
  gchar *warnings;
  guint chain_elements_added;   /* elements added inside the cachebin */
  guint upstream_buffers;       /* buffers pushed or pulled out of the source */
} CacheBinTestRun;

void cachebin_test_setup (void);

void cachebin_test_teardown (void);

gchar *cachebin_test_path (const gchar * name);

void cachebin_test_run_clear (CacheBinTestRun * r);

void cachebin_test_run_line (const gchar * desc, CacheBinTestRun * r);

const gchar *cachebin_test_result_of (CacheBinTestRun * r);

void cachebin_test_assert_same_file (const gchar * a, const gchar * b);

gchar *cachebin_test_make_bytes (const gchar * name, gsize size);

gchar *cachebin_test_make_noise (const gchar * name, gsize size,
    guint32 seed);

gchar *cachebin_test_make_with (const gchar * name, const gchar * line);

GPtrArray *cachebin_test_list_files (const gchar * sub);

G_END_DECLS

#endif /* __CACHEBIN_TEST_H__ */
