import dotenv from 'dotenv';

/** Loads `.env` from the working directory into process.env (real environment variables win). */
export function loadDotenv(): void {
  dotenv.config({ quiet: true });
}
