import 'dotenv/config';
import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI only (generate, and migrate/studio for users who have Prisma's engine).
// The service itself applies migrations with src/platform/migrate.ts (npm run db:migrate).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/greenlight' },
});
