/* gst-reuse: memory-mapped file windows with SIGBUS protection
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

/*
 * How the SIGBUS guard works
 *
 * When a mapped file shrinks, the kernel unmaps the pages past the new end
 * (even private copies) and any later access to them raises SIGBUS in the
 * thread that touched them, which for a GStreamer source is usually some
 * downstream element we do not control. Wrapping every access in
 * sigsetjmp() is therefore impossible. Instead, the guard keeps a lock-free
 * table of the address ranges of our windows. Its SA_SIGINFO handler looks
 * the faulting address up in that table; if it belongs to one of our
 * windows, it maps anonymous zero pages over the rest of the window with
 * MAP_FIXED, marks the window as faulted and returns, so that the faulting
 * instruction runs again and reads zeros. The owner of the window learns
 * about the fault through gst_mmap_window_check_fault() and reports it.
 * Every other SIGBUS is passed on to the handler that was installed before
 * ours, or, if that was the default action, kills the process exactly as it
 * would have without us.
 *
 * The handler only reads the table with atomic loads, calls mmap() (a plain
 * system call) and sigaction(), and touches no locks, so it is safe in any
 * thread at any time. Writers of the table take guard_lock and bracket their
 * updates of a slot with a sequence counter that readers check.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmmapwindow.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

struct _GstMmapWindow
{
  gint refcount;

  guint8 *map_base;             /* page-aligned start of the mapping */
  gsize map_length;             /* length given to mmap() */
  guint64 map_offset;           /* file offset of map_base */

  guint64 offset;               /* first file offset the window serves */
  gsize length;                 /* bytes served from offset */

  gint slot;                    /* guard slot, or -1 when unguarded */
  gint fd;                      /* our own descriptor, to notice shrinking */
  gint shrunk;                  /* atomic */

  GMutex fault_lock;
  GstMmapWindowFaultFunc fault_func;    /* fault_lock */
  gpointer fault_data;          /* fault_lock */
  GDestroyNotify fault_notify;  /* fault_lock */
  gint fault_reported;          /* atomic */
};

#define GUARD_N_SLOTS 1024

typedef struct
{
  gint seq;                     /* odd while the slot is being rewritten */
  guintptr start;
  guintptr end;
  gint faulted;
} GuardSlot;

static GuardSlot guard_slots[GUARD_N_SLOTS];
static gint guard_slots_used;   /* highest slot index in use + 1, atomic */
static GMutex guard_lock;
static guint guard_n_windows;   /* guard_lock */
static gboolean guard_installed;        /* guard_lock */
static guintptr guard_page_size;
static gint guard_fault_count;  /* atomic */

/* The action that was installed before ours, which the handler chains to.
 * Written with guard_lock, into the copy the handler is not reading, and
 * published by switching guard_prev_index, so that the handler always
 * reads a whole action. guard_prev_reset is set when an SA_RESETHAND
 * action has been run once: from then on the previous action is the
 * default one, as the kernel would have made it. */
static struct sigaction guard_prev[2];
static gint guard_prev_index;   /* atomic */
static gint guard_prev_reset;   /* atomic */

/* Threads that block SIGBUS: a fault in a thread that blocks it (or in one
 * that has our handler masked) is not delivered to any handler, the kernel
 * kills the process instead. Accesses to guarded windows are bracketed by
 * gst_mmap_window_access_begin() and _end(), which unblock SIGBUS in the
 * calling thread for the duration if it was blocked. The thread's state is
 * the number of open brackets (shifted left by one) and whether the
 * outermost one unblocked SIGBUS (bit 0). */
static GPrivate access_state;

static guintptr
page_size (void)
{
  static gsize size = 0;

  if (g_once_init_enter (&size)) {
    long s = sysconf (_SC_PAGESIZE);

    g_once_init_leave (&size, s > 0 ? (gsize) s : 4096);
  }
  return size;
}

/* Runs in signal context. Passes a SIGBUS that is not ours on to the
 * previous action the way the kernel would have run it: with its own
 * SA_SIGINFO or plain handler, its mask added to the interrupted one and
 * SIGBUS blocked unless it asked for SA_NODEFER, and only once if it asked
 * for SA_RESETHAND. */
