/**
 * Turns on SQLite URI filenames for this process. better-sqlite3 reads
 * SQLITE_USE_URI once, when its native module loads, so this module must be
 * imported before it. Only names starting with "file:" are affected; the
 * read-only key check needs `readonly_shm=1`, which only a URI can say.
 */
process.env.SQLITE_USE_URI = "1";

export {};
