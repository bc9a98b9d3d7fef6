/* gst-reuse: the cache index: entries and counters in SQLite
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

#include "gstcacheindex.h"
#include "gstcachestore.h"

#include <sqlite3.h>
#include <string.h>

#define SCHEMA_VERSION 2
/* a writer waits this long for another process's transaction */
#define BUSY_TIMEOUT_MS 30000
/* the WAL, kept between processes, is checkpointed and emptied by the
 * writer whose commit brings it to this many pages (512 KiB) */
#define WAL_CHECKPOINT_PAGES 128

/* the statements that run often (a hit, a counter, a transaction),
 * prepared once per connection and reset after each use */
typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_PUT,
  STMT_TOUCH,
  STMT_REMOVE,
  STMT_TOTALS,
  STMT_LIST,
  STMT_ADD,
  STMT_COUNTERS,
  N_STMTS
} StmtId;

static const gchar *const stmt_sql[N_STMTS] = {
  "BEGIN IMMEDIATE",
  "COMMIT",
  "ROLLBACK",
  /* an upsert, not INSERT OR REPLACE: a replacing delete would not run
   * the delete trigger that keeps the totals */
  "INSERT INTO entries (key, size, last_use, created, namespace, "
      "description) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE "
      "SET size = excluded.size, last_use = excluded.last_use, "
      "created = excluded.created, namespace = excluded.namespace, "
      "description = excluded.description",
  "UPDATE entries SET last_use = MAX (last_use, ?) WHERE key = ?",
  "DELETE FROM entries WHERE key = ?",
  "SELECT bytes, entries FROM totals WHERE id = 0",
  "SELECT key, size, last_use, created, namespace, description FROM "
      "entries ORDER BY last_use, key LIMIT ?",
  "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO "
      "UPDATE SET value = value + excluded.value",
  "SELECT name, value FROM counters ORDER BY name",
};

struct _GstCacheIndex
{
  sqlite3 *db;
  gchar *path;
  /* the prepared statements, and their user: a statement runs in one
   * thread at a time (the connection serialises the calls, not the steps
   * of a statement) */
  GMutex lock;
  sqlite3_stmt *stmts[N_STMTS];
};

/* set in a thread while it tries the write lock without waiting */
static GPrivate no_wait;

/* SQLite's busy timeout, except for a thread that only tries: the same
 * back-off as sqlite3_busy_timeout() */
static int
busy_handler (void *data, int count)
{
  static const guint8 delays[] = { 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50,
    100
  };
  static const guint totals[] = { 0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178,
    228
  };
  guint delay, waited;

  if (g_private_get (&no_wait))
    return 0;
  if (count < (gint) G_N_ELEMENTS (delays)) {
    delay = delays[count];
    waited = totals[count];
  } else {
    delay = 100;
    waited = 328 + (count - G_N_ELEMENTS (delays)) * 100;
  }
  if (waited + delay > BUSY_TIMEOUT_MS)
    return 0;
  g_usleep (delay * 1000);
  return 1;
}

/* After a commit that brings the WAL to WAL_CHECKPOINT_PAGES: a TRUNCATE
 * checkpoint, which copies the WAL into the database, syncs it and cuts
 * the WAL to nothing. SQLite's own (PASSIVE) automatic checkpoint would
 * never let the WAL start over here: a process's first connection
 * rebuilds the WAL's index from the file and counts none of it as copied,
 * so the WAL would grow, and every commit past the limit would copy and
 * sync it all again. The checkpoint does not wait for other processes'
 * readers: with one under way it copies what it can and the WAL stays
 * until a later commit. */
static int
wal_hook (void *data, sqlite3 * db, const char *name, int pages)
{
  gpointer was = g_private_get (&no_wait);

  if (pages < WAL_CHECKPOINT_PAGES)
    return SQLITE_OK;
  g_private_set (&no_wait, GINT_TO_POINTER (1));
  sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  g_private_set (&no_wait, was);
  return SQLITE_OK;
}

void
gst_cache_entry_info_clear (GstCacheEntryInfo * info)
{
  g_clear_pointer (&info->key, g_free);
  g_clear_pointer (&info->name_space, g_free);
  g_clear_pointer (&info->description, g_free);
}

