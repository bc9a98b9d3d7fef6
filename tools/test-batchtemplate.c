/* gst-reuse: unit tests of gst-reuse-batch's template expander
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

/* The expander's escaping is checked against gst-launch syntax by
 * tests/check/batch.py, which parses expanded descriptions for real; here
 * are the rules themselves: placeholders, their values, escaping in and
 * outside double quotes, literal braces, errors. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "batchtemplate.h"

#include <string.h>

static gchar *
expand (const gchar * tmpl, const gchar * input, const gchar * outdir,
    guint index)
{
  BatchVars vars;
  GError *err = NULL;
  gchar *out;

  batch_vars_init (&vars, input, outdir, index);
  out = batch_template_expand (tmpl, &vars, &err);
  g_assert_no_error (err);
  batch_vars_clear (&vars);
  return out;
}

static void
check_expand (const gchar * tmpl, const gchar * input, const gchar * outdir,
    guint index, const gchar * expected)
{
  gchar *out = expand (tmpl, input, outdir, index);

  g_assert_cmpstr (out, ==, expected);
  g_free (out);
}

static void
test_values (void)
{
  BatchVars vars;

  batch_vars_init (&vars, "/videos/a.b.mp4", "out", 7);
  g_assert_cmpstr (vars.input, ==, "/videos/a.b.mp4");
  g_assert_cmpstr (vars.uri, ==, "file:///videos/a.b.mp4");
  g_assert_cmpstr (vars.name, ==, "a.b.mp4");
  g_assert_cmpstr (vars.stem, ==, "a.b");
  g_assert_cmpstr (vars.outdir, ==, "out");
  g_assert_cmpstr (vars.index, ==, "7");
  batch_vars_clear (&vars);

  /* a dot file has no extension; no extension, no change */
  batch_vars_init (&vars, "dir/.hidden", ".", 1);
  g_assert_cmpstr (vars.stem, ==, ".hidden");
  batch_vars_clear (&vars);
  batch_vars_init (&vars, "noext", ".", 1);
  g_assert_cmpstr (vars.stem, ==, "noext");
  batch_vars_clear (&vars);

  /* relative inputs: the URI is of the absolute path, escaped */
  batch_vars_init (&vars, "my clip #1.mp4", ".", 1);
  g_assert_true (g_str_has_prefix (vars.uri, "file:///"));
  g_assert_true (g_str_has_suffix (vars.uri, "/my%20clip%20%231.mp4"));
  batch_vars_clear (&vars);
}

static void
test_plain (void)
{
  check_expand ("filesrc location={input} ! fakesink", "in.mp4", ".", 1,
      "filesrc location=in.mp4 ! fakesink");
  check_expand ("filesink location={outdir}/{stem}-{index}.jpg",
      "/v/clip.mp4", "/tmp/out", 12, "filesink location=/tmp/out/clip-12.jpg");
  check_expand ("uridecodebin uri={uri}", "/v/a b.mp4", ".", 1,
      "uridecodebin uri=file:///v/a%20b.mp4");
  /* the same placeholder twice, and a name */
  check_expand ("{name} {name}", "x/y.z", ".", 1, "y.z y.z");
}

static void
test_escape_unquoted (void)
{
  /* spaces and every character the parser treats specially get a
   * backslash; "_-./:+@%,=~" and UTF-8 stay as they are */
  check_expand ("filesrc location={input}", "my file.mp4", ".", 1,
      "filesrc location=my\\ file.mp4");
  check_expand ("filesrc location={input}", "a\"b'c!d(e)[f]{g};h\\i$j`k",
      ".", 1, "filesrc location=a\\\"b\\'c\\!d\\(e\\)\\[f\\]\\{g\\}\\;h\\\\i"
      "\\$j\\`k");
  check_expand ("filesrc location={input}", "ünï-cödé_1.0+x@y%z,w=v~u.mp4",
      ".", 1, "filesrc location=ünï-cödé_1.0+x@y%z,w=v~u.mp4");
  check_expand ("filesink location={outdir}/{stem}.jpg", "/v/a b.mp4",
      "out dir", 1, "filesink location=out\\ dir/a\\ b.jpg");
}

static void
test_escape_quoted (void)
{
  /* between double quotes only '"' and '\' need a backslash */
  check_expand ("filesrc location=\"{input}\"", "a b\"c\\d'e!.mp4", ".", 1,
      "filesrc location=\"a b\\\"c\\\\d'e!.mp4\"");
  /* a control character can be written only there */
  check_expand ("filesrc location=\"{input}\"", "a\nb", ".", 1,
      "filesrc location=\"a\nb\"");
}

static void
test_control_character (void)
{
  BatchVars vars;
  GError *err = NULL;
  gchar *out;

  batch_vars_init (&vars, "a\nb", ".", 1);
  out = batch_template_expand ("filesrc location={input}", &vars, &err);
  g_assert_null (out);
  g_assert_error (err, BATCH_TEMPLATE_ERROR, BATCH_TEMPLATE_ERROR_VALUE);
  g_clear_error (&err);
  batch_vars_clear (&vars);
}

static void
test_braces (void)
{
  /* literal braces; caps lists are left alone; an escaped brace stays
   * escaped for the parser */
  check_expand ("a {{input}} b", "x", ".", 1, "a {input} b");
  check_expand ("video/x-raw,format={ I420, NV12 }", "x", ".", 1,
      "video/x-raw,format={ I420, NV12 }");
  check_expand ("a \\{input} b", "x", ".", 1, "a \\{input} b");
  check_expand ("{ {input} }", "x", ".", 1, "{ x }");
}

static void
test_errors (void)
{
  GError *err = NULL;

  g_assert_true (batch_template_check ("filesrc location={input} ! "
          "filesink location={outdir}/{stem}.{index}", &err));
  g_assert_no_error (err);

  g_assert_false (batch_template_check ("filesrc location={inptu}", &err));
  g_assert_error (err, BATCH_TEMPLATE_ERROR, BATCH_TEMPLATE_ERROR_PLACEHOLDER);
  g_assert_nonnull (strstr (err->message, "{inptu}"));
  g_clear_error (&err);

  g_assert_false (batch_template_check ("cachebin description=\"a ! b", &err));
  g_assert_error (err, BATCH_TEMPLATE_ERROR, BATCH_TEMPLATE_ERROR_QUOTES);
  g_clear_error (&err);

  /* an escaped quote does not open a quoted part */
  g_assert_true (batch_template_check ("identity name=a\\\"b", &err));
  g_assert_no_error (err);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/batchtemplate/values", test_values);
  g_test_add_func ("/batchtemplate/plain", test_plain);
  g_test_add_func ("/batchtemplate/escape-unquoted", test_escape_unquoted);
  g_test_add_func ("/batchtemplate/escape-quoted", test_escape_quoted);
  g_test_add_func ("/batchtemplate/control-character", test_control_character);
  g_test_add_func ("/batchtemplate/braces", test_braces);
  g_test_add_func ("/batchtemplate/errors", test_errors);
  return g_test_run ();
}
