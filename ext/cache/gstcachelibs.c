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

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "gstcachelibs.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (gst_cache_libs_debug);
#define GST_CAT_DEFAULT gst_cache_libs_debug

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (gst_cache_libs_debug, "cachelibs", 0,
        "gst-reuse cache: the libraries a chain's plugins load");
    g_once_init_leave (&done, 1);
  }
}

/* sanity limits for what is read from a file */
#define MAX_SEGMENT (16 * 1024 * 1024)

/* an object loaded in this process */
typedef struct
{
  gchar *path;
  gchar *build_id;              /* from its mapped notes, or NULL */
  dev_t dev;
  ino_t ino;
} Loaded;

static void
loaded_free (Loaded * l)
{
  g_free (l->path);
  g_free (l->build_id);
  g_free (l);
}

/* the build ID in a block of ELF notes, as hex, or NULL */
static gchar *
notes_build_id (const guint8 * p, gsize size)
{
  gsize pos = 0;

  while (pos + sizeof (ElfW (Nhdr)) <= size) {
    const ElfW (Nhdr) * n = (const ElfW (Nhdr) *) (p + pos);
    gsize name = (n->n_namesz + 3) & ~(gsize) 3;
    gsize desc = (n->n_descsz + 3) & ~(gsize) 3;
    gsize body = pos + sizeof (ElfW (Nhdr));

    if (name > size || desc > size || body + name + desc > size)
      break;
    if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
        memcmp (p + body, "GNU", 4) == 0 && n->n_descsz > 0) {
      GString *hex = g_string_new (NULL);
      guint i;

      for (i = 0; i < n->n_descsz; i++)
        g_string_append_printf (hex, "%02x", p[body + name + i]);
      return g_string_free (hex, FALSE);
    }
    pos = body + name + desc;
  }
  return NULL;
}

static gint
collect_loaded (struct dl_phdr_info *info, size_t size, void *data)
{
  GPtrArray *all = data;
  Loaded *l;
  struct stat st;
  guint i;

  if (info->dlpi_name == NULL || info->dlpi_name[0] != '/' ||
      stat (info->dlpi_name, &st) != 0)
    return 0;
  l = g_new0 (Loaded, 1);
  l->path = g_strdup (info->dlpi_name);
  l->dev = st.st_dev;
  l->ino = st.st_ino;
  for (i = 0; i < info->dlpi_phnum && l->build_id == NULL; i++) {
    const ElfW (Phdr) * ph = &info->dlpi_phdr[i];

    if (ph->p_type == PT_NOTE)
      l->build_id = notes_build_id ((const guint8 *) (info->dlpi_addr +
              ph->p_vaddr), ph->p_memsz);
  }
  g_ptr_array_add (all, l);
  return 0;
}

static gpointer
read_at (gint fd, guint64 offset, guint64 size)
{
  gpointer buf;

  if (size == 0 || size > MAX_SEGMENT)
    return NULL;
  buf = g_malloc (size);
  if (pread (fd, buf, size, offset) != (gssize) size) {
    g_free (buf);
    return NULL;
  }
  return buf;
}

/* the DT_NEEDED names and the build ID of the ELF file at @path (64-bit,
 * this machine's byte order; anything else has neither) */
