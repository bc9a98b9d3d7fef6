/* gst-reuse: the cache key: what a result depends on
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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcachekey.h"

#include <string.h>

struct _GstCacheKey
{
  GChecksum *sha;
  GString *text;
};

GstCacheKey *
gst_cache_key_new (void)
{
  GstCacheKey *key = g_new0 (GstCacheKey, 1);

  key->sha = g_checksum_new (G_CHECKSUM_SHA256);
  key->text = g_string_new (NULL);
  return key;
}

/* tag, NUL, 64-bit little-endian length, value: "a" + "bc" never hashes
 * like "ab" + "c" */
void
gst_cache_key_add (GstCacheKey * key, const gchar * tag, const gchar * value)
{
  guint64 len = strlen (value);
  guint64 le = GUINT64_TO_LE (len);
  gchar *escaped = g_strescape (value, NULL);

  g_checksum_update (key->sha, (const guchar *) tag, strlen (tag) + 1);
  g_checksum_update (key->sha, (const guchar *) &le, sizeof (le));
  g_checksum_update (key->sha, (const guchar *) value, len);
  g_string_append_printf (key->text, "%s: %s\n", tag, escaped);
  g_free (escaped);
}

void
gst_cache_key_finish (GstCacheKey * key, guint8 out[GST_CACHE_KEY_SIZE],
    gchar ** record)
{
  gsize len = GST_CACHE_KEY_SIZE;

  g_checksum_get_digest (key->sha, out, &len);
  g_assert (len == GST_CACHE_KEY_SIZE);
  if (record)
    *record = g_strdup (key->text->str);
}

void
gst_cache_key_free (GstCacheKey * key)
{
  g_checksum_free (key->sha);
  g_string_free (key->text, TRUE);
  g_free (key);
}