static void
guard_chain (int sig, siginfo_t * info, void *context)
{
  struct sigaction prev;
  sigset_t mask, saved;
  gint i;

  prev = guard_prev[__atomic_load_n (&guard_prev_index, __ATOMIC_ACQUIRE)];
  if (__atomic_load_n (&guard_prev_reset, __ATOMIC_ACQUIRE)) {
    prev.sa_handler = SIG_DFL;
    prev.sa_flags = 0;
  }

  if (!(prev.sa_flags & SA_SIGINFO) && (prev.sa_handler == SIG_DFL ||
          prev.sa_handler == SIG_IGN)) {
    /* A SIGBUS sent with kill() and an ignoring disposition: ignored. */
    if (prev.sa_handler == SIG_IGN && info->si_code <= 0)
      return;
    /* Otherwise the default action (a fault cannot be ignored either):
     * restore it. A fault then happens again when we return and terminates
     * the process; a SIGBUS sent with kill() is raised again. */
    memset (&prev, 0, sizeof (prev));
    prev.sa_handler = SIG_DFL;
    sigemptyset (&prev.sa_mask);
    sigaction (SIGBUS, &prev, NULL);
    if (info->si_code <= 0)
      raise (sig);
    return;
  }

  if (prev.sa_flags & SA_RESETHAND)
    __atomic_store_n (&guard_prev_reset, 1, __ATOMIC_RELEASE);

  /* the mask the previous handler would have run with */
  if (context != NULL)
    mask = ((ucontext_t *) context)->uc_sigmask;
  else
    pthread_sigmask (SIG_BLOCK, NULL, &mask);
  for (i = 1; i < NSIG; i++) {
    if (sigismember (&prev.sa_mask, i) == 1)
      sigaddset (&mask, i);
  }
  if (prev.sa_flags & SA_NODEFER)
    sigdelset (&mask, sig);
  else
    sigaddset (&mask, sig);
  pthread_sigmask (SIG_SETMASK, &mask, &saved);

  if (prev.sa_flags & SA_SIGINFO)
    prev.sa_sigaction (sig, info, context);
  else
    prev.sa_handler (sig);

  pthread_sigmask (SIG_SETMASK, &saved, NULL);
}