static gboolean
db_error (GstCacheIndex * index, gint rc, const gchar * what, GError ** error)
{
  g_set_error (error, GST_CACHE_STORE_ERROR,
      rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ?
      GST_CACHE_STORE_ERROR_DAMAGED : GST_CACHE_STORE_ERROR_IO,
      "Cache index \"%s\": %s: %s", index->path, what,
      index->db ? sqlite3_errmsg (index->db) : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
exec (GstCacheIndex * index, const gchar * sql, GError ** error)
{
  gint rc = sqlite3_exec (index->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return db_error (index, rc, sql, error);
  return TRUE;
}

static sqlite3_stmt *
prepare (GstCacheIndex * index, const gchar * sql, GError ** error)
{
  sqlite3_stmt *st = NULL;
  gint rc = sqlite3_prepare_v2 (index->db, sql, -1, &st, NULL);

  if (rc != SQLITE_OK) {
    db_error (index, rc, sql, error);
    return NULL;
  }
  return st;
}

/* a statement of the cache, prepared at its first use, with the index's
 * lock held: give it back with release() */
static sqlite3_stmt *
acquire (GstCacheIndex * index, StmtId id, GError ** error)
{
  gint rc;

  g_mutex_lock (&index->lock);
  if (index->stmts[id] != NULL)
    return index->stmts[id];
  rc = sqlite3_prepare_v3 (index->db, stmt_sql[id], -1,
      SQLITE_PREPARE_PERSISTENT, &index->stmts[id], NULL);
  if (rc != SQLITE_OK) {
    db_error (index, rc, stmt_sql[id], error);
    index->stmts[id] = NULL;
    g_mutex_unlock (&index->lock);
    return NULL;
  }
  return index->stmts[id];
}

static void
release (GstCacheIndex * index, sqlite3_stmt * st)
{
  sqlite3_reset (st);
  sqlite3_clear_bindings (st);
  g_mutex_unlock (&index->lock);
}

/* runs a statement that returns no rows, and releases it */
static gboolean
step_done (GstCacheIndex * index, sqlite3_stmt * st, GError ** error)
{
  gint rc = sqlite3_step (st);
  gboolean ok = rc == SQLITE_DONE;

  if (!ok)
    db_error (index, rc, sqlite3_sql (st), error);
  release (index, st);
  return ok;
}

/* a cached statement without parameters or rows; the SQLite result code */
static gint
run_cached (GstCacheIndex * index, StmtId id)
{
  sqlite3_stmt *st = acquire (index, id, NULL);
  gint rc;

  if (st == NULL)
    return sqlite3_errcode (index->db);
  rc = sqlite3_step (st);
  release (index, st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static GstCacheIndex *
index_open_once (const gchar * path, gboolean * corrupt, gboolean * fresh,
    gboolean * busy, GError ** error)
{
  GstCacheIndex *index = g_new0 (GstCacheIndex, 1);
  sqlite3_stmt *st;
  gint rc, version = 0;

  *corrupt = FALSE;
  *fresh = FALSE;
  index->path = g_strdup (path);
  g_mutex_init (&index->lock);
  rc = sqlite3_open_v2 (path, &index->db, SQLITE_OPEN_READWRITE |
      SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    goto failed;
  sqlite3_busy_handler (index->db, busy_handler, NULL);
  /* WAL: readers never wait for the writer; NORMAL: a commit is durable
   * at the next checkpoint, and the index can always be rebuilt */
  if (!exec (index, "PRAGMA journal_mode=WAL", NULL) ||
      !exec (index, "PRAGMA synchronous=NORMAL", NULL))
    goto failed_rc;
  /* The WAL stays when the last connection closes: no checkpoint, no
   * delete. Closing would otherwise checkpoint, sync the database and the
   * WAL and delete it at the exit of every process (3 to 4 syncs, even
   * after a hit that only counted itself), and the next process would
   * create and sync a new WAL. wal_hook() empties it instead. */
  sqlite3_db_config (index->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  sqlite3_wal_hook (index->db, wal_hook, NULL);

  st = prepare (index, "PRAGMA user_version", NULL);
  if (st == NULL)
    goto failed_rc;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    version = sqlite3_column_int (st, 0);
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW)
    goto failed;
  if (version == SCHEMA_VERSION)
    return index;
  if (version != 0) {
    g_set_error (error, GST_CACHE_STORE_ERROR, GST_CACHE_STORE_ERROR_DAMAGED,
        "Cache index \"%s\" has schema version %d, not %d", path, version,
        SCHEMA_VERSION);
    *corrupt = TRUE;
    gst_cache_index_close (index);
    return NULL;
  }
  if (!exec (index, "BEGIN IMMEDIATE", error))
    goto failed_quiet;
  if (!exec (index, "CREATE TABLE IF NOT EXISTS entries ("
          "key TEXT PRIMARY KEY, size INTEGER NOT NULL, "
          "last_use INTEGER NOT NULL, created INTEGER NOT NULL, "
          "namespace TEXT NOT NULL, description TEXT NOT NULL)", error) ||
      !exec (index, "CREATE INDEX IF NOT EXISTS entries_lru ON "
          "entries (last_use, key)", error) ||
      !exec (index, "CREATE TABLE IF NOT EXISTS counters ("
          "name TEXT PRIMARY KEY, value INTEGER NOT NULL)", error) ||
      /* the size and number of entries, kept by SQLite itself, so that
       * a store need not sum every row */
      !exec (index, "CREATE TABLE IF NOT EXISTS totals ("
          "id INTEGER PRIMARY KEY CHECK (id = 0), bytes INTEGER NOT NULL, "
          "entries INTEGER NOT NULL)", error) ||
      !exec (index, "INSERT OR IGNORE INTO totals VALUES (0, 0, 0)", error) ||
      !exec (index, "CREATE TRIGGER IF NOT EXISTS entries_insert AFTER "
          "INSERT ON entries BEGIN UPDATE totals SET bytes = bytes + "
          "NEW.size, entries = entries + 1; END", error) ||
      !exec (index, "CREATE TRIGGER IF NOT EXISTS entries_delete AFTER "
          "DELETE ON entries BEGIN UPDATE totals SET bytes = bytes - "
          "OLD.size, entries = entries - 1; END", error) ||
      !exec (index, "CREATE TRIGGER IF NOT EXISTS entries_update AFTER "
          "UPDATE OF size ON entries BEGIN UPDATE totals SET bytes = bytes - "
          "OLD.size + NEW.size; END", error) ||
      !exec (index, "COMMIT", error)) {
    sqlite3_exec (index->db, "ROLLBACK", NULL, NULL, NULL);
    goto failed_quiet;
  }
  /* the version is set by gst_cache_index_set_ready(), in the transaction
   * that indexes the entry files: an index whose rebuild was cut short is
   * rebuilt again */
  *fresh = TRUE;
  return index;

failed_rc:
  rc = sqlite3_errcode (index->db);
failed:
  *corrupt = rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
  db_error (index, rc, "open", error);
failed_quiet:
  if (error && *error && (*error)->code == GST_CACHE_STORE_ERROR_DAMAGED)
    *corrupt = TRUE;
  *busy = (sqlite3_extended_errcode (index->db) & 0xff) == SQLITE_BUSY ||
      (sqlite3_extended_errcode (index->db) & 0xff) == SQLITE_LOCKED;
  gst_cache_index_close (index);
  return NULL;
}

/* SQLite does not call the busy handler where waiting could deadlock, and
 * switching a database that another connection is creating to WAL is such
 * a place: two processes (or threads) that open a new cache at once would
 * see "database is locked". The whole open is tried again instead, within
 * the busy timeout. */
GstCacheIndex *
gst_cache_index_open (const gchar * path, gboolean * corrupt,
    gboolean * fresh, GError ** error)
{
  guint waited_ms = 0, delay_ms = 1;

  for (;;) {
    GError *err = NULL;
    gboolean busy = FALSE;
    GstCacheIndex *index = index_open_once (path, corrupt, fresh, &busy,
        &err);

    if (index != NULL || !busy || waited_ms >= BUSY_TIMEOUT_MS ||
        g_private_get (&no_wait)) {
      if (err)
        g_propagate_error (error, err);
      return index;
    }
    g_error_free (err);
    g_usleep (delay_ms * 1000);
    waited_ms += delay_ms;
    delay_ms = MIN (delay_ms * 2, 100);
  }
}

void
gst_cache_index_close (GstCacheIndex * index)
{
  guint i;

  if (index == NULL)
    return;
  for (i = 0; i < N_STMTS; i++)
    sqlite3_finalize (index->stmts[i]);
  sqlite3_close_v2 (index->db);
  g_mutex_clear (&index->lock);
  g_free (index->path);
  g_free (index);
}

gboolean
gst_cache_index_begin (GstCacheIndex * index, GError ** error)
{
  gint rc = run_cached (index, STMT_BEGIN);

  if (rc != SQLITE_OK)
    return db_error (index, rc, "BEGIN IMMEDIATE", error);
  return TRUE;
}

gboolean
gst_cache_index_try_begin (GstCacheIndex * index, gboolean * busy,
    GError ** error)
{
  gint rc;

  g_private_set (&no_wait, GINT_TO_POINTER (1));
  rc = run_cached (index, STMT_BEGIN);
  g_private_set (&no_wait, NULL);
  *busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED;
  if (rc != SQLITE_OK)
    return db_error (index, rc, "BEGIN IMMEDIATE", error);
  return TRUE;
}

gboolean
gst_cache_index_set_ready (GstCacheIndex * index, GError ** error)
{
  gchar *sql = g_strdup_printf ("PRAGMA user_version=%d", SCHEMA_VERSION);
  gboolean ok = exec (index, sql, error);

  g_free (sql);
  return ok;
}

gboolean
gst_cache_index_commit (GstCacheIndex * index, GError ** error)
{
  gint rc = run_cached (index, STMT_COMMIT);

  if (rc == SQLITE_OK)
    return TRUE;
  db_error (index, rc, "COMMIT", error);
  gst_cache_index_rollback (index);
  return FALSE;
}

void
gst_cache_index_rollback (GstCacheIndex * index)
{
  if (sqlite3_get_autocommit (index->db))
    return;
  run_cached (index, STMT_ROLLBACK);
}

gboolean
gst_cache_index_put (GstCacheIndex * index, const GstCacheEntryInfo * info,
    GError ** error)
{
  sqlite3_stmt *st = acquire (index, STMT_PUT, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, info->key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, info->size);
  sqlite3_bind_int64 (st, 3, info->last_use_ns);
  sqlite3_bind_int64 (st, 4, info->created_s);
  sqlite3_bind_text (st, 5, info->name_space ? info->name_space : "", -1,
      SQLITE_STATIC);
  sqlite3_bind_text (st, 6, info->description ? info->description : "", -1,
      SQLITE_STATIC);
  return step_done (index, st, error);
}

gboolean
gst_cache_index_touch (GstCacheIndex * index, const gchar * key,
    gint64 now_ns, gboolean * found, GError ** error)
{
  sqlite3_stmt *st = acquire (index, STMT_TOUCH, error);
  gint rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, now_ns);
  sqlite3_bind_text (st, 2, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc != SQLITE_DONE) {
    db_error (index, rc, "touch", error);
    release (index, st);
    return FALSE;
  }
  *found = sqlite3_changes (index->db) > 0;
  release (index, st);
  return TRUE;
}

gboolean
gst_cache_index_remove (GstCacheIndex * index, const gchar * key,
    GError ** error)
{
  sqlite3_stmt *st;

  if (key == NULL)
    return exec (index, "DELETE FROM entries", error);
  st = acquire (index, STMT_REMOVE, error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  return step_done (index, st, error);
}

gboolean
gst_cache_index_totals (GstCacheIndex * index, guint64 * bytes,
    guint64 * entries, GError ** error)
{
  sqlite3_stmt *st = acquire (index, STMT_TOTALS, error);
  gint rc;

  if (st == NULL)
    return FALSE;
  rc = sqlite3_step (st);
  if (rc != SQLITE_ROW) {
    db_error (index, rc, "totals", error);
    release (index, st);
    return FALSE;
  }
  *bytes = sqlite3_column_int64 (st, 0);
  *entries = sqlite3_column_int64 (st, 1);
  release (index, st);
  return TRUE;
}

static gchar *
column_text (sqlite3_stmt * st, gint col)
{
  const guchar *t = sqlite3_column_text (st, col);

  return g_strdup (t ? (const gchar *) t : "");
}

GArray *
gst_cache_index_list (GstCacheIndex * index, guint limit, GError ** error)
{
  sqlite3_stmt *st = acquire (index, STMT_LIST, error);
  GArray *rows;
  gint rc;

  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, limit ? (gint64) limit : -1);
  rows = g_array_new (FALSE, TRUE, sizeof (GstCacheEntryInfo));
  g_array_set_clear_func (rows, (GDestroyNotify) gst_cache_entry_info_clear);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    GstCacheEntryInfo info;

    info.key = column_text (st, 0);
    info.size = sqlite3_column_int64 (st, 1);
    info.last_use_ns = sqlite3_column_int64 (st, 2);
    info.created_s = sqlite3_column_int64 (st, 3);
    info.name_space = column_text (st, 4);
    info.description = column_text (st, 5);
    g_array_append_val (rows, info);
  }
  release (index, st);
  if (rc != SQLITE_DONE) {
    db_error (index, rc, "list", error);
    g_array_unref (rows);
    return NULL;
  }
  return rows;
}

gboolean
gst_cache_index_add (GstCacheIndex * index, const gchar * counter,
    gint64 delta, GError ** error)
{
  sqlite3_stmt *st = acquire (index, STMT_ADD, error);

  if (st == NULL)
    return FALSE;
  sqlite3_bind_text (st, 1, counter, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (st, 2, delta);
  return step_done (index, st, error);
}

static void
counter_clear (GstCacheCounter * c)
{
  g_free (c->name);
}

GArray *
gst_cache_index_counters (GstCacheIndex * index, GError ** error)
{
  sqlite3_stmt *st = acquire (index, STMT_COUNTERS, error);
  GArray *out;
  gint rc;

  if (st == NULL)
    return NULL;
  out = g_array_new (FALSE, TRUE, sizeof (GstCacheCounter));
  g_array_set_clear_func (out, (GDestroyNotify) counter_clear);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
    GstCacheCounter c = { column_text (st, 0), sqlite3_column_int64 (st, 1) };

    g_array_append_val (out, c);
  }
  release (index, st);
  if (rc != SQLITE_DONE) {
    db_error (index, rc, "counters", error);
    g_array_unref (out);
    return NULL;
  }
  return out;
}

gboolean
gst_cache_index_zero (GstCacheIndex * index, GError ** error)
{
  return exec (index, "DELETE FROM counters", error);
}
