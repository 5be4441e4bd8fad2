package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
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

func indexIDs(ctx context.Context, dir string, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			if err := indexFile(ctx, file); err != nil && ctx.Err() == nil {
				log.Printf("kepu-ferretdb: indexing _id in %s: %v", filepath.Base(file), err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
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
