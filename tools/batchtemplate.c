/* gst-reuse: gst-reuse-batch's pipeline templates
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

/* A template is a pipeline description in gst-launch-1.0 syntax with
 * placeholders: {input}, {uri}, {name}, {stem}, {outdir} and {index}. A
 * placeholder's value is escaped so that gst_parse_launch() gives the
 * element exactly that value, whatever characters it holds:
 *
 * - outside double quotes, every character that is not a letter, a digit,
 *   a byte of a multi-byte UTF-8 character or one of "_-./:+@%,=~" gets a
 *   backslash in front (the parser takes "\X" as X in a value), so
 *   location={outdir}/{stem}.jpg stays one value;
 * - inside double quotes ("..." in the template), only '"' and '\' do.
 *
 * Control characters (a newline in a file name) cannot be written outside
 * quotes: expanding such a value there is an error. "{{" and "}}" are
 * literal braces; "{" followed by a word that is not a placeholder is an
 * error (a typo), any other "{" is literal (caps lists such as
 * "format={ I420, NV12 }").
 *
 * This file is plain GLib, with unit tests of its own
 * (tools/test-batchtemplate.c).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "batchtemplate.h"

#include <string.h>

#define SAFE_CHARS "_-./:+@%,=~"

G_DEFINE_QUARK (batch - template - error - quark, batch_template_error);

static const gchar *const placeholders[] = {
  "input", "uri", "name", "stem", "outdir", "index", NULL
};

/**
 * batch_vars_init:
 * @vars: the values to fill
 * @input: the input, as given
 * @outdir: the output directory
 * @index: the input's position, from 1
 */
void
batch_vars_init (BatchVars * vars, const gchar * input, const gchar * outdir,
    guint index)
{
  gchar *abs, *dot;

  vars->input = g_strdup (input);
  /* relative to the current directory */
  abs = g_canonicalize_filename (input, NULL);
  vars->uri = g_filename_to_uri (abs, NULL, NULL);
  if (vars->uri == NULL)
    vars->uri = g_strconcat ("file://", abs, NULL);
  g_free (abs);
  vars->name = g_path_get_basename (input);
  vars->stem = g_strdup (vars->name);
  dot = strrchr (vars->stem, '.');
  if (dot != NULL && dot != vars->stem)
    *dot = '\0';
  vars->outdir = g_strdup (outdir);
  vars->index = g_strdup_printf ("%u", index);
}

/**
 * batch_vars_clear:
 * @vars: values filled by batch_vars_init()
 */
void
batch_vars_clear (BatchVars * vars)
{
  g_clear_pointer (&vars->input, g_free);
  g_clear_pointer (&vars->uri, g_free);
  g_clear_pointer (&vars->name, g_free);
  g_clear_pointer (&vars->stem, g_free);
  g_clear_pointer (&vars->outdir, g_free);
  g_clear_pointer (&vars->index, g_free);
}

static const gchar *
lookup (const BatchVars * vars, const gchar * name, gsize len)
{
  const gchar *values[6];
  guint i;

  values[0] = vars ? vars->input : "";
  values[1] = vars ? vars->uri : "";
  values[2] = vars ? vars->name : "";
  values[3] = vars ? vars->stem : "";
  values[4] = vars ? vars->outdir : "";
  values[5] = vars ? vars->index : "";
  for (i = 0; placeholders[i] != NULL; i++) {
    if (strlen (placeholders[i]) == len
        && strncmp (placeholders[i], name, len) == 0)
      return values[i];
  }
  return NULL;
}

/**
 * batch_escape_value:
 * @value: a placeholder's value
 * @quoted: whether it goes between double quotes
 * @error: where to put an error
 *
 * Returns: (transfer full) (nullable): @value written so that
 * gst_parse_launch() reads it back unchanged, or %NULL if it cannot be.
 */
gchar *
batch_escape_value (const gchar * value, gboolean quoted, GError ** error)
{
  GString *out = g_string_sized_new (strlen (value) + 8);
  const guchar *p;

  for (p = (const guchar *) value; *p != '\0'; p++) {
    if (quoted) {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
    } else if (*p < 0x20 || *p == 0x7f) {
      g_set_error (error, BATCH_TEMPLATE_ERROR,
          BATCH_TEMPLATE_ERROR_VALUE,
          "\"%s\" holds a control character, which can only be written "
          "between double quotes in a template", value);
      g_string_free (out, TRUE);
      return NULL;
    } else if (*p < 0x80 && !g_ascii_isalnum (*p)
        && strchr (SAFE_CHARS, *p) == NULL) {
      g_string_append_c (out, '\\');
    }
    g_string_append_c (out, *p);
  }
  return g_string_free (out, FALSE);
}

/* Walks @tmpl; with @out, writes the expansion. */
static gboolean
expand (const gchar * tmpl, const BatchVars * vars, GString * out,
    GError ** error)
{
  gboolean quoted = FALSE;
  const gchar *p = tmpl;

  while (*p != '\0') {
    if (*p == '\\' && p[1] != '\0') {
      /* an escaped character of the template stays as it is */
      if (out)
        g_string_append_len (out, p, 2);
      p += 2;
      continue;
    }
    if (*p == '"') {
      quoted = !quoted;
    } else if ((*p == '{' && p[1] == '{') || (*p == '}' && p[1] == '}')) {
      if (out)
        g_string_append_c (out, *p);
      p += 2;
      continue;
    } else if (*p == '{') {
      const gchar *end = p + 1;
      const gchar *value;

      while (g_ascii_isalnum (*end) || *end == '_' || *end == '-')
        end++;
      if (*end == '}' && end > p + 1) {
        value = lookup (vars, p + 1, end - p - 1);
        if (value == NULL) {
          g_set_error (error, BATCH_TEMPLATE_ERROR,
              BATCH_TEMPLATE_ERROR_PLACEHOLDER,
              "unknown placeholder {%.*s} (the placeholders are {input}, "
              "{uri}, {name}, {stem}, {outdir} and {index}; write {{ for a "
              "literal brace)", (int) (end - p - 1), p + 1);
          return FALSE;
        }
        if (out) {
          gchar *escaped = batch_escape_value (value, quoted, error);

          if (escaped == NULL)
            return FALSE;
          g_string_append (out, escaped);
          g_free (escaped);
        }
        p = end + 1;
        continue;
      }
    }
    if (out)
      g_string_append_c (out, *p);
    p++;
  }
  if (quoted) {
    g_set_error (error, BATCH_TEMPLATE_ERROR,
        BATCH_TEMPLATE_ERROR_QUOTES,
        "unbalanced double quotes in the template");
    return FALSE;
  }
  return TRUE;
}

/**
 * batch_template_check:
 * @tmpl: a template
 * @error: where to put an error
 *
 * Returns: whether @tmpl has only known placeholders and balanced quotes.
 */
gboolean
batch_template_check (const gchar * tmpl, GError ** error)
{
  return expand (tmpl, NULL, NULL, error);
}

/**
 * batch_template_expand:
 * @tmpl: a template
 * @vars: the values of its placeholders
 * @error: where to put an error
 *
 * Returns: (transfer full) (nullable): the pipeline description.
 */
gchar *
batch_template_expand (const gchar * tmpl, const BatchVars * vars,
    GError ** error)
{
  GString *out = g_string_sized_new (strlen (tmpl) + 64);

  if (!expand (tmpl, vars, out, error)) {
    g_string_free (out, TRUE);
    return NULL;
  }
  return g_string_free (out, FALSE);
}
