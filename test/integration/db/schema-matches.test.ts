import { readFileSync } from 'node:fs';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/platform/migrate.ts';
import { query, useTestDatabase } from '../../support/database.ts';

interface DmmfField {
  name: string;
  kind: 'scalar' | 'object' | 'enum';
  type: string;
  isList: boolean;
  isRequired: boolean;
  dbName?: string | null;
  nativeType?: [string, string[]] | null;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  uniqueFields: string[][];
}
interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: Array<{ name: string; dbName?: string | null }>;
}

const schemaText = readFileSync(new URL('../../../prisma/schema.prisma', import.meta.url), 'utf8');
const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] }))) as {
  datamodel: { models: DmmfModel[]; enums: DmmfEnum[] };
};

/** PostgreSQL's udt_name for a Prisma scalar (or its @db native type), as Prisma Migrate would create it. */
function expectedUdt(field: DmmfField, enums: Map<string, string>): string {
  const base = (() => {
    if (field.kind === 'enum') return enums.get(field.type) ?? field.type;
    const native = field.nativeType?.[0];
    if (native === 'Uuid') return 'uuid';
    if (native === 'Timestamptz') return 'timestamptz';
    switch (field.type) {
      case 'String':
        return 'text';
      case 'Int':
        return 'int4';
      case 'BigInt':
        return 'int8';
      case 'Boolean':
        return 'bool';
      case 'Json':
        return 'jsonb';
      case 'DateTime':
        return 'timestamp';
      case 'Float':
        return 'float8';
      default:
        return field.type;
    }
  })();
  return field.isList ? `_${base}` : base;
}

describe('migrated database matches prisma/schema.prisma', () => {
  const database = useTestDatabase();
  const enumsByName = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  let columns: Array<{ table_name: string; column_name: string; udt_name: string; is_nullable: 'YES' | 'NO' }>;

  beforeAll(async () => {
    await migrate({ url: database.current.url });
    columns = await query(
      database.current.url,
      "SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
    );
  });

  it('has a table for every model and no stray tables', () => {
    const tables = new Set(columns.map((c) => c.table_name));
    tables.delete('_prisma_migrations');
    const expected = dmmf.datamodel.models.map((m) => m.dbName ?? m.name);
    expect([...tables].sort()).toEqual([...expected].sort());
  });

  for (const model of dmmf.datamodel.models) {
    it(`${model.name}: every field exists with the right type and nullability, and no extra columns`, () => {
      const table = model.dbName ?? model.name;
      const actual = columns.filter((c) => c.table_name === table);
      const scalars = model.fields.filter((f) => f.kind !== 'object');
      for (const field of scalars) {
        const column = actual.find((c) => c.column_name === (field.dbName ?? field.name));
        expect(column, `${table}.${field.dbName ?? field.name} is missing`).toBeDefined();
        expect(column?.udt_name, `${table}.${field.name} type`).toBe(expectedUdt(field, enumsByName));
        // Prisma creates list columns nullable; every other field is NOT NULL exactly when required.
        const nullable = field.isList ? 'YES' : field.isRequired ? 'NO' : 'YES';
        expect(column?.is_nullable, `${table}.${field.name} nullability`).toBe(nullable);
      }
      expect(actual.map((c) => c.column_name).sort()).toEqual(scalars.map((f) => f.dbName ?? f.name).sort());
    });
  }

  it('every enum exists with the same values in order', async () => {
    const rows = await query<{ typname: string; labels: string[] }>(
      database.current.url,
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(
      dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]),
    );
    expect(actual).toEqual(expected);
  });

  it('has the unique constraints the schema declares', async () => {
    const rows = await query<{ indexname: string }>(
      database.current.url,
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE INDEX%'",
    );
    const names = new Set(rows.map((r) => r.indexname));
    for (const model of dmmf.datamodel.models) {
      const table = model.dbName ?? model.name;
      for (const fields of model.uniqueFields) {
        const columnsOf = fields.map((f) => model.fields.find((x) => x.name === f)?.dbName ?? f);
        expect(names, `${table} unique (${columnsOf.join(', ')})`).toContain(`${table}_${columnsOf.join('_')}_key`);
      }
      for (const field of model.fields.filter((f) => (f as DmmfField & { isUnique: boolean }).isUnique)) {
        expect(names).toContain(`${table}_${field.dbName ?? field.name}_key`);
      }
    }
  });
});