/* Runs in signal context: async-signal-safe code only. */
static void
guard_handler (int sig, siginfo_t * info, void *context)
{
  int saved_errno = errno;
  guintptr addr = (guintptr) info->si_addr;
  gint i, used;

  if (info->si_code == BUS_ADRERR || info->si_code == BUS_OBJERR) {
    used = __atomic_load_n (&guard_slots_used, __ATOMIC_ACQUIRE);

    for (i = 0; i < used; i++) {
      GuardSlot *s = &guard_slots[i];
      gint seq;
      guintptr start, end, page;

      seq = __atomic_load_n (&s->seq, __ATOMIC_ACQUIRE);
      if (seq & 1)
        continue;
      start = __atomic_load_n (&s->start, __ATOMIC_RELAXED);
      end = __atomic_load_n (&s->end, __ATOMIC_RELAXED);
      __atomic_thread_fence (__ATOMIC_ACQUIRE);
      if (__atomic_load_n (&s->seq, __ATOMIC_RELAXED) != seq)
        continue;
      if (start == 0 || addr < start || addr >= end)
        continue;

      page = addr & ~(guard_page_size - 1);
      if (mmap ((void *) page, end - page, PROT_READ,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
        break;

      __atomic_store_n (&s->faulted, 1, __ATOMIC_RELEASE);
      __atomic_add_fetch (&guard_fault_count, 1, __ATOMIC_RELEASE);
      errno = saved_errno;
      return;
    }
  }

  guard_chain (sig, info, context);
  errno = saved_errno;
}

static gboolean
guard_action_is_ours (const struct sigaction *action)
{
  return (action->sa_flags & SA_SIGINFO) &&
      action->sa_sigaction == guard_handler;
}

/* with guard_lock: makes @action the one the handler chains to */
static void
guard_set_prev_locked (const struct sigaction *action)
{
  gint next = !__atomic_load_n (&guard_prev_index, __ATOMIC_RELAXED);

  guard_prev[next] = *action;
  __atomic_store_n (&guard_prev_index, next, __ATOMIC_RELEASE);
  __atomic_store_n (&guard_prev_reset, 0, __ATOMIC_RELEASE);
}

/* with guard_lock */
static gboolean
guard_install_locked (GError ** error)
{
  struct sigaction action, current, old;

  if (guard_installed)
    return TRUE;

  guard_page_size = page_size ();

  if (sigaction (SIGBUS, NULL, &current) < 0)
    goto failed;

  if (guard_action_is_ours (&current)) {
    /* still installed from an earlier round */
    guard_installed = TRUE;
    return TRUE;
  }

  /* What ours chains to must be in place before ours can run: the action
   * seen now, corrected below if another one was installed before ours
   * went in (the same system call installs ours and returns the action it
   * replaced). */
  guard_set_prev_locked (&current);

  memset (&action, 0, sizeof (action));
  action.sa_sigaction = guard_handler;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | (current.sa_flags & SA_RESTART);
  sigemptyset (&action.sa_mask);

  if (sigaction (SIGBUS, &action, &old) < 0)
    goto failed;

  if (old.sa_handler != current.sa_handler || old.sa_flags != current.sa_flags)
    guard_set_prev_locked (&old);

  guard_installed = TRUE;
  return TRUE;

failed:
  {
    int err = errno;

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
        "Could not install the SIGBUS handler: %s", g_strerror (err));
    return FALSE;
  }
}

/* with guard_lock */
static void
guard_uninstall_locked (void)
{
  struct sigaction prev, current;

  if (!guard_installed)
    return;

  prev = guard_prev[__atomic_load_n (&guard_prev_index, __ATOMIC_RELAXED)];
  if (__atomic_load_n (&guard_prev_reset, __ATOMIC_ACQUIRE)) {
    /* an SA_RESETHAND action ran: the kernel would have reset it */
    memset (&prev, 0, sizeof (prev));
    prev.sa_handler = SIG_DFL;
    sigemptyset (&prev.sa_mask);
  }

  if (sigaction (SIGBUS, NULL, &current) < 0)
    return;

  if (guard_action_is_ours (&current)) {
    sigaction (SIGBUS, &prev, NULL);
    guard_installed = FALSE;
  }
  /* else: another handler was installed on top of ours and may chain to it.
   * Ours stays reachable (the plugin is never unloaded) and, with no window
   * registered, forwards every signal; we do not install it a second time,
   * which could make the two handlers call each other for ever. */
}

static gint
guard_register (guintptr start, guintptr end, GError ** error)
{
  GuardSlot *s;
  gint i;

  g_mutex_lock (&guard_lock);

  for (i = 0; i < GUARD_N_SLOTS; i++) {
    if (guard_slots[i].start == 0)
      break;
  }
  if (i == GUARD_N_SLOTS)
    goto full;

  if (!guard_install_locked (error))
    goto failed;

  s = &guard_slots[i];
  __atomic_add_fetch (&s->seq, 1, __ATOMIC_ACQ_REL);
  __atomic_store_n (&s->start, start, __ATOMIC_RELAXED);
  __atomic_store_n (&s->end, end, __ATOMIC_RELAXED);
  __atomic_store_n (&s->faulted, 0, __ATOMIC_RELAXED);
  __atomic_add_fetch (&s->seq, 1, __ATOMIC_RELEASE);

  if (i + 1 > guard_slots_used)
    __atomic_store_n (&guard_slots_used, i + 1, __ATOMIC_RELEASE);

  guard_n_windows++;
  g_mutex_unlock (&guard_lock);

  return i;

full:
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOMEM,
      "Too many memory-mapped windows are alive (%d)", GUARD_N_SLOTS);
failed:
  g_mutex_unlock (&guard_lock);
  return -1;
}

