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
gchar *
gst_cache_caps_to_string_sorted (const GstCaps * caps)
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
    return gst_cache_caps_to_string_sorted (gst_value_get_caps (v));
  /* an unset structure (mpegtsmux's prog-map), caps or other boxed value:
   * GStreamer's serialisers expect one */
  if ((G_VALUE_HOLDS_BOXED (v) && g_value_get_boxed (v) == NULL) ||
      (G_VALUE_HOLDS_OBJECT (v) && g_value_get_object (v) == NULL))
    return g_strdup_printf ("(%s)NULL", G_VALUE_TYPE_NAME (v));
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

/* adds the factory name of the element in @item to the GPtrArray
 * @user_data, once */
static void
add_factory_name (const GValue * item, gpointer user_data)
{
  GPtrArray *names = user_data;
  GstElementFactory *f = gst_element_get_factory (g_value_get_object (item));
  const gchar *name = f ? gst_plugin_feature_get_name (f) : NULL;

  if (name && !g_ptr_array_find_with_equal_func (names, name, g_str_equal,
          NULL))
    g_ptr_array_add (names, g_strdup (name));
}

gchar **
gst_cache_chain_factories (GstBin * chain)
{
  GPtrArray *names = g_ptr_array_new ();
  GstIterator *it = gst_bin_iterate_recurse (chain);

  while (gst_iterator_foreach (it, add_factory_name, names) ==
      GST_ITERATOR_RESYNC) {
    gst_iterator_resync (it);
    g_ptr_array_foreach (names, (GFunc) g_free, NULL);
    g_ptr_array_set_size (names, 0);
  }
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

/* A description's own text, for what the parsed bin does not show: links
 * that gst_parse delays until a pad appears (a demuxer's "d.video_1"),
 * with their pad names and caps, and properties that cannot be read back.
 * A small tokenizer of the gst-launch-1.0 syntax. */

typedef enum
{
  TOK_ELEMENT,                  /* a: factory */
  TOK_ASSIGN,                   /* a: property, b: value, unquoted */
  TOK_REF,                      /* a: element name, b: pad name or NULL */
  TOK_PADREF,                   /* b: pad name */
  TOK_LINK,                     /* a: caps or NULL */
  TOK_OTHER,                    /* a: the text */
} TokKind;

typedef struct
{
  TokKind kind;
  gchar *a, *b;
  gint element;                 /* the element it belongs to, or -1 */
} Tok;

static void
tok_free (Tok * t)
{
  g_free (t->a);
  g_free (t->b);
  g_free (t);
}

static gboolean
is_ident_char (gchar c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-' || c == '%' || c == ':';
}

static gboolean
is_mime_char (gchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '+';
}

/* a value: quoted (quotes removed, escapes resolved) or up to a space */
static gchar *
read_value (const gchar ** pp)
{
  const gchar *p = *pp;
  GString *v = g_string_new (NULL);

  if (*p == '"' || *p == '\'') {
    gchar q = *p++;

    while (*p && *p != q) {
      if (*p == '\\' && p[1])
        p++;
      g_string_append_c (v, *p++);
    }
    if (*p == q)
      p++;
  } else {
    while (*p && !g_ascii_isspace (*p)) {
      if (*p == '\\' && p[1])
        p++;
      g_string_append_c (v, *p++);
    }
  }
  *pp = p;
  return g_string_free (v, FALSE);
}

/* after a '!': caps up to the next '!', or NULL */
static gchar *
read_link_caps (const gchar ** pp)
{
  const gchar *p = *pp, *q, *end;

  while (g_ascii_isspace (*p))
    p++;
  q = p;
  while (is_mime_char (*q))
    q++;
  if (!(q > p && *q == '/') && !g_str_has_prefix (p, "ANY"))
    return NULL;
  for (end = p; *end && *end != '!'; end++) {
    if (*end == '"')
      for (end++; *end && *end != '"'; end++)
        if (*end == '\\' && end[1])
          end++;
    if (!*end)
      break;
  }
  if (*end != '!')
    return NULL;
  *pp = end + 1;
  return g_strstrip (g_strndup (p, end - p));
}

static GPtrArray *
tokenize (const gchar * d)
{
  GPtrArray *toks = g_ptr_array_new_with_free_func ((GDestroyNotify) tok_free);
  const gchar *p = d;
  gint element = -1;

  while (*p) {
    Tok *t;

    if (g_ascii_isspace (*p)) {
      p++;
      continue;
    }
    t = g_new0 (Tok, 1);
    t->element = element;
    if (*p == '!') {
      p++;
      t->kind = TOK_LINK;
      t->a = read_link_caps (&p);
    } else if (*p == '.' && is_ident_char (p[1])) {
      const gchar *s = ++p;

      while (is_ident_char (*p))
        p++;
      t->kind = TOK_PADREF;
      t->b = g_strndup (s, p - s);
    } else if (is_ident_char (*p)) {
      const gchar *s = p, *q;

      while (is_ident_char (*p))
        p++;
      q = p;
      while (g_ascii_isspace (*q))
        q++;
      if (g_str_has_prefix (p, "://") || *p == '/') {
        /* a URI or a path: an element chosen by the parser */
        while (*p && !g_ascii_isspace (*p))
          p++;
        t->kind = TOK_OTHER;
        t->a = g_strndup (s, p - s);
      } else if (*q == '=') {
        t->kind = TOK_ASSIGN;
        t->a = g_strndup (s, p - s);
        p = q + 1;
        while (g_ascii_isspace (*p))
          p++;
        t->b = read_value (&p);
      } else if (*p == '.') {
        const gchar *pad = ++p;

        while (is_ident_char (*p) || *p == ',')
          p++;
        t->kind = TOK_REF;
        t->a = g_strndup (s, pad - 1 - s);
        t->b = p > pad ? g_strndup (pad, p - pad) : NULL;
      } else {
        t->kind = TOK_ELEMENT;
        t->a = g_strndup (s, p - s);
        t->element = ++element;
      }
    } else if (*p == '"' || *p == '\'') {
      t->kind = TOK_OTHER;
      t->a = read_value (&p);
    } else {
      t->kind = TOK_OTHER;
      t->a = g_strndup (p, 1);
      p++;
    }
    g_ptr_array_add (toks, t);
  }
  return toks;
}

gboolean
gst_cache_property_names_file (const gchar * name)
{
  return !strcmp (name, "location") || !strcmp (name, "uri") ||
      g_str_has_suffix (name, "-file") || g_str_has_suffix (name, "-location")
      || g_str_has_suffix (name, "-uri");
}

/* whether the chain text shows @prop of @factory: a property that can be
 * read back (and is not the name) */
static gboolean
readable_property (const gchar * factory, const gchar * prop)
{
  GstElementFactory *f = gst_element_factory_find (factory);
  GstPluginFeature *loaded = NULL;
  GObjectClass *klass;
  GParamSpec *spec;
  GType type;
  gboolean readable = FALSE;

  if (f == NULL)
    return FALSE;
  type = gst_element_factory_get_element_type (f);
  if (type == G_TYPE_INVALID) {
    loaded = gst_plugin_feature_load (GST_PLUGIN_FEATURE (f));
    if (loaded)
      type = gst_element_factory_get_element_type (GST_ELEMENT_FACTORY
          (loaded));
  }
  if (type != G_TYPE_INVALID) {
    klass = g_type_class_ref (type);
    spec = g_object_class_find_property (klass, prop);
    readable = spec != NULL &&
        (spec->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE;
    g_type_class_unref (klass);
  }
  gst_clear_object (&loaded);
  gst_object_unref (f);
  return readable;
}

static gint
element_named (GPtrArray * toks, const gchar * name)
{
  guint i;

  for (i = 0; i < toks->len; i++) {
    Tok *t = g_ptr_array_index (toks, i);

    if (t->kind == TOK_ASSIGN && t->element >= 0 && !strcmp (t->a, "name")
        && !strcmp (t->b, name))
      return t->element;
  }
  return -1;
}

gchar *
gst_cache_describe_description (const gchar * description, GPtrArray * files)
{
  GPtrArray *toks = tokenize (description);
  GString *out = g_string_new (NULL);
  GPtrArray *props = g_ptr_array_new_with_free_func (g_free);
  const gchar *factory = NULL;
  guint i, j;

  for (i = 0; i <= toks->len; i++) {
    Tok *t = i < toks->len ? g_ptr_array_index (toks, i) : NULL;

    /* an element's properties, sorted, after it */
    if (t == NULL || t->kind != TOK_ASSIGN) {
      g_ptr_array_sort (props, compare_strptr);
      for (j = 0; j < props->len; j++)
        g_string_append_printf (out, " %s", (gchar *)
            g_ptr_array_index (props, j));
      g_ptr_array_set_size (props, 0);
    }
    if (t == NULL)
      break;

    switch (t->kind) {
      case TOK_ELEMENT:
        factory = t->a;
        g_string_append_printf (out, " #%d:%s", t->element, t->a);
        break;
      case TOK_ASSIGN:{
        gchar *v;

        if (!strcmp (t->a, "name") || (factory && t->element >= 0 &&
                readable_property (factory, t->a)))
          break;
        v = g_strescape (t->b, NULL);
        g_ptr_array_add (props, g_strdup_printf ("%s=\"%s\"", t->a, v));
        g_free (v);
        if (files && gst_cache_property_names_file (t->a))
          g_ptr_array_add (files, g_strdup_printf ("#%d:%s.%s\t%s",
                  t->element, factory ? factory : "?", t->a, t->b));
        break;
      }
      case TOK_REF:{
        gint e = element_named (toks, t->a);

        if (e >= 0)
          g_string_append_printf (out, " #%d.%s", e, t->b ? t->b : "");
        else
          g_string_append_printf (out, " ?%s.%s", t->a, t->b ? t->b : "");
        break;
      }
      case TOK_PADREF:
        g_string_append_printf (out, " .%s", t->b);
        break;
      case TOK_LINK:
        if (t->a) {
          GstCaps *caps = gst_caps_from_string (t->a);
          gchar *s =
              caps ? gst_cache_caps_to_string_sorted (caps) : g_strdup (t->a);

          g_string_append_printf (out, " ! %s !", s);
          g_free (s);
          gst_clear_caps (&caps);
        } else {
          g_string_append (out, " !");
        }
        break;
      case TOK_OTHER:
        g_string_append_printf (out, " %s", t->a);
        break;
    }
  }
  g_ptr_array_free (props, TRUE);
  g_ptr_array_free (toks, TRUE);
  if (out->len > 0)
    g_string_erase (out, 0, 1);
  return g_string_free (out, FALSE);
}

/* adds "FACTORY.PROPERTY<TAB>VALUE" to the GPtrArray @user_data for each
 * readable property of the element in @item that names a file, set to
 * something other than a fresh element's value */
static void
add_element_files (const GValue * item, gpointer user_data)
{
  GPtrArray *found = user_data;
  GstElement *e = g_value_get_object (item);
  GstElementFactory *factory = gst_element_get_factory (e);
  GHashTable *defaults = factory ? factory_defaults (factory) : NULL;
  GParamSpec **specs;
  guint n, i;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (e), &n);
  for (i = 0; i < n; i++) {
    GParamSpec *p = specs[i];
    gpointer def = NULL;
    gchar *v = NULL;

    if (!(p->flags & G_PARAM_READABLE) || p->value_type != G_TYPE_STRING
        || !gst_cache_property_names_file (p->name))
      continue;
    if (defaults && g_hash_table_lookup_extended (defaults, p->name,
            NULL, &def) && def == NULL)
      continue;                 /* differs between fresh elements */
    g_object_get (e, p->name, &v, NULL);
    if (v && *v && g_strcmp0 (v, G_PARAM_SPEC_STRING (p)->default_value)
        != 0) {
      GValue gv = G_VALUE_INIT;
      gchar *s;

      g_value_init (&gv, G_TYPE_STRING);
      g_value_set_string (&gv, v);
      s = serialize_value (&gv);
      if (def == NULL || g_strcmp0 (s, def) != 0)
        g_ptr_array_add (found, g_strdup_printf ("%s.%s\t%s",
                element_factory_name (e), p->name, v));
      g_free (s);
      g_value_unset (&gv);
    }
    g_free (v);
  }
  g_free (specs);
  if (defaults)
    g_hash_table_unref (defaults);
}

/* the readable properties of @chain's elements (nested ones included)
 * that name a file, set to something other than a fresh element's value:
 * "FACTORY.PROPERTY<TAB>VALUE" added to @files */
void
gst_cache_chain_files (GstBin * chain, GPtrArray * files)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  GstIterator *it = gst_bin_iterate_recurse (chain);

  while (gst_iterator_foreach (it, add_element_files, found) ==
      GST_ITERATOR_RESYNC) {
    gst_iterator_resync (it);
    g_ptr_array_set_size (found, 0);
  }
  gst_iterator_free (it);
  while (found->len > 0)
    g_ptr_array_add (files, g_ptr_array_steal_index (found, 0));
  g_ptr_array_free (found, TRUE);
}
