"""PostgreSQL: appending to the audit chain is one call. The chain's lock is held until commit, and every round
trip made under it waits for the server process to come back to it: bench/sync.py found pushes queued on the
lock while its holder sat idle in transaction. `choucha_chain_append` takes the lock, reads the head, links
and inserts the entries (SHA-256 over the text Python wrote out, `backend.audit.chain.link_parts`) and the
rows that must be numbered in commit order with them (the sync change feed), so only the commit is left."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T15:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit chain appended in one call under its lock"

# A VOLATILE function's statements each take a new snapshot: the head is read as committed when the lock was
# granted, which a single statement taking the lock would not see. The `along` rows are JSON arrays of
# objects, inserted into their table by column name in array order.
CHAIN_APPEND = r"""
CREATE OR REPLACE FUNCTION choucha_chain_append(
    lock_id bigint, heads text[], tails text[], p_at text, actor_ids integer[], actor_names text[],
    actions text[], target_types text[], target_ids text[], befores text[], afters text[], details text[],
    along_tables text[], along_rows text[])
RETURNS TABLE (entry_seq integer, entry_prev varchar, entry_hash varchar) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    head_seq integer;
    head_hash text;
    seqs integer[] := '{}';
    prevs text[] := '{}';
    hashes text[] := '{}';
    columns text;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_id);
    SELECT a.seq, a.hash INTO head_seq, head_hash FROM audit_entry a ORDER BY a.seq DESC LIMIT 1;
    head_seq := coalesce(head_seq, 0);
    head_hash := coalesce(head_hash, repeat('0', 64));
    FOR i IN 1 .. coalesce(array_length(heads, 1), 0) LOOP
        head_seq := head_seq + 1;
        seqs := seqs || head_seq;
        prevs := prevs || head_hash;
        head_hash := encode(sha256(convert_to(heads[i] || head_hash || '","seq":' || head_seq || tails[i],
                                              'UTF8')), 'hex');
        hashes := hashes || head_hash;
    END LOOP;
    INSERT INTO audit_entry (seq, at, actor_id, actor_name, action, target_type, target_id, before_digest,
                             after_digest, detail, prev_hash, hash)
    SELECT u.s, p_at, u.ai, u.an, u.ac, u.tt, u.ti, u.b, u.af, u.d::json, u.p, u.h
    FROM unnest(seqs, actor_ids, actor_names, actions, target_types, target_ids, befores, afters, details, prevs,
                hashes) AS u(s, ai, an, ac, tt, ti, b, af, d, p, h);
    FOR i IN 1 .. coalesce(array_length(along_tables, 1), 0) LOOP
        SELECT string_agg(quote_ident(k), ', ') INTO columns FROM json_object_keys(along_rows[i]::json -> 0) AS k;
        EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM json_populate_recordset(NULL::%I, $1::json)',
                       along_tables[i], columns, columns, along_tables[i]) USING along_rows[i];
    END LOOP;
    RETURN QUERY SELECT u.s, u.p::varchar, u.h::varchar FROM unnest(seqs, prevs, hashes) AS u(s, p, h);
END
$$
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="choucha", description=DESCRIPTION)

    async def create_function():
        engine = engine_finder()
        if engine.engine_type == "postgres":
            await engine.run_ddl(CHAIN_APPEND)

    manager.add_raw(create_function)
    return manager
