/* gst-reuse: media analysis in the cache: key material and entries
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

#ifndef __GST_CACHE_ANALYSIS_H__
#define __GST_CACHE_ANALYSIS_H__

/* Not installed: what gstcachediscoverer.c needs apart from the object
 * itself. The key material that does not depend on the input (GStreamer's
 * version and the plugins that can take part in an analysis, read from the
 * registry and remembered per process), and the entry's payload: the
 * GVariant of gst_discoverer_info_to_variant(), checked before it is
 * restored, with the URI that was asked for. */

#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "gstcachediscoverer.h"
#include "gstcacheinput.h"
#include "gstcachekey.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_cache_discoverer_debug);

/* runs GstDiscoverer on @uri (a miss or a bypass) */
typedef GstDiscovererInfo *(*GstCacheAnalysisRunFunc) (gpointer data,
    const gchar * uri, GstClockTime timeout, GError ** error);

struct _GstCacheDiscoverer
{
  GObject parent;

  /* properties, idle runners, the asynchronous state */
  GMutex lock;
  GstClockTime timeout;
  gchar *cache_dir;
  gchar *remote_storage;
  gchar *name_space;
  guint64 max_size;
  GstDiscovererSerializeFlags flags;
  GstCacheDigestAlgorithm alg;
  gboolean trust_stat;
  gboolean read_only;

  GPtrArray *runners;           /* idle GstDiscoverer for synchronous calls */

  /* the store is not thread-safe: used under store_lock. A store opened
   * for other settings is kept until dispose, so that a pointer taken
   * under the lock stays valid (input hashing runs outside the lock). */
  GMutex store_lock;
  GstCacheStore *store;
  gchar *store_dir;
  gchar *store_remote;
  GPtrArray *old_stores;

  /* asynchronous mode, under lock */
  GCond cond;
  gboolean async;
  gboolean stopping;
  gboolean busy;
  GMainContext *ctx;
  GQueue pending;
  GThread *worker;
  GQueue items;
  GSource *dispatch;
};

/* gstcacheanalysisrun.c: the analysis of one URI: its identity, the key,
 * a stored result, or @run and the store of its result */
G_GNUC_INTERNAL
GstDiscovererInfo *gst_cache_analysis_run (GstCacheDiscoverer * self,
    const gchar * uri, GstCacheAnalysisRunFunc run, gpointer run_data,
    GError ** error);

/* what gst_cache_analysis_run() noted on @info: FALSE if nothing */
G_GNUC_INTERNAL
gboolean gst_cache_analysis_get_result (GstDiscovererInfo * info,
    GstCacheResult * result, const gchar ** source, const gchar ** key);

/* gstcacheanalysis.c: what does not depend on the discoverer */

/* the key's format: a new one whenever what goes into the key or the
 * payload's layout changes */
#define GST_CACHE_ANALYSIS_FORMAT "gst-cache-analysis-1"

/* adds GStreamer's and GstPbutils' versions, the plugins that can take part
 * (name and version) and the digest of the participating factories with
 * their ranks; computed once per registry state (no plugin is loaded) */
G_GNUC_INTERNAL
void gst_cache_analysis_key_add_environment (GstCacheKey * key);

/* changes whenever what gst_cache_analysis_key_add_environment() adds may
 * change (the registry's feature list cookie) */
G_GNUC_INTERNAL
guint32 gst_cache_analysis_environment_cookie (void);

/* the text of the serialize flags for the key: "caps+tags+misc" */
G_GNUC_INTERNAL
gchar *gst_cache_analysis_flags_to_string (GstDiscovererSerializeFlags flags);

/* whether gst_discoverer_info_to_variant() can serialise @info (a result
 * of GST_DISCOVERER_OK whose every stream can be written), or NULL; else
 * why not */
G_GNUC_INTERNAL
const gchar *gst_cache_analysis_unstorable (GstDiscovererInfo * info);

/* the payload of an entry: the serialised variant */
G_GNUC_INTERNAL
GBytes *gst_cache_analysis_serialize (GstDiscovererInfo * info,
    GstDiscovererSerializeFlags flags);

/* a restored result carrying @uri, or NULL with *@why when the payload is
 * not a variant as gst_discoverer_info_to_variant() writes it */
G_GNUC_INTERNAL
GstDiscovererInfo *gst_cache_analysis_restore (GBytes * payload,
    const gchar * uri, const gchar ** why);
/* the same, before gst_discoverer_info_from_variant(): the checked variant
 * with @uri (a self-contained copy of the payload's parts) */
G_GNUC_INTERNAL
GVariant *gst_cache_analysis_restore_variant (GBytes * payload,
    const gchar * uri, const gchar ** why);

G_END_DECLS

#endif /* __GST_CACHE_ANALYSIS_H__ */
