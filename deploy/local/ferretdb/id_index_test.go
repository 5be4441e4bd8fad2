package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// A file is looked at when it is new or changed, not again while it stays the same; a collection
// table created later gets its _id lookup index at the next look.
func TestIndexPassLooksOnlyAtChangedFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "kepu.sqlite")+"?_pragma=journal_mode(wal)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	hasIndex := func(table string) bool {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?`, table+indexSuffix).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	exec(`CREATE TABLE _ferretdb_collections (name TEXT, table_name TEXT)`)
	exec(`CREATE TABLE orders_1 (_ferretdb_sjson TEXT)`)
	exec(`INSERT INTO _ferretdb_collections VALUES ('orders', 'orders_1')`)

	seen := map[string]fileState{}
	if looked := indexPass(ctx, dir, seen); looked != 1 || !hasIndex("orders_1") {
		t.Fatalf("first pass: looked at %d files (want 1), index made: %v", looked, hasIndex("orders_1"))
	}
	indexPass(ctx, dir, seen) // the index just made changed the file: one more look
	if looked := indexPass(ctx, dir, seen); looked != 0 {
		t.Fatalf("an unchanged file was looked at again (%d)", looked)
	}

	exec(`CREATE TABLE teams_2 (_ferretdb_sjson TEXT)`)
	exec(`INSERT INTO _ferretdb_collections VALUES ('teams', 'teams_2')`)
	if looked := indexPass(ctx, dir, seen); looked != 1 || !hasIndex("teams_2") {
		t.Fatalf("after a new collection: looked at %d files (want 1), index made: %v", looked, hasIndex("teams_2"))
	}
}
