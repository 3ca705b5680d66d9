// The web app imports types from the server's modules (type-only, nothing is bundled). Some of
// them augment Fastify's request type, which needs Fastify's declarations in this program too.
import type {} from 'fastify';
