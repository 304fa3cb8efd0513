-- Requests made by a Terraform run task say so in `source`, like GitHub's (no API client made them).
ALTER TYPE "request_source" ADD VALUE 'terraform';