static void
guard_unregister (gint slot)
{
  GuardSlot *s = &guard_slots[slot];

  g_mutex_lock (&guard_lock);
  __atomic_add_fetch (&s->seq, 1, __ATOMIC_ACQ_REL);
  __atomic_store_n (&s->start, 0, __ATOMIC_RELAXED);
  __atomic_store_n (&s->end, 0, __ATOMIC_RELAXED);
  __atomic_add_fetch (&s->seq, 1, __ATOMIC_RELEASE);

  if (--guard_n_windows == 0)
    guard_uninstall_locked ();
  g_mutex_unlock (&guard_lock);
}

#define HUGE_ALIGN (2 * 1024 * 1024)

/* Maps @length bytes of @fd at @offset so that the address and the file
 * offset are congruent modulo 2 MiB: then the kernel can map a 2 MiB
 * page-cache folio with one page-middle-directory entry instead of 512
 * page-table entries, which makes both faulting in and tearing down the
 * mapping much cheaper. MADV_HUGEPAGE allows that where transparent huge
 * pages are set to "madvise" (and lets a fault read ahead into huge folios);
 * it is a hint and its failure is ignored. */
static void *
map_aligned (gint fd, guint64 offset, gsize length)
{
  guintptr reserve_len, start, aligned, want;
  void *reserve, *base;

  if (length < HUGE_ALIGN)
    return mmap (NULL, length, PROT_READ, MAP_SHARED, fd, (off_t) offset);

  /* reserve address space, then place the mapping inside it */
  reserve_len = length + HUGE_ALIGN;
  reserve = mmap (NULL, reserve_len, PROT_NONE,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reserve == MAP_FAILED)
    return mmap (NULL, length, PROT_READ, MAP_SHARED, fd, (off_t) offset);

  start = (guintptr) reserve;
  want = (guintptr) (offset & (HUGE_ALIGN - 1));
  aligned = ((start + HUGE_ALIGN - 1) & ~((guintptr) HUGE_ALIGN - 1)) + want;
  if (aligned - HUGE_ALIGN >= start)
    aligned -= HUGE_ALIGN;

  base = mmap ((void *) aligned, length, PROT_READ, MAP_SHARED | MAP_FIXED,
      fd, (off_t) offset);
  if (base == MAP_FAILED) {
    int err = errno;

    munmap (reserve, reserve_len);
    errno = err;
    return MAP_FAILED;
  }

  /* give back what is left of the reservation on either side */
  if (aligned > start)
    munmap (reserve, aligned - start);
  {
    guintptr end = (aligned + length + page_size () - 1) & ~(page_size () - 1);

    if (start + reserve_len > end)
      munmap ((void *) end, start + reserve_len - end);
  }

#ifdef MADV_HUGEPAGE
  madvise (base, length, MADV_HUGEPAGE);
#endif

  return base;
}

/**
 * gst_mmap_window_new:
 * @fd: a file descriptor open for reading
 * @offset: the first file offset the window serves
 * @length: the number of bytes it serves, more than 0
 * @guard: whether to protect the window with the SIGBUS guard
 * @error: return location for a #GError
 *
 * Maps @length bytes of @fd from @offset, read-only and shared. The mapping
 * itself starts at the page boundary at or before @offset.
 *
 * Returns: (transfer full) (nullable): a new window, or %NULL with @error
 * set (in the %G_FILE_ERROR domain).
 */
GstMmapWindow *
gst_mmap_window_new (gint fd, guint64 offset, gsize length, gboolean guard,
    GError ** error)
{
  GstMmapWindow *window;
  guintptr psize = page_size ();
  guint64 map_offset;
  gsize map_length;
  void *base;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (length > 0, NULL);

  map_offset = offset & ~((guint64) psize - 1);
  map_length = (gsize) (offset - map_offset) + length;

  base = map_aligned (fd, map_offset, map_length);
  if (base == MAP_FAILED) {
    int err = errno;

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
        "Could not map %" G_GSIZE_FORMAT " bytes at offset %" G_GUINT64_FORMAT
        ": %s", map_length, map_offset, g_strerror (err));
    return NULL;
  }

  window = g_new0 (GstMmapWindow, 1);
  window->refcount = 1;
  window->map_base = base;
  window->map_length = map_length;
  window->map_offset = map_offset;
  window->offset = offset;
  window->length = length;
  window->slot = -1;
  window->fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
  g_mutex_init (&window->fault_lock);

  if (guard) {
    guintptr start = (guintptr) base;
    guintptr end = start + ((map_length + psize - 1) & ~(psize - 1));

    window->slot = guard_register (start, end, error);
    if (window->slot < 0) {
      munmap (base, map_length);
      if (window->fd >= 0)
        close (window->fd);
      g_mutex_clear (&window->fault_lock);
      g_free (window);
      return NULL;
    }
  }

  return window;
}