static gint
compare_strptr (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

static gboolean
sink_linked_within (GstElement * element, GList * elements)
{
  gboolean linked = FALSE;
  GList *l;

  GST_OBJECT_LOCK (element);
  for (l = element->sinkpads; l && !linked; l = l->next) {
    GstPad *peer = GST_PAD_PEER (l->data);
    GstObject *up = peer ? GST_OBJECT_PARENT (peer) : NULL;

    linked = up != NULL && g_list_find (elements, up) != NULL;
  }
  GST_OBJECT_UNLOCK (element);
  return linked;
}

static void
visit (GstElement * element, GList * elements, GList ** order)
{
  GList *pads = NULL, *l;

  if (g_list_find (*order, element))
    return;
  *order = g_list_append (*order, gst_object_ref (element));

  GST_OBJECT_LOCK (element);
  for (l = element->srcpads; l; l = l->next)
    pads = g_list_append (pads, gst_object_ref (l->data));
  GST_OBJECT_UNLOCK (element);
  for (l = pads; l; l = l->next) {
    GstPad *peer = gst_pad_get_peer (l->data);
    GstElement *down = peer ? gst_pad_get_parent_element (peer) : NULL;

    if (down && g_list_find (elements, down))
      visit (down, elements, order);
    if (down)
      gst_object_unref (down);
    if (peer)
      gst_object_unref (peer);
  }
  g_list_free_full (pads, gst_object_unref);
}

/* the elements in link order: from each element that nothing in the chain
 * feeds, depth first along the links, in the order the elements were
 * added (the bin keeps them newest first); elements behind links that are
 * made at run time (a demuxer's pads) follow in the order they were added */
GList *
gst_cache_chain_elements (GstBin * bin)
{
  GList *l, *added = NULL, *order = NULL;

  GST_OBJECT_LOCK (bin);
  for (l = GST_BIN_CHILDREN (bin); l; l = l->next)
    added = g_list_prepend (added, gst_object_ref (l->data));
  GST_OBJECT_UNLOCK (bin);

  for (l = added; l; l = l->next)
    if (!sink_linked_within (l->data, added))
      visit (l->data, added, &order);
  for (l = added; l; l = l->next)
    visit (l->data, added, &order);
  g_list_free_full (added, gst_object_unref);
  return order;
}

static const gchar *
element_factory_name (GstElement * element)
{
  GstElementFactory *f = gst_element_get_factory (element);

  return f ? gst_plugin_feature_get_name (f) : G_OBJECT_TYPE_NAME (element);
}

/* caps with the fields of each structure sorted by name */
static gchar *
serialize_caps_sorted (const GstCaps * caps)
{
  GstCaps *sorted;
  gchar *s;
  guint i, j, n;

  if (gst_caps_is_any (caps) || gst_caps_is_empty (caps))
    return gst_caps_to_string (caps);
  sorted = gst_caps_new_empty ();
  for (i = 0; i < gst_caps_get_size (caps); i++) {
    const GstStructure *st = gst_caps_get_structure (caps, i);
    GstCapsFeatures *feat = gst_caps_get_features (caps, i);
    GstStructure *out = gst_structure_new_empty (gst_structure_get_name (st));
    GPtrArray *names = g_ptr_array_new ();

    n = gst_structure_n_fields (st);
    for (j = 0; j < n; j++)
      g_ptr_array_add (names, (gpointer) gst_structure_nth_field_name (st, j));
    g_ptr_array_sort (names, compare_strptr);
    for (j = 0; j < names->len; j++)
      gst_structure_set_value (out, g_ptr_array_index (names, j),
          gst_structure_get_value (st, g_ptr_array_index (names, j)));
    g_ptr_array_free (names, TRUE);
    gst_caps_append_structure_full (sorted, out,
        feat ? gst_caps_features_copy (feat) : NULL);
  }
  s = gst_caps_to_string (sorted);
  gst_caps_unref (sorted);
  return s;
}

static gchar *
serialize_value (const GValue * v)
{
  gchar *s;

  if (G_VALUE_HOLDS (v, GST_TYPE_CAPS) && gst_value_get_caps (v) != NULL)
    return serialize_caps_sorted (gst_value_get_caps (v));
  s = gst_value_serialize (v);
  if (s == NULL)
    s = g_strdup_printf ("(%s)", G_VALUE_TYPE_NAME (v));
  return s;
}

/* the value of each property of a freshly made element of @factory, and
 * NULL for the properties that differ between two fresh elements (temp
 * file names, random seeds): those are not settings */
static GHashTable *
factory_defaults (GstElementFactory * factory)
{
  static GMutex lock;
  static GHashTable *cache;
  GHashTable *defaults;
  GstElement *a, *b;
  GParamSpec **specs;
  guint n, i;

  g_mutex_lock (&lock);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
        (GDestroyNotify) g_hash_table_unref);
  defaults = g_hash_table_lookup (cache, gst_plugin_feature_get_name (factory));
  if (defaults) {
    g_hash_table_ref (defaults);
    g_mutex_unlock (&lock);
    return defaults;
  }

  defaults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  a = gst_element_factory_create (factory, NULL);
  b = gst_element_factory_create (factory, NULL);
  if (a && b) {
    gst_object_ref_sink (a);
    gst_object_ref_sink (b);
    specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n);
    for (i = 0; i < n; i++) {
      GValue va = G_VALUE_INIT, vb = G_VALUE_INIT;
      gchar *sa, *sb;

      if ((specs[i]->flags & G_PARAM_READWRITE) != G_PARAM_READWRITE)
        continue;
      g_value_init (&va, specs[i]->value_type);
      g_value_init (&vb, specs[i]->value_type);
      g_object_get_property (G_OBJECT (a), specs[i]->name, &va);
      g_object_get_property (G_OBJECT (b), specs[i]->name, &vb);
      sa = serialize_value (&va);
      sb = serialize_value (&vb);
      if (g_strcmp0 (sa, sb) != 0) {
        g_free (sa);
        sa = NULL;
      }
      g_hash_table_insert (defaults, g_strdup (specs[i]->name), sa);
      g_free (sb);
      g_value_unset (&va);
      g_value_unset (&vb);
    }
    g_free (specs);
  }
  gst_clear_object (&a);
  gst_clear_object (&b);
  g_hash_table_insert (cache, g_strdup (gst_plugin_feature_get_name
          (factory)), g_hash_table_ref (defaults));
  g_mutex_unlock (&lock);
  return defaults;
}

static void
describe_properties (GstElement * element, GString * out, const gchar * indent)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  GHashTable *defaults = factory ? factory_defaults (factory) : NULL;
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GParamSpec **specs;
  guint n, i;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n);
  for (i = 0; i < n; i++) {
    GParamSpec *p = specs[i];
    GValue v = G_VALUE_INIT;
    gboolean is_default;
    gpointer def = NULL;
    gchar *s;

    if ((p->flags & G_PARAM_READWRITE) != G_PARAM_READWRITE)
      continue;
    if (!strcmp (p->name, "name") || !strcmp (p->name, "parent"))
      continue;
    if (defaults && g_hash_table_lookup_extended (defaults, p->name, NULL,
            &def) && def == NULL)
      continue;                 /* differs between fresh elements */
    g_value_init (&v, p->value_type);
    g_object_get_property (G_OBJECT (element), p->name, &v);
    s = serialize_value (&v);
    is_default = def ? strcmp (s, def) == 0 : g_param_value_defaults (p, &v);
    if (!is_default)
      g_ptr_array_add (lines, g_strdup_printf ("%s%s=%s", indent, p->name, s));
    g_free (s);
    g_value_unset (&v);
  }
  g_free (specs);
  if (defaults)
    g_hash_table_unref (defaults);
  g_ptr_array_sort (lines, compare_strptr);
  for (i = 0; i < lines->len; i++)
    g_string_append_printf (out, "%s\n", (gchar *) g_ptr_array_index (lines,
            i));
  g_ptr_array_free (lines, TRUE);
}

