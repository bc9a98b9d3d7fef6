/* gst-reuse: gst-reuse-batch: JSON report
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

/* Pieces of the JSON report (docs/batch.md describes its format). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "batchreport.h"

#include <string.h>

/**
 * batch_json_string:
 * @out: where to write
 * @value: (nullable): a string, written as a JSON string (or null)
 */
void
batch_json_string (GString * out, const gchar * value)
{
  const guchar *p;

  if (value == NULL) {
    g_string_append (out, "null");
    return;
  }
  g_string_append_c (out, '"');
  for (p = (const guchar *) value; *p != '\0'; p++) {
    switch (*p) {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      default:
        if (*p < 0x20 || *p == 0x7f)
          g_string_append_printf (out, "\\u%04x", *p);
        else
          g_string_append_c (out, *p);
        break;
    }
  }
  g_string_append_c (out, '"');
}

static void
json_double (GString * out, gdouble v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof (buf), "%.6f", v));
}

/**
 * batch_json_run:
 * @out: where to write
 * @run: a run
 *
 * Writes the fields of @run (no braces): outcome, error, debug,
 * wall-time, cachebin, bytes-out, outputs.
 */
void
batch_json_run (GString * out, const BatchRun * run)
{
  guint i;

  g_string_append (out, "\"outcome\": ");
  batch_json_string (out, batch_outcome_name (run->outcome));
  g_string_append (out, ", \"error\": ");
  batch_json_string (out, run->error);
  g_string_append (out, ", \"debug\": ");
  batch_json_string (out, run->debug);
  g_string_append (out, ", \"wall-time\": ");
  json_double (out, run->seconds);
  g_string_append (out, ", \"cachebin\": ");
  if (run->cache_result) {
    g_string_append (out, "{\"result\": ");
    batch_json_string (out, run->cache_result);
    g_string_append_printf (out, ", \"bytes\": %" G_GUINT64_FORMAT
        ", \"messages\": %u}", run->cache_bytes, run->cache_messages);
  } else {
    g_string_append (out, "null");
  }
  g_string_append_printf (out, ", \"bytes-out\": %" G_GUINT64_FORMAT
      ", \"outputs\": [", run->bytes_out);
  for (i = 0; run->outputs && i < run->outputs->len; i++) {
    if (i > 0)
      g_string_append (out, ", ");
    batch_json_string (out, g_ptr_array_index (run->outputs, i));
  }
  g_string_append_c (out, ']');
}

static gboolean
write_field (GQuark field, const GValue * value, gpointer user_data)
{
  GString *out = user_data;
  GType type = G_VALUE_TYPE (value);
  gchar *s;

  if (type == G_TYPE_UINT64) {
    g_string_append_printf (out, ", \"%s\": %" G_GUINT64_FORMAT,
        g_quark_to_string (field), g_value_get_uint64 (value));
  } else if (type == G_TYPE_INT64) {
    g_string_append_printf (out, ", \"%s\": %" G_GINT64_FORMAT,
        g_quark_to_string (field), g_value_get_int64 (value));
  } else if (type == G_TYPE_UINT) {
    g_string_append_printf (out, ", \"%s\": %u",
        g_quark_to_string (field), g_value_get_uint (value));
  } else if (type == G_TYPE_INT) {
    g_string_append_printf (out, ", \"%s\": %d",
        g_quark_to_string (field), g_value_get_int (value));
  } else if (type == G_TYPE_DOUBLE) {
    g_string_append_printf (out, ", \"%s\": ", g_quark_to_string (field));
    json_double (out, g_value_get_double (value));
  } else if (type == G_TYPE_BOOLEAN) {
    g_string_append_printf (out, ", \"%s\": %s", g_quark_to_string (field),
        g_value_get_boolean (value) ? "true" : "false");
  } else if (type == G_TYPE_STRING) {
    g_string_append_printf (out, ", \"%s\": ", g_quark_to_string (field));
    batch_json_string (out, g_value_get_string (value));
  } else if (type == GST_TYPE_LIST || type == GST_TYPE_ARRAY) {
    guint i, n = type == GST_TYPE_LIST ? gst_value_list_get_size (value) :
        gst_value_array_get_size (value);

    /* a list of structures (the allocator's classes) as an array of
     * objects */
    g_string_append_printf (out, ", \"%s\": [", g_quark_to_string (field));
    for (i = 0; i < n; i++) {
      const GValue *v = type == GST_TYPE_LIST ?
          gst_value_list_get_value (value, i) :
          gst_value_array_get_value (value, i);

      if (i > 0)
        g_string_append (out, ", ");
      if (G_VALUE_TYPE (v) == GST_TYPE_STRUCTURE) {
        batch_json_structure (out, gst_value_get_structure (v));
      } else {
        s = gst_value_serialize (v);
        batch_json_string (out, s);
        g_free (s);
      }
    }
    g_string_append_c (out, ']');
  } else {
    /* anything else as GStreamer serialises it */
    s = gst_value_serialize (value);
    g_string_append_printf (out, ", \"%s\": ", g_quark_to_string (field));
    batch_json_string (out, s);
    g_free (s);
  }
  return TRUE;
}

/**
 * batch_json_structure:
 * @out: where to write
 * @s: a structure
 *
 * Writes @s as a JSON object: "name" and its fields; numbers, booleans and
 * strings as such, anything else as GStreamer serialises it.
 */
void
batch_json_structure (GString * out, const GstStructure * s)
{
  g_string_append (out, "{\"name\": ");
  batch_json_string (out, gst_structure_get_name (s));
  gst_structure_foreach (s, write_field, out);
  g_string_append_c (out, '}');
}

/**
 * batch_write_file:
 * @path: a file
 * @contents: what to write
 * @error: where to put an error
 *
 * Writes @path whole or not at all (a temporary file renamed).
 */
gboolean
batch_write_file (const gchar * path, const gchar * contents, GError ** error)
{
  return g_file_set_contents (path, contents, strlen (contents), error);
}