GstMmapWindow *
gst_mmap_window_ref (GstMmapWindow * window)
{
  g_return_val_if_fail (window != NULL, NULL);

  g_atomic_int_inc (&window->refcount);
  return window;
}

void
gst_mmap_window_unref (GstMmapWindow * window)
{
  g_return_if_fail (window != NULL);

  if (!g_atomic_int_dec_and_test (&window->refcount))
    return;

  /* Take the range out of the guard before the addresses can be reused. */
  if (window->slot >= 0)
    guard_unregister (window->slot);
  munmap (window->map_base, window->map_length);
  if (window->fd >= 0)
    close (window->fd);

  if (window->fault_notify)
    window->fault_notify (window->fault_data);
  g_mutex_clear (&window->fault_lock);
  g_free (window);
}

guint64
gst_mmap_window_get_offset (const GstMmapWindow * window)
{
  return window->offset;
}

gsize
gst_mmap_window_get_length (const GstMmapWindow * window)
{
  return window->length;
}

/**
 * gst_mmap_window_contains:
 *
 * Returns: whether the file range [@offset, @offset + @size) lies inside
 * @window. An empty range at the window's end counts as inside.
 */
gboolean
gst_mmap_window_contains (const GstMmapWindow * window, guint64 offset,
    gsize size)
{
  return offset >= window->offset &&
      offset - window->offset <= window->length &&
      size <= window->length - (gsize) (offset - window->offset);
}

/**
 * gst_mmap_window_get_data:
 *
 * Returns: a pointer to the byte at file offset @offset, which must lie in
 * the window (or be its end).
 */
guint8 *
gst_mmap_window_get_data (const GstMmapWindow * window, guint64 offset)
{
  g_return_val_if_fail (gst_mmap_window_contains (window, offset, 0), NULL);

  return window->map_base + (gsize) (offset - window->map_offset);
}

gboolean
gst_mmap_window_is_guarded (const GstMmapWindow * window)
{
  return window->slot >= 0;
}

static void
page_range (const GstMmapWindow * window, guint64 offset, gsize size,
    guint8 ** start, gsize * length)
{
  guintptr psize = page_size ();
  guintptr first = (guintptr) gst_mmap_window_get_data (window, offset);
  guintptr last = first + size;

  first &= ~(psize - 1);
  last = (last + psize - 1) & ~(psize - 1);

  *start = (guint8 *) first;
  *length = last - first;
}

/**
 * gst_mmap_window_populate:
 *
 * Faults in the pages holding [@offset, @offset + @size) with
 * MADV_POPULATE_READ, reading them from the file if needed, so that the
 * data is resident before anybody touches it.
 *
 * Returns: 0, or an errno value: EFAULT when a page lies past the end of the
 * file (an access would have raised SIGBUS), EINVAL when the kernel does not
 * support MADV_POPULATE_READ (before Linux 5.14), EHWPOISON or ENOMEM.
 */
gint
gst_mmap_window_populate (GstMmapWindow * window, guint64 offset, gsize size)
{
  guint8 *start;
  gsize length;

  if (size == 0)
    return 0;

  page_range (window, offset, size, &start, &length);
  while (madvise (start, length, MADV_POPULATE_READ) < 0) {
    if (errno == EINTR || errno == EAGAIN)
      continue;
    return errno;
  }
  return 0;
}

/**
 * gst_mmap_window_advise:
 *
 * Gives the kernel an access-pattern hint for [@offset, @offset + @size).
 *
 * Returns: 0 or an errno value.
 */
