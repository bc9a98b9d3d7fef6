#!/usr/bin/env python3
# gst-reuse: write the manual page of a command-line tool from its --help
#
# Copyright (C) 2026 The gst-reuse authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   glib-help2man.py --name SUMMARY --version VERSION [--section N] \
#       PROGRAM OUTPUT
#
# Runs PROGRAM --help and turns GOption's output into a troff page:
#
#   Usage: / "  prog [OPTION...]"    ->  SYNOPSIS
#   paragraphs before the options    ->  DESCRIPTION
#   "Xxx Options:" groups            ->  OPTIONS
#   a line in capitals (FILES, ...)  ->  a section of that name; its
#                                        "term   text" lines become
#                                        tagged paragraphs
#   a last "See ..." line            ->  SEE ALSO
#
# so that the page says what --help says and cannot drift from it. The
# page carries no build date unless SOURCE_DATE_EPOCH is set, to keep
# builds reproducible.

import argparse
import os
import re
import subprocess
import sys
import time

OPTION_RE = re.compile(r'^  (-\S, )?(--\S+?)(=\S+)?(?:\s{2,}(.*))?$')
TERM_RE = re.compile(r'^  (\S.*?)\s{2,}(\S.*)$')
HEADING_RE = re.compile(r'^[A-Z][A-Z ]+$')
GROUP_RE = re.compile(r'^\S.* Options:$')


def escape(text):
    """Quote troff's special characters in running text."""
    text = text.replace('\\', '\\e')
    text = text.replace('\u2026', '...')
    # an option or a command-line word: its hyphens are minus signs
    text = re.sub(r'(?<![\w-])(--?[\w][\w=.,/-]*)',
                  lambda m: m.group(1).replace('-', '\\-'), text)
    if text.startswith(('.', "'")):
        text = '\\&' + text
    return text


def code(text):
    """Quote a command or a file name: every hyphen is a minus sign."""
    text = text.replace('\\', '\\e').replace('-', '\\-')
    if text.startswith(('.', "'")):
        text = '\\&' + text
    return text


def paragraphs(lines):
    """Split lines into paragraphs at blank lines."""
    para = []
    for line in lines:
        if line.strip():
            para.append(line)
        elif para:
            yield para
            para = []
    if para:
        yield para


def text_block(para):
    """A paragraph; lines indented under it (an example) kept as they are."""
    text = [line.strip() for line in para if not line.startswith('  ')]
    literal = [line.strip() for line in para if line.startswith('  ')]
    out = ['.PP', escape(' '.join(text))] if text else []
    if literal:
        out += ['.RS', '.nf'] + [code(line) for line in literal]
        out += ['.fi', '.RE']
    return out


def option_item(m):
    short, long_opt, arg, text = m.groups()
    term = '\\fB' + code(short[:-2]) + '\\fR, ' if short else ''
    term += '\\fB' + code(long_opt) + '\\fR'
    if arg:
        term += '=\\fI' + code(arg[1:]) + '\\fR'
    return ['.TP', term, escape(text or '')]


def section_body(lines):
    """A capitalised section: tagged paragraphs and plain paragraphs."""
    out = []
    items = []
    for para in paragraphs(lines):
        text = [line.strip() for line in para]
        if all(TERM_RE.match(line) or line.startswith('    ')
               for line in para) and TERM_RE.match(para[0]):
            # "term   text" lines, continuations indented to the text
            for line in para:
                m = TERM_RE.match(line)
                if m:
                    items.append([m.group(1), m.group(2)])
                else:
                    items[-1][1] += ' ' + line.strip()
            for term, desc in items:
                out += ['.TP', '\\fB' + code(term) + '\\fR', escape(desc)]
            items = []
        else:
            out += ['.PP', escape(' '.join(text))]
    return out


def convert(help_text, prog, name, version, section):
    lines = help_text.rstrip('\n').split('\n')
    out = []
    date = ''
    if 'SOURCE_DATE_EPOCH' in os.environ:
        date = time.strftime(
            '%Y-%m-%d', time.gmtime(int(os.environ['SOURCE_DATE_EPOCH'])))
    out.append('.TH %s %s "%s" "%s" "User Commands"' % (
        prog.upper().replace('-', '\\-'), section, date,
        escape(version)))
    out += ['.SH NAME', '%s \\- %s' % (code(prog), escape(name))]

    i = 0
    if lines and lines[0].strip() == 'Usage:':
        usage = lines[1].strip().replace('\u2026', '...')
        words = usage.split()
        out += ['.SH SYNOPSIS', '.B ' + code(words[0])]
        for word in words[1:]:
            word = re.sub(r'^(\[?)([A-Z]+)((?:\.\.\.)?\]?)$',
                          r'\1\\fI\2\\fR\3', word)
            out.append(word)
        i = 2

    # the description: everything up to the first group of options
    desc = []
    while i < len(lines) and not GROUP_RE.match(lines[i]):
        desc.append(lines[i])
        i += 1
    if any(line.strip() for line in desc):
        out.append('.SH DESCRIPTION')
        for para in paragraphs(desc):
            out += text_block(para)

    # the options, every group in one section
    if i < len(lines):
        out.append('.SH OPTIONS')
    while i < len(lines) and not HEADING_RE.match(lines[i]):
        line = lines[i]
        m = OPTION_RE.match(line)
        if m:
            out += option_item(m)
        elif line.strip() and not GROUP_RE.match(line):
            # a paragraph after the options
            para = []
            while (i < len(lines) and lines[i].strip() and
                   not HEADING_RE.match(lines[i])):
                para.append(lines[i])
                i += 1
            out += text_block(para)
            continue
        i += 1

    # the sections of the tool's own text
    while i < len(lines):
        heading = lines[i].strip()
        i += 1
        body = []
        while i < len(lines) and not HEADING_RE.match(lines[i]):
            body.append(lines[i])
            i += 1
        see_also = []
        while body and not body[-1].strip():
            body.pop()
        if body and body[-1].startswith('See '):
            see_also = [body.pop()]
        out += ['.SH ' + escape(heading)] + section_body(body)
        if see_also:
            out += ['.SH "SEE ALSO"', escape(see_also[0])]
    return '\n'.join(out) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--name', required=True,
                        help='what the program does, for the NAME section')
    parser.add_argument('--version', required=True,
                        help='the version, for the footer')
    parser.add_argument('--section', default='1')
    parser.add_argument('program')
    parser.add_argument('output')
    args = parser.parse_args()

    env = dict(os.environ, LC_ALL='C.UTF-8')
    help_text = subprocess.run([args.program, '--help'], env=env,
                               check=True, stdout=subprocess.PIPE,
                               universal_newlines=True).stdout
    prog = os.path.basename(args.program)
    page = convert(help_text, prog, args.name, args.version, args.section)
    with open(args.output, 'w', encoding='utf-8') as f:
        f.write(page)
    return 0


if __name__ == '__main__':
    sys.exit(main())
