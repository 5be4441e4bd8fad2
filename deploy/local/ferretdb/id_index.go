package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the same SQLite driver FerretDB uses
)

// FerretDB v1's SQLite backend indexes `_id` as `_ferretdb_sjson->"_id"` but looks documents up
// by `_ferretdb_sjson->'$._id'`. SQLite only uses an expression index for the identical
// expression, so every find, update or delete by _id scanned the whole table: writes slowed down
// linearly with the collection's size (80 ms per update at 20,000 documents). indexIDs adds the
// index those lookups can use to every collection table, shortly after FerretDB creates it.
// FerretDB does not know this index; it disappears with its table.
const indexSuffix = "_kepu_id_lookup"

// A look opens the database and asks SQLite, which costs CPU (the pure-Go SQLite); doing it for every
// file twice a second was most of an idle platform's FerretDB cost. So a file is only looked at again
// when it (or its write-ahead log) changed since the last look that succeeded: a new collection is a
// write, and an idle platform writes nothing.
func indexIDs(ctx context.Context, dir string, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	seen := map[string]fileState{}
	for {
		indexPass(ctx, dir, seen)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// indexPass looks at each database file that changed since its last successful look (recorded in
// seen) and returns how many it looked at.
func indexPass(ctx context.Context, dir string, seen map[string]fileState) int {
	looked := 0
	files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	for _, file := range files {
		now := stateOf(file)
		if last, ok := seen[file]; ok && last == now {
			continue
		}
		looked++
		if err := indexFile(ctx, file); err != nil {
			if ctx.Err() == nil {
				log.Printf("kepu-ferretdb: indexing _id in %s: %v", filepath.Base(file), err)
			}
			delete(seen, file)
			continue
		}
		// What was read before the look: a table created during it changes the file again.
		seen[file] = now
	}
	return looked
}

// fileState is what changes when SQLite writes a database: the file's and its WAL's size and mtime.
type fileState struct {
	size, walSize   int64
	mtime, walMtime time.Time
}

func stateOf(file string) fileState {
	var s fileState
	if info, err := os.Stat(file); err == nil {
		s.size, s.mtime = info.Size(), info.ModTime()
	}
	if info, err := os.Stat(file + "-wal"); err == nil {
		s.walSize, s.walMtime = info.Size(), info.ModTime()
	}
	return s
}

// indexFile asks SQLite which tables lack the index each time (no cache): a dropped and re-created
// database reuses its table names.
func indexFile(ctx context.Context, file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || ?)`, indexSuffix)
	if err != nil {
		return nil // a database FerretDB is still creating or has just dropped
	}
	var tables []string
	for rows.Next() {
		var table string
		if rows.Scan(&table) == nil {
			tables = append(tables, table)
		}
	}
	rows.Close()
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+indexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