gint
gst_mmap_window_advise (GstMmapWindow * window, guint64 offset, gsize size,
    GstMmapAdvice advice)
{
  static const int advices[] = {
    MADV_NORMAL, MADV_SEQUENTIAL, MADV_RANDOM, MADV_WILLNEED
  };
  guint8 *start;
  gsize length;

  g_return_val_if_fail (advice <= GST_MMAP_ADVICE_WILLNEED, EINVAL);

  if (size == 0)
    return 0;

  page_range (window, offset, size, &start, &length);
  if (madvise (start, length, advices[advice]) < 0)
    return errno;
  return 0;
}

/**
 * gst_mmap_window_is_faulted:
 *
 * Returns: whether a SIGBUS was caught in this window, which means part of
 * it now reads as zeros instead of the file's bytes, or
 * gst_mmap_window_check_fault() found the file shorter than the window.
 */
gboolean
gst_mmap_window_is_faulted (const GstMmapWindow * window)
{
  if (g_atomic_int_get (&((GstMmapWindow *) window)->shrunk))
    return TRUE;
  if (window->slot < 0)
    return FALSE;

  return __atomic_load_n (&guard_slots[window->slot].faulted,
      __ATOMIC_ACQUIRE) != 0;
}

/**
 * gst_mmap_window_set_fault_func:
 *
 * Sets the function that gst_mmap_window_check_fault() calls the first time
 * it finds the window faulted. @notify frees @user_data when the window is
 * freed or the function is replaced.
 */
void
gst_mmap_window_set_fault_func (GstMmapWindow * window,
    GstMmapWindowFaultFunc func, gpointer user_data, GDestroyNotify notify)
{
  GDestroyNotify old_notify;
  gpointer old_data;

  g_mutex_lock (&window->fault_lock);
  old_notify = window->fault_notify;
  old_data = window->fault_data;
  window->fault_func = func;
  window->fault_data = user_data;
  window->fault_notify = notify;
  g_mutex_unlock (&window->fault_lock);

  if (old_notify)
    old_notify (old_data);
}

/**
 * gst_mmap_window_check_fault:
 * @window: a window
 * @stat_file: whether to also check the file's size
 *
 * Checks whether the window faulted and, with @stat_file, whether the file
 * is now shorter than the window: the bytes of the page holding the new end
 * of a truncated file read as zeros without any SIGBUS, so only the file's
 * size tells. The first time it finds either, it calls the fault function
 * (in the calling thread).
 *
 * Returns: whether the window faulted or the file shrank under it.
 */
gboolean
gst_mmap_window_check_fault (GstMmapWindow * window, gboolean stat_file)
{
  GstMmapWindowFaultFunc func;
  gpointer data;

  if (G_LIKELY (!gst_mmap_window_is_faulted (window))) {
    struct stat st;

    if (!stat_file || window->fd < 0 || fstat (window->fd, &st) < 0 ||
        (guint64) st.st_size >= window->offset + window->length)
      return FALSE;
    g_atomic_int_set (&window->shrunk, 1);
  }

  if (g_atomic_int_compare_and_exchange (&window->fault_reported, 0, 1)) {
    g_mutex_lock (&window->fault_lock);
    func = window->fault_func;
    data = window->fault_data;
    if (func)
      func (window, data);
    g_mutex_unlock (&window->fault_lock);
  }
  return TRUE;
}

/**
 * gst_mmap_window_access_begin:
 * @window: a window
 *
 * Starts an access to @window's data by the calling thread: call it before
 * the thread touches the data and gst_mmap_window_access_end() when it is
 * done. A SIGBUS that the faulting thread blocks is never delivered to a
 * handler (the kernel kills the process instead), so if @window is guarded
 * and the calling thread blocks SIGBUS, this unblocks it until the matching
 * gst_mmap_window_access_end() in the same thread. Accesses nest and cost
 * one system call for the outermost one only; nothing happens for unguarded
 * windows.
 */
void
gst_mmap_window_access_begin (GstMmapWindow * window)
{
  guintptr state;
  sigset_t set, old;

  if (window->slot < 0)
    return;

  state = GPOINTER_TO_SIZE (g_private_get (&access_state));
  if (state == 0) {
    sigemptyset (&set);
    sigaddset (&set, SIGBUS);
    pthread_sigmask (SIG_UNBLOCK, &set, &old);
    if (sigismember (&old, SIGBUS) == 1)
      state |= 1;
  }
  state += 2;
  g_private_set (&access_state, GSIZE_TO_POINTER (state));
}

