/* gst-reuse: a decoder that takes part in media analysis, for tests
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

/**
 * plugin-analysistest:
 *
 * A plugin for tests only, never installed: one element, `analysistestdec`,
 * of klass `Codec/Decoder/Video` and rank MARGINAL, on caps that no other
 * element handles. The analysis cache counts every such decoder, with its
 * plugin's version, among the plugins that can take part in an analysis.
 * The tests build this plugin twice, with two version strings
 * (ANALYSIS_TEST_VERSION), to change that version and nothing else.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#ifndef ANALYSIS_TEST_VERSION
#error "build with -DANALYSIS_TEST_VERSION=\"x.y.z\""
#endif

GST_DEBUG_CATEGORY_STATIC (analysis_test_dec_debug);
#define GST_CAT_DEFAULT analysis_test_dec_debug

#define GST_TYPE_ANALYSIS_TEST_DEC (gst_analysis_test_dec_get_type ())
G_DECLARE_FINAL_TYPE (GstAnalysisTestDec, gst_analysis_test_dec, GST,
    ANALYSIS_TEST_DEC, GstElement);

struct _GstAnalysisTestDec
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-gst-reuse-analysis-test"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-raw"));

G_DEFINE_TYPE (GstAnalysisTestDec, gst_analysis_test_dec, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DECLARE (analysistestdec);
GST_ELEMENT_REGISTER_DEFINE (analysistestdec, "analysistestdec",
    GST_RANK_MARGINAL, GST_TYPE_ANALYSIS_TEST_DEC);

/* nothing can be decoded: the element exists to be listed */
static GstFlowReturn
gst_analysis_test_dec_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buffer)
{
  GST_ELEMENT_ERROR (parent, STREAM, DECODE, ("Cannot decode test data."),
      ("analysistestdec is a test element and decodes nothing"));
  gst_buffer_unref (buffer);
  return GST_FLOW_ERROR;
}

static void
gst_analysis_test_dec_class_init (GstAnalysisTestDecClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Analysis test decoder", "Codec/Decoder/Video",
      "Decodes nothing; lists a decoder in the registry for tests",
      "The gst-reuse authors");
}

static void
gst_analysis_test_dec_init (GstAnalysisTestDec * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, gst_analysis_test_dec_chain);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}

static gboolean
plugin_init (GstPlugin * plugin)
{
  GST_DEBUG_CATEGORY_INIT (analysis_test_dec_debug, "analysistestdec", 0,
      "analysis test decoder");

  return GST_ELEMENT_REGISTER (analysistestdec, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR,
    GST_VERSION_MINOR,
    analysistest,
    "A decoder for the analysis cache's tests",
    plugin_init, ANALYSIS_TEST_VERSION, GST_LICENSE, GST_PACKAGE_NAME,
    GST_PACKAGE_ORIGIN)