static void
read_elf (const gchar * path, GPtrArray * needed, gchar ** build_id)
{
  ElfW (Ehdr) eh;
  ElfW (Phdr) * ph = NULL;
  ElfW (Dyn) * dyn = NULL;
  gchar *strtab = NULL;
  guint64 strtab_addr = 0, strsz = 0, ndyn = 0, i, j;
  gint fd = open (path, O_RDONLY | O_CLOEXEC);

  *build_id = NULL;
  if (fd < 0)
    return;
  if (pread (fd, &eh, sizeof (eh), 0) != sizeof (eh) ||
      memcmp (eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_phentsize != sizeof (ElfW (Phdr)))
    goto done;
  ph = read_at (fd, eh.e_phoff, (guint64) eh.e_phnum * sizeof (ElfW (Phdr)));
  if (ph == NULL)
    goto done;
  for (i = 0; i < eh.e_phnum; i++) {
    if (ph[i].p_type == PT_NOTE && *build_id == NULL) {
      guint8 *notes = read_at (fd, ph[i].p_offset, ph[i].p_filesz);

      if (notes)
        *build_id = notes_build_id (notes, ph[i].p_filesz);
      g_free (notes);
    } else if (ph[i].p_type == PT_DYNAMIC && dyn == NULL) {
      dyn = read_at (fd, ph[i].p_offset, ph[i].p_filesz);
      ndyn = dyn ? ph[i].p_filesz / sizeof (ElfW (Dyn)) : 0;
    }
  }
  for (i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
    if (dyn[i].d_tag == DT_STRTAB)
      strtab_addr = dyn[i].d_un.d_ptr;
    else if (dyn[i].d_tag == DT_STRSZ)
      strsz = dyn[i].d_un.d_val;
  }
  /* the string table's address to its offset in the file */
  for (j = 0; j < eh.e_phnum && strtab == NULL && strsz > 0; j++) {
    if (ph[j].p_type == PT_LOAD && strtab_addr >= ph[j].p_vaddr &&
        strtab_addr + strsz <= ph[j].p_vaddr + ph[j].p_filesz)
      strtab = read_at (fd, strtab_addr - ph[j].p_vaddr + ph[j].p_offset,
          strsz);
  }
  for (i = 0; strtab && i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
    if (dyn[i].d_tag == DT_NEEDED && dyn[i].d_un.d_val < strsz &&
        memchr (strtab + dyn[i].d_un.d_val, '\0',
            strsz - dyn[i].d_un.d_val) != NULL)
      g_ptr_array_add (needed, g_strdup (strtab + dyn[i].d_un.d_val));
  }

done:
  g_free (strtab);
  g_free (dyn);
  g_free (ph);
  close (fd);
}

/* what read_elf () found in a file, by path, while the file's identity
 * (inode, size, mtime) stays the same: an application's chain, which has no
 * memo, costs a stat per library after its first run in a process */
typedef struct
{
  gchar *identity;
  gchar **needed;
  gchar *build_id;
} ElfInfo;

static void
elf_info_free (ElfInfo * info)
{
  g_free (info->identity);
  g_strfreev (info->needed);
  g_free (info->build_id);
  g_free (info);
}

static void
read_elf_remembered (const gchar * path, const gchar * identity,
    GPtrArray * needed, gchar ** build_id)
{
  static GMutex lock;
  static GHashTable *known;
  ElfInfo *info;
  guint i;

  g_mutex_lock (&lock);
  if (known == NULL)
    known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
        (GDestroyNotify) elf_info_free);
  info = g_hash_table_lookup (known, path);
  if (info == NULL || identity == NULL ||
      g_strcmp0 (info->identity, identity) != 0) {
    GPtrArray *names = g_ptr_array_new ();

    info = g_new0 (ElfInfo, 1);
    read_elf (path, names, &info->build_id);
    g_ptr_array_add (names, NULL);
    info->needed = (gchar **) g_ptr_array_free (names, FALSE);
    info->identity = g_strdup (identity);
    g_hash_table_replace (known, g_strdup (path), info);
  }
  for (i = 0; info->needed[i]; i++)
    g_ptr_array_add (needed, g_strdup (info->needed[i]));
  *build_id = g_strdup (info->build_id);
  g_mutex_unlock (&lock);
}

static Loaded *
find_loaded (GPtrArray * all, const gchar * path)
{
  struct stat st;
  guint i;

  if (stat (path, &st) != 0)
    return NULL;
  for (i = 0; i < all->len; i++) {
    Loaded *l = g_ptr_array_index (all, i);

    if (l->dev == st.st_dev && l->ino == st.st_ino)
      return l;
  }
  return NULL;
}

/* the loaded object a DT_NEEDED name resolved to */
static Loaded *
find_soname (GPtrArray * all, const gchar * soname)
{
  guint i;

  for (i = 0; i < all->len; i++) {
    Loaded *l = g_ptr_array_index (all, i);
    const gchar *base = strrchr (l->path, '/');

    if (base && strcmp (base + 1, soname) == 0)
      return l;
  }
  return NULL;
}