/**
 * gst_mmap_window_access_end:
 * @window: a window
 *
 * Ends an access started with gst_mmap_window_access_begin() in the same
 * thread; the outermost one blocks SIGBUS again if it was blocked before.
 * An end without a begin in the calling thread is ignored.
 */
void
gst_mmap_window_access_end (GstMmapWindow * window)
{
  guintptr state;

  if (window->slot < 0)
    return;

  state = GPOINTER_TO_SIZE (g_private_get (&access_state));
  if (state < 2)
    return;
  state -= 2;
  if (state == 1) {
    sigset_t set;

    sigemptyset (&set);
    sigaddset (&set, SIGBUS);
    pthread_sigmask (SIG_BLOCK, &set, NULL);
    state = 0;
  }
  g_private_set (&access_state, GSIZE_TO_POINTER (state));
}

/**
 * gst_mmap_window_check_range:
 * @window: a window
 * @offset: the file offset of the range that was read
 * @size: its size
 *
 * Checks, after a read of [@offset, @offset + @size), whether the file
 * shrank under that range: whether the window faulted, or whether the
 * page after the range's last page now lies past the end of the file (the
 * bytes of the page that holds the new end read as zeros without any
 * SIGBUS, so only the next page tells). For a guarded window whose next
 * page is inside the window this reads one byte of it (the guard turns a
 * fault into a mark), which costs no system call when the page is mapped;
 * otherwise it checks with fstat() whether the file now ends before the
 * range does. The first time it finds a fault it calls the fault function,
 * as gst_mmap_window_check_fault() does.
 *
 * Returns: whether the file shrank under the range.
 */
gboolean
gst_mmap_window_check_range (GstMmapWindow * window, guint64 offset, gsize size)
{
  guintptr psize = page_size ();
  guintptr next, window_end;

  g_return_val_if_fail (gst_mmap_window_contains (window, offset, size), FALSE);

  if (G_UNLIKELY (gst_mmap_window_is_faulted (window)))
    return gst_mmap_window_check_fault (window, FALSE);

  if (size == 0)
    return gst_mmap_window_check_fault (window, FALSE);

  next = ((guintptr) gst_mmap_window_get_data (window, offset + size - 1) &
      ~(psize - 1)) + psize;
  window_end = (guintptr) gst_mmap_window_get_data (window,
      window->offset + window->length);

  if (window->slot < 0 || next >= window_end) {
    struct stat st;

    if (window->fd < 0 || fstat (window->fd, &st) < 0 ||
        (guint64) st.st_size >= offset + size)
      return FALSE;
    g_atomic_int_set (&window->shrunk, 1);
    return gst_mmap_window_check_fault (window, FALSE);
  }

  gst_mmap_window_access_begin (window);
  (void) *(volatile guint8 *) next;
  gst_mmap_window_access_end (window);

  return gst_mmap_window_check_fault (window, FALSE);
}

/**
 * gst_mmap_guard_get_fault_count:
 *
 * Returns: how many SIGBUS faults the guard has caught in this process.
 */
guint
gst_mmap_guard_get_fault_count (void)
{
  return (guint) __atomic_load_n (&guard_fault_count, __ATOMIC_ACQUIRE);
}

/**
 * gst_mmap_guard_is_installed:
 *
 * Returns: whether the guard's SIGBUS handler is the process's current one.
 */
gboolean
gst_mmap_guard_is_installed (void)
{
  struct sigaction current;

  if (sigaction (SIGBUS, NULL, &current) < 0)
    return FALSE;
  return guard_action_is_ours (&current);
}

/**
 * gst_mmap_guard_get_n_windows:
 *
 * Returns: the number of guarded windows alive in the process.
 */
guint
gst_mmap_guard_get_n_windows (void)
{
  guint n;

  g_mutex_lock (&guard_lock);
  n = guard_n_windows;
  g_mutex_unlock (&guard_lock);
  return n;
}
