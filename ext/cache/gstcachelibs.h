/* gst-reuse: the shared libraries a chain's plugins load
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

#ifndef __GST_CACHE_LIBS_H__
#define __GST_CACHE_LIBS_H__

#include <gst/gst.h>

#include "cache-prelude.h"

G_BEGIN_DECLS

/* A plugin's version says nothing of the libraries it wraps: Debian
 * upgrades libx264 or libavcodec without a new gst-libav. For each plugin
 * that provides one of @factories (loaded, as after a parse), its file and
 * the closure of its DT_NEEDED entries, resolved to the objects this
 * process loaded, each with its ELF build ID (its size and mtime when it
 * has none).
 *
 * @text: one "soname build-id" line per library, sorted (for the key: no
 * paths, which differ between installations of the same build).
 * @files: "path<TAB>ino size mtime-ns" per library, for
 * gst_cache_libraries_unchanged().
 *
 * Returns FALSE when a library loaded in this process is not the file now
 * on disk (upgraded under a running process): @text describes what runs
 * here, but @files must not be remembered for other processes. */
GST_CACHE_API
gboolean gst_cache_describe_libraries (const gchar * const *factories,
    gchar ** text, gchar *** files);

/* TRUE when every file of @files (from gst_cache_describe_libraries) is
 * still the same file: one stat each */
GST_CACHE_API
gboolean gst_cache_libraries_unchanged (const gchar * const *files);

G_END_DECLS

#endif /* __GST_CACHE_LIBS_H__ */