static void
describe_links (GstElement * element, GList * elements, GString * out,
    const gchar * indent)
{
  GList *pads = NULL, *l;

  GST_OBJECT_LOCK (element);
  for (l = element->srcpads; l; l = l->next)
    pads = g_list_prepend (pads, gst_object_ref (l->data));
  GST_OBJECT_UNLOCK (element);
  pads = g_list_reverse (pads);

  for (l = pads; l; l = l->next) {
    GstPad *peer = gst_pad_get_peer (l->data);
    GstElement *peer_elem = peer ? gst_pad_get_parent_element (peer) : NULL;
    gint index = peer_elem ? g_list_index (elements, peer_elem) : -1;

    if (index >= 0)
      g_string_append_printf (out, "%slink %s -> %d:%s\n", indent,
          GST_PAD_NAME (l->data), index, GST_PAD_NAME (peer));
    if (peer_elem)
      gst_object_unref (peer_elem);
    if (peer)
      gst_object_unref (peer);
  }
  g_list_free_full (pads, gst_object_unref);
}

static void
describe_bin (GstBin * bin, GString * out, guint depth)
{
  GList *elements = gst_cache_chain_elements (bin), *l;
  gchar *indent = g_strnfill (2 * depth + 2, ' ');
  gint index = 0;

  for (l = elements; l; l = l->next, index++) {
    GstElement *e = l->data;
    const gchar *factory = element_factory_name (e);

    g_string_append_printf (out, "%*s%d: %s\n", 2 * depth, "", index, factory);
    describe_properties (e, out, indent);
    describe_links (e, elements, out, indent);
    /* bins from a description's parentheses: their contents matter */
    if (GST_IS_BIN (e) && (!strcmp (factory, "bin") ||
            !strcmp (factory, "pipeline")))
      describe_bin (GST_BIN (e), out, depth + 1);
  }
  g_list_free_full (elements, gst_object_unref);
  g_free (indent);
}

gchar *
gst_cache_describe_chain (GstBin * chain)
{
  GString *out = g_string_new (NULL);

  describe_bin (chain, out, 0);
  return g_string_free (out, FALSE);
}

gchar **
gst_cache_chain_factories (GstBin * chain)
{
  GPtrArray *names = g_ptr_array_new ();
  GstIterator *it = gst_bin_iterate_recurse (chain);
  GValue item = G_VALUE_INIT;
  gboolean done = FALSE;

  while (!done) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:{
        GstElementFactory *f =
            gst_element_get_factory (g_value_get_object (&item));
        const gchar *name = f ? gst_plugin_feature_get_name (f) : NULL;

        if (name && !g_ptr_array_find_with_equal_func (names, name,
                g_str_equal, NULL))
          g_ptr_array_add (names, g_strdup (name));
        g_value_reset (&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync (it);
        g_ptr_array_foreach (names, (GFunc) g_free, NULL);
        g_ptr_array_set_size (names, 0);
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  g_ptr_array_sort (names, compare_strptr);
  g_ptr_array_add (names, NULL);
  return (gchar **) g_ptr_array_free (names, FALSE);
}

/* from the registry alone: no plugin is loaded */
gchar *
gst_cache_describe_versions (const gchar * const *factories)
{
  GstRegistry *registry = gst_registry_get ();
  GString *out = g_string_new (NULL);
  GPtrArray *plugins = g_ptr_array_new_with_free_func (g_free);
  gchar *gst = gst_version_string ();
  guint i;

  for (i = 0; factories && factories[i]; i++) {
    GstPluginFeature *f = gst_registry_find_feature (registry, factories[i],
        GST_TYPE_ELEMENT_FACTORY);
    const gchar *name = f ? gst_plugin_feature_get_plugin_name (f) : NULL;

    if (name && !g_ptr_array_find_with_equal_func (plugins, name,
            g_str_equal, NULL))
      g_ptr_array_add (plugins, g_strdup (name));
    if (f)
      gst_object_unref (f);
  }
  g_ptr_array_sort (plugins, compare_strptr);
  g_string_append_printf (out, "%s\n", gst);
  for (i = 0; i < plugins->len; i++) {
    const gchar *name = g_ptr_array_index (plugins, i);
    GstPlugin *plugin = gst_registry_find_plugin (registry, name);

    g_string_append_printf (out, "plugin %s %s\n", name,
        plugin ? gst_plugin_get_version (plugin) : "(unknown)");
    if (plugin)
      gst_object_unref (plugin);
  }
  g_ptr_array_free (plugins, TRUE);
  g_free (gst);
  return g_string_free (out, FALSE);
}