static gint
compare_strptr (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

static gchar *
file_identity (const gchar * path)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return NULL;
  return g_strdup_printf ("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %"
      G_GINT64_FORMAT, (guint64) st.st_ino, (guint64) st.st_size,
      (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
      st.st_mtim.tv_nsec);
}

gboolean
gst_cache_describe_libraries (const gchar * const *factories, gchar ** text,
    gchar *** files)
{
  GstRegistry *registry = gst_registry_get ();
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify)
      loaded_free);
  GPtrArray *queue = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *ids = g_ptr_array_new ();
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean same = TRUE;
  GString *out = g_string_new (NULL);
  guint i;

  ensure_debug_category ();

  /* the plugins, loaded (a parsed chain has loaded them already) */
  for (i = 0; factories && factories[i]; i++) {
    GstPluginFeature *f = gst_registry_find_feature (registry, factories[i],
        GST_TYPE_ELEMENT_FACTORY);
    GstPlugin *plugin = f ? gst_plugin_feature_get_plugin (f) : NULL;

    if (plugin && !gst_plugin_is_loaded (plugin)) {
      GstPlugin *loaded = gst_plugin_load (plugin);

      gst_object_unref (plugin);
      plugin = loaded;
    }
    if (plugin && gst_plugin_get_filename (plugin))
      g_ptr_array_add (queue, g_strdup (gst_plugin_get_filename (plugin)));
    if (plugin)
      gst_object_unref (plugin);
    if (f)
      gst_object_unref (f);
  }
  dl_iterate_phdr (collect_loaded, all);

  /* breadth first through DT_NEEDED, each object once */
  for (i = 0; i < queue->len; i++) {
    const gchar *path = g_ptr_array_index (queue, i);
    GPtrArray *needed = g_ptr_array_new_with_free_func (g_free);
    Loaded *loaded = find_loaded (all, path);
    const gchar *base = strrchr (path, '/');
    gchar *disk_id = NULL, *identity;
    const gchar *id;
    guint j;

    if (g_hash_table_contains (seen, loaded ? loaded->path : path)) {
      g_ptr_array_free (needed, TRUE);
      continue;
    }
    g_hash_table_add (seen, loaded ? loaded->path : (gpointer) path);
    identity = file_identity (path);
    read_elf_remembered (path, identity, needed, &disk_id);
    /* what runs here: the mapped object's build ID */
    id = loaded && loaded->build_id ? loaded->build_id : disk_id;
    if (loaded && g_strcmp0 (loaded->build_id, disk_id) != 0) {
      GST_INFO ("%s in this process (build ID %s) is not the file on disk "
          "(build ID %s)", path, loaded->build_id, disk_id);
      same = FALSE;
    }
    if (identity == NULL)
      same = FALSE;
    g_ptr_array_add (lines, g_strdup_printf ("%s %s", base ? base + 1 : path,
            id ? id : identity ? identity : "(missing)"));
    if (identity)
      g_ptr_array_add (ids, g_strdup_printf ("%s\t%s", path, identity));
    g_free (identity);
    g_free (disk_id);

    for (j = 0; j < needed->len; j++) {
      Loaded *dep = find_soname (all, g_ptr_array_index (needed, j));

      if (dep)
        g_ptr_array_add (queue, g_strdup (dep->path));
      else
        g_ptr_array_add (lines, g_strdup_printf ("%s (not loaded)",
                (gchar *) g_ptr_array_index (needed, j)));
    }
    g_ptr_array_free (needed, TRUE);
  }

  g_ptr_array_sort (lines, compare_strptr);
  for (i = 0; i < lines->len; i++) {
    const gchar *line = g_ptr_array_index (lines, i);

    /* a library needed by several objects is listed once */
    if (i == 0 || strcmp (line, g_ptr_array_index (lines, i - 1)) != 0)
      g_string_append_printf (out, "%s\n", line);
  }
  *text = g_string_free (out, FALSE);
  g_ptr_array_sort (ids, compare_strptr);
  g_ptr_array_add (ids, NULL);
  *files = (gchar **) g_ptr_array_free (ids, FALSE);

  g_hash_table_unref (seen);
  g_ptr_array_free (lines, TRUE);
  g_ptr_array_free (queue, TRUE);
  g_ptr_array_free (all, TRUE);
  return same;
}

gboolean
gst_cache_libraries_unchanged (const gchar * const *files)
{
  guint i;

  for (i = 0; files && files[i]; i++) {
    const gchar *space = strrchr (files[i], '\t');
    gchar *path, *now;
    gboolean same;

    if (space == NULL)
      return FALSE;
    path = g_strndup (files[i], space - files[i]);
    now = file_identity (path);
    same = now != NULL && strcmp (now, space + 1) == 0;
    g_free (now);
    g_free (path);
    if (!same)
      return FALSE;
  }
  return TRUE;
}
