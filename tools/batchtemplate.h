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

#ifndef __BATCH_TEMPLATE_H__
#define __BATCH_TEMPLATE_H__

#include <glib.h>

G_BEGIN_DECLS

#define BATCH_TEMPLATE_ERROR (batch_template_error_quark ())

typedef enum
{
  BATCH_TEMPLATE_ERROR_PLACEHOLDER,     /* an unknown placeholder */
  BATCH_TEMPLATE_ERROR_QUOTES,          /* unbalanced double quotes */
  BATCH_TEMPLATE_ERROR_VALUE,           /* a value that cannot be written */
} BatchTemplateError;

GQuark    batch_template_error_quark (void);

/* The values of the placeholders for one input. */
typedef struct
{
  gchar *input;                 /* {input}: the input as given */
  gchar *uri;                   /* {uri}: file:// URI of its absolute path */
  gchar *name;                  /* {name}: its base name */
  gchar *stem;                  /* {stem}: the base name without extension */
  gchar *outdir;                /* {outdir}: the output directory */
  gchar *index;                 /* {index}: its position, from 1 */
} BatchVars;

void      batch_vars_init     (BatchVars * vars, const gchar * input,
                               const gchar * outdir, guint index);

void      batch_vars_clear    (BatchVars * vars);

gboolean  batch_template_check (const gchar * tmpl, GError ** error);

gchar *   batch_template_expand (const gchar * tmpl, const BatchVars * vars,
                                 GError ** error);

gchar *   batch_escape_value  (const gchar * value, gboolean quoted,
                               GError ** error);

G_END_DECLS

#endif /* __BATCH_TEMPLATE_H__ */
