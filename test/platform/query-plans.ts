import Database from 'better-sqlite3';
import pg from 'pg';
import { MODULE_NAMES } from '../../src/platform/kernel/config.js';
import type { RecordedStatement } from '../support/statement-recorder.js';
import { LARGE_TABLES } from './query-plans.seed.js';

/** A statement whose plan reads a large table whole, and the plan line or node that does. */
export interface FullScan {
  sql: string;
  scan: string;
}

const EXPLAINABLE = /^\s*(select|insert|update|delete|with)\b/i;
const distinct = (statements: RecordedStatement[]) => [
  ...new Map(statements.filter((s) => EXPLAINABLE.test(s.sql)).map((s) => [`${s.file}|${s.sql}`, s])).values(),
];

/** Table of each name a statement reads through (`products p`, `FROM "outbox"`). */
function tablesByName(sql: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const [, table, alias] of sql.matchAll(
    /\b(?:from|join|into|update)\s+[`"]?(\w+)[`"]?(?:\s+(?:as\s+)?(?!where|on|set|order|limit|join|left|inner|values)(\w+))?/gi,
  )) {
    names.set(table, table);
    if (alias) names.set(alias, table);
  }
  return names;
}

/**
 * SQLite: EXPLAIN QUERY PLAN on the module's file. `SCAN t` reads t whole, unless the statement has a
 * LIMIT and no WHERE (it reads the first rows in key order and stops); `SCAN t USING … INDEX` walks
 * an index in order, acceptable when a LIMIT stops it; FTS5 (`VIRTUAL TABLE`) is an index.
 */
export function sqliteFullScans(statements: RecordedStatement[]): FullScan[] {
  const connections = new Map<string, Database.Database>();
  const scans: FullScan[] = [];
  try {
    for (const statement of distinct(statements)) {
      if (!statement.file || statement.file === ':memory:') continue;
      let db = connections.get(statement.file);
      if (!db) connections.set(statement.file, (db = new Database(statement.file, { readonly: true })));
      const names = tablesByName(statement.sql);
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params) as { detail: string }[];
      for (const { detail } of plan) {
        const match = /^SCAN (\w+)(.*)$/.exec(detail);
        if (!match || match[2].includes('VIRTUAL TABLE')) continue;
        const table = names.get(match[1]) ?? match[1];
        const limited = /\blimit\b/i.test(statement.sql);
        const stopsEarly = limited && (/USING .*INDEX/.test(match[2]) || !/\bwhere\b/i.test(statement.sql));
        if (LARGE_TABLES.includes(table) && !stopsEarly) scans.push({ sql: statement.sql, scan: detail });
      }
    }
  } finally {
    for (const db of connections.values()) db.close();
  }
  return scans;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
const seqScans = (node: PlanNode): string[] => [
  ...(node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : []),
  ...(node.Plans ?? []).flatMap(seqScans),
];

/**
 * PostgreSQL: EXPLAIN in every module schema that has the statement's tables; a Seq Scan of a large
 * table fails. With enable_seqscan off the planner still scans only when no index can serve the
 * statement: on tables of tens of thousands of rows it would rightly prefer scanning some that an
 * index serves, and those choices change with size, not what the test is about.
 */
export async function postgresFullScans(databaseUrl: string, statements: RecordedStatement[]): Promise<FullScan[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('SET enable_seqscan = off');
  const scans: FullScan[] = [];
  try {
    for (const statement of distinct(statements)) {
      for (const schema of MODULE_NAMES) {
        await client.query(`SET search_path TO "${schema}"`);
        let plan: PlanNode;
        try {
          const { rows } = await client.query({
            text: `EXPLAIN (FORMAT JSON) ${statement.sql}`,
            values: statement.params,
          });
          plan = (rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan;
        } catch (error) {
          if ((error as { code?: string }).code === '42P01') continue; // not this module's table
          throw new Error(`EXPLAIN ${statement.sql}: ${(error as Error).message}`);
        }
        for (const table of seqScans(plan).filter((name) => LARGE_TABLES.includes(name)))
          scans.push({ sql: statement.sql, scan: `Seq Scan on ${schema}.${table}` });
      }
    }
  } finally {
    await client.end();
  }
  return scans;
}
